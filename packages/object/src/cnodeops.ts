/*
 * The CNode invocations (seL4: decodeCNodeInvocation and the invokeCNode* functions in
 * src/object/cnode.c) on typed arguments.
 *
 * Each function performs seL4's checks in seL4's order, from the destination lookup on, and then
 * the operation. The label check and the "fewer than two words" check come before the
 * destination lookup and are the decoder's (syscalls package). Arguments the message was too short
 * to carry are passed as undefined: seL4 reports TruncatedMessage at the point it first needs
 * them, which is after some lookups, so that is where these functions report it too.
 */

import { type Cap, CapType } from './cap.js';
import { deriveCap, hasCancelSendRights, maskCapRights, updateCapData } from './capops.js';
import { lookupPivotSlot, lookupSourceSlot, lookupTargetSlot } from './cnode.js';
import type { Cte } from './cte.js';
import { LookupFault, type OpResult, SyscallError } from './errors.js';
import { cteDelete, cteRevoke } from './finalise.js';
import type { Endpoint } from './kobject.js';
import { cteInsert, cteMove, cteSwap, ensureEmptySlot } from './mdb.js';
import type { ObjectSpace } from './space.js';

/** A slot named by a CNode cap, a cptr (word halves) and a depth, as CNode methods take them. */
export interface SlotRef {
  readonly root: Cap;
  readonly indexLo: number;
  readonly indexHi: number;
  /** The whole depth word as the kernel reads it (compared against 1..wordBits). */
  readonly depth: number;
}

/** A word argument as halves. */
export interface WordArg {
  readonly lo: number;
  readonly hi: number;
}

function target(space: ObjectSpace, t: SlotRef): Cte | SyscallError {
  return lookupTargetSlot(t.root, t.indexLo, t.indexHi, t.depth, space.wordBits, space.lookup);
}

/** seL4_CNode_Revoke. */
export function cnodeRevoke(space: ObjectSpace, dest: SlotRef): OpResult {
  const slot = target(space, dest);
  if (slot instanceof SyscallError) return slot;
  return cteRevoke(space, slot);
}

/** seL4_CNode_Delete. */
export function cnodeDelete(space: ObjectSpace, dest: SlotRef): OpResult {
  const slot = target(space, dest);
  if (slot instanceof SyscallError) return slot;
  return cteDelete(space, slot, true);
}

/** seL4_CNode_CancelBadgedSends: needs an endpoint cap with all four rights. */
export function cnodeCancelBadgedSends(space: ObjectSpace, dest: SlotRef): OpResult {
  const slot = target(space, dest);
  if (slot instanceof SyscallError) return slot;
  const cap = slot.cap;
  if (!hasCancelSendRights(cap)) return SyscallError.illegalOperation();
  if (cap.isBadged) space.hooks.cancelBadgedSends(cap.obj as Endpoint, cap.badgeLo, cap.badgeHi);
  return null;
}

/**
 * seL4_CNode_SaveCaller: move the reply cap in `callerSlot` (the invoking thread's caller slot)
 * to the destination, which must be empty. With no reply cap it succeeds and does nothing.
 */
export function cnodeSaveCaller(space: ObjectSpace, dest: SlotRef, callerSlot: Cte): OpResult {
  const slot = target(space, dest);
  if (slot instanceof SyscallError) return slot;
  const err = ensureEmptySlot(slot);
  if (err !== null) return err;
  const cap = callerSlot.cap;
  if (cap.type === CapType.Reply && !cap.isMaster) cteMove(cap, callerSlot, slot);
  return null;
}

/** The source part of Copy/Mint/Move/Mutate: present when the message has MR2, MR3 and cap 0. */
export type SourceRef = SlotRef;

export type CopyOp = 'Copy' | 'Mint' | 'Move' | 'Mutate';

/** Arguments of Copy, Mint, Move and Mutate after the destination. */
export interface CopyArgs {
  /** Undefined when the message has fewer than 4 words or no extra cap. */
  readonly src: SourceRef | undefined;
  /** MR4 for Copy and Mint; undefined when the message is too short. */
  readonly rights?: number | undefined;
  /** The cap data: MR5 for Mint, MR4 for Mutate; undefined when the message is too short. */
  readonly data?: WordArg | undefined;
}

