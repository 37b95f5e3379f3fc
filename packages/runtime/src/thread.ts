/*
 * How TypeScript programs run on the simulated CPU: a UserThread is the program a thread's
 * registers run (hal's UserProgram), and the running thread libsel4's stubs reach (libsel4's
 * RunningThread; run() puts it in libsel4's current-thread slot each time the CPU resumes it).
 *
 * A thread's code is a generator function; each syscall is a `yield*` of a stub that loads the
 * syscall registers and returns this thread's SyscallTrap (trap.ts). When the thread is resumed
 * the trap finishes like the C stub: finish() reads the result registers, copies MR0-3 back into
 * the IPC buffer, and the trap returns the result. Nothing on that path allocates: the trap, its
 * iterator results and the stubs' scratch are made once per thread.
 *
 * A thread in Restart resumes at its syscall instruction and makes the same syscall again; a PC
 * with no code behind it (codespace.ts) is an instruction fetch fault. An uncaught exception is a
 * CPU exception at a fixed "crash" address (like abort()), and returning from the entry function
 * returns to address 0 (an instruction fetch fault there).
 */

import { type Arch, doubleHi, doubleLo, type ThreadContext, TrapKind, type UserProgram, wordToDouble, wordToNumber, wordToUnsigned } from '@tsel4/hal';
import {
  CRASH_INSN_ADDR,
  Finish,
  MEMORY_INSN_ADDR,
  msgInfoLabel,
  PlainYieldError,
  type ProgramEnvironment,
  type RunningThread,
  setCurrentThread,
  SYSCALL_INSN_ADDR,
  type ThreadFunction,
  type TrapToken,
  type WordOut,
} from '@tsel4/libsel4';
import type { CodeSpace } from './codespace.js';
import { MemoryAccess, type UserVM } from './memory.js';
import { MEMORY_TRAP, SyscallTrap, TRAP } from './trap.js';

/** What the machine tells the user runtime about the world outside a thread. */
export interface UserEnvironment extends ProgramEnvironment {
  readonly arch: Arch;
  readonly code: CodeSpace;
  /**
   * The memory a thread uses as its IPC buffer (its TLS __sel4_ipc_buffer), decided when the
   * thread starts: the page holding it and the index of its word 0. Null when the thread has no
   * buffer the runtime can reach; it then gets a private one the kernel never sees.
   */
  ipcBufferFor(ctx: ThreadContext): { page: Uint32Array; base: number; paddr: number } | null;
  /** The physical address of the bootinfo frame, or null before boot. */
  bootInfoPaddr(): number | null;
  /** Address translation for loads and stores (memory.ts); absent, every access faults. */
  readonly vm?: UserVM;
  /** The number of a thread (its TCB) for traces; optional. */
  readonly seed: number;
}

/** What a CPU exception for an uncaught JS exception looks like on each arch (like abort()). */
export const CRASH: Record<string, { number: number; code: number }> = {
  x86_64: { number: 13, code: 0 },
  ia32: { number: 13, code: 0 },
  aarch64: { number: 0x02000000, code: 0 },
  aarch32: { number: 0x02000000, code: 0 },
  riscv64: { number: 2, code: 0 },
};

/** The fault status of an instruction fetch from an unmapped address, per arch. */
export const FETCH_FAULT: Record<string, { fsr: number; prefetch: number }> = {
  // seL4 16.0.0 on QEMU pc99 reported FSR 0x4 and prefetch 0 for execute faults (appendix B.3)
  x86_64: { fsr: 0x4, prefetch: 0 },
  ia32: { fsr: 0x4, prefetch: 0 },
  // instruction abort from EL0, level-0 translation fault
  aarch64: { fsr: 0x82000004, prefetch: 1 },
  aarch32: { fsr: 0x5, prefetch: 1 },
  // seL4's handleVMFault reports an instruction page fault as RISCVInstructionAccessFault (1)
  riscv64: { fsr: 1, prefetch: 1 },
};

