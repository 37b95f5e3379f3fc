// aarch64 address-space invocations, each error in seL4's order with seL4's extra words
// (decodeARMFrameInvocation, decodeARMPageTableInvocation, decodeARMVSpaceRootInvocation in
// src/arch/arm/64/kernel/vspace.c). Where ARM differs from x86: alignment is checked before the
// top of user space, a frame maps wherever the walk stops if that level holds its size (else
// MissingCapability names the bits left there), and one page-table type serves every level.
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Root, runRoot } from './vspace-world.js';

const VS = L.seL4_CapInitThreadVSpace;
const CN = L.seL4_CapInitThreadCNode;
const B = 'qemu-arm-virt';
const label = (name: string) => L.invocationLabel('aarch64', name);
// the root VSpace has tables for [0, 512 GiB), [0, 1 GiB) and [4 MiB, 6 MiB)
const NO_PT = 0x1000_0000;
const NO_PD = 0x4000_0000;
const NO_PUD = 0x80_0000_0000;

function* err(r: Root, e: L.Syscall<number>, words = 0): Generator<L.TrapToken, number[], unknown> {
  const code = yield* e;
  return [code, ...r.mrs(words)];
}

describe('aarch64 Page_Map', () => {
  it('checks in seL4 order', () => {
    runRoot(B, function* (r) {
      const f = yield* r.frame();
      expect(yield* L.invoke(f, label('ARMPageMap'), [VS], [NO_PT, L.seL4_AllRights])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, yield* r.make(r.o.vspaceType)), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, r.bi.userImagePaging.start), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      // alignment comes before the top of user space on ARM
      expect(yield* r.pageMap(f, 0x8000_0000_0800)).toBe(L.seL4_AlignmentError);
      expect(yield* err(r, r.pageMap(f, 0x8000_0000_0000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* err(r, r.pageMap(f, NO_PUD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 39]);
      expect(yield* err(r, r.pageMap(f, NO_PD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      expect(yield* err(r, r.pageMap(f, NO_PT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 21]);
      // a large page goes where the walk stops at 2 MiB entries, not below a page table
      const large = yield* r.frame(21);
      expect(yield* r.pageMap(large, NO_PT)).toBe(0);
      const large2 = yield* r.frame(21);
      expect(yield* err(r, r.pageMap(large2, L.USER_TEXT_BASE), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 12]);
      // remaps
      expect(yield* err(r, r.pageMap(large, NO_PT + 0x20_0000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* err(r, r.pageMap(large, NO_PT, L.seL4_AllRights, yield* r.newVSpace()), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* r.pageMap(large, NO_PT, L.seL4_CanRead)).toBe(0);
      // a page replaces a page of the same size
      expect(yield* r.pageMap(large2, NO_PT)).toBe(0);
      yield* L.tsel4_write64(NO_PT + 8, 3);
      expect(yield* L.tsel4_read64(NO_PT + 8)).toBe(3);
    });
  });

  it('FailedLookup InvalidRoot when the VSpace lost its ASID', () => {
    runRoot(B, function* (r) {
      const ut = yield* r.make(L.seL4_UntypedObject, 12);
      const pool = r.slot();
      expect(yield* L.seL4_ARM_ASIDControl_MakePool(L.seL4_CapASIDControl, ut, CN, pool, 64)).toBe(0);
      const v = yield* r.newVSpace(pool);
      expect(yield* L.seL4_CNode_Delete(CN, pool, 64)).toBe(0);
      expect(yield* err(r, r.pageMap(yield* r.frame(), NO_PT, L.seL4_AllRights, v), 2)).toEqual([L.seL4_FailedLookup, 0, L.seL4_InvalidRoot]);
      expect(yield* err(r, L.seL4_ARM_VSpace_Clean_Data(v, 0, 8), 2)).toEqual([L.seL4_FailedLookup, 0, L.seL4_InvalidRoot]);
    });
  });
});

describe('aarch64 PageTable_Map and _Unmap', () => {
  it('a page table goes where the walk stops, one level further each time', () => {
    runRoot(B, function* (r) {
      const pts: number[] = [];
      for (let i = 0; i < 4; i++) pts.push(yield* r.make(r.o.tableType(1)));
      const [a, b, c, d] = pts as [number, number, number, number];
      expect(yield* L.invoke(a, label('ARMPageTableMap'), [VS], [NO_PUD])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, r.tableMap(1, a, NO_PUD, L.seL4_CapInitThreadTCB), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, r.tableMap(1, a, 0x8000_0000_0000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      const f = yield* r.frame();
      expect(yield* r.tableMap(1, a, NO_PUD + 0x1234)).toBe(0);
      expect(yield* err(r, r.tableMap(1, a, NO_PUD), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      expect(yield* err(r, r.pageMap(f, NO_PUD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      expect(yield* r.tableMap(1, b, NO_PUD)).toBe(0);
      expect(yield* r.tableMap(1, c, NO_PUD)).toBe(0);
      expect(yield* r.pageMap(f, NO_PUD)).toBe(0);
      // the walk reaches the last level: nothing more goes there
      expect(yield* r.tableMap(1, d, NO_PUD)).toBe(L.seL4_DeleteFirst);
      // nor over a large page
      const large = yield* r.frame(21);
      expect(yield* r.pageMap(large, NO_PT)).toBe(0);
      expect(yield* r.tableMap(1, d, NO_PT)).toBe(L.seL4_DeleteFirst);
      // Unmap needs the only cap
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, c, 64, L.seL4_AllRights)).toBe(0);
      expect(yield* r.tableUnmap(1, c)).toBe(L.seL4_RevokeFirst);
      expect(yield* L.seL4_CNode_Delete(CN, copy, 64)).toBe(0);
      expect(yield* r.tableUnmap(1, c)).toBe(0);
      expect(yield* err(r, r.pageMap(yield* r.frame(), NO_PUD + 0x1000), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 21]);
      expect(yield* L.invoke(a, label('ARMPageMap'), [VS], [0, 0, 0])).toBe(L.seL4_IllegalOperation);
    });
  });
});

describe('aarch64 cache maintenance (accepted, no caches to act on)', () => {
  it('VSpace_Clean_Data and friends check their range, then do nothing', () => {
    runRoot(B, function* (r) {
      expect(yield* L.invoke(VS, label('ARMVSpaceClean_Data'), [], [0])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, L.seL4_ARM_VSpace_Clean_Data(VS, 0x1000, 0x1000), 1)).toEqual([L.seL4_InvalidArgument, 1]);
      expect(yield* L.seL4_ARM_VSpace_Clean_Data(VS, 0x1000, 0x8000_0000_0000)).toBe(L.seL4_IllegalOperation);
      expect(yield* err(r, L.seL4_ARM_VSpace_Clean_Data(yield* r.make(r.o.vspaceType), 0, 8), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      // nothing mapped there: quietly fine
      expect(yield* L.seL4_ARM_VSpace_Invalidate_Data(VS, NO_PT, NO_PT + 0x3000)).toBe(0);
      const f = yield* r.frame();
      yield* r.map(f, NO_PT, L.seL4_CanRead);
      expect(yield* err(r, L.seL4_ARM_VSpace_Clean_Data(VS, NO_PT + 0x10, NO_PT + 0x1010), 2)).toEqual([L.seL4_RangeError, NO_PT + 0x10, NO_PT + 0xfff]);
      expect(yield* L.seL4_ARM_VSpace_CleanInvalidate_Data(VS, NO_PT, NO_PT + 0x1000)).toBe(0);
      expect(yield* L.seL4_ARM_VSpace_Unify_Instruction(VS, NO_PT, NO_PT + 0x10)).toBe(0);
      expect(yield* L.seL4_ARM_VSpace_Invalidate_Data(VS, NO_PT, NO_PT + 0x10)).toBe(L.seL4_IllegalOperation);
      expect(yield* L.invoke(VS, label('ARMPageTableMap'), [VS], [0, 0])).toBe(L.seL4_IllegalOperation);
    });
  });

  it('Page_Clean_Data and friends check the frame mapping and the offsets', () => {
    runRoot(B, function* (r) {
      const f = yield* r.frame();
      expect(yield* L.invoke(f, label('ARMPageClean_Data'), [], [0])).toBe(L.seL4_TruncatedMessage);
      expect(yield* L.seL4_ARM_Page_Clean_Data(f, 0, 8)).toBe(L.seL4_IllegalOperation);
      yield* r.map(f, NO_PT, L.seL4_CanRead);
      expect(yield* err(r, L.seL4_ARM_Page_Clean_Data(f, 8, 8), 1)).toEqual([L.seL4_InvalidArgument, 1]);
      expect(yield* err(r, L.seL4_ARM_Page_Clean_Data(f, 0x1000, 0x1001), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* err(r, L.seL4_ARM_Page_Clean_Data(f, 0, 0x1001), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* L.seL4_ARM_Page_Clean_Data(f, 0, 0x1000)).toBe(0);
      expect(yield* L.seL4_ARM_Page_Invalidate_Data(f, 0, 0x10)).toBe(L.seL4_IllegalOperation);
      // another frame replaced the mapping: the cap's mapping information is stale
      const g = yield* r.frame();
      expect(yield* r.pageMap(g, NO_PT)).toBe(0);
      expect(yield* err(r, L.seL4_ARM_Page_CleanInvalidate_Data(f, 0, 8), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      expect(yield* L.seL4_ARM_Page_Invalidate_Data(g, 0, 8)).toBe(0);
      expect(yield* L.seL4_ARM_Page_Unify_Instruction(g, 0, 8)).toBe(0);
      const a = yield* r.pageGetAddress(g);
      expect(a.error).toBe(0);
    });
  });
});
