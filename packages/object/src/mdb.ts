/*
 * The capability derivation tree (seL4's mapping database, src/object/cnode.c).
 *
 * Every cap is an entry in one doubly linked list in depth-first derivation order. A cap's
 * children are the entries that follow it for which isMDBParentOf holds. cteInsert places a
 * derived cap right after its source; insertNewCap places a retyped object's cap right after its
 * untyped (so caps from one Retype appear in reverse order); cteMove and cteSwap keep a cap's
 * position and flags; emptySlot splices an entry out and passes its firstBadged flag on.
 */

import { type Cap, CapType, NULL_CAP, untypedCap } from './cap.js';
import { isCapRevocable, sameObjectAs, sameRegionAs } from './capregion.js';
import type { Cte } from './cte.js';
import { SyscallError } from './errors.js';
import type { ObjectSpace } from './space.js';

/** seL4's isMDBParentOf: is `b` a child of `a`? */
export function isMDBParentOf(a: Cte, b: Cte): boolean {
  if (!a.revocable) return false;
  if (!sameRegionAs(a.cap, b.cap)) return false;
  const t = a.cap.type;
  if (t === CapType.Endpoint || t === CapType.Notification) {
    if (!a.cap.isBadged) return true;
    return a.cap.badgeLo === b.cap.badgeLo && a.cap.badgeHi === b.cap.badgeHi && !b.firstBadged;
  }
  return true;
}

/** seL4's ensureNoChildren: RevokeFirst if `slot` has a child. */
export function ensureNoChildren(slot: Cte): SyscallError | null {
  const next = slot.mdbNext;
  if (next !== null && isMDBParentOf(slot, next)) return SyscallError.revokeFirst();
  return null;
}

/** seL4's ensureEmptySlot: DeleteFirst if `slot` holds a cap. */
export function ensureEmptySlot(slot: Cte): SyscallError | null {
  return slot.cap.type === CapType.Null ? null : SyscallError.deleteFirst();
}

/** seL4's isFinalCapability: no neighbour in the tree names the same object. */
export function isFinalCapability(cte: Cte): boolean {
  const prev = cte.mdbPrev;
  if (prev !== null && sameObjectAs(prev.cap, cte.cap)) return false;
  const next = cte.mdbNext;
  return next === null || !sameObjectAs(cte.cap, next.cap);
}

/**
 * seL4's setUntypedCapAsFull: copying an untyped cap whole (same base and size) marks the source
 * as full, so it cannot allocate while the copy exists.
 */
function setUntypedCapAsFull(srcCap: Cap, newCap: Cap, srcSlot: Cte): void {
  if (
    srcCap.type === CapType.Untyped &&
    newCap.type === CapType.Untyped &&
    srcCap.untypedBase === newCap.untypedBase &&
    srcCap.blockSize === newCap.blockSize
  ) {
    srcSlot.cap = untypedCap(srcCap.untypedBase, srcCap.blockSize, 2 ** srcCap.blockSize, srcCap.isDevice);
  }
}

/** seL4's cteInsert: put `newCap`, derived from the cap in `srcSlot`, into the empty `destSlot`. */
export function cteInsert(newCap: Cap, srcSlot: Cte, destSlot: Cte): void {
  const srcCap = srcSlot.cap;
  const revocable = isCapRevocable(newCap, srcCap);
  setUntypedCapAsFull(srcCap, newCap, srcSlot);
  destSlot.cap = newCap;
  destSlot.revocable = revocable;
  destSlot.firstBadged = revocable;
  const next = srcSlot.mdbNext;
  destSlot.mdbPrev = srcSlot;
  destSlot.mdbNext = next;
  srcSlot.mdbNext = destSlot;
  if (next !== null) next.mdbPrev = destSlot;
}