/** Scratch for the translation of a fetch that finds no code. */
const FETCH_TRANSLATION = { paddr: 0, writable: false, vpage: 0 };

/** The user-level state of one TypeScript thread, and the program the CPU runs for it. */
export class UserThread implements UserProgram, RunningThread {
  readonly trap: SyscallTrap;
  private gen: Generator<TrapToken, unknown, unknown> | null = null;
  /** The IPC buffer memory and its first word's index (set when the thread starts). */
  ipcPage: Uint32Array;
  ipcBase = 0;
  /** 32-bit words per machine word (1 or 2). */
  readonly stride: 1 | 2;
  /** Name of the function the thread is running, for traces. */
  entryName = '';
  /** The thread's load/store state (memory.ts), made on its first access. */
  memory: MemoryAccess | null = null;
  /** What a faulting load or store raises (set by memory.ts before it yields MEMORY_TRAP). */
  memoryTrapKind: TrapKind = TrapKind.VMFault;
  /** Register-array indices of MR0..3 (low halves) and of the NextIP register, precomputed. */
  private readonly mr0: number;
  private readonly mr1: number;
  private readonly mr2: number;
  private readonly mr3: number;
  private readonly nMsg: number;
  private readonly nextLo: number;
  private readonly afterTrap: number;
  /** Register-array indices (low halves) of the cap, info, badge and syscall registers. */
  readonly capIdx: number;
  readonly infoIdx: number;
  readonly badgeIdx: number;
  readonly sysIdx: number;

  constructor(
    readonly ctx: ThreadContext,
    readonly env: UserEnvironment,
  ) {
    this.trap = new SyscallTrap(this);
    this.stride = ctx.arch.wordBits === 64 ? 2 : 1;
    this.ipcPage = new Uint32Array(1024);
    const m = ctx.arch.syscall.msgRegs;
    this.nMsg = m.length;
    this.mr0 = 2 * (m[0] ?? 0);
    this.mr1 = 2 * (m[1] ?? 0);
    this.mr2 = 2 * (m[2] ?? 0);
    this.mr3 = 2 * (m[3] ?? 0);
    this.nextLo = 2 * ctx.arch.nextIP;
    this.afterTrap = SYSCALL_INSN_ADDR + ctx.arch.syscall.trapInsnBytes;
    this.capIdx = 2 * ctx.arch.syscall.capReg;
    this.infoIdx = 2 * ctx.arch.syscall.infoReg;
    this.badgeIdx = 2 * ctx.arch.syscall.badgeReg;
    this.sysIdx = 2 * ctx.arch.syscall.syscallReg;
  }

  get arch(): Arch {
    return this.ctx.arch;
  }

  /** The thread's loads and stores (made on its first access). */
  memoryAccess(): MemoryAccess {
    return (this.memory ??= new MemoryAccess(this));
  }

  /** Run the thread until it traps (hal's UserProgram). Never throws. */
  run(ctx: ThreadContext): TrapKind {
    setCurrentThread(this);
    const regs = ctx.regs;
    const nextLo = this.nextLo;
    const afterTrap = this.afterTrap;
    let gen = this.gen;
    if (gen !== null && regs[nextLo] === afterTrap && regs[nextLo + 1] === 0) {
      // normal return from the syscall: resume the thread's code below
    } else {
      const r = this.enter(ctx);
      if (r >= 0) return r as TrapKind;
      gen = this.gen!;
    }
    let r: IteratorResult<TrapToken, unknown>;
    try {
      r = gen.next();
    } catch (e) {
      this.gen = null;
      return this.uncaught(ctx, e);
    }
    if (r.value === TRAP) {
      regs[nextLo] = afterTrap;
      regs[nextLo + 1] = 0;
      return TrapKind.Syscall;
    }
    if (r.value === MEMORY_TRAP) return this.memoryTrap(ctx);
    this.gen = null;
    // returning from the entry function jumps to return address 0
    if (r.done === true) return this.fetchFault(ctx, 0);
    return this.uncaught(ctx, new PlainYieldError(gen));
  }

