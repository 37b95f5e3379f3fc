// Digest 6: Untyped_Retype, every check in seL4's order with its error words.
import {
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_TCBObject,
  seL4_UntypedObject,
  smallPageObject,
  objectTypeByName,
} from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { CapType, checkMdb, reachableSlots, SyscallError } from '@tsel4/object';
import { UT_SLOT, world } from './fixture.js';
import { copy, del, retype, revoke, untypedRetype } from './helpers.js';

const PAGE = smallPageObject('x86_64');
const err = (r: unknown) => (r instanceof SyscallError ? r.toString() : String(r));

describe('Untyped_Retype checks, in order (digest 6)', () => {
  it('type >= seL4_ObjectTypeCount: InvalidArgument 0', () => {
    const w = world();
    expect(err(retype(w, 13, 0, 20))).toBe('seL4_InvalidArgument [0]');
    expect(err(retype(w, 0xffffff, 0, 20))).toBe('seL4_InvalidArgument [0]');
  });

  it('without CONFIG_IOMMU (the pc99 default) type 12, the IOPageTable of an IOMMU build, is InvalidArgument 0', () => {
    const w = world();
    expect(err(retype(w, 12, 0, 20))).toBe('seL4_InvalidArgument [0]');
  });

  it('size_bits >= wordBits is RangeError 0..47 for every type, endpoints included (appendix B.4)', () => {
    const w = world();
    expect(err(retype(w, seL4_EndpointObject, 64, 20))).toBe('seL4_RangeError [0,47]');
    expect(err(retype(w, seL4_UntypedObject, 48, 20))).toBe('seL4_RangeError [0,47]');
    expect(err(retype(w, seL4_CapTableObject, 43, 20))).toBe('seL4_RangeError [0,47]');
    expect(err(retype(w, seL4_CapTableObject, 2 ** 40, 20))).toBe('seL4_RangeError [0,47]');
  });

  it('a CNode of size 0 and an untyped below 16 bytes are InvalidArgument 1', () => {
    const w = world();
    expect(err(retype(w, seL4_CapTableObject, 0, 20))).toBe('seL4_InvalidArgument [1]');
    expect(err(retype(w, seL4_UntypedObject, 3, 20))).toBe('seL4_InvalidArgument [1]');
  });

  it('a destination that is not a CNode: FailedLookup, not source, MissingCapability(node_depth)', () => {
    const w = world();
    const r = untypedRetype(w.space, w.slot(UT_SLOT), {
      type: seL4_EndpointObject, sizeBits: 0, root: w.rootCap, nodeIndexLo: UT_SLOT, nodeIndexHi: 0, nodeDepth: 64, nodeOffset: 0, numObjects: 1,
    });
    expect(err(r)).toBe('seL4_FailedLookup [0,2,64]');
  });

  it('node_offset beyond the CNode: RangeError 0..slots-1', () => {
    const w = world();
    expect(err(retype(w, seL4_EndpointObject, 0, 4096))).toBe('seL4_RangeError [0,4095]');
  });

  it('num_objects 0 or above 256: RangeError 1..256 (RETYPE0000)', () => {
    const w = world();
    expect(err(retype(w, seL4_EndpointObject, 0, 20, 0))).toBe('seL4_RangeError [1,256]');
    expect(err(retype(w, seL4_EndpointObject, 0, 20, 257))).toBe('seL4_RangeError [1,256]');
    expect(err(retype(w, seL4_EndpointObject, 0, 20, 2 ** 31))).toBe('seL4_RangeError [1,256]');
  });

  it('a window overrunning the CNode: RangeError 1..slots-offset', () => {
    const w = world();
    expect(err(retype(w, seL4_EndpointObject, 0, 4090, 10))).toBe('seL4_RangeError [1,6]');
  });

  it('an occupied destination slot: DeleteFirst', () => {
    const w = world();
    expect(err(retype(w, seL4_EndpointObject, 0, UT_SLOT))).toBe('seL4_DeleteFirst');
  });

  it('NotEnoughMemory reports the bytes left (pingpong reference: 4096, then 0)', () => {
    const w = world();
    expect(retype(w, seL4_UntypedObject, 12, 20)).toBeNull();
    const small = (dest: number, type: number, n: number) => untypedRetype(w.space, w.slot(20), {
      type, sizeBits: 0, root: w.rootCap, nodeIndexLo: 0, nodeIndexHi: 0, nodeDepth: 0, nodeOffset: dest, numObjects: n,
    });
    expect(err(small(30, PAGE, 2))).toBe('seL4_NotEnoughMemory [4096]');
    expect(small(30, PAGE, 1)).toBeNull();
    expect(err(small(31, seL4_EndpointObject, 1))).toBe('seL4_NotEnoughMemory [0]');
  });

  it('device untypeds make only frames and untypeds: InvalidArgument 1, after the memory check', () => {
    const w = world('pc99', { device: true });
    const dev = (type: number, n: number, sizeBits = 0, dest = 40) => untypedRetype(w.space, w.slot(UT_SLOT + 1), {
      type, sizeBits, root: w.rootCap, nodeIndexLo: 0, nodeIndexHi: 0, nodeDepth: 0, nodeOffset: dest, numObjects: n,
    });
    expect(err(dev(seL4_EndpointObject, 1))).toBe('seL4_InvalidArgument [1]');
    expect(err(dev(seL4_TCBObject, 100))).toBe('seL4_NotEnoughMemory [65536]');
    expect(dev(PAGE, 1)).toBeNull();
    expect(w.slot(40).cap.type).toBe(CapType.Frame);
    expect(dev(seL4_UntypedObject, 1, 12, 41)).toBeNull();
    expect(w.slot(41).cap.isDevice).toBe(true);
  });
});

