/*
 * The kernel's invariants, checked from outside (tests run this after every syscall; users can
 * turn it on). Each violation is one line; an empty list means the state is consistent.
 *
 * - Endpoint and notification queues are well-linked, their state matches their queue, and every
 *   thread in a queue is blocked on that object in the matching state (and every blocked thread is
 *   in the queue of what it is blocked on).
 * - Ready queues hold exactly the queued threads, each runnable, in the queue of its domain and
 *   priority; the bitmaps mark exactly the non-empty queues; the current thread is not queued.
 * - Exactly one thread is current: a running thread or the idle thread.
 * - Bound-notification links are symmetric.
 * - Every (non-master) reply cap names a thread that is BlockedOnReply.
 * - The derivation tree is well formed (object package's checkMdb).
 * - Address spaces: every ASID pool in the ASID table and every VSpace root an ASID names is live
 *   and its cap says so; walking each such VSpace reaches only live paging structures whose caps
 *   say where they are mapped, and pages that are live frames of the same size (no translation
 *   ever leads to freed memory).
 */

import {
  AsidPool,
  CapType,
  checkMdb,
  type Cte,
  Endpoint,
  Frame,
  PageEntry,
  PagingObject,
  EPState,
  type KObject,
  Notification,
  NtfnState,
  reachableSlots,
  type Tcb,
  threadStateName,
  ThreadState,
  type TcbQueue,
} from '@tsel4/object';
import { type Kernel, L2_WORDS } from './kernel.js';

function checkQueue(q: TcbQueue, name: string, bad: string[]): Tcb[] {
  const out: Tcb[] = [];
  let prev: Tcb | null = null;
  for (let t = q.head; t !== null; t = t.epNext) {
    if (t.epPrev !== prev) bad.push(`${name}: ${t.describe()} has a wrong back link`);
    out.push(t);
    prev = t;
    if (out.length > 100000) {
      bad.push(`${name}: queue does not end`);
      break;
    }
  }
  if (q.tail !== prev) bad.push(`${name}: tail is not the last thread`);
  return out;
}

/** Every check above; returns the violations. */
export function checkInvariants(k: Kernel): string[] {
  const bad: string[] = [];
  const tcbs = [...k.tcbs];
  const roots: Cte[] = [];
  if (k.rootCNodeSlot !== null) roots.push(k.rootCNodeSlot);
  for (const t of tcbs) roots.push(...t.ctes.filter((c) => !c.isEmpty));
  const slots = reachableSlots(roots);

  // objects: every endpoint/notification reachable from caps or blocking threads
  const objects = new Set<KObject>();
  for (const s of slots) if (s.cap.obj !== null) objects.add(s.cap.obj);
  for (const t of tcbs) {
    if (t.blockingObject !== null) objects.add(t.blockingObject);
    if (t.boundNotification !== null) objects.add(t.boundNotification);
  }

  const inQueue = new Map<Tcb, KObject>();
  for (const o of objects) {
    if (o instanceof Endpoint) {
      const name = `endpoint@${o.addr.toString(16)}`;
      const q = checkQueue(o, name, bad);
      if ((o.state === EPState.Idle) !== (q.length === 0)) bad.push(`${name}: state ${o.state} with ${q.length} queued`);
      const want = o.state === EPState.Send ? ThreadState.BlockedOnSend : ThreadState.BlockedOnReceive;
      for (const t of q) {
        inQueue.set(t, o);
        if (t.state !== want || t.blockingObject !== o) {
          bad.push(`${name}: queued ${t.describe()} is ${threadStateName(t.state)} on another object`);
        }
      }
    } else if (o instanceof Notification) {
      const name = `notification@${o.addr.toString(16)}`;
      const q = checkQueue(o, name, bad);
      if ((o.state === NtfnState.Waiting) !== (q.length > 0)) bad.push(`${name}: state ${o.state} with ${q.length} waiting`);
      for (const t of q) {
        inQueue.set(t, o);
        if (t.state !== ThreadState.BlockedOnNotification || t.blockingObject !== o) {
          bad.push(`${name}: waiting ${t.describe()} is ${threadStateName(t.state)}`);
        }
      }
      if (o.boundTcb !== null && o.boundTcb.boundNotification !== o) bad.push(`${name}: bound thread not bound back`);
    }
  }
  for (const t of tcbs) {
    const blocked =
      t.state === ThreadState.BlockedOnSend || t.state === ThreadState.BlockedOnReceive || t.state === ThreadState.BlockedOnNotification;
    if (blocked && inQueue.get(t) !== t.blockingObject) bad.push(`${t.describe()}: ${threadStateName(t.state)} but not in its object's queue`);
    if (t.boundNotification !== null && t.boundNotification.boundTcb !== t) bad.push(`${t.describe()}: bound notification not bound back`);
  }

  // ready queues and bitmaps
  const np = k.config.numPriorities;
  const queued = new Set<Tcb>();
  for (let d = 0; d < k.config.numDomains; d++) {
    for (let p = 0; p < np; p++) {
      const idx = d * np + p;
      const bit = ((k.l2Bitmap[d * L2_WORDS + (p >>> 5)]! >>> (p & 31)) & 1) === 1;
      if (k.queueHead[idx] === null) {
        // the common case, checked without building anything
        if (k.queueTail[idx] !== null) bad.push(`ready[${d},${p}]: tail is not the last thread`);
        if (bit) bad.push(`ready[${d},${p}]: bitmap says true with 0 threads`);
        continue;
      }
      // ready queues link through schedNext/schedPrev, not the endpoint links
      const list: Tcb[] = [];
      let prev: Tcb | null = null;
      for (let t: Tcb | null = k.queueHead[idx]!; t !== null; t = t.schedNext) {
        if (t.schedPrev !== prev) bad.push(`ready[${d},${p}]: ${t.describe()} has a wrong back link`);
        list.push(t);
        prev = t;
        if (list.length > 100000) break;
      }
      if (k.queueTail[idx] !== prev) bad.push(`ready[${d},${p}]: tail is not the last thread`);
      if (bit !== list.length > 0) bad.push(`ready[${d},${p}]: bitmap says ${bit} with ${list.length} threads`);
      for (const t of list) {
        queued.add(t);
        if (!t.queued) bad.push(`${t.describe()}: in a ready queue but not marked queued`);
        if (!t.isRunnable) bad.push(`${t.describe()}: in a ready queue while ${threadStateName(t.state)}`);
        if (t.domain !== d || t.priority !== p) bad.push(`${t.describe()}: in ready[${d},${p}] with domain ${t.domain} priority ${t.priority}`);
      }
    }
    for (let w = 0; w < L2_WORDS; w++) {
      const l1 = ((k.l1Bitmap[d]! >>> w) & 1) === 1;
      if (l1 !== (k.l2Bitmap[d * L2_WORDS + w] !== 0)) bad.push(`bitmap level 1 word ${w} of domain ${d} is wrong`);
    }
  }
  for (const t of tcbs) if (t.queued && !queued.has(t)) bad.push(`${t.describe()}: marked queued but in no ready queue`);

  // the current thread
  const cur = k.curThread;
  if (cur !== k.idleThread && cur.state !== ThreadState.Running) {
    bad.push(`current thread ${cur.describe()} is ${threadStateName(cur.state)}`);
  }
  if (cur.queued) bad.push(`current thread ${cur.describe()} is in a ready queue`);
  if (k.board.cpu.current !== cur.ctx) bad.push('the CPU is not running the current thread');

  // reply caps
  for (const s of slots) {
    if (s.cap.type === CapType.Reply && !s.cap.isMaster) {
      const caller = s.cap.obj as Tcb;
      if (caller.state !== ThreadState.BlockedOnReply) bad.push(`reply cap names ${caller.describe()}, which is ${threadStateName(caller.state)}`);
    }
  }

  checkVSpaces(k, slots, bad);
  bad.push(...checkMdb(slots));
  return bad;
}