  /**
   * The thread is not simply returning from a syscall: it restarts one, was moved to a new PC,
   * or crashed. Returns the trap kind to report, or -1 when a new generator is ready to run.
   */
  private enter(ctx: ThreadContext): number {
    const a = ctx.arch;
    const nextIP = wordToDouble(ctx.regs[2 * a.nextIP]!, ctx.regs[2 * a.nextIP + 1]!);
    if (this.gen !== null && nextIP === SYSCALL_INSN_ADDR) {
      // Restart: execute the syscall instruction again with the registers as they are
      ctx.regs[this.nextLo] = this.afterTrap;
      ctx.regs[this.nextLo + 1] = 0;
      return TrapKind.Syscall;
    }
    if (this.gen !== null && nextIP === MEMORY_INSN_ADDR) {
      // restarted after a memory fault: the load or store runs again
      return -1;
    }
    if (nextIP === CRASH_INSN_ADDR) {
      return this.crash(ctx);
    }
    const fn = this.env.code.at(nextIP);
    if (fn === undefined) {
      const foreign = this.env.code.foreignProgramAt(nextIP, this);
      if (foreign === null) return this.fetchFault(ctx, nextIP);
      this.gen = null;
      ctx.program = foreign;
      return foreign.run(ctx);
    }
    return this.start(ctx, fn) === null ? TrapKind.UserException : -1;
  }

  private start(ctx: ThreadContext, fn: ThreadFunction): Generator<TrapToken, unknown, unknown> | null {
    const a = ctx.arch;
    const buf = this.env.ipcBufferFor(ctx);
    if (buf !== null) {
      this.ipcPage = buf.page;
      this.ipcBase = buf.base;
    } else {
      this.ipcPage = new Uint32Array(1024);
      this.ipcBase = 0;
    }
    this.entryName = fn.name;
    // a thread moved to new code abandons whatever syscall its old code was in
    this.trap.abandon();
    try {
      const args = a.argRegs.map((r) => wordToNumber(ctx.regs[2 * r]!, ctx.regs[2 * r + 1]!));
      setCurrentThread(this);
      this.gen = fn(...args);
      return this.gen;
    } catch (e) {
      this.gen = null;
      this.uncaught(ctx, e);
      return null;
    }
  }

  /** An uncaught exception: a CPU exception at the crash address. */
  private uncaught(ctx: ThreadContext, e: unknown): TrapKind {
    this.lastThrown = e;
    return this.crash(ctx);
  }

  /** What the thread threw last (for traces and the machine's summary). */
  lastThrown: unknown = undefined;

  private crash(ctx: ThreadContext): TrapKind {
    const a = ctx.arch;
    const c = CRASH[a.name]!;
    ctx.regs[2 * a.faultIP] = CRASH_INSN_ADDR;
    ctx.regs[2 * a.faultIP + 1] = 0;
    ctx.regs[2 * a.nextIP] = CRASH_INSN_ADDR;
    ctx.regs[2 * a.nextIP + 1] = 0;
    ctx.exceptionNumber = c.number;
    ctx.exceptionCode = c.code;
    return TrapKind.UserException;
  }

  /** A load or store faulted (memory.ts recorded the fault): trap at the access instruction. */
  private memoryTrap(ctx: ThreadContext): TrapKind {
    const a = ctx.arch;
    ctx.regs[2 * a.faultIP] = MEMORY_INSN_ADDR;
    ctx.regs[2 * a.faultIP + 1] = 0;
    ctx.regs[this.nextLo] = MEMORY_INSN_ADDR;
    ctx.regs[this.nextLo + 1] = 0;
    return this.memoryTrapKind;
  }

