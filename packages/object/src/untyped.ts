/*
 * Untyped memory and Retype (seL4: src/object/untyped.c, createObject in objecttype.c).
 *
 * An untyped cap names a power-of-two region of physical memory and a watermark (the free
 * offset). Retype carves objects out of the region from the watermark, each aligned to its own
 * size, and puts their caps in consecutive empty slots of a CNode. When the untyped has no
 * children left, the next Retype starts again from the bottom, clearing the memory first (seL4's
 * reset). The checks, in seL4's order with seL4's errors and extra words (digest 6), are the
 * decoder's (decodeUntypedInvocation in the syscalls package); this file has what it uses.
 */

import { ThreadContext } from '@tsel4/hal';
import { objectType } from '@tsel4/libsel4';
import {
  type Cap,
  EP_CAN_GRANT,
  EP_CAN_GRANT_REPLY,
  EP_CAN_RECEIVE,
  EP_CAN_SEND,
  cnodeCap,
  endpointCap,
  frameCap,
  notificationCap,
  pageTableCap,
  threadCap,
  untypedCap,
  VMReadWrite,
} from './cap.js';
import { CNodeObj } from './cnode.js';
import type { Cte } from './cte.js';
import { type OpResult, PREEMPTED, type Preempted } from './errors.js';
import { Endpoint, Frame, Notification, type PagingKind, PagingObject } from './kobject.js';
import { insertNewCap } from './mdb.js';
import type { ObjectSpace } from './space.js';
import { Tcb } from './tcb.js';

/** seL4's getObjectSize: log2 bytes of one object of `type` with user size `userSize`. */
export function getObjectSize(space: ObjectSpace, type: number, userSize: number): number {
  const o = space.arch.objects;
  const info = objectType(space.arch.name, type, space.config.iommu);
  switch (info?.kind) {
    case 'untyped':
      return userSize;
    case 'tcb':
      return o.tcbBits;
    case 'endpoint':
      return o.endpointBits;
    case 'notification':
      return o.notificationBits;
    case 'cnode':
      return o.slotBits + userSize;
    case 'frame':
    case 'pagetable':
    case 'vspace':
    case 'iopagetable':
      return info.sizeBits!;
    default:
      throw new Error(`internal: getObjectSize of unknown type ${type}`);
  }
}

/** seL4's Arch_isFrameType. */
export function isFrameType(space: ObjectSpace, type: number): boolean {
  return objectType(space.arch.name, type, space.config.iommu)?.kind === 'frame';
}

const ALL_EP_RIGHTS = EP_CAN_SEND | EP_CAN_RECEIVE | EP_CAN_GRANT | EP_CAN_GRANT_REPLY;

function pagingKind(space: ObjectSpace, type: number): PagingKind {
  const info = objectType(space.arch.name, type, space.config.iommu)!;
  if (info.kind === 'iopagetable') return 'iopt';
  if (info.kind === 'vspace') return space.arch.pagingKinds[0];
  // a page table without a level is used at every level below the root
  return info.level === undefined ? 'pt' : space.arch.pagingKinds[info.level]!;
}

/** seL4's createObject: make one object at `addr` and return the cap to it. */
export function createObject(space: ObjectSpace, type: number, addr: number, userSize: number, isDevice: boolean): Cap {
  const info = objectType(space.arch.name, type, space.config.iommu);
  const o = space.arch.objects;
  switch (info?.kind) {
    case 'untyped':
      return untypedCap(addr, userSize, 0, isDevice);
    case 'tcb': {
      const tcb = new Tcb(addr, o.tcbBits, new ThreadContext(space.arch), space.config.timeSlice);
      tcb.domain = space.hooks.currentDomain();
      space.hooks.tcbCreated(tcb);
      return threadCap(tcb);
    }
    case 'endpoint':
      return endpointCap(new Endpoint(addr, o.endpointBits), 0, 0, ALL_EP_RIGHTS);
    case 'notification':
      return notificationCap(new Notification(addr, o.notificationBits), 0, 0, EP_CAN_SEND | EP_CAN_RECEIVE);
    case 'cnode':
      return cnodeCap(new CNodeObj(addr, userSize, o.slotBits), userSize, 0, 0, 0);
    case 'frame': {
      const bits = info.sizeBits!;
      if (!isDevice) space.memory.zero(addr, 2 ** bits);
      return frameCap(new Frame(addr, bits, isDevice), VMReadWrite);
    }
    case 'pagetable':
    case 'vspace':
    case 'iopagetable':
      space.memory.zero(addr, 2 ** info.sizeBits!);
      return pageTableCap(new PagingObject(addr, info.sizeBits!, pagingKind(space, type), 2 ** (info.sizeBits! - space.arch.wordSizeBits)));
    default:
      throw new Error(`internal: createObject of unknown type ${type}`);
  }
}

