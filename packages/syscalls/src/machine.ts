/*
 * A runnable machine: a board, a kernel booted with a root task, the trap entry on the CPU, and a
 * run loop that resumes the current thread until it traps, enters the kernel, and goes on until
 * every thread is blocked or stopped, a step or cycle limit is reached, or DebugHalt.
 *
 * Time is simulated: each return to user code and each kernel entry charges cycles (CostModel),
 * the timer interrupts every tick of those cycles, and a spinning program that makes syscalls is
 * preempted at the end of its timeslice as on seL4. One program and seed give one run.
 */

import { type Board, type BoardName, createBoard, type MemoryBacking, type ThreadContext, TrapKind } from '@tsel4/hal';
import {
  activateThread,
  bootKernel,
  type BootResult,
  checkInvariants,
  createKernel,
  type Kernel,
  type KernelConfig,
  lookupIPCBuffer,
  NO_BUFFER,
  printFault,
  schedule,
  translateUser,
} from '@tsel4/kernel';
import { readBootInfo, type seL4_BootInfo, seL4_SysCall, seL4_SysReplyRecv, syscallName, type ThreadFunction } from '@tsel4/libsel4';
import type { Fault, Tcb } from '@tsel4/object';
import { CodeSpace, type ForeignCode, type UserEnvironment, UserThread, type UserVM } from '@tsel4/runtime';
import { type EntryContext, handleInterruptEntry, handleUserLevelFault, handleVMFaultEvent, slowpath, syscallNumber } from './entry.js';
import { fastpathCall, fastpathReplyRecv } from './fastpath.js';
import type { Tracer } from './trace.js';

/** Simulated cycles charged for each kind of event (roughly a 3.4 GHz Skylake's seL4 costs). */
export interface CostModel {
  /** Returning to user code and running it to its next trap. */
  readonly userStep: number;
  /** A Call or ReplyRecv that takes the fastpath. */
  readonly fastpath: number;
  /** Any other kernel entry. */
  readonly slowpath: number;
  /** An interrupt. */
  readonly interrupt: number;
}

export const DEFAULT_COSTS: CostModel = { userStep: 100, fastpath: 350, slowpath: 900, interrupt: 1500 };

/** What a machine is built with. */
export interface MachineOptions {
  readonly board?: BoardName;
  readonly ramBytes?: number;
  /** pc99: a kernel with CONFIG_IOMMU (default off; BoardOptions.iommu). */
  readonly iommu?: boolean;
  /** The timer period in simulated cycles (default: the board's tick, 2 ms of its clock). */
  readonly tickCycles?: number;
  /** seL4's KernelFastpath (default on). */
  readonly fastpath?: boolean;
  readonly kernel?: Partial<KernelConfig>;
  /** Given to the root task in its second argument register; nothing in the kernel is random. */
  readonly seed?: number;
  /** Check the kernel's invariants after every kernel entry (slow; for tests). */
  readonly checkInvariants?: boolean;
  /** Receives each line the programs print on the debug console. */
  readonly onConsoleLine?: (line: string) => void;
  /** Receives seL4's kernel debug messages: userError's, and the debug prints unless onKernelPrint takes them. */
  readonly onKernelLog?: (line: string) => void;
  /**
   * Receives what a debug seL4 prints on its console besides userError: the double-fault
   * message of a fault nobody handles, Undelivered IRQ, seL4_DebugDumpScheduler's table, debug
   * halt (kernel debugprint.ts). One call per line.
   */
  readonly onKernelPrint?: (line: string) => void;
  /**
   * Called before each return to user level with the thread about to run (for watchdogs; it
   * must not change the machine).
   */
  readonly onUserRun?: (tcb: Tcb) => void;
  /** Told when a thread stops in a fault nobody handles (after the kernel's print). */
  readonly onUnhandledFault?: (tcb: Tcb, first: Fault, second: Fault) => void;
  readonly costs?: CostModel;
  /** Where board RAM lives when not in the JS heap (the native C bridge gives this). */
  readonly memoryBacking?: MemoryBacking;
  /** Code besides the TypeScript functions that threads can run (a C program). */
  readonly foreignCode?: readonly ForeignCode[];
  /** Records every kernel entry and IPC transfer (trace.ts); without one nothing is recorded. */
  readonly tracer?: Tracer;
  /** Where the root task's image lies in its VSpace, when it is not the default (an ELF's range). */
  readonly rootImage?: { readonly vaddr: number; readonly pages: number };
}

/**
 * The root task: a TypeScript thread function, or the address of its first instruction in code the
 * machine is given (`foreignCode`).
 */
export type RootTask = ThreadFunction | number;

/** Limits for one run. */
export interface RunOptions {
  readonly maxSteps?: number;
  readonly maxCycles?: number;
}