/** seL4_CNode_Copy, _Mint, _Move and _Mutate. */
export function cnodeCopyFamily(space: ObjectSpace, op: CopyOp, dest: SlotRef, args: CopyArgs): OpResult {
  const destSlot = target(space, dest);
  if (destSlot instanceof SyscallError) return destSlot;
  const src = args.src;
  if (src === undefined) return SyscallError.truncatedMessage();
  const notEmpty = ensureEmptySlot(destSlot);
  if (notEmpty !== null) return notEmpty;
  const srcSlot = lookupSourceSlot(src.root, src.indexLo, src.indexHi, src.depth, space.wordBits, space.lookup);
  if (srcSlot instanceof SyscallError) return srcSlot;
  if (srcSlot.cap.type === CapType.Null) {
    return SyscallError.failedLookup(true, LookupFault.missingCapability(src.depth));
  }

  let newCap: Cap;
  switch (op) {
    case 'Copy': {
      if (args.rights === undefined) return SyscallError.truncatedMessage();
      const d = deriveCap(srcSlot, maskCapRights(args.rights, srcSlot.cap));
      if (d instanceof SyscallError) return d;
      newCap = d;
      break;
    }
    case 'Mint': {
      if (args.rights === undefined || args.data === undefined) return SyscallError.truncatedMessage();
      const masked = maskCapRights(args.rights, srcSlot.cap);
      const d = deriveCap(srcSlot, updateCapData(false, args.data.lo, args.data.hi, masked, space.wordBits));
      if (d instanceof SyscallError) return d;
      newCap = d;
      break;
    }
    case 'Move':
      newCap = srcSlot.cap;
      break;
    case 'Mutate':
      if (args.data === undefined) return SyscallError.truncatedMessage();
      newCap = updateCapData(true, args.data.lo, args.data.hi, srcSlot.cap, space.wordBits);
      break;
  }
  if (newCap.type === CapType.Null) return SyscallError.illegalOperation();

  if (op === 'Move' || op === 'Mutate') cteMove(newCap, srcSlot, destSlot);
  else cteInsert(newCap, srcSlot, destSlot);
  return null;
}

/** Arguments of Rotate after the destination; undefined parts mean the message was too short. */
export interface RotateArgs {
  /** Pivot slot (MR3, MR4, cap 0) and the data for the cap moving pivot -> dest (MR2). */
  readonly pivot: SlotRef | undefined;
  readonly pivotData: WordArg | undefined;
  /** Source slot (MR6, MR7, cap 1) and the data for the cap moving src -> pivot (MR5). */
  readonly src: SlotRef | undefined;
  readonly srcData: WordArg | undefined;
}

/** seL4_CNode_Rotate: pivot's cap to dest, src's cap to pivot (a swap when src is dest). */
export function cnodeRotate(space: ObjectSpace, dest: SlotRef, args: RotateArgs): OpResult {
  const destSlot = target(space, dest);
  if (destSlot instanceof SyscallError) return destSlot;
  const { pivot, src, pivotData, srcData } = args;
  if (pivot === undefined || src === undefined || pivotData === undefined || srcData === undefined) {
    return SyscallError.truncatedMessage();
  }
  const srcSlot = lookupSourceSlot(src.root, src.indexLo, src.indexHi, src.depth, space.wordBits, space.lookup);
  if (srcSlot instanceof SyscallError) return srcSlot;
  const pivotSlot = lookupPivotSlot(pivot.root, pivot.indexLo, pivot.indexHi, pivot.depth, space.wordBits, space.lookup);
  if (pivotSlot instanceof SyscallError) return pivotSlot;
  if (pivotSlot === srcSlot || pivotSlot === destSlot) return SyscallError.illegalOperation();
  if (srcSlot !== destSlot) {
    const err = ensureEmptySlot(destSlot);
    if (err !== null) return err;
  }
  if (srcSlot.cap.type === CapType.Null) return SyscallError.failedLookup(true, LookupFault.missingCapability(src.depth));
  if (pivotSlot.cap.type === CapType.Null) {
    return SyscallError.failedLookup(false, LookupFault.missingCapability(pivot.depth));
  }
  const newSrcCap = updateCapData(true, srcData.lo, srcData.hi, srcSlot.cap, space.wordBits);
  const newPivotCap = updateCapData(true, pivotData.lo, pivotData.hi, pivotSlot.cap, space.wordBits);
  if (newSrcCap.type === CapType.Null) return SyscallError.illegalOperation();
  if (newPivotCap.type === CapType.Null) return SyscallError.illegalOperation();

  if (srcSlot === destSlot) {
    cteSwap(newSrcCap, srcSlot, newPivotCap, pivotSlot);
  } else {
    cteMove(newPivotCap, pivotSlot, destSlot);
    cteMove(newSrcCap, srcSlot, pivotSlot);
  }
  return null;
}
