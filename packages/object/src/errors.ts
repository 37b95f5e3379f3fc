/*
 * What goes wrong, as seL4 reports it.
 *
 * seL4 keeps the error of the current invocation in globals (current_syscall_error,
 * current_lookup_fault) and returns a status. Here an operation returns null on success, a
 * SyscallError describing the error and its extra words, or PREEMPTED when a long-running
 * operation stopped at a preemption point (the caller restarts it later, as seL4 does).
 * LookupFault is seL4's lookup_fault_t: why resolving a cptr failed.
 */

import { doubleHi, doubleLo, wordToDouble } from '@tsel4/hal';
import {
  seL4_AlignmentError,
  seL4_DeleteFirst,
  seL4_DepthMismatch,
  seL4_FailedLookup,
  seL4_GuardMismatch,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_MissingCapability,
  seL4_NotEnoughMemory,
  seL4_RangeError,
  seL4_RevokeFirst,
  seL4_TruncatedMessage,
  type seL4_Error,
  seL4_ErrorName,
} from '@tsel4/libsel4';

/** seL4's lookup_fault_t. `type` is the libsel4 seL4_LookupFailureType (1..4). */
export class LookupFault {
  private constructor(
    readonly type: 1 | 2 | 3 | 4,
    /** Bits of the cptr still to resolve when it failed. */
    readonly bitsLeft: number,
    /** DepthMismatch: bits the CNode would resolve; GuardMismatch: the guard's size. */
    readonly bitsFound: number,
    /** GuardMismatch: the CNode cap's guard (two halves). */
    readonly guardLo: number,
    readonly guardHi: number,
  ) {}

  static invalidRoot(): LookupFault {
    return new LookupFault(seL4_InvalidRoot, 0, 0, 0, 0);
  }
  static missingCapability(bitsLeft: number): LookupFault {
    return new LookupFault(seL4_MissingCapability, bitsLeft & 0x7f, 0, 0, 0);
  }
  static depthMismatch(bitsFound: number, bitsLeft: number): LookupFault {
    return new LookupFault(seL4_DepthMismatch, bitsLeft & 0x7f, bitsFound & 0x7f, 0, 0);
  }
  static guardMismatch(guardLo: number, guardHi: number, bitsLeft: number, bitsFound: number): LookupFault {
    return new LookupFault(seL4_GuardMismatch, bitsLeft & 0x7f, bitsFound & 0x7f, guardLo, guardHi);
  }

  /**
   * The words seL4 writes for this failure (setMRs_lookup_failure): the type, then bitsLeft,
   * then bitsFound (DepthMismatch) or the guard found and its size (GuardMismatch). Each word as
   * [lo, hi].
   */
  words(): [number, number][] {
    switch (this.type) {
      case seL4_InvalidRoot:
        return [[this.type, 0]];
      case seL4_MissingCapability:
        return [[this.type, 0], [this.bitsLeft, 0]];
      case seL4_DepthMismatch:
        return [[this.type, 0], [this.bitsLeft, 0], [this.bitsFound, 0]];
      case seL4_GuardMismatch:
        return [[this.type, 0], [this.bitsLeft, 0], [this.guardLo, this.guardHi], [this.bitsFound, 0]];
    }
  }

  toString(): string {
    const name = ['', 'InvalidRoot', 'MissingCapability', 'DepthMismatch', 'GuardMismatch'][this.type];
    return `${name}(bitsLeft=${this.bitsLeft}, bitsFound=${this.bitsFound})`;
  }
}

/** An seL4 error with the extra words it is reported with (digest 2.3). */
export class SyscallError {
  private constructor(
    readonly type: seL4_Error,
    /** The extra words, in message-register order, each [lo, hi]. */
    readonly extra: readonly (readonly [number, number])[],
    /** FailedLookup: the failure itself. */
    readonly lookupFault: LookupFault | null = null,
  ) {}

  /** seL4_InvalidArgument: MR0 = index of the bad argument. */
  static invalidArgument(n: number): SyscallError {
    return new SyscallError(seL4_InvalidArgument, [[n, 0]]);
  }
  /** seL4_InvalidCapability: MR0 = index of the bad cap (0 = the invoked cap). */
  static invalidCapability(n: number): SyscallError {
    return new SyscallError(seL4_InvalidCapability, [[n, 0]]);
  }
  private static readonly ILLEGAL_OPERATION = new SyscallError(seL4_IllegalOperation, []);
  private static readonly ALIGNMENT_ERROR = new SyscallError(seL4_AlignmentError, []);
  private static readonly TRUNCATED_MESSAGE = new SyscallError(seL4_TruncatedMessage, []);
  private static readonly DELETE_FIRST = new SyscallError(seL4_DeleteFirst, []);
  private static readonly REVOKE_FIRST = new SyscallError(seL4_RevokeFirst, []);

  static illegalOperation(): SyscallError {
    return SyscallError.ILLEGAL_OPERATION;
  }
  /** seL4_RangeError: MR0 = minimum, MR1 = maximum. */
  static rangeError(min: number, max: number): SyscallError {
    return new SyscallError(seL4_RangeError, [split(min), split(max)]);
  }
  static alignmentError(): SyscallError {
    return SyscallError.ALIGNMENT_ERROR;
  }
  /** seL4_FailedLookup: MR0 = 1 if the failing lookup was a source or pivot, then the failure. */
  static failedLookup(wasSource: boolean, fault: LookupFault): SyscallError {
    return new SyscallError(seL4_FailedLookup, [[wasSource ? 1 : 0, 0], ...fault.words()], fault);
  }
  static truncatedMessage(): SyscallError {
    return SyscallError.TRUNCATED_MESSAGE;
  }
  static deleteFirst(): SyscallError {
    return SyscallError.DELETE_FIRST;
  }
  static revokeFirst(): SyscallError {
    return SyscallError.REVOKE_FIRST;
  }
  /** seL4_NotEnoughMemory: MR0 = bytes free in the untyped. */
  static notEnoughMemory(bytes: number): SyscallError {
    return new SyscallError(seL4_NotEnoughMemory, [split(bytes)]);
  }

  /** The extra words as numbers (for tests and traces; words here always fit a number). */
  get words(): number[] {
    return this.extra.map(([lo, hi]) => wordToDouble(lo, hi));
  }

  toString(): string {
    return `${seL4_ErrorName(this.type)}${this.extra.length ? ' ' + JSON.stringify(this.words) : ''}`;
  }
}

function split(v: number): [number, number] {
  return [doubleLo(v), doubleHi(v)];
}

/** A long-running operation stopped at a preemption point and must be restarted. */
export const PREEMPTED = Symbol('preempted');
export type Preempted = typeof PREEMPTED;

/** The result of an operation: success (null), an error, or preempted. */
export type OpResult = SyscallError | Preempted | null;

/** True when `r` is a SyscallError. */
export function isError(r: OpResult): r is SyscallError {
  return r !== null && r !== PREEMPTED;
}
