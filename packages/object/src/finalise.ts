/*
 * Deleting and revoking caps (seL4: cteDelete, finaliseSlot, reduceZombie, cteRevoke,
 * cteDeleteOne in src/object/cnode.c, and finaliseCap in src/object/objecttype.c).
 *
 * Deleting the last cap to an object finalises the object: an endpoint restarts its queued
 * threads, a notification unbinds and restarts its waiters, a TCB is suspended and its internal
 * slots deleted, a CNode has every slot deleted. CNodes and TCBs are torn down through a Zombie
 * cap that counts the slots still to clear, exactly as seL4 does, which is what makes deletion
 * preemptible and restartable and keeps a CNode that contains a cap to itself from recursing
 * forever.
 *
 * Empty slots of a large CNode are skipped rather than visited one by one: deleting an empty slot
 * does nothing in seL4 either, so the result is the same.
 */

import { type Cap, CapType, NULL_CAP, ZOMBIE_TCB, zombieCap } from './cap.js';
import { isArchCap } from './capregion.js';
import { CNodeObj } from './cnode.js';
import type { Cte } from './cte.js';
import { PREEMPTED } from './errors.js';
import type { Endpoint, Notification } from './kobject.js';
import { capSwapForDelete, emptySlot, isFinalCapability, isMDBParentOf } from './mdb.js';
import { unbindMaybeNotification, unbindNotification } from './notification.js';
import type { ObjectSpace } from './space.js';
import { TCB_CNODE_ENTRIES, Tcb } from './tcb.js';

interface FinaliseCapResult {
  remainder: Cap;
  cleanupInfo: Cap;
}

const NOTHING: FinaliseCapResult = { remainder: NULL_CAP, cleanupInfo: NULL_CAP };

/** seL4's finaliseCap: what is left of `cap` once its object has been dealt with. */
export function finaliseCap(space: ObjectSpace, cap: Cap, final: boolean, exposed: boolean): FinaliseCapResult {
  if (isArchCap(cap)) {
    space.hooks.archFinalise(cap, final);
    if (final && cap.type === CapType.IOPort) return { remainder: NULL_CAP, cleanupInfo: cap };
    return NOTHING;
  }
  switch (cap.type) {
    case CapType.Endpoint:
      if (final) space.hooks.cancelAllIPC(cap.obj as Endpoint);
      return NOTHING;
    case CapType.Notification:
      if (final) {
        const ntfn = cap.obj as Notification;
        unbindMaybeNotification(ntfn);
        space.hooks.cancelAllSignals(ntfn);
      }
      return NOTHING;
    case CapType.Reply:
    case CapType.Null:
    case CapType.Domain:
      return NOTHING;
  }
  if (exposed) throw new Error(`internal: finaliseCap could not finalise a ${cap.type} cap immediately`);
  switch (cap.type) {
    case CapType.CNode:
      if (final) {
        const cn = cap.obj as CNodeObj;
        return { remainder: zombieCap(cn, cn.size, cap.radix), cleanupInfo: NULL_CAP };
      }
      break;
    case CapType.Thread:
      if (final) {
        const tcb = cap.obj as Tcb;
        unbindNotification(tcb);
        space.hooks.suspend(tcb);
        return { remainder: zombieCap(tcb, TCB_CNODE_ENTRIES, ZOMBIE_TCB), cleanupInfo: NULL_CAP };
      }
      break;
    case CapType.Zombie:
      return { remainder: cap, cleanupInfo: NULL_CAP };
    case CapType.IrqHandler:
      if (final) {
        space.hooks.deletingIRQHandler(cap.irq);
        return { remainder: NULL_CAP, cleanupInfo: cap };
      }
      break;
  }
  return NOTHING;
}

/** The first slot of what a zombie is tearing down (seL4's capZombiePtr). */
function zombieBase(z: Cap): Cte {
  return (z.obj as CNodeObj | Tcb).slotAt(0);
}

/** seL4's capRemovable. */
function capRemovable(cap: Cap, slot: Cte): boolean {
  if (cap.type === CapType.Null) return true;
  if (cap.type !== CapType.Zombie) throw new Error('internal: finaliseCap returned neither null nor a zombie');
  const n = cap.zombieNumber;
  return n === 0 || (n === 1 && slot === zombieBase(cap));
}

