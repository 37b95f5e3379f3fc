/*
 * Looking at object state from outside: a plain-data snapshot of everything reachable from a set
 * of slots (for "an invalid call changes nothing" tests and for debugging), and a checker of the
 * derivation tree's invariants (for property tests and the kernel's invariant checker).
 */

import { wordToHex } from '@tsel4/hal';
import { type Cap, CapType, capTypeName } from './cap.js';
import { capIsPhysical, capPtr, capSizeBits } from './capregion.js';
import { CNodeObj } from './cnode.js';
import type { Cte } from './cte.js';
import { AsidPool, Endpoint, type KObject, Notification, PageEntry, PagingObject, queueToArray } from './kobject.js';
import { isMDBParentOf } from './mdb.js';
import { Tcb } from './tcb.js';

/** Every slot holding a cap that can be reached from `roots` through CNode and TCB caps. */
export function reachableSlots(roots: Iterable<Cte>): Cte[] {
  const seen = new Set<Cte>();
  const seenObj = new Set<KObject>();
  const work: Cte[] = [...roots];
  const out: Cte[] = [];
  while (work.length > 0) {
    const s = work.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (s.isEmpty) continue;
    out.push(s);
    // follow the derivation tree both ways: every cap of the system is on one list
    if (s.mdbPrev !== null) work.push(s.mdbPrev);
    if (s.mdbNext !== null) work.push(s.mdbNext);
    const o = s.cap.obj;
    if (o !== null && !seenObj.has(o)) {
      seenObj.add(o);
      if (o instanceof CNodeObj) work.push(...o.occupied());
      else if (o instanceof Tcb) work.push(...o.ctes.filter((c) => !c.isEmpty));
    }
  }
  return out;
}

function describeCap(c: Cap): Record<string, unknown> {
  const d: Record<string, unknown> = { type: capTypeName(c.type) };
  if (c.obj !== null) d['obj'] = `${c.obj.kindName}@${c.obj.addr.toString(16)}`;
  if (c.lo !== 0 || c.hi !== 0) d['word'] = wordToHex(c.lo, c.hi);
  if (c.rights !== 0) d['rights'] = c.rights;
  if (c.a !== 0) d['a'] = c.a;
  if (c.b !== 0) d['b'] = c.b;
  if (c.c !== 0) d['c'] = c.c;
  return d;
}

/** The valid entries of a paging structure or ASID pool, by index. */
function describeEntries(entries: readonly (KObject | PageEntry | null)[]): Record<number, string> {
  const out: Record<number, string> = {};
  entries.forEach((e, i) => {
    if (e instanceof PageEntry) out[i] = `page@${e.paddr.toString(16)}/${e.sizeBits} rights=${e.rights} attr=${e.attr}`;
    else if (e !== null) out[i] = `${e.kindName}@${e.addr.toString(16)}`;
  });
  return out;
}

function slotName(s: Cte): string {
  return s.owner === null ? `kernel[${s.index}]` : `${s.owner.describe()}[${s.index}]`;
}

/**
 * A JSON-comparable picture of everything reachable from `roots`: every slot with its cap and
 * flags, the derivation-tree order, and the state of every endpoint, notification and TCB named.
 */
