/*
 * Errors from the helper library: which seL4 call failed, on what object, with which seL4 error
 * and the words it came with. Thrown inside a thread, one becomes a user exception (a fault to the
 * thread's handler), as an abort() would in C.
 */

import {
  LOOKUP_FAILURE_EXTRA_WORDS,
  seL4_ErrorName,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_NotEnoughMemory,
  seL4_RangeError,
} from '@tsel4/libsel4';

export class Sel4Error extends Error {
  constructor(
    /** The seL4 call: "seL4_Untyped_Retype". */
    readonly call: string,
    /** What it was called on or for: "a TCB", "slot 42". */
    readonly object: string,
    /** The seL4_Error it returned. */
    readonly error: number,
    /** The error's extra words (MR0, MR1, ...). */
    readonly words: readonly number[] = [],
  ) {
    super(`${call} (${object}) failed: ${seL4_ErrorName(error)}${words.length ? ` [${words.join(', ')}]` : ''}`);
    this.name = 'Sel4Error';
  }
}

/**
 * The extra words the kernel's error reply carries, read from the message registers right after
 * the invocation (seL4: setMRs_syscall_error): InvalidArgument and InvalidCapability the argument
 * number, RangeError the minimum and maximum, FailedLookup whether it was the source lookup then
 * the lookup failure (its type and that type's words), NotEnoughMemory the bytes available; the
 * other errors none.
 */
export function errorWords(error: number): number[] {
  switch (error) {
    case seL4_InvalidArgument:
    case seL4_InvalidCapability:
    case seL4_NotEnoughMemory:
      return [seL4_GetMR(0)];
    case seL4_RangeError:
      return [seL4_GetMR(0), seL4_GetMR(1)];
    case seL4_FailedLookup: {
      const type = seL4_GetMR(1);
      const n = 2 + (LOOKUP_FAILURE_EXTRA_WORDS[type] ?? 0);
      return Array.from({ length: n }, (_, i) => seL4_GetMR(i));
    }
    default:
      return [];
  }
}
