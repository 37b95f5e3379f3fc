/*
 * The CNode invocations once decoded (seL4: the invokeCNode* functions of src/object/cnode.c).
 *
 * The checks are the decoder's (decodeCNodeInvocation, in the syscalls package): by the time one
 * of these runs, every slot is looked up, every cap derived and the caller is in Restart. None of
 * them can fail; Revoke and Delete can stop at a preemption point and are then run again from
 * the start by the restarted syscall, as on seL4.
 */

import { type Cap, CapType } from './cap.js';
import type { Cte } from './cte.js';
import type { Preempted } from './errors.js';
import { cteDelete, cteRevoke } from './finalise.js';
import type { Endpoint } from './kobject.js';
import { cteInsert, cteMove, cteSwap } from './mdb.js';
import type { ObjectSpace } from './space.js';

/** seL4's invokeCNodeRevoke. */
export function invokeCNodeRevoke(space: ObjectSpace, destSlot: Cte): Preempted | null {
  return cteRevoke(space, destSlot);
}

/** seL4's invokeCNodeDelete. */
export function invokeCNodeDelete(space: ObjectSpace, destSlot: Cte): Preempted | null {
  return cteDelete(space, destSlot, true);
}

/** seL4's invokeCNodeCancelBadgedSends: a badge of 0 cancels nothing. */
export function invokeCNodeCancelBadgedSends(space: ObjectSpace, cap: Cap): void {
  if (cap.isBadged) space.hooks.cancelBadgedSends(cap.obj as Endpoint, cap.badgeLo, cap.badgeHi);
}

/** seL4's invokeCNodeInsert (Copy and Mint). */
export function invokeCNodeInsert(cap: Cap, srcSlot: Cte, destSlot: Cte): void {
  cteInsert(cap, srcSlot, destSlot);
}

/** seL4's invokeCNodeMove (Move and Mutate). */
export function invokeCNodeMove(cap: Cap, srcSlot: Cte, destSlot: Cte): void {
  cteMove(cap, srcSlot, destSlot);
}

/**
 * seL4's invokeCNodeRotate: cap2 (pivot's) moves to slot3 (dest), cap1 (src's) to slot2
 * (pivot); when src is dest it is a swap.
 */
export function invokeCNodeRotate(cap1: Cap, cap2: Cap, slot1: Cte, slot2: Cte, slot3: Cte): void {
  if (slot1 === slot3) {
    cteSwap(cap1, slot1, cap2, slot2);
  } else {
    cteMove(cap2, slot2, slot3);
    cteMove(cap1, slot1, slot2);
  }
}

/**
 * seL4's invokeCNodeSaveCaller: move the reply cap in the caller slot (tcbCaller of the invoking
 * thread) to `destSlot`. With no reply cap there it does nothing.
 */
export function invokeCNodeSaveCaller(callerSlot: Cte, destSlot: Cte): void {
  const cap = callerSlot.cap;
  if (cap.type === CapType.Reply && !cap.isMaster) cteMove(cap, callerSlot, destSlot);
}