/** Why a run stopped. */
export type StopReason = 'idle' | 'halted' | 'steps' | 'cycles';

/** Counts of what happened, per machine. */
export interface MachineStats {
  /** Syscalls by C name (seL4_SysCall, ...); unknown numbers count under 'unknown'. */
  readonly syscalls: Record<string, number>;
  readonly fastpath: { readonly call: { hits: number; misses: number }; readonly replyRecv: { hits: number; misses: number } };
  readonly contextSwitches: number;
  readonly faults: number;
  readonly doubleFaults: number;
  readonly interrupts: number;
  /** Long-running kernel operations (revoke, delete, retype) interrupted at a preemption point. */
  readonly preemptions: number;
  /** Timeslices that ran out on a timer tick. */
  readonly timesliceExpiries: number;
  readonly cycles: number;
  /** Returns to user code. */
  readonly steps: number;
}

export interface RunResult {
  readonly reason: StopReason;
  /** Everything written to the debug console so far. */
  readonly console: string;
  readonly stats: MachineStats;
  /** Set when reason is 'halted'. */
  readonly haltReason?: string;
}

/** A failed invariant check: the kernel's state is inconsistent (a kernel bug). */
export class InvariantViolation extends Error {
  constructor(readonly violations: readonly string[], readonly after: string) {
    super(`kernel invariants violated after ${after}:\n  ${violations.join('\n  ')}`);
    this.name = 'InvariantViolation';
  }
}

const SYSCALL_SLOTS = 64;

export class Machine implements EntryContext {
  readonly board: Board;
  readonly k: Kernel;
  readonly code = new CodeSpace();
  readonly boot: BootResult;
  readonly fastpathEnabled: boolean;
  readonly costs: CostModel;
  readonly seed: number;
  /** The tracer recording this machine's run, or null. */
  readonly tracer: Tracer | null;
  private bootInfoCache: seL4_BootInfo | null = null;
  private readonly env: UserEnvironment;
  private readonly ctxToTcb = new Map<ThreadContext, Tcb>();
  private halted: string | null = null;
  private started = false;
  private readonly check: boolean;
  private readonly onUserRun: ((tcb: Tcb) => void) | null;
  private steps = 0;
  /** Syscalls counted by -number (index 0 = unknown numbers). */
  private readonly sysCounts = new Float64Array(SYSCALL_SLOTS);
  private fpCallHit = 0;
  private fpCallMiss = 0;
  private fpRRHit = 0;
  private fpRRMiss = 0;
  /** The entry being handled, for invariant messages. */
  private lastEntry = 'boot';
  /** Register-array indices (low halves) the trap entry reads. */
  private readonly nextIdx: number;
  private readonly faultIdx: number;
  private readonly sysIdx: number;
  private readonly capIdx: number;
  private readonly infoIdx: number;
  private readonly trapBytes: number;
  private readonly wordBits: 32 | 64;

  constructor(root: RootTask, opts: MachineOptions = {}) {
    this.board = createBoard(opts.board ?? 'pc99', {
      ...(opts.ramBytes === undefined ? {} : { ramBytes: opts.ramBytes }),
      ...(opts.tickCycles === undefined ? {} : { tickCycles: opts.tickCycles }),
      ...(opts.memoryBacking === undefined ? {} : { backing: opts.memoryBacking }),
      ...(opts.iommu === undefined ? {} : { iommu: opts.iommu }),
    });
    this.k = createKernel(this.board, opts.kernel);
    this.fastpathEnabled = opts.fastpath ?? true;
    this.costs = opts.costs ?? DEFAULT_COSTS;
    this.seed = opts.seed ?? 0;
    this.check = opts.checkInvariants ?? false;
    this.onUserRun = opts.onUserRun ?? null;
    if (opts.onConsoleLine !== undefined) this.board.console.onLine = opts.onConsoleLine;
    if (opts.onKernelLog !== undefined) this.k.log = opts.onKernelLog;
    if (opts.onKernelPrint !== undefined) this.k.printer = opts.onKernelPrint;
    if (opts.onUnhandledFault !== undefined) this.k.onUnhandledFault = opts.onUnhandledFault;
    this.env = {
      arch: this.board.arch,
      config: { iommu: this.board.iommu },
      code: this.code,
      seed: this.seed,
      ipcBufferFor: (ctx) => this.ipcBufferFor(ctx),
      bootInfo: () => this.bootInfoCache,
      bootInfoPaddr: () => (this.bootInfoCache === null ? null : this.boot.bootInfoPaddr),
      vm: this.userVM(),
    };
    for (const f of opts.foreignCode ?? []) this.code.addForeign(f);
    this.k.onTcbCreated = (tcb) => {
      this.ctxToTcb.set(tcb.ctx, tcb);
      tcb.ctx.program = new UserThread(tcb.ctx, this.env);
    };
    const a = this.board.arch;
    this.nextIdx = 2 * a.nextIP;
    this.faultIdx = 2 * a.faultIP;
    this.sysIdx = 2 * a.syscall.syscallReg;
    this.capIdx = 2 * a.syscall.capReg;
    this.infoIdx = 2 * a.syscall.infoReg;
    this.trapBytes = a.syscall.trapInsnBytes;
    this.wordBits = a.wordBits;
    this.tracer = opts.tracer ?? null;
    const tr = this.tracer;
    if (tr === null) this.board.cpu.installTrapEntry((kind) => this.trap(kind));
    else {
      // tracing wraps the trap entry, so the untraced path has no check at all
      this.k.tracer = tr;
      this.board.cpu.installTrapEntry((kind) => {
        if (kind === TrapKind.Interrupt) return;
        tr.enter(kind);
        this.trap(kind);
        tr.exit();
      });
    }
    const entry = typeof root === 'number' ? root : this.code.addressOf(root);
    const img = opts.rootImage;
    this.boot = bootKernel(this.k, img === undefined ? { entry } : { entry, imageVaddr: img.vaddr, imagePages: img.pages });
    this.bootInfoCache = readBootInfo(this.board.memory, this.boot.bootInfoPaddr, this.board.arch.wordBits);
    // the root task's second argument register carries the seed (its first is the bootinfo)
    const seedReg = this.board.arch.argRegs[1];
    if (seedReg !== undefined) this.boot.rootTcb.ctx.set(seedReg, this.seed >>> 0, 0);
    if (tr !== null) tr.attach(this);
  }