/** The address-space part of checkInvariants. */
function checkVSpaces(k: Kernel, slots: readonly Cte[], bad: string[]): void {
  const g = k.vspace;
  if (g === undefined) return;
  const capsOf = new Map<KObject, Cte[]>();
  for (const s of slots) {
    const o = s.cap.obj;
    if (o instanceof PagingObject || o instanceof AsidPool || o instanceof Frame) {
      const list = capsOf.get(o);
      if (list === undefined) capsOf.set(o, [s]);
      else list.push(s);
    }
  }
  const liveFrames = new Set<string>();
  for (const o of capsOf.keys()) if (o instanceof Frame) liveFrames.add(`${o.addr}/${o.sizeBits}`);
  const low = g.seL4_ASIDPoolIndexBits;
  const walk = (table: PagingObject, level: number, base: number, asid: number, where: string) => {
    const shift = g.levels[level]!.shift;
    table.entries.forEach((e, i) => {
      if (e === null) return;
      const va = base + i * 2 ** shift;
      const at = `${where}[0x${va.toString(16)}]`;
      if (e instanceof PageEntry) {
        if (e.sizeBits !== shift) bad.push(`${at}: a 2^${e.sizeBits} page in an entry of 2^${shift}`);
        if (!liveFrames.has(`${e.paddr}/${e.sizeBits}`)) bad.push(`${at}: maps 0x${e.paddr.toString(16)}, which is no live frame`);
        return;
      }
      const caps = capsOf.get(e);
      if (caps === undefined) {
        bad.push(`${at}: points at ${e.kindName}@${e.addr.toString(16)}, which has no cap`);
        return;
      }
      if (!caps.some((c) => c.cap.isMapped && c.cap.mappedAsid === asid && c.cap.mappedVaddr === va)) {
        bad.push(`${at}: ${e.kindName}@${e.addr.toString(16)} has no cap saying it is mapped there`);
      }
      if (level + 1 >= g.levels.length) bad.push(`${at}: a table below the last level`);
      else walk(e, level + 1, va, asid, where);
    });
  };
  k.asidTable.forEach((pool, high) => {
    if (pool === null) return;
    const caps = capsOf.get(pool);
    if (caps === undefined || !caps.some((c) => c.cap.type === CapType.ASIDPool && c.cap.asidBase === high * 2 ** low)) {
      bad.push(`ASID pool ${high} has no cap`);
    }
    pool.entries.forEach((root, i) => {
      if (root === null) return;
      const asid = high * 2 ** low + i;
      const rootCaps = capsOf.get(root);
      if (rootCaps === undefined || !rootCaps.some((c) => c.cap.isMapped && c.cap.mappedAsid === asid)) {
        bad.push(`ASID ${asid} names ${root.kindName}@${root.addr.toString(16)}, which has no cap with that ASID`);
        return;
      }
      walk(root, 0, 0, asid, `vspace ${asid}`);
    });
  });
}
