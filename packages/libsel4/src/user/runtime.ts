/*
 * How TypeScript programs run on the simulated CPU.
 *
 * A thread's code is a generator function; each syscall is a `yield*` of a stub that loads the
 * syscall registers and returns this thread's SyscallTrap. The trap yields once (the CPU traps
 * into the kernel) and, when the thread is resumed, finishes like the C stub: it reads the result
 * registers, copies MR0-3 back into the IPC buffer, and returns the result. Nothing on that path
 * allocates: the trap, its iterator results and the stubs' scratch are made once per thread.
 *
 * Code lives at pseudo addresses in a per-machine CodeSpace, so that program counters mean what
 * they mean on seL4: TCB_WriteRegisters with pc = the address of a registered function starts it
 * there; a thread in Restart resumes at its syscall instruction and makes the same syscall again;
 * a PC with no code behind it is an instruction fetch fault. An uncaught exception is a CPU
 * exception at a fixed "crash" address (like abort()), and returning from the entry function
 * returns to address 0 (an instruction fetch fault there).
 *
 * Code that is not TypeScript (a C program on the native bridge) joins a CodeSpace as ForeignCode:
 * a thread whose PC moves to one of its addresses is handed to the program it gives.
 */

import { type Arch, type ThreadContext, TrapKind, type UserProgram, wordToNumber } from '@tsel4/hal';
import type { seL4_BootInfo } from '../bootinfo.js';
import type { MemoryAccess, UserVM } from './memory.js';

declare const trapBrand: unique symbol;
/**
 * The type of the values a thread yields to trap into the kernel. A branded symbol rather than a
 * `unique symbol` so that generator types inferred for function expressions
 * (`const f = function* () {...}`) keep it instead of widening it to `symbol`.
 */
export type TrapToken = symbol & { readonly [trapBrand]: true };
/** Value a stub's trap yields to the CPU. */
export const TRAP: TrapToken = Symbol('seL4 trap') as TrapToken;
/** Value a load or store that faulted yields to the CPU (memory.ts); nothing else may be yielded. */
export const MEMORY_TRAP: TrapToken = Symbol('memory fault') as TrapToken;

/** A syscall as `yield*` sees it: it yields traps and returns R. */
export type Syscall<R> = Iterable<TrapToken, R, unknown>;

/** The iterator result every trap yields (shared: it is never modified). */
const TRAP_RESULT: IteratorYieldResult<TrapToken> = Object.freeze({ value: TRAP, done: false });

/**
 * A thread's code: a generator function of its entry arguments (the argument registers, as
 * numbers). Syscalls are `yield* seL4_...()`.
 */
export type ThreadFunction = (...args: number[]) => Generator<TrapToken, unknown, unknown>;

/** Pseudo addresses of the user text segment. */
export const USER_TEXT_BASE = 0x40_0000;
/** Every TypeScript syscall stub traps from this address (the "syscall instruction"). */
export const SYSCALL_INSN_ADDR = USER_TEXT_BASE + 0x10;
/** An uncaught exception in a TypeScript thread happens here (like abort()'s trapping instruction). */
export const CRASH_INSN_ADDR = USER_TEXT_BASE + 0x20;
/** Every TypeScript load or store (memory.ts) faults at this address, and restarts there. */
export const MEMORY_INSN_ADDR = USER_TEXT_BASE + 0x30;
const ENTRY_BASE = USER_TEXT_BASE + 0x1000;
const ENTRY_STRIDE = 0x100;

/** Code outside the TypeScript code space, such as a C program on the native bridge. */
export interface ForeignCode {
  /**
   * The program that runs `thread`'s registers from `addr`, or null when `addr` is not this code's.
   * `thread` is the TypeScript state of the same registers: a foreign program hands the context
   * back to it (`ctx.program = thread`) when the thread's PC leaves the foreign code.
   */
  programAt(addr: number, thread: UserThread): UserProgram | null;
}

/** The functions a machine's programs can start threads at, each at its own address. */
export class CodeSpace {
  private readonly byAddr = new Map<number, ThreadFunction>();
  private readonly byFn = new Map<ThreadFunction, number>();
  private readonly foreign: ForeignCode[] = [];

  /** Add code that is not TypeScript: its addresses start threads in its own programs. */
  addForeign(code: ForeignCode): void {
    this.foreign.push(code);
  }

  /** The foreign program that runs `thread` from `addr`, or null. */
  foreignProgramAt(addr: number, thread: UserThread): UserProgram | null {
    for (const f of this.foreign) {
      const p = f.programAt(addr, thread);
      if (p !== null) return p;
    }
    return null;
  }

  /** The address of `fn`, registering it at the next free address if new. */
  addressOf(fn: ThreadFunction): number {
    let a = this.byFn.get(fn);
    if (a === undefined) {
      a = ENTRY_BASE + this.byFn.size * ENTRY_STRIDE;
      this.byFn.set(fn, a);
      this.byAddr.set(a, fn);
    }
    return a;
  }

  /** The function at `addr`, if any. */
  at(addr: number): ThreadFunction | undefined {
    return this.byAddr.get(addr);
  }

  /** The name of the function at `addr`, for traces. */
  nameAt(addr: number): string | undefined {
    const f = this.byAddr.get(addr);
    return f === undefined ? undefined : f.name || `fn@0x${addr.toString(16)}`;
  }
}