  /** The TCB whose registers are `ctx`. */
  tcbOf(ctx: ThreadContext): Tcb | undefined {
    return this.ctxToTcb.get(ctx);
  }

  /** A thread's IPC buffer as its own code sees it when it starts (see UserEnvironment). */
  private ipcBufferFor(ctx: ThreadContext): { page: Uint32Array; base: number; paddr: number } | null {
    const tcb = this.ctxToTcb.get(ctx);
    if (tcb === undefined) return null;
    const addr = lookupIPCBuffer(false, tcb);
    if (addr === NO_BUFFER) return null;
    return { page: this.board.memory.page(addr), base: (addr & 0xfff) >>> 2, paddr: addr };
  }

  /** Loads and stores of the machine's TypeScript threads go through their VSpaces (kernel translate.ts). */
  private userVM(): UserVM {
    const k = this.k;
    const tcbOf = this.ctxToTcb;
    return {
      get epoch() {
        return k.vmEpoch;
      },
      memory: this.board.memory,
      translate: (ctx, vaddr, access, out) => translateUser(k, tcbOf.get(ctx)!, vaddr, access, out),
    };
  }

  /** A fault as a debug seL4 prints it ("vm fault on data at address ..."; kernel printFault). */
  faultText(f: Fault): string {
    return printFault(this.k, f);
  }

  halt(reason: string): void {
    this.halted = reason;
  }

  /** The trap entry installed on the CPU: seL4's c_handle_syscall and the fault entries. */
  private trap(kind: TrapKind): void {
    // preempted by the timer without a trap: the run loop takes the interrupt
    if (kind === TrapKind.Interrupt) return;
    const k = this.k;
    const t = k.curThread;
    const ctx = t.ctx;
    const cpu = this.board.cpu;
    if (kind === TrapKind.Syscall) {
      const regs = ctx.regs;
      // FaultIP := the address of the syscall instruction
      const ni = this.nextIdx;
      const fi = this.faultIdx;
      const next = regs[ni]!;
      const bytes = this.trapBytes;
      if (next >= bytes) {
        regs[fi] = next - bytes;
        regs[fi + 1] = regs[ni + 1]!;
      } else {
        regs[fi] = (next - bytes) >>> 0;
        regs[fi + 1] = (regs[ni + 1]! - 1) >>> 0;
      }
      const sLo = regs[this.sysIdx]!;
      const sHi = regs[this.sysIdx + 1]!;
      const sysno = syscallNumber(sLo, sHi, this.wordBits);
      const slot = -sysno;
      if (slot > 0 && slot < SYSCALL_SLOTS) this.sysCounts[slot]!++;
      else this.sysCounts[0]!++;
      if (this.fastpathEnabled) {
        if (sysno === seL4_SysCall) {
          const c = this.capIdx;
          const i = this.infoIdx;
          if (fastpathCall(k, regs[c]!, regs[c + 1]!, regs[i]!, regs[i + 1]!)) {
            this.fpCallHit++;
            cpu.advance(this.costs.userStep + this.costs.fastpath);
            return;
          }
          this.fpCallMiss++;
        } else if (sysno === seL4_SysReplyRecv) {
          const c = this.capIdx;
          const i = this.infoIdx;
          if (fastpathReplyRecv(k, regs[c]!, regs[c + 1]!, regs[i]!, regs[i + 1]!)) {
            this.fpRRHit++;
            cpu.advance(this.costs.userStep + this.costs.fastpath);
            return;
          }
          this.fpRRMiss++;
        }
      }
      if (this.check) this.lastEntry = `${syscallName(sysno) ?? `syscall ${sysno}`} by ${t.describe()}`;
      slowpath(this, sysno, sLo, sHi);
    } else if (kind === TrapKind.UserException) {
      if (this.check) this.lastEntry = `a user exception in ${t.describe()}`;
      handleUserLevelFault(this, ctx.exceptionNumber, ctx.exceptionCode);
    } else {
      if (this.check) this.lastEntry = `a VM fault in ${t.describe()}`;
      handleVMFaultEvent(this, ctx.vmFaultAddr, ctx.vmFaultFsr, ctx.vmFaultPrefetch);
    }
    cpu.advance(this.costs.userStep + this.costs.slowpath);
  }

