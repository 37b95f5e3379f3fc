/*
 * decodeCNodeInvocation (seL4: src/object/cnode.c). The shape is seL4's: the label and length,
 * the destination slot, then per method the remaining arguments and checks in seL4's order; once
 * nothing can fail the caller is set to Restart and the object package's invokeCNode* runs.
 *
 * Arguments are read when seL4 reads them, so a message too short for a later argument is
 * TruncatedMessage only after the lookups that come first (a Copy with no source part and a bad
 * destination answers the destination's FailedLookup, not TruncatedMessage).
 */

import {
  deriveCap,
  ensureEmptySlot,
  hasCancelSendRights,
  invokeCNodeCancelBadgedSends,
  invokeCNodeDelete,
  invokeCNodeInsert,
  invokeCNodeMove,
  invokeCNodeRevoke,
  invokeCNodeRotate,
  invokeCNodeSaveCaller,
  LookupFault,
  lookupPivotSlot,
  lookupSourceSlot,
  lookupTargetSlot,
  maskCapRights,
  type Cap,
  CapType,
  type OpResult,
  SyscallError,
  updateCapData,
} from '@tsel4/object';
import { GenericLabel as L } from '@tsel4/libsel4';
import { halves, readArgs } from '../args.js';
import type { ObjectInvocation } from '../invocation.js';
import { depthArg, rightsFromWord } from '../words.js';

type Lookup = typeof lookupTargetSlot;

/** A CNode-operation lookup (target, source or pivot) of a slot named by exact words. */
function slotAt(inv: ObjectInvocation, lookup: Lookup, root: Cap, index: bigint, depth: bigint): ReturnType<Lookup> {
  const [lo, hi] = halves(index);
  return lookup(root, lo, hi, depthArg(depth), inv.space.wordBits, inv.space.lookup);
}