  private fetchFault(ctx: ThreadContext, addr: number): TrapKind {
    const a = ctx.arch;
    const f = FETCH_FAULT[a.name]!;
    ctx.regs[2 * a.faultIP] = doubleLo(addr);
    ctx.regs[2 * a.faultIP + 1] = doubleHi(addr);
    // an address the VSpace does not map faults as the MMU reports it
    const kind = this.env.vm?.translate(ctx, addr, 2, FETCH_TRANSLATION) ?? null;
    if (kind !== null) return kind;
    ctx.vmFaultAddr = addr;
    ctx.vmFaultFsr = f.fsr;
    ctx.vmFaultPrefetch = f.prefetch;
    return TrapKind.VMFault;
  }

  /** Copy MR0..n-1 (n = message registers in CPU registers) from registers into the buffer. */
  copyMRRegsToBuffer(): void {
    const regs = this.ctx.regs;
    const page = this.ipcPage;
    const b = this.ipcBase;
    if (this.stride === 2 && this.nMsg === 4) {
      const r0 = this.mr0;
      const r1 = this.mr1;
      const r2 = this.mr2;
      const r3 = this.mr3;
      page[b + 2] = regs[r0]!;
      page[b + 3] = regs[r0 + 1]!;
      page[b + 4] = regs[r1]!;
      page[b + 5] = regs[r1 + 1]!;
      page[b + 6] = regs[r2]!;
      page[b + 7] = regs[r2 + 1]!;
      page[b + 8] = regs[r3]!;
      page[b + 9] = regs[r3 + 1]!;
      return;
    }
    const msgRegs = this.ctx.arch.syscall.msgRegs;
    const s = this.stride;
    for (let i = 0; i < msgRegs.length; i++) {
      const r = 2 * msgRegs[i]!;
      const j = b + (i + 1) * s;
      page[j] = regs[r]!;
      if (s === 2) page[j + 1] = regs[r + 1]!;
    }
  }

  /** Load MR0..n-1 from the buffer into the message registers. */
  copyMRBufferToRegs(): void {
    const regs = this.ctx.regs;
    const page = this.ipcPage;
    const b = this.ipcBase;
    if (this.stride === 2 && this.nMsg === 4) {
      const r0 = this.mr0;
      const r1 = this.mr1;
      const r2 = this.mr2;
      const r3 = this.mr3;
      regs[r0] = page[b + 2]!;
      regs[r0 + 1] = page[b + 3]!;
      regs[r1] = page[b + 4]!;
      regs[r1 + 1] = page[b + 5]!;
      regs[r2] = page[b + 6]!;
      regs[r2 + 1] = page[b + 7]!;
      regs[r3] = page[b + 8]!;
      regs[r3 + 1] = page[b + 9]!;
      return;
    }
    const msgRegs = this.ctx.arch.syscall.msgRegs;
    const s = this.stride;
    for (let i = 0; i < msgRegs.length; i++) {
      const r = 2 * msgRegs[i]!;
      const j = b + (i + 1) * s;
      regs[r] = page[j]!;
      regs[r + 1] = s === 2 ? page[j + 1]! : 0;
    }
  }

  /** Read a syscall's result (called by the trap when the thread resumes). */
  finish(kind: Finish, badgeOut: WordOut | null): unknown {
    const regs = this.ctx.regs;
    switch (kind) {
      case Finish.None:
        return undefined;
      case Finish.Info:
        this.copyMRRegsToBuffer();
        return wordToUnsigned(regs[this.infoIdx]!, regs[this.infoIdx + 1]!);
      case Finish.InfoBadge: {
        this.copyMRRegsToBuffer();
        if (badgeOut !== null) badgeOut.value = wordToUnsigned(regs[this.badgeIdx]!, regs[this.badgeIdx + 1]!);
        return wordToUnsigned(regs[this.infoIdx]!, regs[this.infoIdx + 1]!);
      }
      case Finish.CapReg:
        return wordToUnsigned(regs[this.capIdx]!, regs[this.capIdx + 1]!);
      case Finish.Invocation: {
        const r = this.infoIdx;
        const label = msgInfoLabel(regs[r]!, regs[r + 1]!);
        if (label !== 0) this.copyMRRegsToBuffer();
        return label;
      }
      default:
        return undefined;
    }
  }
}
