// riscv64 (Sv39) address-space invocations, each error in seL4's order with seL4's extra words
// (decodeRISCVFrameInvocation and decodeRISCVPageTableInvocation in src/arch/riscv/kernel/vspace.c).
// Where RISC-V differs: the VSpace root is a page table (any mapped one passes as a root cap
// until the ASID check), the walk comes before the remap checks, and a frame never replaces an
// existing mapping.
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Root, runRoot } from './vspace-world.js';

const VS = L.seL4_CapInitThreadVSpace;
const CN = L.seL4_CapInitThreadCNode;
const B = 'qemu-riscv-virt';
const label = (name: string) => L.invocationLabel('riscv64', name);
// the root VSpace has a table for [0, 1 GiB) and one for [4 MiB, 6 MiB)
const NO_PT = 0x1000_0000;
const NO_PD = 0x8000_0000;

function* err(r: Root, e: L.Syscall<number>, words = 0): Generator<L.TrapToken, number[], unknown> {
  const code = yield* e;
  return [code, ...r.mrs(words)];
}

describe('riscv64 Page_Map', () => {
  it('checks in seL4 order', () => {
    runRoot(B, function* (r) {
      const f = yield* r.frame();
      expect(yield* L.invoke(f, label('RISCVPageMap'), [VS], [NO_PT, L.seL4_AllRights])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, L.seL4_CapInitThreadTCB), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, yield* r.make(r.o.vspaceType)), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      // a mapped page table that is not the root passes the first check, not the ASID's
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, r.bi.userImagePaging.start), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      // the top of user space (0x3ffffff000) comes before alignment
      expect(yield* err(r, r.pageMap(f, 0x3f_ffff_f000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* err(r, r.pageMap(f, 0x40_0000_0800), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* r.pageMap(f, NO_PT + 0x800)).toBe(L.seL4_AlignmentError);
      expect(yield* err(r, r.pageMap(f, NO_PD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      expect(yield* err(r, r.pageMap(f, NO_PT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 21]);
      // an image page is there: no frame replaces it
      const g = yield* r.frame();
      expect(yield* r.pageMap(g, L.USER_TEXT_BASE)).toBe(L.seL4_DeleteFirst);
      // a mapped frame: the walk first, then the remap checks
      yield* r.map(f, NO_PT);
      expect(yield* err(r, r.pageMap(f, NO_PD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      expect(yield* err(r, r.pageMap(f, NO_PT + 0x1000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* r.pageMap(f, NO_PT, L.seL4_CanRead)).toBe(0);
    });
  });

  it('a mapping without rights or execute permission is an invalid entry: the address stays free', () => {
    runRoot(B, function* (r) {
      yield* r.map(yield* r.frame(), NO_PT + 0x10_0000);
      const f = yield* r.frame();
      expect(yield* r.pageMap(f, NO_PT, L.seL4_NoRights, VS, L.seL4_RISCV_ExecuteNever)).toBe(0);
      const g = yield* r.frame();
      expect(yield* r.pageMap(g, NO_PT)).toBe(0);
      yield* L.tsel4_write64(NO_PT, 11);
      expect(yield* L.tsel4_read64(NO_PT)).toBe(11);
    });
  });

  it('FailedLookup InvalidRoot when the VSpace lost its ASID', () => {
    runRoot(B, function* (r) {
      const ut = yield* r.make(L.seL4_UntypedObject, 12);
      const pool = r.slot();
      expect(yield* L.seL4_RISCV_ASIDControl_MakePool(L.seL4_CapASIDControl, ut, CN, pool, 64)).toBe(0);
      const v = yield* r.newVSpace(pool);
      expect(yield* L.seL4_CNode_Delete(CN, pool, 64)).toBe(0);
      expect(yield* err(r, r.pageMap(yield* r.frame(), NO_PT, L.seL4_AllRights, v), 2)).toEqual([L.seL4_FailedLookup, 0, L.seL4_InvalidRoot]);
    });
  });
});

describe('riscv64 PageTable_Map and _Unmap', () => {
  it('checks in seL4 order; the VSpace root cannot be unmapped', () => {
    runRoot(B, function* (r) {
      const pt = yield* r.make(r.o.tableType(1));
      expect(yield* L.invoke(pt, label('RISCVPageTableMap'), [VS], [NO_PD])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, r.tableMap(1, pt, NO_PD, pt), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, r.tableMap(1, pt, 0x3f_ffff_f000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* r.tableMap(1, pt, L.USER_TEXT_BASE)).toBe(L.seL4_DeleteFirst);
      expect(yield* r.tableMap(1, pt, NO_PD + 0x1234)).toBe(0);
      expect(yield* err(r, r.tableMap(1, pt, NO_PD), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      // the root of a VSpace: RevokeFirst even with one cap (the boot one has a copy in the TCB)
      const v = yield* r.newVSpace();
      expect(yield* r.tableUnmap(1, v)).toBe(L.seL4_RevokeFirst);
      expect(yield* r.tableUnmap(1, VS)).toBe(L.seL4_RevokeFirst);
      expect(yield* r.tableUnmap(1, pt)).toBe(0);
      expect(yield* L.invoke(pt, label('RISCVPageMap'), [VS], [0, 0, 0])).toBe(L.seL4_IllegalOperation);
    });
  });
});
