/*
 * What the MMU does for a user load or store (seL4 relies on the hardware here; handleVMFault in
 * the arch vspace.c files turns what the hardware reports into a VMFault).
 *
 * A thread's accesses go through the VSpace root in its TCB, if that root is still the one its
 * ASID names (seL4's setVMRoot falls back to a VSpace with no user mappings otherwise). The walk
 * follows table entries down to a page; a missing entry, a kernel-only page, or a store to a
 * read-only page stops the access with the fault status word the arch's hardware would report:
 *
 * - x86_64: the page-fault error code: bit 0 (the page was present: a protection fault), bit 1 (a
 *   write), bit 2 (from user mode); an instruction fetch sets no extra bit (seL4 on QEMU reported
 *   0x4 and PrefetchFault 0, digest appendix B.3). A non-canonical address is a
 *   general-protection fault instead (a UserException with number 13), as on the real CPU.
 * - aarch64: the abort syndrome ESR_EL1: exception class 0x24 (data abort from EL0) or 0x20
 *   (instruction abort), IL set, WnR (bit 6) for writes, and a translation fault (0b0001LL) or
 *   permission fault (0b0011LL) at the level LL where the walk stopped. The instruction-specific
 *   syndrome (ISV and the register fields) is left clear: a TypeScript access is not one machine
 *   instruction. PrefetchFault is 1 for instruction aborts.
 * - riscv64: seL4's own codes, RISCVLoadAccessFault (5), RISCVStoreAccessFault (7) or
 *   RISCVInstructionAccessFault (1, with PrefetchFault 1).
 *
 * Instruction fetches are not checked against the page tables: a program's code is a TypeScript
 * function found by its address in the code space (@tsel4/runtime), not bytes in memory. Only
 * when a PC has no code behind it does the runtime ask for the walk, to report the fault the
 * hardware would (an unmapped page, or a page mapped execute-never on ARM and RISC-V).
 */

import { TrapKind } from '@tsel4/hal';
import { seL4_ARM_ExecuteNever, seL4_RISCV_ExecuteNever } from '@tsel4/libsel4';
import { CapType, PageEntry, PagingObject, type Tcb, TCB_VTABLE, VMKernelOnly, VMReadWrite } from '@tsel4/object';
import type { Kernel } from './kernel.js';
import { indexAt, POW2 } from './vspace.js';

/** What an access does (a load, a store, or an instruction fetch). */
export const Access = { Read: 0, Write: 1, Fetch: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

/** Where a translated access lands. */
export interface Translation {
  /** Physical address of the byte addressed. */
  paddr: number;
  /** Whether the mapping allows stores (a load's translation may be cached for stores only if so). */
  writable: boolean;
  /** Virtual address of the first byte of the 4 KiB page holding it. */
  vpage: number;
}

/** A fresh Translation to fill in (one per caller: translating allocates nothing). */
export function newTranslation(): Translation {
  return { paddr: 0, writable: false, vpage: 0 };
}

/** The VSpace root `t` runs on, or null when it has none that its ASID still names (seL4: setVMRoot). */
export function currentVSpaceRoot(k: Kernel, t: Tcb): PagingObject | null {
  const cap = t.ctes[TCB_VTABLE]!.cap;
  if (cap.type !== CapType.PageTable || !cap.isMapped || k.vspace === undefined) return null;
  const asid = cap.mappedAsid;
  const low = k.vspace.seL4_ASIDPoolIndexBits;
  const pool = k.asidTable[asid >>> low];
  if (pool === undefined || pool === null) return null;
  return pool.entries[asid & (POW2[low]! - 1)] === cap.obj ? (cap.obj as PagingObject) : null;
}

/**
 * Translate a user access by `t` to `vaddr`. On success fills `out` and returns null. On failure
 * records the fault in `t`'s context (vmFault* for a VM fault, exception* for a
 * general-protection fault) and returns the trap kind the CPU raises.
 */
export function translateUser(k: Kernel, t: Tcb, vaddr: number, access: Access, out: Translation): TrapKind | null {
  const write = access === Access.Write;
  const g = k.vspace;
  const root = currentVSpaceRoot(k, t);
  let level = 0;
  let entry: PageEntry | null = null;
  if (root !== null && g !== undefined && vaddr >= 0 && vaddr <= g.userTop) {
    const levels = g.levels;
    let e = root.entries[indexAt(vaddr, levels[0]!.shift)] ?? null;
    while (e instanceof PagingObject) {
      level++;
      e = e.entries[indexAt(vaddr, levels[level]!.shift)] ?? null;
    }
    entry = e;
    if (
      entry !== null &&
      entry.rights !== VMKernelOnly &&
      (!write || entry.rights === VMReadWrite) &&
      (access !== Access.Fetch || !executeNever(k, entry))
    ) {
      const size = POW2[entry.sizeBits]!;
      out.paddr = entry.paddr + (vaddr % size);
      out.writable = entry.rights === VMReadWrite;
      out.vpage = vaddr - (vaddr % 4096);
      return null;
    }
  }
  return accessFault(k, t, vaddr, access, entry !== null, level);
}

/** The mapping forbids instruction fetches (seL4_ARM_ExecuteNever, seL4_RISCV_ExecuteNever; x86 has none). */
function executeNever(k: Kernel, e: PageEntry): boolean {
  switch (k.arch.name) {
    case 'aarch64':
      return (e.attr & seL4_ARM_ExecuteNever) !== 0;
    case 'riscv64':
      return (e.attr & seL4_RISCV_ExecuteNever) !== 0;
    default:
      return false;
  }
}

/** Record the fault of a failed access (see the module comment) and say which trap it is. */
function accessFault(k: Kernel, t: Tcb, vaddr: number, access: Access, present: boolean, level: number): TrapKind {
  const ctx = t.ctx;
  const write = access === Access.Write;
  const fetch = access === Access.Fetch;
  ctx.vmFaultAddr = vaddr;
  ctx.vmFaultPrefetch = fetch && k.arch.name !== 'x86_64' ? 1 : 0;
  switch (k.arch.name) {
    case 'x86_64': {
      const canonical = vaddr < 2 ** 47 || vaddr >= 2 ** 64 - 2 ** 47;
      if (!canonical) {
        ctx.exceptionNumber = 13;
        ctx.exceptionCode = 0;
        return TrapKind.UserException;
      }
      // the upper half holds the kernel's (present, supervisor-only) mappings
      const p = present || vaddr >= 2 ** 47 ? 1 : 0;
      ctx.vmFaultFsr = 0x4 | (write ? 0x2 : 0) | p;
      return TrapKind.VMFault;
    }
    case 'aarch64': {
      const dfsc = (present ? 0xc : 0x4) + level;
      ctx.vmFaultFsr = ((fetch ? 0x82000000 : 0x92000000) | (write ? 0x40 : 0) | dfsc) >>> 0;
      return TrapKind.VMFault;
    }
    default:
      ctx.vmFaultFsr = fetch ? 1 : write ? 7 : 5;
      return TrapKind.VMFault;
  }
}
