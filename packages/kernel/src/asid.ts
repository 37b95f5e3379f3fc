/*
 * ASIDs (seL4: the ASID parts of src/arch/{x86,arm/64,riscv}/kernel/vspace.c).
 *
 * An ASID names a VSpace root. The kernel's ASID table has one entry per ASID pool (the high bits
 * of an ASID); a pool maps the low bits to a VSpace root. ASIDControl_MakePool turns a 4 KiB
 * untyped into a pool for the first free high ASID; ASIDPool_Assign gives an unassigned VSpace
 * root the pool's first free ASID, which makes the root usable. Deleting a root's last cap or the
 * pool's cap takes the ASIDs away, and with them every translation through that root.
 */

import {
  ASID_INVALID,
  AsidPool,
  asidPoolCap,
  type Cte,
  cteInsert,
  type PagingObject,
  untypedCap,
  pageTableCapMapped,
} from '@tsel4/object';
import type { Kernel } from './kernel.js';

function lowBits(k: Kernel): number {
  return k.vspace!.seL4_ASIDPoolIndexBits;
}

/** seL4's ASID_HIGH: the ASID table index of `asid`. */
export function asidHigh(k: Kernel, asid: number): number {
  return Math.floor(asid / 2 ** lowBits(k));
}

/** seL4's ASID_LOW: the pool index of `asid`. */
export function asidLow(k: Kernel, asid: number): number {
  return asid & (2 ** lowBits(k) - 1);
}

/**
 * seL4's findVSpaceForASID: the VSpace root `asid` names, or null (seL4 then reports the lookup
 * failure InvalidRoot).
 */
export function findVSpaceForASID(k: Kernel, asid: number): PagingObject | null {
  if (asid === ASID_INVALID || asid < 0) return null;
  const pool = k.asidTable[asidHigh(k, asid)];
  if (pool === undefined || pool === null) return null;
  return pool.entries[asidLow(k, asid)] ?? null;
}

/** seL4's deleteASID: `asid` stops naming `root` (its last cap is going). */
export function deleteASID(k: Kernel, asid: number, root: PagingObject): void {
  const pool = k.asidTable[asidHigh(k, asid)];
  if (pool !== undefined && pool !== null && pool.entries[asidLow(k, asid)] === root) {
    pool.entries[asidLow(k, asid)] = null;
    k.vmEpoch++;
  }
}

/** seL4's deleteASIDPool: the pool's cap is gone; none of its ASIDs names anything any more. */
export function deleteASIDPool(k: Kernel, asidBase: number, pool: AsidPool): void {
  const high = asidHigh(k, asidBase);
  if (k.asidTable[high] === pool) {
    k.asidTable[high] = null;
    k.vmEpoch++;
  }
}

/** The first free ASID table entry (ASIDControl_MakePool's "first free pool"), or -1. */
export function firstFreeASIDPool(k: Kernel): number {
  return k.asidTable.indexOf(null);
}

/** The first ASID of `pool` (based at `asidBase`) that names nothing, never ASID 0; or -1. */
export function firstFreeASID(pool: AsidPool, asidBase: number): number {
  for (let i = 0; i < pool.entries.length; i++) {
    if (asidBase + i !== 0 && pool.entries[i] === null) return asidBase + i;
  }
  return -1;
}

/**
 * seL4's performASIDControlInvocation: the untyped in `parent` (4 KiB, no children) becomes the
 * ASID pool for table entry `high`; its cap goes into `dest` as a child of the untyped, which is
 * marked full.
 */
export function performASIDControlInvocation(k: Kernel, parent: Cte, dest: Cte, high: number): void {
  const ut = parent.cap;
  parent.cap = untypedCap(ut.untypedBase, ut.blockSize, 2 ** ut.blockSize, ut.isDevice);
  const bits = k.arch.objects.asidPoolBits;
  k.memory.zero(ut.untypedBase, 2 ** bits);
  const pool = new AsidPool(ut.untypedBase, bits, 2 ** lowBits(k));
  const base = high * 2 ** lowBits(k);
  cteInsert(asidPoolCap(pool, base), parent, dest);
  k.asidTable[high] = pool;
}

/**
 * seL4's performASIDPoolInvocation: the VSpace root whose cap is in `rootSlot` gets `asid`; its cap
 * now says so (and, on RISC-V, that it is mapped at address 0).
 */
export function performASIDPoolInvocation(k: Kernel, asid: number, pool: AsidPool, rootSlot: Cte): void {
  const cap = rootSlot.cap;
  rootSlot.cap = pageTableCapMapped(cap, asid, 0);
  pool.entries[asidLow(k, asid)] = cap.obj as PagingObject;
  k.vmEpoch++;
}