/** seL4's cteMove: move `newCap` (the cap of `srcSlot`, maybe updated) into the empty `destSlot`. */
export function cteMove(newCap: Cap, srcSlot: Cte, destSlot: Cte): void {
  const prev = srcSlot.mdbPrev;
  const next = srcSlot.mdbNext;
  destSlot.cap = newCap;
  destSlot.mdbPrev = prev;
  destSlot.mdbNext = next;
  destSlot.revocable = srcSlot.revocable;
  destSlot.firstBadged = srcSlot.firstBadged;
  srcSlot.cap = NULL_CAP;
  srcSlot.mdbPrev = null;
  srcSlot.mdbNext = null;
  srcSlot.revocable = false;
  srcSlot.firstBadged = false;
  if (prev !== null) prev.mdbNext = destSlot;
  if (next !== null) next.mdbPrev = destSlot;
}

/** seL4's cteSwap: exchange two caps and their places in the tree. */
export function cteSwap(cap1: Cap, slot1: Cte, cap2: Cap, slot2: Cte): void {
  slot1.cap = cap2;
  slot2.cap = cap1;
  const p1 = slot1.mdbPrev;
  const n1 = slot1.mdbNext;
  const r1 = slot1.revocable;
  const f1 = slot1.firstBadged;
  if (p1 !== null) p1.mdbNext = slot2;
  if (n1 !== null) n1.mdbPrev = slot2;
  const p2 = slot2.mdbPrev;
  const n2 = slot2.mdbNext;
  slot1.mdbPrev = p2;
  slot1.mdbNext = n2;
  slot1.revocable = slot2.revocable;
  slot1.firstBadged = slot2.firstBadged;
  slot2.mdbPrev = p1;
  slot2.mdbNext = n1;
  slot2.revocable = r1;
  slot2.firstBadged = f1;
  // seL4 reads slot2's old links after rewriting slot1's neighbours; when the two slots are
  // neighbours the pointers just written above are what it sees.
  const q2 = slot1.mdbPrev;
  const m2 = slot1.mdbNext;
  if (q2 !== null) q2.mdbNext = slot1;
  if (m2 !== null) m2.mdbPrev = slot1;
}

/** seL4's capSwapForDelete. */
export function capSwapForDelete(slot1: Cte, slot2: Cte): void {
  if (slot1 === slot2) return;
  cteSwap(slot1.cap, slot1, slot2.cap, slot2);
}

/** seL4's insertNewCap: a retyped object's cap goes right after its untyped, revocable. */
export function insertNewCap(parent: Cte, slot: Cte, cap: Cap): void {
  const next = parent.mdbNext;
  slot.cap = cap;
  slot.mdbPrev = parent;
  slot.mdbNext = next;
  slot.revocable = true;
  slot.firstBadged = true;
  if (next !== null) next.mdbPrev = slot;
  parent.mdbNext = slot;
}

/** seL4's emptySlot: splice the entry out, pass on its firstBadged flag, then clean up. */
export function emptySlot(space: ObjectSpace, slot: Cte, cleanupInfo: Cap): void {
  if (slot.cap.type === CapType.Null) return;
  const prev = slot.mdbPrev;
  const next = slot.mdbNext;
  if (prev !== null) prev.mdbNext = next;
  if (next !== null) {
    next.mdbPrev = prev;
    next.firstBadged = next.firstBadged || slot.firstBadged;
  }
  slot.cap = NULL_CAP;
  slot.mdbPrev = null;
  slot.mdbNext = null;
  slot.revocable = false;
  slot.firstBadged = false;
  if (cleanupInfo.type !== CapType.Null) space.hooks.postCapDeletion(cleanupInfo);
}

/** seL4's write_slot (boot): a boot cap is an original with no derivation links. */
export function writeSlot(slot: Cte, cap: Cap): void {
  slot.cap = cap;
  slot.mdbPrev = null;
  slot.mdbNext = null;
  slot.revocable = true;
  slot.firstBadged = true;
}

/** seL4's slotCapLongRunningDelete: deleting this cap would tear down a TCB or CNode. */
export function slotCapLongRunningDelete(slot: Cte): boolean {
  const t = slot.cap.type;
  if (t === CapType.Null || !isFinalCapability(slot)) return false;
  return t === CapType.Thread || t === CapType.Zombie || t === CapType.CNode;
}
