// The invoke functions of CNode and Untyped methods (seL4's invokeCNode*, invokeUntyped_Retype):
// what they do once decoded. The checks before them are the syscalls package's decoders, tested
// there (packages/syscalls/test/objects) and in tests/scenarios.
import { createBoard } from '@tsel4/hal';
import { seL4_EndpointObject } from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import {
  CapType,
  checkMdb,
  CNodeObj,
  cnodeCap,
  getObjectSize,
  invokeCNodeInsert,
  invokeCNodeMove,
  invokeCNodeRotate,
  invokeCNodeSaveCaller,
  invokeUntyped_Retype,
  ObjectSpace,
  reachableSlots,
  replyCap,
  untypedCap,
  writeSlot,
  type Tcb,
} from '../src/index.js';

function setup() {
  const b = createBoard('pc99');
  const space = new ObjectSpace(b.arch, b.memory);
  const root = new CNodeObj(b.ram[0]!.base + 0x10_0000, 8, b.arch.objects.slotBits);
  writeSlot(root.slotAt(1), cnodeCap(root, 8, b.arch.wordBits - 8, 0, 0));
  const utBase = b.ram[0]!.base + 0x100_0000;
  writeSlot(root.slotAt(2), untypedCap(utBase, 16, 0, false));
  return { space, root, utBase };
}

describe('invokeUntyped_Retype and the CNode invokes', () => {
  it('retype places consecutive objects from the base and moves the watermark', () => {
    const { space, root, utBase } = setup();
    const size = getObjectSize(space, seL4_EndpointObject, 0);
    invokeUntyped_Retype(space, root.slotAt(2), false, utBase, seL4_EndpointObject, 0, root, 10, 3, false);
    expect([10, 11, 12].map((i) => root.slotAt(i).cap.type)).toEqual([CapType.Endpoint, CapType.Endpoint, CapType.Endpoint]);
    expect(root.slotAt(12).cap.obj!.addr).toBe(utBase + 2 * 2 ** size);
    expect(root.slotAt(2).cap.freeOffset).toBe(3 * 2 ** size);
    expect(checkMdb(reachableSlots([root.slotAt(1)]))).toEqual([]);
  });

  it('insert copies, move moves, rotate with src = dest swaps', () => {
    const { space, root, utBase } = setup();
    invokeUntyped_Retype(space, root.slotAt(2), false, utBase, seL4_EndpointObject, 0, root, 10, 2, false);
    const [a, b] = [root.slotAt(10).cap, root.slotAt(11).cap];
    invokeCNodeInsert(a, root.slotAt(10), root.slotAt(20));
    expect(root.slotAt(20).cap.obj).toBe(a.obj);
    invokeCNodeMove(root.slotAt(20).cap, root.slotAt(20), root.slotAt(21));
    expect(root.slotAt(20).isEmpty).toBe(true);
    invokeCNodeRotate(b, a, root.slotAt(11), root.slotAt(10), root.slotAt(11));
    expect([root.slotAt(10).cap.obj, root.slotAt(11).cap.obj]).toEqual([b.obj, a.obj]);
    expect(checkMdb(reachableSlots([root.slotAt(1)]))).toEqual([]);
  });

  it('SaveCaller moves a reply cap and does nothing without one', () => {
    const { root } = setup();
    const caller = root.slotAt(30);
    invokeCNodeSaveCaller(caller, root.slotAt(31));
    expect(root.slotAt(31).isEmpty).toBe(true);
    writeSlot(caller, replyCap({} as Tcb, false, false));
    invokeCNodeSaveCaller(caller, root.slotAt(31));
    expect(root.slotAt(31).cap.type).toBe(CapType.Reply);
    expect(caller.isEmpty).toBe(true);
  });
});
