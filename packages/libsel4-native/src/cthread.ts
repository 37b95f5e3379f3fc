/*
 * One seL4 thread running C code: hal's UserProgram for a thread whose PC is in a C program.
 *
 * Its registers travel between the kernel's ThreadContext and the thread's slot in the shim's
 * arena by two copies of 24 words per trap (the slot holds them in seL4's numbering, so nothing
 * is rearranged and nothing allocated). Where the thread goes next is read from NextIP, as the CPU
 * would: just after the syscall instruction, it returns from its syscall; at the syscall
 * instruction (a restarted syscall), it makes the same syscall again without running any C; at
 * another address of the program, it starts there afresh as a call with the argument registers;
 * anywhere else, the thread is handed back to the TypeScript runtime (another program's code, or
 * nothing: a fetch fault).
 *
 * A C function that returns has returned into nothing: seL4 reports a VM fault at address 0 (the
 * TypeScript runtime does the same). abort() and a failed assert() are a user exception, as the
 * hlt in musl's abort gives on x86; a CPU fault is what the x86 exception says: a page fault (a
 * bad pointer, a stack overflow onto the guard page) is a VM fault at that address with the page
 * fault's status bits, anything else a user exception with its vector and error code. A thread
 * that faulted cannot continue (its stack is gone); resumed at the faulting instruction, it faults
 * again, as re-executing that instruction would.
 */

import { doubleHi, doubleLo, type ThreadContext, TrapKind, type UserProgram, wordToDouble } from '@tsel4/hal';
import { CRASH, FETCH_FAULT, type UserEnvironment, type UserThread } from '@tsel4/runtime';
import type { NativeRam } from './ram.js';
import { BridgeError, C, OP, type Shim, STOP, W } from './shim.js';

const SIGABRT = 6;
const X86_PAGE_FAULT = 14;

/** What a C program tells its threads. */
export interface ThreadHost {
  readonly shim: Shim;
  readonly ram: NativeRam;
  /** True when `addr` is in the program's code. */
  owns(addr: number): boolean;
  /** Called when a thread starts (the program sets up boot information the first time). */
  onStart(env: UserEnvironment): void;
}

export class CThread implements UserProgram {
  /** The slot's registers (24 words as 48 halves), and its other words. */
  private readonly regs32: Uint32Array;
  private readonly info: number;
  private inSyscall = false;
  /** Where the thread last started afresh (its function's address), or -1. */
  entryPc = -1;
  /** Set after a fault: the faulting PC and the fault, to deliver again if resumed there. */
  private deadPc = -1;
  private deadKind: TrapKind = TrapKind.UserException;
  private deadA = 0;
  private deadB = 0;
  private deadC = 0;
  private readonly insnLo: number;
  private readonly insnHi: number;
  private readonly afterLo: number;
  private readonly afterHi: number;
  private readonly nextLo: number;

  constructor(
    private readonly host: ThreadHost,
    readonly slot: number,
    /** The TypeScript runtime's state of the same thread (it takes over outside C code). */
    readonly thread: UserThread,
  ) {
    const shim = host.shim;
    const a = thread.arch;
    const base = shim.slotWord32(slot, 0);
    this.regs32 = shim.arena32.subarray(base, base + 2 * W.NREGS);
    this.info = base;
    const insn = shim.syscallInsn;
    const after = insn + a.syscall.trapInsnBytes;
    this.insnLo = doubleLo(insn);
    this.insnHi = doubleHi(insn);
    this.afterLo = doubleLo(after);
    this.afterHi = doubleHi(after);
    this.nextLo = 2 * a.nextIP;
  }

