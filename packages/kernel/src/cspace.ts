/*
 * Looking up a thread's cptrs (seL4: lookupSlot, lookupCap, lookupCapAndSlot in
 * src/kernel/cspace.c): resolve the whole word through the thread's CSpace root. Leftover bits
 * are fine here (the walk may stop at any non-CNode cap); a failure leaves its lookup fault in
 * Kernel.currentLookupFault, as seL4 leaves it in current_lookup_fault.
 */

import { type Cap, type Cte, resolveAddressBits, type Tcb, TCB_CTABLE } from '@tsel4/object';
import type { Kernel } from './kernel.js';

/** seL4's lookupSlot: the slot named by cptr hi:lo in `t`'s CSpace, or null (fault recorded). */
export function lookupSlot(k: Kernel, t: Tcb, lo: number, hi: number): Cte | null {
  const out = k.space.lookup;
  if (resolveAddressBits(t.ctes[TCB_CTABLE]!.cap, lo, hi, k.wordBits, out)) return out.slot;
  k.currentLookupFault = out.fault;
  return null;
}

/** seL4's lookupCap: the cap named by cptr hi:lo, or null (fault recorded). */
export function lookupCap(k: Kernel, t: Tcb, lo: number, hi: number): Cap | null {
  const s = lookupSlot(k, t, lo, hi);
  return s === null ? null : s.cap;
}