describe('Untyped_Retype effects', () => {
  it('places objects consecutively, aligned to their size, and moves the watermark', () => {
    const w = world();
    const base = w.slot(UT_SLOT).cap.untypedBase;
    expect(retype(w, seL4_EndpointObject, 0, 20, 3)).toBeNull();
    expect([20, 21, 22].map((i) => w.slot(i).cap.obj!.addr - base)).toEqual([0, 16, 32]);
    expect(w.slot(UT_SLOT).cap.freeOffset).toBe(48);
    // a TCB (2 KiB) is aligned up: the gap is wasted
    expect(retype(w, seL4_TCBObject, 0, 23)).toBeNull();
    expect(w.slot(23).cap.obj!.addr - base).toBe(2048);
    expect(w.slot(UT_SLOT).cap.freeOffset).toBe(4096);
  });

  it('caps from one Retype follow the untyped in reverse order in the derivation tree', () => {
    const w = world();
    expect(retype(w, seL4_NotificationObject, 0, 20, 3)).toBeNull();
    const order = [];
    for (let s = w.slot(UT_SLOT).mdbNext; s !== null; s = s.mdbNext) order.push(s.index);
    expect(order).toEqual([22, 21, 20]);
    expect([20, 21, 22].every((i) => w.slot(i).revocable && w.slot(i).firstBadged)).toBe(true);
  });

  it('fills an untyped exactly and then refuses (RETYPE0002: 16 x 4 KiB from 64 KiB)', () => {
    const w = world();
    expect(retype(w, seL4_UntypedObject, 16, 20)).toBeNull();
    const from64k = (dest: number, n: number) => untypedRetype(w.space, w.slot(20), {
      type: PAGE, sizeBits: 0, root: w.rootCap, nodeIndexLo: 0, nodeIndexHi: 0, nodeDepth: 0, nodeOffset: dest, numObjects: n,
    });
    expect(from64k(100, 16)).toBeNull();
    expect(err(from64k(200, 1))).toBe('seL4_NotEnoughMemory [0]');
  });

  it('CNodes bigger than the untyped fail; an exactly fitting one succeeds (RETYPE0001)', () => {
    const w = world('pc99', { untypedBits: 16 });
    expect(err(retype(w, seL4_CapTableObject, 12, 20))).toBe('seL4_NotEnoughMemory [65536]');
    expect(retype(w, seL4_CapTableObject, 11, 20)).toBeNull();
  });

  it('starts again from the bottom once every child is gone, and only then', () => {
    const w = world();
    const base = w.slot(UT_SLOT).cap.untypedBase;
    expect(retype(w, seL4_EndpointObject, 0, 20, 2)).toBeNull();
    expect(del(w, 20)).toBeNull();
    // one child left: keep allocating above the watermark
    expect(retype(w, seL4_EndpointObject, 0, 20)).toBeNull();
    expect(w.slot(20).cap.obj!.addr - base).toBe(32);
    expect(revoke(w, UT_SLOT)).toBeNull();
    expect(w.slot(20).cap.type).toBe(CapType.Null);
    expect(w.slot(21).cap.type).toBe(CapType.Null);
    expect(retype(w, seL4_EndpointObject, 0, 20)).toBeNull();
    expect(w.slot(20).cap.obj!.addr - base).toBe(0);
  });

  it('zeroes frames it creates and memory it reuses', () => {
    const w = world();
    expect(retype(w, PAGE, 0, 20)).toBeNull();
    const addr = w.slot(20).cap.obj!.addr;
    w.space.memory.writeU32(addr + 8, 0xdeadbeef);
    expect(revoke(w, UT_SLOT)).toBeNull();
    expect(retype(w, PAGE, 0, 20)).toBeNull();
    expect(w.slot(20).cap.obj!.addr).toBe(addr);
    expect(w.space.memory.readU32(addr + 8)).toBe(0);
  });

  it('a large page from a 2 MiB-aligned untyped, and the arch types of each board', () => {
    const w = world('pc99', { untypedBits: 22 });
    const large = objectTypeByName('x86_64', 'seL4_X86_LargePageObject')!;
    expect(retype(w, seL4_EndpointObject, 0, 20)).toBeNull();
    expect(retype(w, large, 0, 21)).toBeNull();
    expect((w.slot(21).cap.obj!.addr - w.slot(UT_SLOT).cap.untypedBase) % 2 ** 21).toBe(0);
    expect(w.slot(21).cap.obj!.addr - w.slot(UT_SLOT).cap.untypedBase).toBe(2 ** 21);
    for (const [board, name] of [['qemu-arm-virt', 'seL4_ARM_VSpaceObject'], ['qemu-riscv-virt', 'seL4_RISCV_PageTableObject']] as const) {
      const v = world(board);
      const t = objectTypeByName(v.space.arch.name, name)!;
      expect(retype(v, t, 0, 20)).toBeNull();
      expect(v.slot(20).cap.type).toBe(CapType.PageTable);
      expect(checkMdb(reachableSlots([v.slot(2)]))).toEqual([]);
    }
  });

  it('copying an untyped with children is RevokeFirst; a whole copy marks the source full', () => {
    const w = world();
    expect(copy(w, 'Copy', 30, UT_SLOT)).toBeNull();
    expect(w.slot(UT_SLOT).cap.freeOffset).toBe(2 ** 20);
    expect(del(w, 30)).toBeNull();
    expect(retype(w, seL4_EndpointObject, 0, 20)).toBeNull();
    expect(err(copy(w, 'Copy', 31, UT_SLOT))).toBe('seL4_RevokeFirst');
  });

  it('leaves everything as it was when it fails', () => {
    const w = world();
    expect(retype(w, seL4_EndpointObject, 0, 20)).toBeNull();
    const before = JSON.stringify(w.snap());
    for (const r of [
      retype(w, 99, 0, 30),
      retype(w, seL4_CapTableObject, 0, 30),
      retype(w, seL4_EndpointObject, 0, 20),
      retype(w, seL4_EndpointObject, 0, 4095, 2),
      retype(w, seL4_UntypedObject, 21, 30),
    ]) {
      expect(r).toBeInstanceOf(SyscallError);
      expect(JSON.stringify(w.snap())).toBe(before);
    }
  });
});
