/*
 * A machine's code: the functions its programs can start threads at, each at its own pseudo
 * address, so that program counters mean what they mean on seL4 (TCB_WriteRegisters with
 * pc = the address of a registered function starts it there; a PC with no code behind it is an
 * instruction fetch fault).
 *
 * Code that is not TypeScript (a C program on the native bridge) joins a CodeSpace as ForeignCode:
 * a thread whose PC moves to one of its addresses is handed to the program it gives.
 */

import type { UserProgram } from '@tsel4/hal';
import { type ThreadFunction, USER_TEXT_BASE } from '@tsel4/libsel4';
import type { UserThread } from './thread.js';

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
