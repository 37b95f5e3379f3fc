/*
 * Errors from the helper library: which seL4 call failed, on what object, with which seL4 error
 * and the words it came with. Thrown inside a thread, one becomes a user exception (a fault to the
 * thread's handler), as an abort() would in C.
 */

import { seL4_ErrorName } from '@tsel4/libsel4';

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
