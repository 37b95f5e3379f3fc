/*
 * One kernel-object invocation being decoded: the invoked cap and slot, the label, the message
 * length, the caller's IPC buffer, and accessors for the arguments as seL4's getSyscallArg reads
 * them (registers first, then the buffer).
 *
 * Every decoder has the shape of seL4's decode functions: read the arguments and make every check
 * (each error is the decoder's), then `restart()` (seL4: setThreadState(ksCurThread,
 * ThreadState_Restart)), then call the invoke function, which cannot fail. The CNode and Untyped
 * decoders need only `ObjectInvocation`, the part of an invocation that names no kernel, so that
 * they can be driven by a plain message in tests.
 */

import { argHi, argLo, type Kernel, setThreadState } from '@tsel4/kernel';
import { type Cap, type Cte, type ObjectSpace, type Tcb, TCB_CALLER, ThreadState } from '@tsel4/object';

/** The message of an invocation and what a decoder of the object layer may do with it. */
export interface ObjectInvocation {
  readonly space: ObjectSpace;
  readonly label: number;
  /** Message length after truncation to the registers when the caller has no IPC buffer. */
  readonly length: number;
  /** The invoked cap and the slot it was found in. */
  readonly cap: Cap;
  readonly slot: Cte;
  /** Argument i as the exact unsigned word. */
  word(i: number): bigint;
  /** Low and high 32-bit halves of argument i. */
  lo(i: number): number;
  hi(i: number): number;
  /** Extra cap i (current_extra_caps.excaprefs[i]) or null. */
  extra(i: number): Cte | null;
  /** The invoking thread's caller slot (tcbCaller), for CNode_SaveCaller. */
  callerSlot(): Cte;
  /** seL4: setThreadState(ksCurThread, ThreadState_Restart), between decode and invoke. */
  restart(): void;
}

export class Invocation implements ObjectInvocation {
  constructor(
    readonly k: Kernel,
    readonly cur: Tcb,
    readonly label: number,
    readonly length: number,
    readonly buf: number,
    readonly cptrLo: number,
    readonly cptrHi: number,
    readonly slot: Cte,
    readonly cap: Cap,
    readonly isCall: boolean,
    readonly isBlocking: boolean,
  ) {}

  get space(): ObjectSpace {
    return this.k.space;
  }

  word(i: number): bigint {
    return (BigInt(argHi(this.k, this.cur, this.buf, i)) << 32n) | BigInt(argLo(this.k, this.cur, this.buf, i));
  }

  lo(i: number): number {
    return argLo(this.k, this.cur, this.buf, i);
  }

  hi(i: number): number {
    return argHi(this.k, this.cur, this.buf, i);
  }

  extra(i: number): Cte | null {
    for (let j = 0; j <= i; j++) if (this.k.extraCaps[j] === null || this.k.extraCaps[j] === undefined) return null;
    return this.k.extraCaps[i]!;
  }

  callerSlot(): Cte {
    return this.cur.ctes[TCB_CALLER]!;
  }

  restart(): void {
    setThreadState(this.k, this.cur, ThreadState.Restart);
  }
}
