/*
 * The kernel's state (seL4's ks* globals and node state) and the wiring between it and the
 * object layer.
 *
 * Behaviour lives in free functions grouped by concept (scheduler.ts, ipc.ts, signal.ts,
 * faults.ts, ...), each taking the Kernel first, as seL4's C functions read its globals. The
 * Kernel supplies the object layer's hooks, so deleting the last cap to an endpoint cancels its
 * IPC here, and so on.
 */

import type { Arch, Board, PhysicalMemory } from '@tsel4/hal';
import { type VSpaceGeometry, vspaceGeometry } from '@tsel4/libsel4';
import { type AsidPool, Cte, type Endpoint, type Fault, type KernelHooks, type LookupFault, type Notification, ObjectSpace, type Tcb } from '@tsel4/object';
import type { KernelConfig } from './config.js';
import { IRQState } from './irqstate.js';

/** seL4's ksSchedulerAction, minus the candidate pointer (kept in Kernel.candidate). */
export const SchedulerAction = {
  /** Keep running the current thread (SchedulerAction_ResumeCurrentThread). */
  ResumeCurrentThread: 0,
  /** Pick the highest-priority ready thread (SchedulerAction_ChooseNewThread). */
  ChooseNewThread: 1,
  /** Consider switching to Kernel.candidate (seL4 stores the TCB pointer in the action). */
  SwitchToThread: 2,
} as const;
export type SchedulerAction = (typeof SchedulerAction)[keyof typeof SchedulerAction];

/** Bits of one ready-queue bitmap word. */
export const BITMAP_WORD_BITS = 32;
/** Level-2 bitmap words per domain (256 priorities / 32). */
export const L2_WORDS = 8;

/** Counters the kernel keeps for statistics (never read by kernel logic). */
export interface KernelCounters {
  contextSwitches: number;
  faults: number;
  doubleFaults: number;
  interrupts: number;
  /** Long-running operations (revoke, delete, retype) interrupted at a preemption point. */
  preemptions: number;
  /** Timeslices that ran out on a timer tick (the thread went to the tail of its level). */
  timesliceExpiries: number;
}

/**
 * Watches IPC for traces (seL4 has no counterpart; off unless a machine installs one). The kernel
 * calls it after each message transfer and each signal that wakes a thread; it must not change
 * kernel state.
 */
export interface KernelTracer {
  /**
   * A message went from `sender` to `receiver`: through `ep` with the sender cap's badge, or a
   * reply (`ep` null). A fault message when the sender has a pending fault.
   */
  ipcTransfer(sender: Tcb, receiver: Tcb, ep: Endpoint | null, badgeLo: number, badgeHi: number): void;
  /** A signal on `ntfn` with the given badge woke `receiver`. */
  signal(receiver: Tcb, ntfn: Notification, badgeLo: number, badgeHi: number): void;
}

/** Receives kernel log lines (seL4's userError and debug prints, off the user console). */
export type KernelLog = (line: string) => void;

export class Kernel {
  readonly arch: Arch;
  readonly memory: PhysicalMemory;
  readonly space: ObjectSpace;
  readonly wordBits: 32 | 64;
  /** n_msgRegisters. */
  readonly nMsgRegisters: number;
  /** config.numDomains, kept here for the fastpath. */
  readonly numDomains: number;
  /** Register-array indices (low halves) of the message registers, badge and info registers. */
  readonly msgRegIdx: readonly number[];
  readonly badgeIdx: number;
  readonly infoIdx: number;
  /** The paging-structure kind of a VSpace root on this arch (pml4, vspace, pd or pt). */
  readonly vspaceRootKind: 'pml4' | 'vspace' | 'pd' | 'pt';
  /** The arch's address-space geometry (undefined on the 32-bit arches: no mappings there yet). */
  readonly vspace: VSpaceGeometry | undefined;

  // --- address spaces (seL4: x86KSASIDTable / armKSASIDTable / riscvKSASIDTable)
  /** The ASID pool of each high ASID, or null. */
  readonly asidTable: (AsidPool | null)[];
  /**
   * Bumped whenever a translation may change (a map, an unmap, an ASID or VSpace going): what
   * user-level translation caches check, as a TLB is flushed.
   */
  vmEpoch = 0;

  // --- scheduling (seL4: ksCurThread, ksIdleThread, ksSchedulerAction, ksReadyQueues, bitmaps)
  curThread!: Tcb;
  idleThread!: Tcb;
  action: SchedulerAction = SchedulerAction.ResumeCurrentThread;
  candidate: Tcb | null = null;
  /** Ready queue heads and tails, indexed by domain * 256 + priority. */
  readonly queueHead: (Tcb | null)[];
  readonly queueTail: (Tcb | null)[];
  /** Level-1 bitmap per domain: bit i set when L2 word i is non-zero. */
  readonly l1Bitmap: Uint32Array;
  /** Level-2 bitmaps: L2_WORDS words per domain, bit p%32 of word p/32 per priority. */
  readonly l2Bitmap: Uint32Array;

