// x86_64 address-space invocations, each error in seL4's order with seL4's extra words
// (decodeX86FrameInvocation, decodeX86PageTableInvocation, decodeX64PageDirectoryInvocation,
// decodeX64PDPTInvocation in src/arch/x86/kernel/vspace.c and src/arch/x86/64/kernel/vspace.c).
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Root, runRoot } from './vspace-world.js';

const VS = L.seL4_CapInitThreadVSpace;
const CN = L.seL4_CapInitThreadCNode;
const label = (name: string) => L.invocationLabel('x86_64', name);
// the root VSpace has a PDPT for [0, 512 GiB), a PD for [0, 1 GiB) and a PT for [4 MiB, 6 MiB)
const NO_PT = 0x1000_0000;
const NO_PD = 0x4000_0000;
const NO_PDPT = 0x80_0000_0000;

function* err(r: Root, e: L.Syscall<number>, words = 0): Generator<L.TrapToken, number[], unknown> {
  const code = yield* e;
  return [code, ...r.mrs(words)];
}

describe('x86_64 Page_Map', () => {
  it('TruncatedMessage: fewer than 3 words or no VSpace cap', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      expect(yield* L.invoke(f, label('X86PageMap'), [VS], [NO_PT, L.seL4_AllRights])).toBe(L.seL4_TruncatedMessage);
      expect(yield* L.invoke(f, label('X86PageMap'), [], [NO_PT, L.seL4_AllRights, 0])).toBe(L.seL4_TruncatedMessage);
    });
  });

  it('InvalidCapability(1) for a VSpace argument that is not a PML4 with an ASID', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      const ep = yield* r.make(L.seL4_EndpointObject);
      const pml4 = yield* r.make(r.o.vspaceType);
      for (const v of [ep, pml4, r.bi.userImagePaging.start]) {
        expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, v), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      }
    });
  });

  it('InvalidArgument(0) above the top of user space, counting the whole frame', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      expect(yield* err(r, r.pageMap(f, 0x8000_0000_0000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      // vaddr + 4 KiB = 2^47 > USER_TOP (0x7fffffffffff)
      expect(yield* err(r, r.pageMap(f, 0x7fff_ffff_f000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      // a word beyond 2^53 is still above the top
      expect(yield* err(r, r.pageMap(f, 0xffff_ffff_ffff_f000n as unknown as number), 1)).toEqual([L.seL4_InvalidArgument, 0]);
    });
  });

  it('AlignmentError before any lookup', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      expect(yield* r.pageMap(f, NO_PDPT + 0x800)).toBe(L.seL4_AlignmentError);
    });
  });

  it('FailedLookup with MissingCapability and the bits left at each missing level', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      expect(yield* err(r, r.pageMap(f, NO_PDPT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 39]);
      expect(yield* err(r, r.pageMap(f, NO_PD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      expect(yield* err(r, r.pageMap(f, NO_PT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 21]);
      // and each structure, once mapped, lets the walk go one level further
      const pdpt = yield* r.make(r.o.tableType(1));
      expect(yield* r.tableMap(1, pdpt, NO_PDPT)).toBe(0);
      expect(yield* err(r, r.pageMap(f, NO_PDPT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      const pd = yield* r.make(r.o.tableType(2));
      expect(yield* r.tableMap(2, pd, NO_PDPT)).toBe(0);
      expect(yield* err(r, r.pageMap(f, NO_PDPT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 21]);
      const pt = yield* r.make(r.o.tableType(3));
      expect(yield* r.tableMap(3, pt, NO_PDPT)).toBe(0);
      expect(yield* r.pageMap(f, NO_PDPT)).toBe(0);
      yield* L.tsel4_write64(NO_PDPT + 8, 77);
      expect(yield* L.tsel4_read64(NO_PDPT + 8)).toBe(77);
    });
  });

  it('FailedLookup with InvalidRoot when the VSpace lost its ASID pool', () => {
    runRoot('pc99', function* (r) {
      const ut = yield* r.make(L.seL4_UntypedObject, 12);
      const pool = r.slot();
      expect(yield* L.seL4_X86_ASIDControl_MakePool(L.seL4_CapASIDControl, ut, CN, pool, 64)).toBe(0);
      const pml4 = yield* r.newVSpace(pool);
      expect(yield* L.seL4_CNode_Delete(CN, pool, 64)).toBe(0);
      const f = yield* r.frame();
      // the cap still says it has an ASID, so it passes as a VSpace; the ASID names nothing now
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, pml4), 2)).toEqual([L.seL4_FailedLookup, 0, L.seL4_InvalidRoot]);
      expect(yield* err(r, r.tableMap(1, yield* r.make(r.o.tableType(1)), 0, pml4), 2)).toEqual([L.seL4_FailedLookup, 0, L.seL4_InvalidRoot]);
      // a new pool takes the same ASIDs: the old root's ASID now names another root
      const pool2 = r.slot();
      expect(yield* L.seL4_X86_ASIDControl_MakePool(L.seL4_CapASIDControl, yield* r.make(L.seL4_UntypedObject, 12), CN, pool2, 64)).toBe(0);
      const other = yield* r.newVSpace(pool2);
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, pml4), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, r.tableMap(1, yield* r.make(r.o.tableType(1)), 0, pml4), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* r.tableMap(1, yield* r.make(r.o.tableType(1)), 0, other)).toBe(0);
    });
  });

  it('maps a frame: shared with a second mapping of a copy of its cap, rights masked by the argument', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      yield* r.map(f, NO_PT);
      const copy = r.slot();
      // a copy of a mapped frame cap is unmapped and can map elsewhere
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, f, 64, L.seL4_CanRead)).toBe(0);
      expect(yield* r.pageMap(copy, NO_PT + 0x1000)).toBe(0);
      yield* L.tsel4_write32(NO_PT + 0x10, 0xcafe);
      expect(yield* L.tsel4_read32(NO_PT + 0x1000 + 0x10)).toBe(0xcafe);
      const a = yield* r.pageGetAddress(f);
      const b = yield* r.pageGetAddress(copy);
      expect(a.error).toBe(0);
      expect(b.paddr).toBe(a.paddr);
      // GetAddress answers with one word, and is not an error
      const info = yield* L.seL4_Call(f, L.seL4_MessageInfo_new(label('X86PageGetAddress'), 0, 0, 0));
      expect([L.seL4_MessageInfo_get_label(info), L.seL4_MessageInfo_get_length(info), L.seL4_GetMR(0)]).toEqual([0, 1, a.paddr]);
    });
  });

  it('remaps only through the same VSpace at the same address', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      yield* r.map(f, NO_PT);
      // the same address again: a remap, allowed
      expect(yield* r.pageMap(f, NO_PT, L.seL4_CanRead)).toBe(0);
      expect(yield* err(r, r.pageMap(f, NO_PT + 0x1000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      const other = yield* r.newVSpace();
      expect(yield* err(r, r.pageMap(f, NO_PT, L.seL4_AllRights, other), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      // after Unmap the frame maps anywhere
      expect(yield* r.pageUnmap(f)).toBe(0);
      expect(yield* r.pageMap(f, NO_PT + 0x1000)).toBe(0);
    });
  });

  it('replaces a 4 KiB mapping with another frame, and unmapping the old frame leaves the new one', () => {
    runRoot('pc99', function* (r) {
      const f1 = yield* r.frame();
      const f2 = yield* r.frame();
      yield* r.map(f1, NO_PT);
      yield* L.tsel4_write64(NO_PT, 1);
      expect(yield* r.pageMap(f2, NO_PT)).toBe(0);
      expect(yield* L.tsel4_read64(NO_PT)).toBe(0);
      yield* L.tsel4_write64(NO_PT, 2);
      // f1's cap still says it is mapped there, but the entry is f2's: unmapping f1 removes nothing
      expect(yield* r.pageUnmap(f1)).toBe(0);
      expect(yield* L.tsel4_read64(NO_PT)).toBe(2);
    });
  });

  it('large and huge pages: DeleteFirst over a table, success over an empty entry', () => {
    runRoot(
      'pc99',
      function* (r) {
        const pt = yield* r.make(r.o.tableType(3));
        expect(yield* r.tableMap(3, pt, NO_PT)).toBe(0);
        const large = yield* r.frame(21);
        expect(yield* r.pageMap(large, NO_PT + 0x1000)).toBe(L.seL4_AlignmentError);
        expect(yield* r.pageMap(large, NO_PT)).toBe(L.seL4_DeleteFirst);
        expect(yield* r.pageMap(large, NO_PT + 0x20_0000)).toBe(0);
        yield* L.tsel4_write64(NO_PT + 0x20_0000 + 0x1f_fff8, 5);
        expect(yield* L.tsel4_read64(NO_PT + 0x20_0000 + 0x1f_fff8)).toBe(5);
        // a page table over a large page: DeleteFirst
        const pt2 = yield* r.make(r.o.tableType(3));
        expect(yield* r.tableMap(3, pt2, NO_PT + 0x20_0000)).toBe(L.seL4_DeleteFirst);
        const huge = yield* r.frame(30);
        // the PD for [0, 1 GiB) is there
        expect(yield* r.pageMap(huge, 0)).toBe(L.seL4_DeleteFirst);
        expect(yield* r.pageMap(huge, NO_PD)).toBe(0);
        yield* L.tsel4_write8(NO_PD + 0x3fff_ffff, 9);
        expect(yield* L.tsel4_read8(NO_PD + 0x3fff_ffff)).toBe(9);
        // a page directory over a huge page: DeleteFirst
        const pd = yield* r.make(r.o.tableType(2));
        expect(yield* r.tableMap(2, pd, NO_PD)).toBe(L.seL4_DeleteFirst);
      },
      { ramBytes: 2 * 1024 * 1024 * 1024 },
    );
  });

  it('Unmap of an unmapped frame, GetAddress, and unknown labels', () => {
    runRoot('pc99', function* (r) {
      const f = yield* r.frame();
      expect(yield* r.pageUnmap(f)).toBe(0);
      expect(yield* L.invoke(f, label('X86PageTableMap'), [VS], [NO_PT, 0])).toBe(L.seL4_IllegalOperation);
      // MapIO: not in a build without CONFIG_IOMMU (pc99's default)
      expect(yield* L.seL4_X86_Page_MapIO(f, VS, L.seL4_AllRights, 0)).toBe(L.seL4_IllegalOperation);
      // a PML4 has no invocations
      expect(yield* L.invoke(VS, label('X86PageTableMap'), [VS], [NO_PT, 0])).toBe(L.seL4_IllegalOperation);
    });
  });

  it('with CONFIG_IOMMU, MapIO goes as far as seL4 goes without an IOSpace cap', () => {
    const mapIO = L.invocationLabel('x86_64', 'X86PageMapIO', { iommu: true });
    runRoot(
      'pc99',
      function* (r) {
        const f = yield* r.frame();
        expect(yield* L.invoke(f, mapIO, [VS], [0])).toBe(L.seL4_TruncatedMessage);
        expect(yield* err(r, L.invoke(f, mapIO, [VS], [L.seL4_AllRights, 0]), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      },
      { iommu: true },
    );
  });
});

describe('x86_64 page tables, directories and PDPTs', () => {
  it('PageTable_Map checks in seL4 order', () => {
    runRoot('pc99', function* (r) {
      const pt = yield* r.make(r.o.tableType(3));
      expect(yield* L.invoke(pt, label('X86PageTableMap'), [VS], [NO_PT])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, r.tableMap(3, pt, NO_PT, L.seL4_CapInitThreadTCB), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, r.tableMap(3, pt, 0x8000_0000_0000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* err(r, r.tableMap(3, pt, NO_PD), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 30]);
      // the image's page table is there already
      expect(yield* r.tableMap(3, pt, L.USER_TEXT_BASE)).toBe(L.seL4_DeleteFirst);
      // the address is rounded down to what the table covers (2 MiB)
      expect(yield* r.tableMap(3, pt, NO_PT + 0x1234)).toBe(0);
      expect(yield* err(r, r.tableMap(3, pt, NO_PT + 0x20_0000), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      const f = yield* r.frame();
      expect(yield* r.pageMap(f, NO_PT + 0x1000)).toBe(0);
    });
  });

  it('an unmapped table cannot be copied; Unmap needs the only cap, and clears the table', () => {
    runRoot('pc99', function* (r) {
      const pt = yield* r.make(r.o.tableType(3));
      expect(yield* L.seL4_CNode_Copy(CN, r.slot(), 64, CN, pt, 64, L.seL4_AllRights)).toBe(L.seL4_IllegalOperation);
      const f = yield* r.frame();
      expect(yield* r.tableMap(3, pt, NO_PT)).toBe(0);
      expect(yield* r.pageMap(f, NO_PT)).toBe(0);
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, pt, 64, L.seL4_AllRights)).toBe(0);
      expect(yield* r.tableUnmap(3, pt)).toBe(L.seL4_RevokeFirst);
      expect(yield* L.seL4_CNode_Delete(CN, copy, 64)).toBe(0);
      expect(yield* r.tableUnmap(3, pt)).toBe(0);
      // mapped again, the table is empty: the frame (whose cap still says mapped) is not there
      expect(yield* r.tableMap(3, pt, NO_PT)).toBe(0);
      const g = yield* r.frame();
      expect(yield* r.pageMap(g, NO_PT + 0x1000)).toBe(0);
      expect(yield* err(r, r.pageMap(f, NO_PT + 0x2000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
    });
  });

  it('PageDirectory_Map and PDPT_Map: already mapped, occupied, rounded addresses', () => {
    runRoot('pc99', function* (r) {
      const pd = yield* r.make(r.o.tableType(2));
      expect(yield* r.tableMap(2, pd, 0)).toBe(L.seL4_DeleteFirst);
      expect(yield* err(r, r.tableMap(2, pd, NO_PDPT), 3)).toEqual([L.seL4_FailedLookup, 0, L.seL4_MissingCapability, 39]);
      expect(yield* r.tableMap(2, pd, NO_PD + 0x1234_5678)).toBe(0);
      expect(yield* err(r, r.tableMap(2, pd, NO_PD), 1)).toEqual([L.seL4_InvalidCapability, 0]);
      const pdpt = yield* r.make(r.o.tableType(1));
      expect(yield* r.tableMap(1, pdpt, 0x12_3456_7000)).toBe(L.seL4_DeleteFirst);
      expect(yield* err(r, r.tableMap(1, pdpt, 0x8000_0000_0000), 1)).toEqual([L.seL4_InvalidArgument, 0]);
      expect(yield* r.tableMap(1, pdpt, NO_PDPT + 0x1234_5678)).toBe(0);
      expect(yield* r.tableUnmap(1, pdpt)).toBe(0);
      expect(yield* r.tableUnmap(2, pd)).toBe(0);
      // Unmap of an unmapped table is fine
      expect(yield* r.tableUnmap(2, pd)).toBe(0);
    });
  });
});

describe('x86_64 ASID control and pools', () => {
  it('MakePool checks in seL4 order, then fills the ASID table', () => {
    runRoot('pc99', function* (r) {
      const mk = (ut: number, slot: number) => L.seL4_X86_ASIDControl_MakePool(L.seL4_CapASIDControl, ut, CN, slot, 64);
      const ut = yield* r.make(L.seL4_UntypedObject, 12);
      expect(yield* L.invoke(L.seL4_CapASIDControl, label('X86ASIDControlMakePool'), [ut], [r.slot(), 64])).toBe(L.seL4_TruncatedMessage);
      expect(yield* L.invoke(L.seL4_CapASIDControl, label('X86ASIDPoolAssign'), [ut, CN], [r.slot(), 64])).toBe(L.seL4_IllegalOperation);
      const big = yield* r.make(L.seL4_UntypedObject, 13);
      expect(yield* err(r, mk(big, r.slot()), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      const dev = r.bi.untyped.start + r.bi.untypedList.findIndex((u) => u.isDevice === 1 && u.sizeBits >= 12);
      const devUt = yield* r.make(L.seL4_UntypedObject, 12, dev);
      expect(yield* err(r, mk(devUt, r.slot()), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      const parent = yield* r.make(L.seL4_UntypedObject, 12);
      yield* r.make(L.seL4_EndpointObject, 0, parent);
      expect(yield* mk(parent, r.slot())).toBe(L.seL4_RevokeFirst);
      expect(yield* mk(ut, L.seL4_CapInitThreadTCB)).toBe(L.seL4_DeleteFirst);
      const pool = r.slot();
      expect(yield* mk(ut, pool)).toBe(0);
      // the untyped is full now: nothing more comes out of it
      expect(yield* err(r, L.seL4_Untyped_Retype(ut, L.seL4_EndpointObject, 0, CN, 0, 0, r.slot(), 1), 1)).toEqual([L.seL4_NotEnoughMemory, 0]);
      // 8 pools on x86_64: the root task's and this one, then 6 more, then none
      for (let i = 0; i < 6; i++) expect(yield* mk(yield* r.make(L.seL4_UntypedObject, 12), r.slot())).toBe(0);
      expect(yield* mk(yield* r.make(L.seL4_UntypedObject, 12), r.slot())).toBe(L.seL4_DeleteFirst);
      // deleting a pool frees its table entry
      expect(yield* L.seL4_CNode_Delete(CN, pool, 64)).toBe(0);
      expect(yield* mk(yield* r.make(L.seL4_UntypedObject, 12), r.slot())).toBe(0);
    });
  });

  it('Assign checks in seL4 order and runs out after 512 ASIDs (none is 0)', () => {
    runRoot('pc99', function* (r) {
      const assign = (pool: number, v: number) => L.seL4_X86_ASIDPool_Assign(pool, v);
      const ut = yield* r.make(L.seL4_UntypedObject, 12);
      const pool = r.slot();
      expect(yield* L.seL4_X86_ASIDControl_MakePool(L.seL4_CapASIDControl, ut, CN, pool, 64)).toBe(0);
      expect(yield* L.invoke(pool, label('X86ASIDPoolAssign'), [], [])).toBe(L.seL4_TruncatedMessage);
      expect(yield* err(r, assign(pool, VS), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      expect(yield* err(r, assign(pool, r.bi.userImagePaging.start), 1)).toEqual([L.seL4_InvalidCapability, 1]);
      // pool 1 has ASIDs 512..1023: all 512 can be given out
      const roots: number[] = [];
      for (let n = 0; n < 2; n++) {
        const at = r.slots(256);
        const big = yield* r.make(L.seL4_UntypedObject, 20);
        expect(yield* L.seL4_Untyped_Retype(big, r.o.vspaceType, 0, CN, 0, 0, at, 256)).toBe(0);
        for (let i = 0; i < 256; i++) roots.push(at + i);
      }
      for (const v of roots) expect(yield* assign(pool, v)).toBe(0);
      expect(yield* assign(pool, yield* r.make(r.o.vspaceType))).toBe(L.seL4_DeleteFirst);
      // the root task's pool skips ASID 0 and has given out ASID 1: 510 are left
      let n = 0;
      for (;;) {
        const e = yield* assign(L.seL4_CapInitThreadASIDPool, yield* r.make(r.o.vspaceType));
        if (e !== 0) {
          expect(e).toBe(L.seL4_DeleteFirst);
          break;
        }
        n++;
      }
      expect(n).toBe(510);
      // revoking the untyped deletes the pool and every copy of its cap
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, pool, 64, L.seL4_AllRights)).toBe(0);
      expect(yield* L.seL4_CNode_Revoke(CN, ut, 64)).toBe(0);
      expect(yield* L.seL4_DebugCapIdentify(copy)).toBe(0);
      expect(yield* L.seL4_DebugCapIdentify(pool)).toBe(0);
    }, { checkInvariants: false }); // a thousand VSpaces: the per-syscall check would dominate
  });

  it('a deleted pool takes its VSpaces ASIDs: FailedLookup InvalidRoot through them', () => {
    runRoot('pc99', function* (r) {
      const ut = yield* r.make(L.seL4_UntypedObject, 12);
      const pool = r.slot();
      expect(yield* L.seL4_X86_ASIDControl_MakePool(L.seL4_CapASIDControl, ut, CN, pool, 64)).toBe(0);
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, pool, 64, L.seL4_AllRights)).toBe(0);
      const v = yield* r.newVSpace(pool);
      // not the last cap: the pool stays
      expect(yield* L.seL4_CNode_Delete(CN, copy, 64)).toBe(0);
      expect(yield* r.tableMap(1, yield* r.make(r.o.tableType(1)), 0, v)).toBe(0);
      // revoking the untyped deletes the pool
      expect(yield* L.seL4_CNode_Revoke(CN, ut, 64)).toBe(0);
      expect(yield* err(r, r.tableMap(1, yield* r.make(r.o.tableType(1)), NO_PDPT, v), 2)).toEqual([L.seL4_FailedLookup, 0, L.seL4_InvalidRoot]);
    });
  });
});
