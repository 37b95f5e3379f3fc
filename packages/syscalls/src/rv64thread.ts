/*
 * RISC-V threads: a thread whose code is RV64 machine code in its VSpace runs on @tsel4/rv64's
 * CPU, entering the same kernel (fastpath included) as TypeScript threads.
 *
 * `Rv64Code` is the machine's foreign code (libsel4's ForeignCode): a thread whose pc is not a
 * TypeScript function gets an `Rv64Thread`, its own hart (registers, FP state, translation cache)
 * over its context's registers. Every fetch, load and store goes through the thread's VSpace with
 * the kernel's own walk (kernel translate.ts); physical pages are shared between harts with their
 * decode caches; a thread whose pc is moved to a TypeScript function goes back to the TypeScript
 * runtime. A VSpace change (the kernel's vmEpoch, or another VSpace root) flushes the
 * thread's translations; an unmap or remap also drops the decode caches.
 *
 * Traps, as seL4 on riscv64 takes them (arch/riscv/c_traps.c):
 * - ecall: NextIP = pc + 4, TrapKind.Syscall (the machine sets FaultIP = pc; a7 = syscall number,
 *   a0 cptr, a1 message info, a2..a5 MR0..3: the riscv64 convention of hal's arch table).
 * - page and access faults: a VMFault with the exact address, FSR 1 (fetch), 5 (load), 7 (store),
 *   PrefetchFault 1 for fetches; FaultIP = NextIP = pc, so the handler's reply restarts it.
 * - anything else (illegal instruction 2, ebreak 3, misaligned AMO 4/6): a UserException whose
 *   number is scause and code 0.
 *
 * Preemption is deterministic: one retired instruction is one cycle of the board clock, and the
 * hart runs at most to the cycle of the next timer tick; there it stops without a trap
 * (TrapKind.Interrupt, NextIP = the next instruction) and the kernel takes the timer interrupt, so a
 * loop that makes no syscall is preempted on its timeslice as on seL4.
 */
import { type Cpu, TrapKind, type ThreadContext, type UserProgram, type PhysicalMemory } from '@tsel4/hal';
import { Access as KAccess, currentVSpaceRoot, type Kernel, newTranslation, translateUser } from '@tsel4/kernel';
import type { ForeignCode, UserThread } from '@tsel4/runtime';
import type { Tcb } from '@tsel4/object';
import { Access, Cause, type Rv64Page, Rv64Cpu, type Rv64Translator } from '@tsel4/rv64';

const TWO32 = 4294967296;

/** What the harts of one machine share. */
export interface Rv64HostMachine {
  readonly k: Kernel;
  readonly board: { readonly memory: PhysicalMemory; readonly cpu: Cpu };
  tcbOf(ctx: ThreadContext): Tcb | undefined;
}

/** The machine's RISC-V code: every address that is not a TypeScript function. */
export class Rv64Code implements ForeignCode {
  private machine: Rv64HostMachine | null = null;
  /** Physical page number to the page as the harts see it (with its decode cache). */
  readonly pages = new Map<number, Rv64Page>();
  private epoch = -1;
  /** Instructions retired by all harts. */
  retired = 0;

  attach(m: Rv64HostMachine): void {
    this.machine = m;
  }

  programAt(_addr: number, thread: UserThread): UserProgram | null {
    const m = this.machine;
    if (m === null) return null;
    const tcb = m.tcbOf(thread.ctx);
    if (tcb === undefined) return null;
    const t = new Rv64Thread(this, m, tcb, thread);
    this.threads.push(t);
    return t;
  }

  /** Every hart made so far, in order (for tests and debuggers). */
  readonly threads: Rv64Thread[] = [];

  /** Drop every page (and decode cache) when the kernel changed a mapping anywhere. */
  sync(k: Kernel): boolean {
    if (k.vmEpoch === this.epoch) return false;
    this.epoch = k.vmEpoch;
    this.pages.clear();
    return true;
  }

  pageAt(memory: PhysicalMemory, paddr: number): Rv64Page {
    const pfn = Math.floor(paddr / 4096);
    let p = this.pages.get(pfn);
    if (p === undefined) {
      const words = memory.page(paddr);
      p = { data: new DataView(words.buffer, words.byteOffset, 4096), code: null };
      this.pages.set(pfn, p);
    }
    return p;
  }
}

