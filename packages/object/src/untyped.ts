/*
 * Untyped memory and Retype (seL4: src/object/untyped.c, createObject in objecttype.c).
 *
 * An untyped cap names a power-of-two region of physical memory and a watermark (the free
 * offset). Retype carves objects out of the region from the watermark, each aligned to its own
 * size, and puts their caps in consecutive empty slots of a CNode. When the untyped has no
 * children left, the next Retype starts again from the bottom, clearing the memory first (seL4's
 * reset). Checks come in seL4's order with seL4's errors and extra words (digest 6).
 */

import { ThreadContext } from '@tsel4/hal';
import { objectType, objectTypeCount, seL4_CapTableObject, seL4_UntypedObject } from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
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
import { CNodeObj, lookupTargetSlot } from './cnode.js';
import type { Cte } from './cte.js';
import { LookupFault, type OpResult, SyscallError } from './errors.js';
import { Endpoint, Frame, Notification, type PagingKind, PagingObject } from './kobject.js';
import { ensureEmptySlot, ensureNoChildren, insertNewCap } from './mdb.js';
import type { ObjectSpace } from './space.js';
import { Tcb } from './tcb.js';

/** Arguments of seL4_Untyped_Retype as the kernel reads them (every word, not just its low bits). */
export interface RetypeArgs {
  readonly type: number;
  readonly sizeBits: number;
  /** The extra cap: the CNode the destination is looked up in. */
  readonly root: Cap;
  readonly nodeIndexLo: number;
  readonly nodeIndexHi: number;
  readonly nodeDepth: number;
  readonly nodeOffset: number;
  readonly numObjects: number;
}

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
  if (info.kind === 'vspace') return space.arch.pagingKinds[0];
  // a page table without a level is used at every level below the root
  return info.level === undefined ? 'pt' : space.arch.pagingKinds[info.level]!;
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
 * Decode and perform seL4_Untyped_Retype on the untyped cap in `slot` (seL4's
 * decodeUntypedInvocation from the object-type check on, then invokeUntyped_Retype). The message
 * length and presence of the root cap are the caller's to check first.
 */
export function untypedRetype(space: ObjectSpace, slot: Cte, args: RetypeArgs): OpResult {
  const cap = slot.cap;
  const wordBits = space.wordBits;
  const { type, sizeBits: userSize, nodeDepth, nodeOffset, numObjects } = args;
  if (type >= objectTypeCount(space.arch.name)) return SyscallError.invalidArgument(0);

  const maxBits = space.arch.objects.maxUntypedBits;
  // userSize may be a huge word: seL4 rejects it before the size can overflow.
  if (userSize >= wordBits || getObjectSize(space, type, userSize) > maxBits) return SyscallError.rangeError(0, maxBits);
  if (type === seL4_CapTableObject && userSize === 0) return SyscallError.invalidArgument(1);
  if (type === seL4_UntypedObject && userSize < space.arch.objects.minUntypedBits) return SyscallError.invalidArgument(1);
  const objectSize = getObjectSize(space, type, userSize);

  let nodeCap: Cap;
  if (nodeDepth === 0) {
    nodeCap = args.root;
  } else {
    const r = lookupTargetSlot(args.root, args.nodeIndexLo, args.nodeIndexHi, nodeDepth, wordBits, space.lookup);
    if (r instanceof SyscallError) return r;
    nodeCap = r.cap;
  }
  if (nodeCap.type !== CapType.CNode) {
    return SyscallError.failedLookup(false, LookupFault.missingCapability(nodeDepth));
  }

  const nodeSize = 2 ** nodeCap.radix;
  if (nodeOffset > nodeSize - 1) return SyscallError.rangeError(0, nodeSize - 1);
  const fanOut = space.config.retypeFanOutLimit;
  if (numObjects < 1 || numObjects > fanOut) return SyscallError.rangeError(1, fanOut);
  if (numObjects > nodeSize - nodeOffset) return SyscallError.rangeError(1, nodeSize - nodeOffset);

  const destCNode = nodeCap.obj as CNodeObj;
  for (let i = nodeOffset; i < nodeOffset + numObjects; i++) {
    const d = destCNode.peek(i);
    if (d !== undefined) {
      const err = ensureEmptySlot(d);
      if (err !== null) return err;
    }
  }

  // With no children the untyped is allocated from the start again (seL4's reset).
  const reset = ensureNoChildren(slot) === null;
  const freeOffset = reset ? 0 : cap.freeOffset;
  const freeBytes = 2 ** cap.blockSize - freeOffset;
  if (Math.floor(freeBytes / 2 ** objectSize) < numObjects) return SyscallError.notEnoughMemory(freeBytes);

  if (cap.isDevice && !isFrameType(space, type) && type !== seL4_UntypedObject) {
    return SyscallError.invalidArgument(1);
  }

  const freeRef = cap.untypedBase + freeOffset;
  const align = 2 ** objectSize;
  const alignedFreeRef = Math.ceil(freeRef / align) * align;
  return invokeUntypedRetype(space, slot, reset, alignedFreeRef, type, userSize, destCNode, nodeOffset, numObjects, cap.isDevice);
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

/** seL4's invokeUntyped_Retype: cannot fail once decoded (it may be preempted while resetting). */
function invokeUntypedRetype(
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
): OpResult {
  if (reset) resetUntypedCap(space, slot);
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