/** seL4's capCyclicZombie: a zombie that is tearing down the CNode it sits in. */
function capCyclicZombie(cap: Cap, slot: Cte): boolean {
  return cap.type === CapType.Zombie && zombieBase(cap) === slot;
}

interface FinaliseSlotResult {
  status: typeof PREEMPTED | null;
  success: boolean;
  cleanupInfo: Cap;
}

/** seL4's finaliseSlot. */
function finaliseSlot(space: ObjectSpace, slot: Cte, immediate: boolean): FinaliseSlotResult {
  while (slot.cap.type !== CapType.Null) {
    const final = isFinalCapability(slot);
    const fc = finaliseCap(space, slot.cap, final, false);
    if (capRemovable(fc.remainder, slot)) return { status: null, success: true, cleanupInfo: fc.cleanupInfo };
    slot.cap = fc.remainder;
    if (!immediate && capCyclicZombie(fc.remainder, slot)) {
      return { status: null, success: false, cleanupInfo: fc.cleanupInfo };
    }
    if (reduceZombie(space, slot, immediate) === PREEMPTED) return { status: PREEMPTED, success: false, cleanupInfo: NULL_CAP };
    if (space.hooks.preemptionPoint()) return { status: PREEMPTED, success: false, cleanupInfo: NULL_CAP };
  }
  return { status: null, success: true, cleanupInfo: NULL_CAP };
}

/** Slot `i` of a zombie's target, or undefined for a CNode slot never touched (so empty). */
function zombieSlot(target: CNodeObj | Tcb, i: number): Cte | undefined {
  return target instanceof CNodeObj ? target.peek(i) : target.ctes[i];
}

/**
 * seL4's reduceZombie: clear one more slot of what the zombie in `slot` is tearing down, the
 * highest first, empty or not (finaliseSlot's preemption point follows each, as in seL4).
 */
function reduceZombie(space: ObjectSpace, slot: Cte, immediate: boolean): typeof PREEMPTED | null {
  const z = slot.cap;
  const target = z.obj as CNodeObj | Tcb;
  const n = z.zombieNumber;
  const type = z.zombieType;
  if (immediate) {
    const endSlot = zombieSlot(target, n - 1);
    // deleting an empty slot does nothing (seL4's cteDelete finds a null cap)
    if (endSlot !== undefined && !endSlot.isEmpty && cteDelete(space, endSlot, false) === PREEMPTED) return PREEMPTED;
    const now = slot.cap;
    if (now.type === CapType.Zombie && now.obj === target && now.zombieNumber === n && now.zombieType === type) {
      slot.cap = zombieCap(target, n - 1, type);
    }
  } else {
    capSwapForDelete(zombieBase(z), slot);
  }
  return null;
}

/**
 * seL4's cteDelete: delete the cap in `slot`. `exposed` is true for a user's Delete and Revoke
 * (the slot is emptied even if finalisation moved a zombie into it). Returns PREEMPTED when the
 * work stopped at a preemption point; repeating the call continues it.
 */
export function cteDelete(space: ObjectSpace, slot: Cte, exposed: boolean): typeof PREEMPTED | null {
  const fs = finaliseSlot(space, slot, exposed);
  if (fs.status === PREEMPTED) return PREEMPTED;
  if (exposed || fs.success) emptySlot(space, slot, fs.cleanupInfo);
  return null;
}

/** seL4's cteDeleteOne: delete a cap that is always removable at once (reply caps, IPC caps). */
export function cteDeleteOne(space: ObjectSpace, slot: Cte): void {
  if (slot.cap.type === CapType.Null) return;
  const final = isFinalCapability(slot);
  finaliseCap(space, slot.cap, final, true);
  emptySlot(space, slot, NULL_CAP);
}

/** seL4's cteRevoke: delete every descendant of the cap in `slot`, keeping the cap itself. */
export function cteRevoke(space: ObjectSpace, slot: Cte): typeof PREEMPTED | null {
  for (let next = slot.mdbNext; next !== null && isMDBParentOf(slot, next); next = slot.mdbNext) {
    if (cteDelete(space, next, true) === PREEMPTED) return PREEMPTED;
    if (space.hooks.preemptionPoint()) return PREEMPTED;
  }
  return null;
}
