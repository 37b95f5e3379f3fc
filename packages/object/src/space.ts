/*
 * The context every object operation runs in: the architecture and board memory, the kernel
 * configuration that object operations depend on, and the hooks through which the kernel
 * package takes part (seL4's object code calls straight into the scheduler and IPC code; here
 * those calls go through KernelHooks so that this package stays below the kernel).
 */

import type { Arch, PhysicalMemory } from '@tsel4/hal';
import type { Cap } from './cap.js';
import { LookupResult } from './cnode.js';
import type { Endpoint, Notification } from './kobject.js';
import type { Tcb } from './tcb.js';

/** What object operations need from the kernel. */
export interface KernelHooks {
  /** seL4: cancelAllIPC — an endpoint's last cap is gone; restart its queued threads. */
  cancelAllIPC(ep: Endpoint): void;
  /** seL4: cancelAllSignals — a notification's last cap is gone; restart its waiters. */
  cancelAllSignals(ntfn: Notification): void;
  /** seL4: cancelBadgedSends. */
  cancelBadgedSends(ep: Endpoint, badgeLo: number, badgeHi: number): void;
  /** seL4: suspend — a TCB's last cap is gone. */
  suspend(tcb: Tcb): void;
  /** seL4: deletingIRQHandler — the last handler cap for `irq` is gone. */
  deletingIRQHandler(irq: number): void;
  /** seL4: postCapDeletion — clean up after an IRQ handler or IO port cap was removed. */
  postCapDeletion(cleanupInfo: Cap): void;
  /** seL4: preemptionPoint — true when a long operation must stop and be restarted. */
  preemptionPoint(): boolean;
  /** A TCB was created by Untyped_Retype (the kernel names it and tracks it). */
  tcbCreated(tcb: Tcb): void;
  /** The domain new TCBs start in (seL4: ksCurDomain). */
  currentDomain(): number;
  /** seL4: Arch_finaliseCap for a mapped frame, paging structure or ASID pool. */
  archFinalise(cap: Cap, final: boolean): void;
}

/** Kernel configuration values object operations depend on. */
export interface ObjectConfig {
  /** CONFIG_RETYPE_FAN_OUT_LIMIT (default 256). */
  readonly retypeFanOutLimit: number;
  /** CONFIG_TIME_SLICE: a new TCB's timeslice in ticks (default 5). */
  readonly timeSlice: number;
  /** CONFIG_IOMMU (x86): seL4_X86_IOPageTableObject is an object type (default off). */
  readonly iommu?: boolean;
  /** CONFIG_RESET_CHUNK_BITS: bytes (log2) an untyped reset clears between preemption points (8). */
  readonly resetChunkBits?: number;
}

export const DEFAULT_OBJECT_CONFIG: ObjectConfig = { retypeFanOutLimit: 256, timeSlice: 5 };

/** Hooks that do nothing: for using this package on its own (tests, tools). */
export function inertHooks(): KernelHooks {
  return {
    cancelAllIPC() {},
    cancelAllSignals() {},
    cancelBadgedSends() {},
    suspend() {},
    deletingIRQHandler() {},
    postCapDeletion() {},
    preemptionPoint: () => false,
    tcbCreated() {},
    currentDomain: () => 0,
    archFinalise() {},
  };
}

export class ObjectSpace {
  readonly wordBits: 32 | 64;
  /** Scratch result for lookups (nothing on a lookup path allocates). */
  readonly lookup = new LookupResult();

  constructor(
    readonly arch: Arch,
    readonly memory: PhysicalMemory,
    public hooks: KernelHooks = inertHooks(),
    readonly config: ObjectConfig = DEFAULT_OBJECT_CONFIG,
  ) {
    this.wordBits = arch.wordBits;
  }
}
