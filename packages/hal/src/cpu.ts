/*
 * The CPU of a simulated board: register contexts, the trap entry, the timer, the interrupt
 * controller, the debug console and the cycle counter.
 *
 * A thread's user-level state is a ThreadContext: its registers (seL4's numbering, each word as two
 * 32-bit halves in one Uint32Array) and the program that runs on them. The CPU runs the current
 * context's program until it traps, then calls the trap entry the kernel installed, which reads the
 * registers and decides what runs next. There is one CPU and one thread of JS: the machine is
 * deterministic by construction.
 *
 * Time is simulated: the cycle counter moves only when the kernel or the programs charge cycles,
 * and the timer raises its interrupt line every `tickCycles` cycles of that clock.
 */

import type { Arch } from './arch.js';
import { wordToBigInt, wordToNumber } from './word.js';

/** Why user code stopped running and entered the kernel. */
export const TrapKind = {
  /** A syscall instruction: the syscall number is in the arch's syscall register. */
  Syscall: 0,
  /** A CPU exception (the program threw, executed garbage, ...): see ThreadContext.exception*. */
  UserException: 1,
  /** A memory access the MMU refused: see ThreadContext.vmFault*. */
  VMFault: 2,
  /**
   * No trap: user code stopped because the timer tick came (a CPU that counts instructions, such
   * as the RISC-V one, ran to the cycle of the next tick). The kernel takes the interrupt next.
   */
  Interrupt: 3,
} as const;
export type TrapKind = (typeof TrapKind)[keyof typeof TrapKind];

/**
 * User code that can be resumed on a thread's registers until its next trap: a generator-based
 * TypeScript program, a C thread on the native bridge, or anything else.
 */
export interface UserProgram {
  /** Run until the next trap and say which kind it was. Never throws. */
  run(ctx: ThreadContext): TrapKind;
}

/** A thread's user-level state: registers and the program running on them. */
export class ThreadContext {
  /** Register r is `regs[2r]` (low half) and `regs[2r + 1]` (high half, 0 on 32-bit boards). */
  readonly regs: Uint32Array;
  /** What runs on these registers, or null for a thread with no code (it faults if run). */
  program: UserProgram | null = null;
  /** Set with TrapKind.UserException: the exception number and code (seL4_UserException_*). */
  exceptionNumber = 0;
  exceptionCode = 0;
  /** Set with TrapKind.VMFault: the faulting address, fault status word and instruction flag. */
  vmFaultAddr = 0;
  vmFaultFsr = 0;
  vmFaultPrefetch = 0;

  constructor(readonly arch: Arch) {
    this.regs = new Uint32Array(arch.registers.length * 2);
    this.reset();
  }

  /** Zero every register, then apply the arch's initial values (seL4: Arch_initContext). */
  reset(): void {
    this.regs.fill(0);
    for (const [r, v] of this.arch.initialContext) this.regs[2 * r] = v;
  }

  getLo(r: number): number {
    return this.regs[2 * r]!;
  }

  getHi(r: number): number {
    return this.regs[2 * r + 1]!;
  }

  /** Register r as an exact number (see word.ts); throws when it cannot be one. */
  get(r: number): number {
    return wordToNumber(this.regs[2 * r]!, this.regs[2 * r + 1]!);
  }

  /** Register r as an unsigned bigint. */
  getBig(r: number): bigint {
    return wordToBigInt(this.regs[2 * r]!, this.regs[2 * r + 1]!);
  }

  /** Set register r to the word `hi:lo` (hi ignored on 32-bit boards). */
  set(r: number, lo: number, hi = 0): void {
    this.regs[2 * r] = lo;
    this.regs[2 * r + 1] = this.arch.wordBits === 64 ? hi : 0;
  }
}

/** The kernel's handler for traps from user code. */
export type TrapEntry = (kind: TrapKind) => void;

/** A level-triggered interrupt controller with numbered lines. */
export class InterruptController {
  private readonly pending: Uint8Array;
  private readonly masked: Uint8Array;
  private pendingCount = 0;

  constructor(
    /** Highest interrupt number the controller has (seL4's maxIRQ). */
    readonly maxIrq: number,
    /** The line the board's timer raises. */
    readonly timerIrq: number,
  ) {
    this.pending = new Uint8Array(maxIrq + 1);
    this.masked = new Uint8Array(maxIrq + 1);
  }

  /** Raise line `irq` (a device signalling). Out-of-range lines throw: that is a board bug. */
  raise(irq: number): void {
    this.check(irq);
    if (this.pending[irq] === 0) {
      this.pending[irq] = 1;
      this.pendingCount++;
    }
  }

