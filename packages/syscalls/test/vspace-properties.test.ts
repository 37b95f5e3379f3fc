// Random sequences of frame and page-table operations (retype, copy, map, map making tables,
// unmap, delete, delete a table, revoke an untyped) on each board. After every kernel entry the
// invariant checker (kernel/invariants.ts) walks every VSpace an ASID names: no translation may
// lead to freed memory. After every operation, for a set of addresses, the kernel's translation
// must agree with a reference walk written here from the page-table objects, and a load through
// the user runtime (with its translation cache) must read what is in the physical memory the
// reference walk names.
import fc from 'fast-check';
import { TrapKind } from '@tsel4/hal';
import { type Kernel, newTranslation, translateUser } from '@tsel4/kernel';
import * as L from '@tsel4/libsel4';
import { PageEntry, PagingObject, type Tcb, TCB_VTABLE, VMKernelOnly } from '@tsel4/object';
import { describe, expect, it } from 'vitest';
import { BOARDS, type Root, runRoot } from './vspace-world.js';

const CN = L.seL4_CapInitThreadCNode;
const ADDRS = [0x1000_0000, 0x1000_1000, 0x1020_0000, 0x40_0000_2000, 0x80_0000_0000];
const RIGHTS = [L.seL4_AllRights, L.seL4_CanRead, L.seL4_NoRights];
const FRAMES = 3;

type Op =
  | { op: 'new'; i: number }
  | { op: 'copy'; i: number; j: number; r: number }
  | { op: 'map'; i: number; a: number; r: number }
  | { op: 'mapTables'; i: number; a: number }
  | { op: 'unmap'; i: number }
  | { op: 'delete'; i: number }
  | { op: 'deleteTable'; t: number }
  | { op: 'revoke'; which: 'frames' | 'tables' };

const idx = fc.nat({ max: FRAMES - 1 });
const addr = fc.nat({ max: ADDRS.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('new' as const), i: idx }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('copy' as const), i: idx, j: idx, r: fc.nat({ max: RIGHTS.length - 1 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('map' as const), i: idx, a: addr, r: fc.nat({ max: RIGHTS.length - 1 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('mapTables' as const), i: idx, a: addr }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('unmap' as const), i: idx }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), i: idx }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('deleteTable' as const), t: fc.nat({ max: 7 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('revoke' as const), which: fc.constantFrom('frames' as const, 'tables' as const) }), weight: 1 },
);

/** The reference walk: the physical address a load at `vaddr` reaches, or null, from the objects. */
function referenceWalk(k: Kernel, t: Tcb, vaddr: number): { paddr: number; writable: boolean } | null {
  const g = k.vspace!;
  const cap = t.ctes[TCB_VTABLE]!.cap;
  const pool = k.asidTable[Math.floor(cap.mappedAsid / 2 ** g.seL4_ASIDPoolIndexBits)];
  const root = pool?.entries[cap.mappedAsid % 2 ** g.seL4_ASIDPoolIndexBits];
  if (root !== cap.obj || !(root instanceof PagingObject)) return null;
  let table: PagingObject = root;
  for (const level of g.levels) {
    const e = table.entries[Math.floor(vaddr / 2 ** level.shift) % 2 ** level.indexBits];
    if (e === null || e === undefined) return null;
    if (e instanceof PageEntry) {
      if (e.rights === VMKernelOnly) return null;
      return { paddr: e.paddr + (vaddr % 2 ** e.sizeBits), writable: e.rights === 3 };
    }
    table = e;
  }
  return null;
}