  private interrupt(): void {
    const tr = this.tracer;
    if (tr !== null) tr.enterInterrupt(this.board.irq.active());
    if (this.check) this.lastEntry = 'an interrupt';
    handleInterruptEntry(this);
    this.board.cpu.advance(this.costs.interrupt);
    if (tr !== null) tr.exit();
    this.verify();
  }

  /** Calls and ReplyRecvs the fastpath has handled so far. */
  get fastpathHits(): number {
    return this.fpCallHit + this.fpRRHit;
  }

  private verify(): void {
    if (!this.check) return;
    const bad = checkInvariants(this.k);
    if (bad.length > 0) throw new InvariantViolation(bad, this.lastEntry);
  }

  /** Run until idle, halted, or a limit. Can be called again to continue. */
  run(opts: RunOptions = {}): RunResult {
    const k = this.k;
    const cpu = this.board.cpu;
    const irq = this.board.irq;
    const maxSteps = opts.maxSteps ?? Number.POSITIVE_INFINITY;
    const maxCycles = opts.maxCycles ?? Number.POSITIVE_INFINITY;
    if (!this.started) {
      this.started = true;
      schedule(k);
      activateThread(k);
      this.verify();
    }
    let reason: StopReason = 'halted';
    let stepsThisRun = 0;
    while (this.halted === null) {
      if (stepsThisRun >= maxSteps) {
        reason = 'steps';
        break;
      }
      if (cpu.cycles >= maxCycles) {
        reason = 'cycles';
        break;
      }
      if (k.curThread === k.idleThread) {
        if (irq.active() >= 0) {
          this.interrupt();
          continue;
        }
        if (readyInOtherDomain(k)) {
          // seL4's idle thread runs until the timer tick that ends the domain's time; only then
          // do another domain's ready threads run
          cpu.idleUntilTick();
          continue;
        }
        reason = 'idle';
        break;
      }
      stepsThisRun++;
      if (this.onUserRun !== null) this.onUserRun(k.curThread);
      cpu.runUser();
      if (this.check) this.verify();
      if (irq.active() >= 0) this.interrupt();
    }
    this.steps += stepsThisRun;
    return { reason, console: this.board.console.output, stats: this.stats(), ...(this.halted !== null ? { haltReason: this.halted } : {}) };
  }

  /** The statistics so far. */
  stats(): MachineStats {
    const syscalls: Record<string, number> = {};
    for (let i = 1; i < SYSCALL_SLOTS; i++) {
      const n = this.sysCounts[i]!;
      if (n > 0) syscalls[syscallName(-i) ?? `syscall ${-i}`] = n;
    }
    if (this.sysCounts[0]! > 0) syscalls['unknown'] = this.sysCounts[0]!;
    const c = this.k.counters;
    return {
      syscalls,
      fastpath: { call: { hits: this.fpCallHit, misses: this.fpCallMiss }, replyRecv: { hits: this.fpRRHit, misses: this.fpRRMiss } },
      contextSwitches: c.contextSwitches,
      faults: c.faults,
      doubleFaults: c.doubleFaults,
      interrupts: c.interrupts,
      preemptions: c.preemptions,
      timesliceExpiries: c.timesliceExpiries,
      cycles: this.board.cpu.cycles,
      steps: this.steps,
    };
  }
}

/** Whether a thread is ready in a domain other than the current one (its ready-queue bitmap). */
function readyInOtherDomain(k: Kernel): boolean {
  const n = k.config.numDomains;
  for (let d = 0; d < n; d++) if (d !== k.curDomain && k.l1Bitmap[d] !== 0) return true;
  return false;
}

/** Build a machine with `root` as the root task, run it, and return what happened. */
export function runMachine(root: RootTask, opts: MachineOptions & RunOptions = {}): RunResult {
  return new Machine(root, opts).run(opts);
}