  // --- domains (ksCurDomain, ksDomainTime, ksDomScheduleIdx)
  curDomain = 0;
  domainTime = 0;
  domScheduleIdx = 0;
  domScheduleStart = 0;
  /** ksDomSchedule: config.numDomainSchedules entries; length 0 (with domain 0) is an end marker. */
  readonly domainSchedule: { domain: number; length: number }[];

  // --- the current invocation (current_fault, current_lookup_fault, current_extra_caps)
  currentFault: Fault | null = null;
  currentLookupFault: LookupFault | null = null;
  readonly extraCaps: (Cte | null)[] = [null, null, null];
  /** ksWorkUnitsCompleted. */
  workUnitsCompleted = 0;

  // --- interrupts (intStateIRQTable, intStateIRQNode)
  readonly irqState: Uint8Array;
  readonly irqNode: Cte[];
  /** x86KSIRQState's type, as far as masking needs it: 1 where the line was issued as an MSI. */
  readonly irqIsMsi: Uint8Array;

  /** x86KSAllocatedIOPorts: one bit per I/O port handed out by IOPortControl_Issue. */
  readonly allocatedIOPorts = new Uint32Array(65536 / 32);

  /** Every TCB ever created, for debugging and the invariant checker (seL4's debug TCB list). */
  readonly tcbs = new Set<Tcb>();
  /** The root task's TCB (null before boot). */
  rootTcb: Tcb | null = null;
  /** The root CNode's slot holding the root CNode cap (for reachability in checks). */
  rootCNodeSlot: Cte | null = null;

  readonly counters: KernelCounters = { contextSwitches: 0, faults: 0, doubleFaults: 0, interrupts: 0, preemptions: 0, timesliceExpiries: 0 };
  /** Where seL4's debug messages go (userError and every debug print); null drops them. */
  log: KernelLog | null = null;
  /**
   * Where a debug kernel's prints go (the double-fault message, Undelivered IRQ, the scheduler
   * dump, debug halt; not userError). While it is null they go to `log`.
   */
  printer: KernelLog | null = null;
  /** Told when a thread stops in a fault nobody handles (seL4 has no counterpart; for tools). */
  onUnhandledFault: ((t: Tcb, first: Fault, second: Fault) => void) | null = null;
  /** Watches IPC for a trace; null (the default) costs one check per transfer. */
  tracer: KernelTracer | null = null;
  /** Called when a TCB is created (the machine attaches a program runner to its context). */
  onTcbCreated: ((tcb: Tcb) => void) | null = null;

  constructor(
    readonly board: Board,
    readonly config: KernelConfig,
    hooks: (k: Kernel) => KernelHooks,
  ) {
    this.arch = board.arch;
    this.memory = board.memory;
    this.wordBits = board.arch.wordBits;
    this.nMsgRegisters = board.arch.syscall.msgRegs.length;
    this.numDomains = config.numDomains;
    this.msgRegIdx = board.arch.syscall.msgRegs.map((r) => 2 * r);
    this.badgeIdx = 2 * board.arch.syscall.badgeReg;
    this.infoIdx = 2 * board.arch.syscall.infoReg;
    const n = board.arch.name;
    this.vspaceRootKind = board.arch.pagingKinds[0];
    this.vspace = vspaceGeometry(n);
    this.asidTable = new Array<AsidPool | null>(2 ** (this.vspace?.seL4_NumASIDPoolsBits ?? 0)).fill(null);
    const nq = config.numDomains * config.numPriorities;
    this.queueHead = new Array<Tcb | null>(nq).fill(null);
    this.queueTail = new Array<Tcb | null>(nq).fill(null);
    this.l1Bitmap = new Uint32Array(config.numDomains);
    this.l2Bitmap = new Uint32Array(config.numDomains * L2_WORDS);
    this.domainSchedule = Array.from({ length: config.numDomainSchedules }, (_, i) => {
      const e = config.domainSchedule[i];
      return { domain: e?.domain ?? 0, length: e?.length ?? 0 };
    });
    this.space = new ObjectSpace(board.arch, board.memory, undefined, {
      retypeFanOutLimit: config.retypeFanOutLimit,
      timeSlice: config.timeSlice,
      iommu: board.iommu,
      resetChunkBits: config.resetChunkBits,
    });
    this.space.hooks = hooks(this);
    this.irqState = new Uint8Array(board.irq.maxIrq + 1).fill(IRQState.Inactive);
    this.irqIsMsi = new Uint8Array(board.irq.maxIrq + 1);
    this.irqNode = Array.from({ length: board.irq.maxIrq + 1 }, (_, i) => new Cte(null, i));
  }

  /** Write a line to the kernel log (seL4's userError), if anyone listens. */
  debug(line: string): void {
    this.log?.(line);
  }

  /** A debug kernel's printf of one line: to the printer, or the kernel log when none listens. */
  print(line: string): void {
    if (this.printer !== null) this.printer(line);
    else this.log?.(line);
  }
}