  run(ctx: ThreadContext): TrapKind {
    const regs = ctx.regs;
    const nl = this.nextLo;
    const lo = regs[nl]!;
    const hi = regs[nl + 1]!;
    let op: number = OP.CONTINUE;
    if (!this.inSyscall || lo !== this.afterLo || hi !== this.afterHi) {
      if (this.inSyscall && lo === this.insnLo && hi === this.insnHi) {
        // restarted: the syscall instruction again, with the registers as they are
        regs[nl] = this.afterLo;
        regs[nl + 1] = this.afterHi;
        return TrapKind.Syscall;
      }
      const pc = wordToDouble(lo, hi);
      if (pc === this.deadPc) return this.fault(ctx, this.deadKind, this.deadA, this.deadB, this.deadC);
      if (!this.host.owns(pc)) {
        this.inSyscall = false;
        ctx.program = this.thread;
        return this.thread.run(ctx);
      }
      op = OP.START;
      this.entryPc = pc;
      this.start(ctx);
    }
    const shim = this.host.shim;
    const c = shim.control;
    this.regs32.set(regs);
    c[C.SLOT] = this.slot;
    c[C.OP] = op;
    shim.run();
    regs.set(this.regs32);
    const rc = c[C.RC]! | 0;
    if (rc === STOP.SYSCALL) {
      this.inSyscall = true;
      regs[nl] = this.afterLo;
      regs[nl + 1] = this.afterHi;
      return TrapKind.Syscall;
    }
    this.inSyscall = false;
    if (rc === STOP.RETURNED) return this.returned(ctx);
    if (rc === STOP.SIGNAL) return this.signalled(ctx);
    throw new BridgeError(`internal: the native bridge could not run thread slot ${this.slot} (code ${rc})`);
  }

  /** A fresh start at NextIP: the IPC buffer the thread was configured with, or a private one. */
  private start(ctx: ThreadContext): void {
    const env = this.thread.env;
    this.host.onStart(env);
    this.deadPc = -1;
    const buf = env.ipcBufferFor(ctx);
    const addr = (buf === null ? null : this.host.ram.hostAddress(buf.paddr)) ?? this.host.shim.privateIpcBuffer(this.slot);
    this.setWord(W.IPCBUF, addr);
  }

  private word(w: number): number {
    const a = this.host.shim.arena32;
    const i = this.info + 2 * w;
    return wordToDouble(a[i]!, a[i + 1]!);
  }

  private setWord(w: number, v: number): void {
    const a = this.host.shim.arena32;
    const i = this.info + 2 * w;
    a[i] = doubleLo(v);
    a[i + 1] = doubleHi(v);
  }

  /** The C function returned into nothing: a fetch from address 0. */
  private returned(ctx: ThreadContext): TrapKind {
    const a = ctx.arch;
    ctx.set(a.faultIP, 0);
    ctx.set(a.nextIP, 0);
    const f = FETCH_FAULT[a.name]!;
    return this.fault(ctx, TrapKind.VMFault, 0, f.fsr, f.prefetch);
  }

  private signalled(ctx: ThreadContext): TrapKind {
    const a = ctx.arch;
    const pc = this.word(W.PC);
    setWordReg(ctx, a.faultIP, pc);
    setWordReg(ctx, a.nextIP, pc);
    setWordReg(ctx, a.sp, this.word(W.SP));
    this.deadPc = pc;
    const sig = this.word(W.SIGNAL);
    const trapno = this.word(W.TRAPNO);
    const err = this.word(W.ERR);
    if (sig === SIGABRT) {
      const c = CRASH[a.name]!;
      return this.fault(ctx, TrapKind.UserException, c.number, c.code, 0);
    }
    if (trapno === X86_PAGE_FAULT) {
      // seL4 on x86 reports every page fault as a data fault with the error code as its status
      return this.fault(ctx, TrapKind.VMFault, this.word(W.ADDR), err, 0);
    }
    return this.fault(ctx, TrapKind.UserException, trapno, err, 0);
  }

  private fault(ctx: ThreadContext, kind: TrapKind, a: number, b: number, c: number): TrapKind {
    this.deadKind = kind;
    this.deadA = a;
    this.deadB = b;
    this.deadC = c;
    if (kind === TrapKind.VMFault) {
      ctx.vmFaultAddr = a;
      ctx.vmFaultFsr = b;
      ctx.vmFaultPrefetch = c;
    } else {
      ctx.exceptionNumber = a;
      ctx.exceptionCode = b;
    }
    return kind;
  }
}

function setWordReg(ctx: ThreadContext, r: number, v: number): void {
  ctx.set(r, doubleLo(v), doubleHi(v));
}