export function snapshot(roots: Iterable<Cte>): unknown {
  const slots = reachableSlots(roots);
  const byName = new Map(slots.map((s) => [slotName(s), s]));
  const names = [...byName.keys()].sort();
  const objects = new Map<string, unknown>();
  for (const s of slots) {
    const o = s.cap.obj;
    if (o === null) continue;
    const key = `${o.kindName}@${o.addr.toString(16)}`;
    if (objects.has(key)) continue;
    if (o instanceof Endpoint) {
      objects.set(key, { state: o.state, queue: queueToArray(o).map((t) => t.describe()) });
    } else if (o instanceof Notification) {
      objects.set(key, {
        state: o.state,
        word: wordToHex(o.wordLo, o.wordHi),
        bound: o.boundTcb?.describe() ?? null,
        queue: queueToArray(o).map((t) => t.describe()),
      });
    } else if (o instanceof Tcb) {
      objects.set(key, {
        state: o.state,
        priority: o.priority,
        mcp: o.mcp,
        bound: o.boundNotification !== null,
        fault: o.fault?.type ?? 0,
        regs: Array.from(o.ctx.regs),
      });
    } else if (o instanceof PagingObject) {
      objects.set(key, describeEntries(o.entries));
    } else if (o instanceof AsidPool) {
      objects.set(key, describeEntries(o.entries));
    }
  }
  // the derivation order: walk from the first entry of each chain
  const order: string[] = [];
  const heads = slots.filter((s) => s.mdbPrev === null);
  for (const h of heads.sort((a, b) => slotName(a).localeCompare(slotName(b)))) {
    for (let s: Cte | null = h; s !== null; s = s.mdbNext) order.push(slotName(s));
  }
  return {
    slots: names.map((n) => {
      const s = byName.get(n)!;
      return { slot: n, cap: describeCap(s.cap), revocable: s.revocable, firstBadged: s.firstBadged };
    }),
    order,
    objects: Object.fromEntries([...objects.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * The derivation tree's invariants over the given slots (usually reachableSlots of the roots):
 * links are symmetric and acyclic, empty slots are unlinked, every object inside an untyped's
 * region is a descendant of that untyped and lies below its watermark, and no two live objects
 * overlap. Returns one line per violation.
 */
export function checkMdb(slots: readonly Cte[]): string[] {
  const bad: string[] = [];
  const inSet = new Set(slots);
  for (const s of slots) {
    if (s.isEmpty) {
      if (s.mdbPrev !== null || s.mdbNext !== null) bad.push(`${slotName(s)}: empty slot is linked`);
      continue;
    }
    if (s.mdbNext !== null && s.mdbNext.mdbPrev !== s) bad.push(`${slotName(s)}: next does not point back`);
    if (s.mdbPrev !== null && s.mdbPrev.mdbNext !== s) bad.push(`${slotName(s)}: prev does not point forward`);
    if (s.mdbNext !== null && !inSet.has(s.mdbNext)) bad.push(`${slotName(s)}: next is not a live slot`);
  }
  // acyclic: walking forward from any entry ends within the number of entries
  const heads = slots.filter((s) => !s.isEmpty && s.mdbPrev === null);
  let walked = 0;
  for (const h of heads) {
    let n = 0;
    for (let s: Cte | null = h; s !== null; s = s.mdbNext) {
      if (++n > slots.length) {
        bad.push(`${slotName(h)}: derivation list does not end`);
        break;
      }
    }
    walked += n;
  }
  const live = slots.filter((s) => !s.isEmpty);
  if (walked < live.length) bad.push(`${live.length - walked} entries are on a cycle or unreachable from a list head`);

  // untyped: everything inside its region descends from it and lies below its watermark
  const descendantsOf = new Map<Cte, Set<Cte>>();
  for (const u of live) {
    if (u.cap.type !== CapType.Untyped) continue;
    const ds = new Set<Cte>();
    for (let d = u.mdbNext; d !== null && isMDBParentOf(u, d); d = d.mdbNext) ds.add(d);
    descendantsOf.set(u, ds);
  }
  // caps to physical memory sorted by address, so each untyped looks only at what lies inside it
  const phys = live
    .filter((c) => capIsPhysical(c.cap))
    .map((c) => {
      const p = capPtr(c.cap);
      return { c, p, end: p + 2 ** capSizeBits(c.cap) };
    })
    .sort((a, b) => a.p - b.p);
  for (const [u, ds] of descendantsOf) {
    const base = u.cap.untypedBase;
    const top = base + 2 ** u.cap.blockSize;
    let lo = 0;
    let hi = phys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (phys[mid]!.p < base) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < phys.length && phys[i]!.p < top; i++) {
      const { c, p, end } = phys[i]!;
      if (c === u || end > top) continue;
      if (c.cap.type === CapType.Untyped && p === base && end === top) {
        // two caps to the same region: one must be a copy of the other
        if (!ds.has(c) && !descendantsOf.get(c)!.has(u)) bad.push(`${slotName(c)} and ${slotName(u)}: same region, unrelated`);
        continue;
      }
      if (!ds.has(c)) bad.push(`${slotName(c)}: inside ${slotName(u)} but not its descendant`);
      else if (end > base + u.cap.freeOffset) bad.push(`${slotName(c)}: lies above the watermark of ${slotName(u)}`);
    }
  }

  // live objects do not overlap
  const objs = new Map<KObject, [number, number]>();
  for (const c of live) {
    const o = c.cap.obj;
    if (o !== null && c.cap.type !== CapType.Reply) objs.set(o, [o.addr, o.addr + 2 ** o.sizeBits]);
  }
  const ranges = [...objs.entries()].sort((a, b) => a[1][0] - b[1][0]);
  for (let i = 1; i < ranges.length; i++) {
    const [pa, [, endA]] = ranges[i - 1]!;
    const [pb, [startB]] = ranges[i]!;
    if (startB < endA) bad.push(`${pa.kindName}@${pa.addr.toString(16)} overlaps ${pb.kindName}@${pb.addr.toString(16)}`);
  }
  return bad;
}
