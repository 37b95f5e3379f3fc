/*
 * ASIDControl_MakePool and ASIDPool_Assign (seL4: the cap_asid_control_cap and cap_asid_pool_cap
 * cases of decodeX86MMUInvocation, decodeARMMMUInvocation and decodeRISCVMMUInvocation, which
 * check the same things in the same order on every arch), and the pieces every arch's
 * address-space decoder shares.
 */

import {
  asidHigh,
  firstFreeASID,
  firstFreeASIDPool,
  isVTableRoot,
  performASIDControlInvocation,
  performASIDPoolInvocation,
  performPageGetAddress,
} from '@tsel4/kernel';
import {
  type AsidPool,
  CapType,
  ensureEmptySlot,
  ensureNoChildren,
  type Frame,
  LookupFault,
  lookupTargetSlot,
  type OpResult,
  SyscallError,
} from '@tsel4/object';
import { halves, readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { depthArg } from '../words.js';

/** `v` rounded down to a multiple of 2^bits. */
export function roundDown(v: number, bits: number): number {
  return v - (v % 2 ** bits);
}

/** FailedLookup (not a source) with InvalidRoot: what a failed findVSpaceForASID reports. */
export function noVSpaceForASID(): SyscallError {
  return SyscallError.failedLookup(false, LookupFault.invalidRoot());
}

/** Page_GetAddress on every arch: MR0 = the frame's physical address. */
export function decodeGetAddress(inv: Invocation): OpResult {
  inv.restart();
  performPageGetAddress(inv.k, (inv.cap.obj as Frame).addr, inv.isCall);
  return null;
}

/** seL4's ASIDControl_MakePool decode, with the arch's label. */
export function decodeASIDControl(inv: Invocation, makePool: number): OpResult {
  const k = inv.k;
  if (inv.label !== makePool) return SyscallError.illegalOperation();
  const parentSlot = inv.extra(0);
  const rootSlot = inv.extra(1);
  if (inv.length < 2 || parentSlot === null || rootSlot === null) return SyscallError.truncatedMessage();
  const untyped = parentSlot.cap;
  const high = firstFreeASIDPool(k);
  if (high < 0) return SyscallError.deleteFirst();
  if (untyped.type !== CapType.Untyped || untyped.blockSize !== k.arch.objects.asidPoolBits || untyped.isDevice) {
    return SyscallError.invalidCapability(1);
  }
  const busy = ensureNoChildren(parentSlot);
  if (busy !== null) return busy;
  // index and depth are MR0 and MR1 on every arch (the X86 method's layout stands for all three)
  const { index, depth } = readArgs(inv, 'X86ASIDControlMakePool', k.wordBits);
  const dest = lookupTargetSlot(rootSlot.cap, ...halves(index), depthArg(depth), k.wordBits, k.space.lookup);
  if (dest instanceof SyscallError) return dest;
  const full = ensureEmptySlot(dest);
  if (full !== null) return full;
  inv.restart();
  performASIDControlInvocation(k, parentSlot, dest, high);
  return null;
}

/** seL4's ASIDPool_Assign decode, with the arch's label. */
export function decodeASIDPool(inv: Invocation, assign: number): OpResult {
  const k = inv.k;
  if (inv.label !== assign) return SyscallError.illegalOperation();
  const rootSlot = inv.extra(0);
  if (rootSlot === null) return SyscallError.truncatedMessage();
  const vspaceCap = rootSlot.cap;
  if (!isVTableRoot(k, vspaceCap) || vspaceCap.isMapped) return SyscallError.invalidCapability(1);
  const pool = k.asidTable[asidHigh(k, inv.cap.asidBase)] ?? null;
  if (pool === null) return noVSpaceForASID();
  if (pool !== (inv.cap.obj as AsidPool)) return SyscallError.invalidCapability(0);
  const asid = firstFreeASID(pool, inv.cap.asidBase);
  if (asid < 0) return SyscallError.deleteFirst();
  inv.restart();
  performASIDPoolInvocation(k, asid, pool, rootSlot);
  return null;
}