function* run(r: Root, ops: readonly Op[]): Generator<L.TrapToken, void, unknown> {
  const k = r.machine.k;
  const me = k.rootTcb!;
  const frameUt = yield* r.make(L.seL4_UntypedObject, 18);
  const tableUt = yield* r.make(L.seL4_UntypedObject, 18);
  const frames: (number | null)[] = new Array<number | null>(FRAMES).fill(null);
  const slots = r.slots(FRAMES);
  const tables: number[] = [];
  let stamp = 1;
  for (const o of ops) {
    switch (o.op) {
      case 'new':
        if (frames[o.i] === null) {
          const e = yield* L.seL4_Untyped_Retype(frameUt, r.o.frameType(12), 0, CN, 0, 0, slots + o.i, 1);
          if (e === 0) frames[o.i] = slots + o.i;
          else expect(e).toBe(L.seL4_NotEnoughMemory);
        }
        break;
      case 'copy':
        if (frames[o.i] === null && frames[o.j] !== null) {
          expect(yield* L.seL4_CNode_Copy(CN, slots + o.i, 64, CN, frames[o.j]!, 64, RIGHTS[o.r]!)).toBe(0);
          frames[o.i] = slots + o.i;
        }
        break;
      case 'map':
        if (frames[o.i] !== null) {
          const e = yield* r.pageMap(frames[o.i]!, ADDRS[o.a]!, RIGHTS[o.r]!);
          // RISC-V refuses to map over an existing mapping (DeleteFirst)
          expect([0, L.seL4_FailedLookup, L.seL4_InvalidArgument, L.seL4_DeleteFirst]).toContain(e);
        }
        break;
      case 'mapTables':
        // Page_Map, making the paging structures it lacks
        while (frames[o.i] !== null) {
          const e = yield* r.pageMap(frames[o.i]!, ADDRS[o.a]!);
          if (e !== L.seL4_FailedLookup) break;
          const bits = L.seL4_GetMR(2);
          const level = r.g.levels.findIndex((l, n) => n > 0 && r.g.levels[n - 1]!.shift === bits);
          const slot = r.slot();
          if ((yield* L.seL4_Untyped_Retype(tableUt, r.o.tableType(level), 0, CN, 0, 0, slot, 1)) !== 0) break;
          expect(yield* r.tableMap(level, slot, ADDRS[o.a]!)).toBe(0);
          tables.push(slot);
        }
        break;
      case 'unmap':
        if (frames[o.i] !== null) expect(yield* r.pageUnmap(frames[o.i]!)).toBe(0);
        break;
      case 'delete':
        if (frames[o.i] !== null) {
          expect(yield* L.seL4_CNode_Delete(CN, frames[o.i]!, 64)).toBe(0);
          frames[o.i] = null;
        }
        break;
      case 'deleteTable':
        if (tables.length > 0) {
          const [t] = tables.splice(o.t % tables.length, 1);
          expect(yield* L.seL4_CNode_Delete(CN, t!, 64)).toBe(0);
        }
        break;
      case 'revoke':
        expect(yield* L.seL4_CNode_Revoke(CN, o.which === 'frames' ? frameUt : tableUt, 64)).toBe(0);
        if (o.which === 'frames') frames.fill(null);
        else tables.length = 0;
        break;
    }
    // translations agree with the reference walk, and loads read the memory it names
    const tr = newTranslation();
    for (const a of ADDRS) {
      for (const off of [0, 0x7f8]) {
        const v = a + off;
        const ref = referenceWalk(k, me, v);
        const kind = translateUser(k, me, v, 0, tr);
        if (ref === null) {
          expect(kind).toBe(TrapKind.VMFault);
          continue;
        }
        expect(kind).toBe(null);
        expect([tr.paddr, tr.writable]).toEqual([ref.paddr, ref.writable]);
        stamp++;
        k.memory.writeWord64(ref.paddr, stamp, 0);
        expect(yield* L.tsel4_read64(v)).toBe(stamp);
      }
    }
  }
}

describe.each(BOARDS)('random map/unmap/delete/revoke on %s (%s)', (board) => {
  it('keep translations to live frames only, agreeing with a reference walk', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 40 }), (ops) => {
        runRoot(board, (r) => run(r, ops));
      }),
      { numRuns: board === 'pc99' ? 100 : 40 },
    );
  });
});

/** Arguments worth trying: aligned and not, inside user space and beyond, small and word-sized. */
const WORDS = [0, 1, 8, 0x800, 0x1000, 0x1000_0000, 0x1020_0000, 0x4000_0000, 0x80_0000_0000, 0x7fff_ffff_f000, 0x3f_ffff_f000, 2 ** 47, 2 ** 53 - 1];
const wordArb = fc.oneof(fc.constantFrom(...WORDS), fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));

interface Invoke {
  cap: number;
  label: number;
  words: (number | bigint)[];
  extras: number[];
  length: number;
}

describe.each(BOARDS)('random address-space invocations on %s (%s)', (board, arch) => {
  it('always answer with an seL4_Error, never break an invariant', () => {
    const labels = L.methodsOf(arch).slice(L.GENERIC_METHODS.length).map((m) => m.labelNumber);
    const invokeArb: fc.Arbitrary<Invoke> = fc.record({
      cap: fc.nat({ max: 11 }),
      label: fc.oneof(fc.constantFrom(...labels), fc.nat({ max: 80 })),
      words: fc.array(wordArb, { maxLength: 6 }),
      extras: fc.array(fc.nat({ max: 11 }), { maxLength: 3 }),
      length: fc.nat({ max: 6 }),
    });
    fc.assert(
      fc.property(fc.array(invokeArb, { minLength: 1, maxLength: 30 }), (calls) => {
        runRoot(board, function* (r) {
          // a pool of caps: frames (4 KiB, large), tables of every level, VSpace roots (assigned and
          // not), the ASID control and pool caps, an untyped, a notification (a Call on it only
          // signals), an empty slot
          const caps: number[] = [];
          caps.push(yield* r.frame(), yield* r.frame(), yield* r.frame(21));
          for (let l = 1; l < Math.min(4, r.g.levels.length); l++) caps.push(yield* r.make(r.o.tableType(l)));
          caps.push(yield* r.newVSpace(), yield* r.make(r.o.vspaceType), L.seL4_CapInitThreadVSpace);
          caps.push(L.seL4_CapASIDControl, L.seL4_CapInitThreadASIDPool, yield* r.make(L.seL4_UntypedObject, 12));
          caps.push(yield* r.make(L.seL4_NotificationObject), r.slot());
          for (const c of calls) {
            const words = c.words.slice(0, c.length);
            const extras = c.extras.map((i) => caps[i % caps.length]!);
            const e = yield* L.invoke(caps[c.cap % caps.length]!, c.label, extras, words);
            expect(e).toBeGreaterThanOrEqual(0);
            expect(e).toBeLessThanOrEqual(L.seL4_NotEnoughMemory);
          }
        });
      }),
      { numRuns: board === 'pc99' ? 60 : 25 },
    );
  });
});
