/*
 * decodeUntypedInvocation (seL4: src/object/untyped.c): every check of seL4_Untyped_Retype in
 * seL4's order with seL4's errors and extra words (digest 6), on the exact words of the message;
 * then Restart and the object package's invokeUntyped_Retype, which cannot fail.
 */

import { GenericLabel as L, objectTypeCount, seL4_CapTableObject, seL4_UntypedObject } from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
  type CNodeObj,
  ensureEmptySlot,
  ensureNoChildren,
  getObjectSize,
  invokeUntyped_Retype,
  isFrameType,
  LookupFault,
  lookupTargetSlot,
  type OpResult,
  SyscallError,
} from '@tsel4/object';
import { halves, readArgs } from '../args.js';
import type { ObjectInvocation } from '../invocation.js';
import { depthArg, small } from '../words.js';

export function decodeUntypedInvocation(inv: ObjectInvocation): OpResult {
  const space = inv.space;
  const wordBits = space.wordBits;
  const cap = inv.cap;
  if (inv.label !== L.UntypedRetype) return SyscallError.illegalOperation();
  const rootSlot = inv.extra(0);
  if (inv.length < 6 || rootSlot === null) return SyscallError.truncatedMessage();
  const a = readArgs(inv, 'UntypedRetype', wordBits);

  if (a.type >= BigInt(objectTypeCount(space.arch.name, space.config.iommu))) return SyscallError.invalidArgument(0);
  const newType = small(a.type);
  const maxBits = space.arch.objects.maxUntypedBits;
  // a huge size is rejected before the object size could overflow
  if (a.size_bits >= BigInt(wordBits) || getObjectSize(space, newType, small(a.size_bits)) > maxBits) {
    return SyscallError.rangeError(0, maxBits);
  }
  const userObjSize = small(a.size_bits);
  if (newType === seL4_CapTableObject && userObjSize === 0) return SyscallError.invalidArgument(1);
  if (newType === seL4_UntypedObject && userObjSize < space.arch.objects.minUntypedBits) return SyscallError.invalidArgument(1);
  const objectSize = getObjectSize(space, newType, userObjSize);

  let nodeCap: Cap;
  if (a.node_depth === 0n) {
    nodeCap = rootSlot.cap;
  } else {
    const [lo, hi] = halves(a.node_index);
    const r = lookupTargetSlot(rootSlot.cap, lo, hi, depthArg(a.node_depth), wordBits, space.lookup);
    if (r instanceof SyscallError) return r;
    nodeCap = r.cap;
  }
  if (nodeCap.type !== CapType.CNode) {
    return SyscallError.failedLookup(false, LookupFault.missingCapability(Number(a.node_depth & 0x7fn)));
  }

  const nodeSize = 2 ** nodeCap.radix;
  if (a.node_offset > BigInt(nodeSize - 1)) return SyscallError.rangeError(0, nodeSize - 1);
  const nodeOffset = small(a.node_offset);
  const fanOut = space.config.retypeFanOutLimit;
  if (a.num_objects < 1n || a.num_objects > BigInt(fanOut)) return SyscallError.rangeError(1, fanOut);
  const nodeWindow = small(a.num_objects);
  if (nodeWindow > nodeSize - nodeOffset) return SyscallError.rangeError(1, nodeSize - nodeOffset);

  const destCNode = nodeCap.obj as CNodeObj;
  for (let i = nodeOffset; i < nodeOffset + nodeWindow; i++) {
    const d = destCNode.peek(i);
    if (d !== undefined) {
      const err = ensureEmptySlot(d);
      if (err !== null) return err;
    }
  }

  // with no children the untyped is allocated from the start again (seL4's reset)
  const reset = ensureNoChildren(inv.slot) === null;
  const freeOffset = reset ? 0 : cap.freeOffset;
  const freeBytes = 2 ** cap.blockSize - freeOffset;
  if (Math.floor(freeBytes / 2 ** objectSize) < nodeWindow) return SyscallError.notEnoughMemory(freeBytes);
  if (cap.isDevice && !isFrameType(space, newType) && newType !== seL4_UntypedObject) return SyscallError.invalidArgument(1);

  const freeRef = cap.untypedBase + freeOffset;
  const align = 2 ** objectSize;
  const alignedFreeRef = Math.ceil(freeRef / align) * align;
  inv.restart();
  return invokeUntyped_Retype(space, inv.slot, reset, alignedFreeRef, newType, userObjSize, destCNode, nodeOffset, nodeWindow, cap.isDevice);
}
