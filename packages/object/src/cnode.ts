/*
 * CNodes and capability address resolution (seL4: src/kernel/cspace.c).
 *
 * A CNode is 2^radix slots. Slot objects are made on first touch, so a large CNode costs a
 * pointer per slot (or nothing, above 2^16 slots, where a Map holds the touched ones) until it is
 * used.
 *
 * resolveAddressBits walks a cptr through CNode caps exactly as seL4 does: at each level the
 * guard is checked, then `radix` bits index the CNode; the walk stops when the requested bits are
 * used up or the slot reached does not hold a CNode cap. Failures are seL4's lookup faults with
 * the same bit counts. Cptrs are words given as two 32-bit halves.
 */

import { wordBits, wordBitsEqual } from '@tsel4/hal';
import { type Cap, CapType } from './cap.js';
import { Cte, type CteOwner } from './cte.js';
import { LookupFault, SyscallError } from './errors.js';
import { KObject } from './kobject.js';

const DENSE_LIMIT_BITS = 16;

export class CNodeObj extends KObject implements CteOwner {
  private readonly dense: (Cte | undefined)[] | null;
  private readonly sparse: Map<number, Cte> | null;

  constructor(
    addr: number,
    /** log2 of the number of slots. */
    readonly radix: number,
    slotBits: number,
  ) {
    super(addr, radix + slotBits);
    if (radix <= DENSE_LIMIT_BITS) {
      this.dense = new Array<Cte | undefined>(1 << radix);
      this.sparse = null;
    } else {
      this.dense = null;
      this.sparse = new Map();
    }
  }

  get kindName(): string {
    return 'cnode';
  }

  /** Number of slots. */
  get size(): number {
    return 2 ** this.radix;
  }

  slotAt(i: number): Cte {
    const d = this.dense;
    if (d !== null) {
      let s = d[i];
      if (s === undefined) {
        s = new Cte(this, i);
        d[i] = s;
      }
      return s;
    }
    const m = this.sparse!;
    let s = m.get(i);
    if (s === undefined) {
      s = new Cte(this, i);
      m.set(i, s);
    }
    return s;
  }

  /** The slot at `i` if it was ever touched (else it is empty). */
  peek(i: number): Cte | undefined {
    return this.dense !== null ? this.dense[i] : this.sparse!.get(i);
  }

  /** Every touched slot holding a cap, in index order. */
  occupied(): Cte[] {
    const out: Cte[] = [];
    if (this.dense !== null) {
      for (const s of this.dense) if (s !== undefined && !s.isEmpty) out.push(s);
    } else {
      for (const s of [...this.sparse!.values()].sort((x, y) => x.index - y.index)) if (!s.isEmpty) out.push(s);
    }
    return out;
  }

  /**
   * The highest index below `n` whose slot holds a cap, or -1. Deleting a CNode walks its slots
   * from the top (seL4's reduceZombie); empty slots are skipped without touching them.
   */
  highestOccupiedBelow(n: number): number {
    if (this.dense !== null) {
      for (let i = Math.min(n, this.dense.length) - 1; i >= 0; i--) {
        const s = this.dense[i];
        if (s !== undefined && !s.isEmpty) return i;
      }
      return -1;
    }
    let best = -1;
    for (const [i, s] of this.sparse!) if (i < n && i > best && !s.isEmpty) best = i;
    return best;
  }

  describe(): string {
    return `cnode@0x${this.addr.toString(16)}`;
  }
}

/** Where a resolution ended (seL4's resolveAddressBits_ret_t), reused to avoid allocation. */
export class LookupResult {
  slot: Cte | null = null;
  /** Bits of the cptr not yet used when the walk stopped at a non-CNode cap. */
  bitsRemaining = 0;
  /** Set when the lookup failed. */
  fault: LookupFault | null = null;
}

/**
 * seL4's resolveAddressBits: resolve `nBits` bits of the cptr `hi:lo` starting from `nodeCap`.
 * Fills `out` and returns true on success, or sets out.fault and returns false.
 */
export function resolveAddressBits(nodeCap: Cap, lo: number, hi: number, nBits: number, out: LookupResult): boolean {
  out.slot = null;
  out.bitsRemaining = nBits;
  out.fault = null;
  if (nodeCap.type !== CapType.CNode) {
    out.fault = LookupFault.invalidRoot();
    return false;
  }
  let cap = nodeCap;
  for (;;) {
    const radixBits = cap.radix;
    const guardBits = cap.guardSize;
    const levelBits = radixBits + guardBits;
    if (guardBits > nBits || !wordBitsEqual(lo, hi, nBits - guardBits, guardBits, cap.guardLo, cap.guardHi)) {
      out.fault = LookupFault.guardMismatch(cap.guardLo, cap.guardHi, nBits, guardBits);
      return false;
    }
    if (levelBits > nBits) {
      out.fault = LookupFault.depthMismatch(levelBits, nBits);
      return false;
    }
    const offset = wordBits(lo, hi, nBits - levelBits, radixBits);
    const slot = (cap.obj as CNodeObj).slotAt(offset);
    if (nBits === levelBits) {
      out.slot = slot;
      out.bitsRemaining = 0;
      return true;
    }
    nBits -= levelBits;
    const next = slot.cap;
    if (next.type !== CapType.CNode) {
      out.slot = slot;
      out.bitsRemaining = nBits;
      return true;
    }
    cap = next;
  }
}

/**
 * seL4's lookupSlotForCNodeOp: the slot named by (root, cptr, depth) for a CNode operation. The
 * root must be a CNode cap, depth 1..wordBits, and the lookup must use exactly `depth` bits.
 * Returns the slot, or the error (FailedLookup with the failure and whether it was the source;
 * RangeError for a bad depth).
 */
export function lookupSlotForCNodeOp(
  isSource: boolean,
  root: Cap,
  lo: number,
  hi: number,
  depth: number,
  wordBits: number,
  scratch: LookupResult,
): Cte | SyscallError {
  if (root.type !== CapType.CNode) {
    return SyscallError.failedLookup(isSource, LookupFault.invalidRoot());
  }
  if (depth < 1 || depth > wordBits) {
    return SyscallError.rangeError(1, wordBits);
  }
  if (!resolveAddressBits(root, lo, hi, depth, scratch)) {
    return SyscallError.failedLookup(isSource, scratch.fault!);
  }
  if (scratch.bitsRemaining !== 0) {
    return SyscallError.failedLookup(isSource, LookupFault.depthMismatch(0, scratch.bitsRemaining));
  }
  return scratch.slot!;
}

/** seL4's lookupSourceSlot. */
export function lookupSourceSlot(root: Cap, lo: number, hi: number, depth: number, wordBits: number, s: LookupResult): Cte | SyscallError {
  return lookupSlotForCNodeOp(true, root, lo, hi, depth, wordBits, s);
}

/** seL4's lookupTargetSlot. */
export function lookupTargetSlot(root: Cap, lo: number, hi: number, depth: number, wordBits: number, s: LookupResult): Cte | SyscallError {
  return lookupSlotForCNodeOp(false, root, lo, hi, depth, wordBits, s);
}

/** seL4's lookupPivotSlot (reports failures as the source, like seL4). */
export function lookupPivotSlot(root: Cap, lo: number, hi: number, depth: number, wordBits: number, s: LookupResult): Cte | SyscallError {
  return lookupSlotForCNodeOp(true, root, lo, hi, depth, wordBits, s);
}
