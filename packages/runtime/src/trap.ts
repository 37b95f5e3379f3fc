/*
 * A TypeScript thread's trap into the kernel: the values a thread yields to the CPU, and the one
 * iterator per thread that every syscall stub returns. It yields once (the CPU traps into the
 * kernel) and, when the thread is resumed, finishes like the C stub: the thread reads the result
 * registers (thread.ts) and the iterator returns the result. Nothing here allocates per syscall.
 */

import { type ArmedTrap, Finish, type TrapToken, type WordOut } from '@tsel4/libsel4';
import type { UserThread } from './thread.js';

/** Value a stub's trap yields to the CPU. */
export const TRAP: TrapToken = Symbol('seL4 trap') as TrapToken;
/** Value a load or store that faulted yields to the CPU (memory.ts); nothing else may be yielded. */
export const MEMORY_TRAP: TrapToken = Symbol('memory fault') as TrapToken;

/** The iterator result every trap yields (shared: it is never modified). */
const TRAP_RESULT: IteratorYieldResult<TrapToken> = Object.freeze({ value: TRAP, done: false });

/** One thread's trap: an iterator that yields once (the trap) and then returns the result. */
export class SyscallTrap implements Iterator<TrapToken, unknown, unknown>, ArmedTrap {
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
