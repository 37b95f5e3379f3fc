/*
 * CONFIG_IOMMU as a pc99 board option (seL4: libsel4/arch_include/x86/sel4/arch/objecttype.h).
 * Off by default: seL4_ObjectTypeCount is 12 and type 12 is InvalidArgument 0 to Retype; on, type
 * 12 is seL4_X86_IOPageTableObject and a retype of it succeeds.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { runMachine } from '../src/index.js';

function retypeType12(out: number[]): L.ThreadFunction {
  return function* () {
    const bi = L.seL4_GetBootInfo();
    const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
    out.push(yield* L.seL4_Untyped_Retype(ut, 12, 0, L.seL4_CapInitThreadCNode, 0, 0, bi.empty.start, 1));
    out.push(yield* L.seL4_Untyped_Retype(ut, 11, 0, L.seL4_CapInitThreadCNode, 0, 0, bi.empty.start + 1, 1));
  } as L.ThreadFunction;
}

describe('the pc99 IOMMU option', () => {
  it('off (default): type 12 is InvalidArgument 0, the last type (PageDirectory, 11) retypes', () => {
    const out: number[] = [];
    runMachine(retypeType12(out));
    expect(out).toEqual([L.seL4_InvalidArgument, L.seL4_NoError]);
  });
  it('on: type 12 is seL4_X86_IOPageTableObject', () => {
    const out: number[] = [];
    runMachine(retypeType12(out), { iommu: true });
    expect(out).toEqual([L.seL4_NoError, L.seL4_NoError]);
  });
  it('is refused on boards other than pc99', () => {
    expect(() => runMachine(retypeType12([]), { board: 'qemu-arm-virt', iommu: true })).toThrow(/pc99 option/);
  });
});

/*
 * The invocation labels follow the build (libsel4/arch_include/x86/interfaces/object-api-arch.xml:
 * X86IOPageTableMap, X86IOPageTableUnmap and X86PageMapIO are <condition> CONFIG_IOMMU, and the
 * generated enum leaves them out without it). On pc99 without the IOMMU, X86PageGetAddress is 41
 * and X86IOPortIn8 45; with it, 44 and 48.
 */
const FRAME_4K = L.objectTypes('x86_64').findIndex((t) => t.name === 'seL4_X86_4K');

function labelProgram(out: (number | bigint)[]): L.ThreadFunction {
  return function* () {
    const bi = L.seL4_GetBootInfo();
    const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
    const frame = bi.empty.start;
    const port = bi.empty.start + 1;
    const pt = bi.empty.start + 2;
    out.push(yield* L.seL4_Untyped_Retype(ut, FRAME_4K, 0, L.seL4_CapInitThreadCNode, 0, 0, frame, 1));
    out.push(yield* L.seL4_X86_IOPortControl_Issue(L.seL4_CapIOPortControl, 0x80, 0x80, L.seL4_CapInitThreadCNode, port, 64));
    const pageTable = L.objectTypes('x86_64').findIndex((t) => t.name === 'seL4_X86_PageTableObject');
    out.push(yield* L.seL4_Untyped_Retype(ut, pageTable, 0, L.seL4_CapInitThreadCNode, 0, 0, pt, 1));
    // the stubs send the running build's labels
    const got = yield* L.seL4_X86_Page_GetAddress(frame);
    out.push(got.error, got.paddr === 0 ? 0 : 1);
    out.push((yield* L.seL4_X86_IOPort_In8(port, 0x80)).error);
    // raw labels: GetAddress as a build without the IOMMU numbers it (41), then as one with it (44)
    out.push(yield* L.invoke(frame, 41, [], []));
    out.push(yield* L.invoke(frame, 44, [], []));
    // the IOMMU methods' stubs (InvalidInvocation when the build has none)
    out.push(yield* L.seL4_X86_Page_MapIO(frame, L.seL4_CapInitThreadVSpace, L.seL4_AllRights, 0));
    out.push(yield* L.seL4_X86_IOPageTable_Unmap(pt));
    // the IOMMU build's IOPageTable labels (39, 40) on a page table
    out.push(yield* L.invoke(pt, 39, [], []));
    out.push(yield* L.invoke(pt, 40, [], []));
  } as L.ThreadFunction;
}

describe('invocation labels with and without CONFIG_IOMMU on pc99', () => {
  it('off (default): the labels after the IOMMU methods close up; the IOMMU methods are IllegalOperation', () => {
    const out: (number | bigint)[] = [];
    runMachine(labelProgram(out));
    expect(out).toEqual([
      L.seL4_NoError, L.seL4_NoError, L.seL4_NoError,
      L.seL4_NoError, 1, // GetAddress by stub
      L.seL4_NoError, // IOPort_In8 by stub (45)
      L.seL4_NoError, // 41 is X86PageGetAddress
      L.seL4_IllegalOperation, // 44 is X86IOPortControlIssue: not a frame method
      L.seL4_IllegalOperation, // Page_MapIO: no such method in this build
      L.seL4_IllegalOperation, // IOPageTable_Unmap: no such method in this build
      L.seL4_IllegalOperation, // 39 is X86PageMap: not a page-table method
      L.seL4_IllegalOperation, // 40 is X86PageUnmap
    ]);
  });
  it('on: the IOMMU numbering, and the IOMMU methods decoded', () => {
    const out: (number | bigint)[] = [];
    runMachine(labelProgram(out), { iommu: true });
    expect(out).toEqual([
      L.seL4_NoError, L.seL4_NoError, L.seL4_NoError,
      L.seL4_NoError, 1,
      L.seL4_NoError, // IOPort_In8 by stub (48)
      L.seL4_TruncatedMessage, // 41 is X86PageMap: no arguments
      L.seL4_NoError, // 44 is X86PageGetAddress
      L.seL4_InvalidCapability, // Page_MapIO: the VSpace is no IOSpace (decodeX86IOMapInvocation)
      L.seL4_IllegalOperation, // IOPageTable_Unmap on a (CPU) page table
      L.seL4_IllegalOperation, // 39 is X86IOPageTableMap: not a CPU page-table method
      L.seL4_IllegalOperation, // 40 is X86IOPageTableUnmap
    ]);
  });
});
