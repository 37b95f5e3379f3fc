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
import { Endpoint, Frame, Notification, type PagingKind, PagingObject } from './kobject.js';
import { insertNewCap } from './mdb.js';
import type { ObjectSpace } from './space.js';
import { Tcb } from './tcb.js';

/** seL4's getObjectSize: log2 bytes of one object of `type` with user size `userSize`. */
export function getObjectSize(space: ObjectSpace, type: number, userSize: number): number {
  const o = space.arch.objects;
  const info = objectType(space.arch.name, type);
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
  return objectType(space.arch.name, type)?.kind === 'frame';
}

const ALL_EP_RIGHTS = EP_CAN_SEND | EP_CAN_RECEIVE | EP_CAN_GRANT | EP_CAN_GRANT_REPLY;

function pagingKind(space: ObjectSpace, type: number): PagingKind {
  const info = objectType(space.arch.name, type)!;
  if (info.kind === 'iopagetable') return 'iopt';
  if (info.kind === 'vspace') return space.arch.name === 'x86_64' ? 'pml4' : space.arch.name === 'ia32' ? 'pd' : 'vspace';
  if (space.arch.name === 'x86_64') return info.level === 1 ? 'pdpt' : info.level === 2 ? 'pd' : 'pt';
  return 'pt';
}

/** seL4's createObject: make one object at `addr` and return the cap to it. */
export function createObject(space: ObjectSpace, type: number, addr: number, userSize: number, isDevice: boolean): Cap {
  const info = objectType(space.arch.name, type);
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
 * seL4's resetUntypedCap: clear what was allocated and set the watermark back to the start. seL4
 * clears in 256-byte chunks with a preemption point after each; clearing here drops whole pages
 * of board memory at once, so it is done in one step.
 */
function resetUntypedCap(space: ObjectSpace, slot: Cte): void {
  const cap = slot.cap;
  if (cap.freeOffset === 0) return;
  if (!cap.isDevice) space.memory.zero(cap.untypedBase, Math.min(cap.freeOffset, 2 ** cap.blockSize));
  slot.cap = untypedCap(cap.untypedBase, cap.blockSize, 0, cap.isDevice);
}

/**
 * seL4's invokeUntyped_Retype: cannot fail once decoded (decodeUntypedInvocation, in the syscalls
 * package, made every check). `reset` says the untyped had no children, so it is cleared and
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
): void {
  if (reset) resetUntypedCap(space, slot);
  const objectSize = getObjectSize(space, type, userSize);
  const cap = slot.cap;
  const end = base + count * 2 ** objectSize;
  slot.cap = untypedCap(cap.untypedBase, cap.blockSize, end - cap.untypedBase, cap.isDevice);
  for (let i = 0; i < count; i++) {
    const newCap = createObject(space, type, base + i * 2 ** objectSize, userSize, isDevice);
    insertNewCap(slot, destCNode.slotAt(destOffset + i), newCap);
  }
}