  /** Lower line `irq`. */
  clear(irq: number): void {
    this.check(irq);
    if (this.pending[irq] === 1) {
      this.pending[irq] = 0;
      this.pendingCount--;
    }
  }

  /** Mask or unmask line `irq` (seL4: maskInterrupt). */
  setMasked(irq: number, masked: boolean): void {
    this.check(irq);
    this.masked[irq] = masked ? 1 : 0;
  }

  isMasked(irq: number): boolean {
    this.check(irq);
    return this.masked[irq] === 1;
  }

  isPending(irq: number): boolean {
    this.check(irq);
    return this.pending[irq] === 1;
  }

  /** The lowest-numbered pending unmasked line, or -1 (seL4: getActiveIRQ). */
  active(): number {
    if (this.pendingCount === 0) return -1;
    for (let i = 0; i <= this.maxIrq; i++) {
      if (this.pending[i] === 1 && this.masked[i] === 0) return i;
    }
    return -1;
  }

  private check(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq > this.maxIrq) {
      throw new RangeError(`interrupt ${irq} is not a line of this controller (0..${this.maxIrq})`);
    }
  }

  getState(): { pending: number[]; masked: number[] } {
    const list = (a: Uint8Array) => [...a.keys()].filter((i) => a[i] === 1);
    return { pending: list(this.pending), masked: list(this.masked) };
  }

  setState(s: { pending: readonly number[]; masked: readonly number[] }): void {
    this.pending.fill(0);
    this.masked.fill(0);
    for (const i of s.pending) this.pending[i] = 1;
    for (const i of s.masked) this.masked[i] = 1;
    this.pendingCount = s.pending.length;
  }
}

/** The debug console that seL4_DebugPutChar writes to. */
export class DebugConsole {
  private chunks: string[] = [];
  private line = '';
  /** Called with each complete line (without its newline), e.g. to echo it to stdout. */
  onLine: ((line: string) => void) | null = null;

  putChar(c: number): void {
    const ch = String.fromCharCode(c & 0xff);
    this.chunks.push(ch);
    if (ch === '\n') {
      const l = this.line;
      this.line = '';
      this.onLine?.(l);
    } else {
      this.line += ch;
    }
  }

  /** Everything written so far. */
  get output(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  getState(): { output: string; line: string } {
    return { output: this.output, line: this.line };
  }

  setState(s: { output: string; line: string }): void {
    this.chunks = [s.output];
    this.line = s.line;
  }
}

/** The CPU: one register context runs at a time. */
export class Cpu {
  /** Simulated cycles since reset. */
  cycles = 0;
  /** The context whose program runs on the next `runUser()`. */
  current: ThreadContext | null = null;
  private trapEntry: TrapEntry | null = null;
  /** Cycle count at which the timer next raises its line. */
  nextTick: number;

  constructor(
    readonly arch: Arch,
    readonly irq: InterruptController,
    /** Cycles between timer interrupts. */
    readonly tickCycles: number,
  ) {
    this.nextTick = tickCycles;
  }

  /** Install the kernel's trap handler (seL4's vector table). */
  installTrapEntry(entry: TrapEntry): void {
    this.trapEntry = entry;
  }

  /** The installed trap handler (so a debugger or test can wrap it). */
  get installedTrapEntry(): TrapEntry | null {
    return this.trapEntry;
  }

  /** A fresh register context for a thread on this CPU. */
  newContext(): ThreadContext {
    return new ThreadContext(this.arch);
  }

  /**
   * Run the current context's program to its next trap and enter the kernel. Throws if no trap
   * entry is installed or nothing is current (a kernel bug).
   */
  runUser(): void {
    const ctx = this.current;
    const entry = this.trapEntry;
    if (ctx === null || entry === null) throw new Error('cpu: nothing to run or no trap entry installed');
    const program = ctx.program;
    if (program === null) {
      // A thread with no code: executing from an address with nothing there.
      ctx.vmFaultAddr = ctx.get(this.arch.nextIP);
      ctx.vmFaultFsr = 0;
      ctx.vmFaultPrefetch = 1;
      entry(TrapKind.VMFault);
      return;
    }
    entry(program.run(ctx));
  }

  /** Charge `n` cycles and raise the timer line for every tick they cross. */
  advance(n: number): void {
    this.cycles += n;
    if (this.cycles >= this.nextTick) this.tick();
  }

  /** Move time forward to the next timer tick (what an idle CPU does) and raise the line. */
  idleUntilTick(): void {
    if (this.cycles < this.nextTick) this.cycles = this.nextTick;
    this.tick();
  }

  private tick(): void {
    while (this.cycles >= this.nextTick) this.nextTick += this.tickCycles;
    this.irq.raise(this.irq.timerIrq);
  }
}