/** What the machine tells the user runtime about the world outside a thread. */
export interface UserEnvironment {
  readonly arch: Arch;
  readonly code: CodeSpace;
  /**
   * The memory a thread uses as its IPC buffer (its TLS __sel4_ipc_buffer), decided when the
   * thread starts: the page holding it and the index of its word 0. Null when the thread has no
   * buffer the runtime can reach; it then gets a private one the kernel never sees.
   */
  ipcBufferFor(ctx: ThreadContext): { page: Uint32Array; base: number; paddr: number } | null;
  /** The root task's boot information (seL4_GetBootInfo). */
  bootInfo(): seL4_BootInfo | null;
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

/** How a syscall's result is read back when the thread resumes. */
export const Finish = {
  /** Nothing (Send, NBSend, Reply, Yield, Signal, debug calls without a result). */
  None: 0,
  /** Message info, MR0-3 copied back to the buffer (Call). */
  Info: 1,
  /** Message info, MR0-3 back, badge into the out parameter (Recv, NBRecv, ReplyRecv, Wait, Poll). */
  InfoBadge: 2,
  /** The cap register as a word (DebugCapIdentify). */
  CapReg: 3,
  /** A kernel invocation: the reply label, MR0-3 back to the buffer only on error (generated stubs). */
  Invocation: 4,
} as const;
/** How a syscall stub reads its results back (one of Finish's values). */
export type Finish = (typeof Finish)[keyof typeof Finish];

/** An out parameter for a word (C's `seL4_Word *sender`). */
export interface WordOut {
  value: number | bigint;
}

/** One thread's trap: an iterator that yields once (the trap) and then returns the result. */
export class SyscallTrap implements Iterator<TrapToken, unknown, unknown>, Iterable<TrapToken> {
  private phase = 0;
  kind: Finish = Finish.None;
  badgeOut: WordOut | null = null;
  private readonly done: { value: unknown; done: true } = { value: undefined, done: true };

  constructor(private readonly thread: UserThread) {}

  next(): IteratorResult<TrapToken, unknown> {
    if (this.phase === 0) {
      this.phase = 1;
      return TRAP_RESULT;
    }
    this.phase = 0;
    this.done.value = this.thread.finish(this.kind, this.badgeOut);
    this.badgeOut = null;
    return this.done;
  }

  return(value?: unknown): IteratorResult<TrapToken, unknown> {
    this.phase = 0;
    return { value, done: true };
  }

  /**
   * Forget a syscall that will never finish: the thread was moved to new code while it was in
   * the kernel (WriteRegisters or a fault reply gave it a new PC), so its next trap is a new one.
   */
  abandon(): void {
    this.phase = 0;
    this.badgeOut = null;
  }

  [Symbol.iterator](): Iterator<TrapToken, unknown, unknown> {
    return this;
  }
}

/**
 * What a thread that yields anything but a syscall throws (a plain `yield`). It keeps the
 * suspended generator, so a tool can say where it stopped (V8 knows a generator's location).
 */
export class PlainYieldError extends TypeError {
  constructor(readonly generator: Generator<TrapToken, unknown, unknown>) {
    super('a thread yielded something other than a syscall (use yield*, not yield)');
    this.name = 'TypeError';
  }
}

/** The user-level state of one TypeScript thread, and the program the CPU runs for it. */
export class UserThread implements UserProgram {
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

  /** Run the thread until it traps (hal's UserProgram). Never throws. */
  run(ctx: ThreadContext): TrapKind {
    current = this;
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
    const nextIP = ctx.regs[2 * a.nextIP]! + ctx.regs[2 * a.nextIP + 1]! * 4294967296;
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
      current = this;
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
    ctx.regs[2 * a.faultIP] = addr % 4294967296;
    ctx.regs[2 * a.faultIP + 1] = Math.floor(addr / 4294967296);
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
        return wordAt(regs, this.infoIdx);
      case Finish.InfoBadge: {
        this.copyMRRegsToBuffer();
        if (badgeOut !== null) badgeOut.value = wordAt(regs, this.badgeIdx);
        return wordAt(regs, this.infoIdx);
      }
      case Finish.CapReg:
        return wordAt(regs, this.capIdx);
      case Finish.Invocation: {
        const r = this.infoIdx;
        const label = (regs[r]! >>> 12) + regs[r + 1]! * 0x100000;
        if (label !== 0) this.copyMRRegsToBuffer();
        return label;
      }
      default:
        return undefined;
    }
  }
}

/**
 * The word at register-array index i (low half) as a number when below 2^53, else a bigint:
 * the user type of message info and of badges read back from registers.
 */
function wordAt(regs: Uint32Array, i: number): number | bigint {
  const lo = regs[i]!;
  const hi = regs[i + 1]!;
  if (hi === 0) return lo;
  return hi <= 0x1fffff ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** The thread whose code is running (set by the CPU each time it resumes a TypeScript thread). */
let current: UserThread | null = null;

/**
 * The running thread. Throws when called outside a thread: libsel4 calls only make sense inside
 * a program running on a machine.
 */
export function currentThread(): UserThread {
  if (current === null) throw new Error('libsel4: called outside a thread running on a tsel4 machine');
  return current;
}

/** The running thread or null. */
export function currentThreadOrNull(): UserThread | null {
  return current;
}
