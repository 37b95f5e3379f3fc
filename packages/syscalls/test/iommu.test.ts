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
