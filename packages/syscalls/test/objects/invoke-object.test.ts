// invokeObject, the public way to call CNode and Untyped methods with no kernel: the message as
// libsel4's stub sends it, seL4's errors back.
import { GenericLabel, seL4_AllRights, seL4_EndpointObject, seL4_InvalidCapability, seL4_RangeError } from '@tsel4/libsel4';
import { CapType, Cte, SyscallError } from '@tsel4/object';
import { describe, expect, it } from 'vitest';
import { invokeObject } from '../../src/index.js';
import { ROOT_SLOT, UT_SLOT, world } from './fixture.js';

describe('invokeObject', () => {
  it('runs Retype and Mint from plain words and caps', () => {
    const w = world();
    // seL4_Untyped_Retype(ut, type, size_bits, root, node_index, node_depth, node_offset, num_objects)
    expect(invokeObject(w.space, w.slot(UT_SLOT), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 20, 1], [w.rootCap])).toBeNull();
    // seL4_CNode_Mint(root, 21, 64, root, 20, 64, rights, badge 7)
    expect(invokeObject(w.space, w.slot(ROOT_SLOT), GenericLabel.CNodeMint, [21, 64, 20, 64, seL4_AllRights, 7], [w.rootCap])).toBeNull();
    expect(w.slot(21).cap.type).toBe(CapType.Endpoint);
    expect(w.slot(21).cap.badgeLo).toBe(7);
    // again into the same slot: seL4_DeleteFirst
    expect(String(invokeObject(w.space, w.slot(UT_SLOT), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 20, 1], [w.rootCap]))).toBe('seL4_DeleteFirst');
  });

  it('takes each word modulo 2^wordBits: a depth of -1 is 2^64 - 1, out of 1..64', () => {
    const w = world();
    const r = invokeObject(w.space, w.slot(ROOT_SLOT), GenericLabel.CNodeDelete, [20, -1]);
    expect(r).toBeInstanceOf(SyscallError);
    expect((r as SyscallError).type).toBe(seL4_RangeError);
    expect((r as SyscallError).extra).toEqual([[1, 0], [64, 0]]);
  });

  it('answers a message too short with TruncatedMessage, and a missing extra cap too', () => {
    const w = world();
    expect(String(invokeObject(w.space, w.slot(ROOT_SLOT), GenericLabel.CNodeDelete, [20]))).toBe('seL4_TruncatedMessage');
    expect(String(invokeObject(w.space, w.slot(UT_SLOT), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 20, 1]))).toBe('seL4_TruncatedMessage');
  });

  it('an empty slot is seL4_InvalidCapability for the invoked cap; other objects need a kernel', () => {
    const w = world();
    const r = invokeObject(w.space, new Cte(null, 0), GenericLabel.CNodeDelete, [20, 64]);
    expect((r as SyscallError).type).toBe(seL4_InvalidCapability);
    expect((r as SyscallError).extra).toEqual([[0, 0]]);
    invokeObject(w.space, w.slot(UT_SLOT), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 20, 1], [w.rootCap]);
    expect(() => invokeObject(w.space, w.slot(20), GenericLabel.CNodeDelete, [20, 64])).toThrow(TypeError);
  });
});
