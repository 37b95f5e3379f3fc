/*
 * A capability table entry (seL4's cte_t): one slot holding a cap, and the slot's place in the
 * capability derivation tree (the MDB). All caps form one doubly linked list in depth-first
 * derivation order; a cap's descendants are the run of following entries it is an MDB parent of.
 * An empty slot holds the null cap and is linked to nothing.
 */

import { type Cap, CapType, NULL_CAP } from './cap.js';

export class Cte {
  cap: Cap = NULL_CAP;
  mdbPrev: Cte | null = null;
  mdbNext: Cte | null = null;
  /** seL4's mdbRevocable: this cap can have children. */
  revocable = false;
  /** seL4's mdbFirstBadged: this is the original of a badge. */
  firstBadged = false;

  constructor(
    /** What holds the slot: a CNode, a TCB (its internal slots), or the kernel (boot). */
    readonly owner: CteOwner | null,
    /** Index of the slot in its owner. */
    readonly index: number,
  ) {}

  get isEmpty(): boolean {
    return this.cap.type === CapType.Null;
  }
}

/** Something with numbered slots: a CNode or a TCB. */
export interface CteOwner {
  /** The slot at `i`, created empty if it was never touched. */
  slotAt(i: number): Cte;
  /** A short description for traces: "cnode@0x1000", "tcb 'server'". */
  describe(): string;
}