const KERNEL_ACCESS = [KAccess.Fetch, KAccess.Read, KAccess.Write];
const PAGE_FAULT = [Cause.InstructionPageFault, Cause.LoadPageFault, Cause.StorePageFault];
/** seL4's FSR for each scause it turns into a VMFault (riscv handleVMFault). */
function vmFsr(cause: number): number {
  switch (cause) {
    case Cause.InstructionPageFault:
    case Cause.InstructionAccessFault:
      return 1;
    case Cause.LoadPageFault:
    case Cause.LoadAccessFault:
      return 5;
    case Cause.StorePageFault:
    case Cause.StoreAccessFault:
      return 7;
    default:
      return -1;
  }
}

/** One RISC-V thread: a hart over a TCB's registers. */
export class Rv64Thread implements UserProgram, Rv64Translator {
  readonly cpu: Rv64Cpu;
  private readonly out = newTranslation();
  private lastRoot: unknown = undefined;
  private lastEpoch = -1;
  /** ctx.regs' first 31 registers as int32, and the hart's x1..x31. */
  private regsView: Int32Array | null = null;
  private readonly xView: Int32Array;

  constructor(
    private readonly code: Rv64Code,
    private readonly m: Rv64HostMachine,
    readonly tcb: Tcb,
    /** The TypeScript side of the same registers, which runs them again when the pc is a TypeScript function. */
    private readonly ts: UserThread,
  ) {
    this.cpu = new Rv64Cpu(this);
    this.xView = this.cpu.x.subarray(2, 64);
  }

  translate(vpn: number, access: Access): Rv64Page | number {
    const k = this.m.k;
    const kind = translateUser(k, this.tcb, vpn * 4096, KERNEL_ACCESS[access]!, this.out);
    if (kind !== null) return PAGE_FAULT[access]!;
    return this.code.pageAt(this.m.board.memory, this.out.paddr);
  }

  run(ctx: ThreadContext): TrapKind {
    const k = this.m.k;
    const cpu = this.cpu;
    const a = ctx.arch;
    const regs = ctx.regs;
    const startPc = regs[2 * a.nextIP]! + regs[2 * a.nextIP + 1]! * TWO32;
    if (this.ts.env.code.at(startPc) !== undefined) {
      // moved to TypeScript code (TCB_WriteRegisters): the TypeScript runtime runs it from here
      ctx.program = this.ts;
      return this.ts.run(ctx);
    }
    const root = currentVSpaceRoot(k, this.tcb);
    this.code.sync(k);
    if (k.vmEpoch !== this.lastEpoch || root !== this.lastRoot) {
      // a mapping changed somewhere, or this thread runs on another VSpace now
      cpu.flushTranslations();
      this.lastEpoch = k.vmEpoch;
      this.lastRoot = root;
    }
    // seL4's register i (ra, sp, ..., t6) is x(i + 1): one block copy each way
    let view = this.regsView;
    if (view === null || view.buffer !== regs.buffer) {
      view = new Int32Array(regs.buffer, regs.byteOffset, 62);
      this.regsView = view;
    }
    cpu.x.set(view, 2);
    cpu.pc = startPc;
    // The LR/SC reservation does not survive a trip through the kernel.
    cpu.reserved = false;
    // Deterministic preemption: one instruction is one cycle of the board clock, and the hart
    // stops at the cycle of the next timer tick.
    const board = this.m.board.cpu;
    const start = cpu.instret;
    const budget = Math.max(1, board.nextTick - board.cycles);
    const cause = cpu.run(budget);
    const retired = cpu.instret - start;
    this.code.retired += retired;
    if (retired > 0) board.advance(retired);
    view.set(this.xView);
    const pc = cpu.pc;
    const ni = 2 * a.nextIP;
    if (cause === Cause.UserEcall) {
      const next = pc + 4;
      regs[ni] = next % TWO32;
      regs[ni + 1] = Math.floor(next / TWO32);
      return TrapKind.Syscall;
    }
    regs[ni] = pc % TWO32;
    regs[ni + 1] = Math.floor(pc / TWO32);
    if (cause === -1) return TrapKind.Interrupt;
    const fi = 2 * a.faultIP;
    regs[fi] = regs[ni]!;
    regs[fi + 1] = regs[ni + 1]!;
    const fsr = vmFsr(cause);
    if (fsr >= 0) {
      ctx.vmFaultAddr = Number(cpu.tval);
      ctx.vmFaultFsr = fsr;
      ctx.vmFaultPrefetch = fsr === 1 ? 1 : 0;
      return TrapKind.VMFault;
    }
    ctx.exceptionNumber = cause;
    ctx.exceptionCode = 0;
    return TrapKind.UserException;
  }
}