/**
 * seL4's resetUntypedCap: clear what was allocated and set the watermark back to the start, from
 * the top down in chunks of 2^CONFIG_RESET_CHUNK_BITS bytes with a preemption point after each
 * (the watermark follows, so a restarted Retype continues where this stopped). A device untyped,
 * or one smaller than a chunk, is reset in one step. An untyped of whole pages is cleared a page
 * at a time, when the walk reaches the page's first chunk (so board memory drops the page): the
 * bytes between the watermark and the page's end are never seen, since every object made there
 * is cleared when it is made, until then.
 */
function resetUntypedCap(space: ObjectSpace, slot: Cte): OpResult {
  const cap = slot.cap;
  let offset = cap.freeOffset;
  if (offset === 0) return null;
  const chunk = space.config.resetChunkBits ?? DEFAULT_RESET_CHUNK_BITS;
  const size = 2 ** cap.blockSize;
  if (cap.isDevice || cap.blockSize < chunk) {
    if (!cap.isDevice) space.memory.zero(cap.untypedBase, size);
    slot.cap = untypedCap(cap.untypedBase, cap.blockSize, 0, cap.isDevice);
    return null;
  }
  const step = 2 ** chunk;
  const wholePages = cap.blockSize >= 12;
  for (offset = Math.floor((Math.min(offset, size) - 1) / step) * step; offset >= 0; offset -= step) {
    if (!wholePages) space.memory.zero(cap.untypedBase + offset, step);
    else if (offset % PAGE_BYTES === 0) space.memory.zero(cap.untypedBase + offset, PAGE_BYTES);
    // seL4 moves the watermark down after each chunk; it is seen only once this stops
    if (space.hooks.preemptionPoint()) {
      slot.cap = untypedCap(cap.untypedBase, cap.blockSize, offset, false);
      return PREEMPTED;
    }
  }
  slot.cap = untypedCap(cap.untypedBase, cap.blockSize, 0, false);
  return null;
}

/** seL4's CONFIG_RESET_CHUNK_BITS default (config.cmake). */
export const DEFAULT_RESET_CHUNK_BITS = 8;
const PAGE_BYTES = 4096;

/**
 * seL4's invokeUntyped_Retype: cannot fail once decoded (decodeUntypedInvocation, in the syscalls
 * package, made every check); it may only be preempted while it resets the untyped. `reset` says the untyped had no children, so it is cleared and
 * allocated from the start; `base` is the aligned address of the first object.
 */
export function invokeUntyped_Retype(
  space: ObjectSpace,
  slot: Cte,
  reset: boolean,
  base: number,
  type: number,
  userSize: number,
  destCNode: CNodeObj,
  destOffset: number,
  count: number,
  isDevice: boolean,
): Preempted | null {
  if (reset && resetUntypedCap(space, slot) === PREEMPTED) return PREEMPTED;
  const objectSize = getObjectSize(space, type, userSize);
  const cap = slot.cap;
  const end = base + count * 2 ** objectSize;
  slot.cap = untypedCap(cap.untypedBase, cap.blockSize, end - cap.untypedBase, cap.isDevice);
  for (let i = 0; i < count; i++) {
    const newCap = createObject(space, type, base + i * 2 ** objectSize, userSize, isDevice);
    insertNewCap(slot, destCNode.slotAt(destOffset + i), newCap);
  }
  return null;
}