export function decodeCNodeInvocation(inv: ObjectInvocation): OpResult {
  const label = inv.label;
  const space = inv.space;
  const wordBits = space.wordBits;
  if (label < L.CNodeRevoke || label > L.CNodeSaveCaller) return SyscallError.illegalOperation();
  if (inv.length < 2) return SyscallError.truncatedMessage();
  // every CNode method starts with the same two words (index, depth), however the table names them
  const { dest_index, dest_depth } = readArgs(inv, 'CNodeCopy', wordBits);
  const destSlot = slotAt(inv, lookupTargetSlot, inv.cap, dest_index, dest_depth);
  if (destSlot instanceof SyscallError) return destSlot;

  if (label >= L.CNodeCopy && label <= L.CNodeMutate) {
    const srcRoot = inv.extra(0);
    if (inv.length < 4 || srcRoot === null) return SyscallError.truncatedMessage();
    const { src_index, src_depth } = readArgs(inv, 'CNodeCopy', wordBits);
    const srcDepth = depthArg(src_depth);
    const notEmpty = ensureEmptySlot(destSlot);
    if (notEmpty !== null) return notEmpty;
    const srcSlot = slotAt(inv, lookupSourceSlot, srcRoot.cap, src_index, src_depth);
    if (srcSlot instanceof SyscallError) return srcSlot;
    if (srcSlot.cap.type === CapType.Null) return SyscallError.failedLookup(true, LookupFault.missingCapability(srcDepth));

    let newCap: Cap;
    let isMove: boolean;
    switch (label) {
      case L.CNodeCopy: {
        if (inv.length < 5) return SyscallError.truncatedMessage();
        const { rights } = readArgs(inv, 'CNodeCopy', wordBits);
        const d = deriveCap(srcSlot, maskCapRights(rightsFromWord(rights), srcSlot.cap));
        if (d instanceof SyscallError) return d;
        newCap = d;
        isMove = false;
        break;
      }
      case L.CNodeMint: {
        if (inv.length < 6) return SyscallError.truncatedMessage();
        const { rights, badge } = readArgs(inv, 'CNodeMint', wordBits);
        const masked = maskCapRights(rightsFromWord(rights), srcSlot.cap);
        const d = deriveCap(srcSlot, updateCapData(false, ...halves(badge), masked, wordBits));
        if (d instanceof SyscallError) return d;
        newCap = d;
        isMove = false;
        break;
      }
      case L.CNodeMove:
        newCap = srcSlot.cap;
        isMove = true;
        break;
      default: // CNodeMutate
        if (inv.length < 5) return SyscallError.truncatedMessage();
        newCap = updateCapData(true, ...halves(readArgs(inv, 'CNodeMutate', wordBits).badge), srcSlot.cap, wordBits);
        isMove = true;
        break;
    }
    if (newCap.type === CapType.Null) return SyscallError.illegalOperation();
    inv.restart();
    if (isMove) invokeCNodeMove(newCap, srcSlot, destSlot);
    else invokeCNodeInsert(newCap, srcSlot, destSlot);
    return null;
  }

  if (label === L.CNodeRevoke) {
    inv.restart();
    return invokeCNodeRevoke(space, destSlot);
  }

  if (label === L.CNodeDelete) {
    inv.restart();
    return invokeCNodeDelete(space, destSlot);
  }

  if (label === L.CNodeSaveCaller) {
    const notEmpty = ensureEmptySlot(destSlot);
    if (notEmpty !== null) return notEmpty;
    inv.restart();
    invokeCNodeSaveCaller(inv.callerSlot(), destSlot);
    return null;
  }

  if (label === L.CNodeCancelBadgedSends) {
    const destCap = destSlot.cap;
    if (!hasCancelSendRights(destCap)) return SyscallError.illegalOperation();
    inv.restart();
    invokeCNodeCancelBadgedSends(space, destCap);
    return null;
  }

  // CNodeRotate
  const pivotRoot = inv.extra(0);
  const srcRoot = inv.extra(1);
  if (inv.length < 8 || pivotRoot === null || srcRoot === null) return SyscallError.truncatedMessage();
  const a = readArgs(inv, 'CNodeRotate', wordBits);
  const srcSlot = slotAt(inv, lookupSourceSlot, srcRoot.cap, a.src_index, a.src_depth);
  if (srcSlot instanceof SyscallError) return srcSlot;
  const pivotSlot = slotAt(inv, lookupPivotSlot, pivotRoot.cap, a.pivot_index, a.pivot_depth);
  if (pivotSlot instanceof SyscallError) return pivotSlot;
  if (pivotSlot === srcSlot || pivotSlot === destSlot) return SyscallError.illegalOperation();
  if (srcSlot !== destSlot) {
    const notEmpty = ensureEmptySlot(destSlot);
    if (notEmpty !== null) return notEmpty;
  }
  if (srcSlot.cap.type === CapType.Null) return SyscallError.failedLookup(true, LookupFault.missingCapability(depthArg(a.src_depth)));
  if (pivotSlot.cap.type === CapType.Null) {
    return SyscallError.failedLookup(false, LookupFault.missingCapability(depthArg(a.pivot_depth)));
  }
  // libsel4 names each badge after the slot its cap moves to: the pivot's cap goes to dest with
  // dest_badge (seL4's pivotNewData), the source's to the pivot with pivot_badge (srcNewData)
  const newSrcCap = updateCapData(true, ...halves(a.pivot_badge), srcSlot.cap, wordBits);
  const newPivotCap = updateCapData(true, ...halves(a.dest_badge), pivotSlot.cap, wordBits);
  if (newSrcCap.type === CapType.Null) return SyscallError.illegalOperation();
  if (newPivotCap.type === CapType.Null) return SyscallError.illegalOperation();
  inv.restart();
  invokeCNodeRotate(newSrcCap, newPivotCap, srcSlot, pivotSlot, destSlot);
  return null;
}
