/*
 * seL4_Error: the label of the kernel's reply to an object invocation (digest 2.3), and the
 * lookup-failure types written with seL4_FailedLookup and in cap faults.
 */

export const seL4_NoError = 0;
export const seL4_InvalidArgument = 1;
export const seL4_InvalidCapability = 2;
export const seL4_IllegalOperation = 3;
export const seL4_RangeError = 4;
export const seL4_AlignmentError = 5;
export const seL4_FailedLookup = 6;
export const seL4_TruncatedMessage = 7;
export const seL4_DeleteFirst = 8;
export const seL4_RevokeFirst = 9;
export const seL4_NotEnoughMemory = 10;
/** Number of error codes (not itself an error). */
export const seL4_NumErrors = 11;

/** An seL4_Error value. */
export type seL4_Error = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

const ERROR_NAMES = [
  'seL4_NoError',
  'seL4_InvalidArgument',
  'seL4_InvalidCapability',
  'seL4_IllegalOperation',
  'seL4_RangeError',
  'seL4_AlignmentError',
  'seL4_FailedLookup',
  'seL4_TruncatedMessage',
  'seL4_DeleteFirst',
  'seL4_RevokeFirst',
  'seL4_NotEnoughMemory',
] as const;

/** The C name of an seL4_Error value ("seL4_DeleteFirst"), or "?" for anything else. */
export function seL4_ErrorName(err: number | bigint): string {
  const n = Number(err);
  return Number.isInteger(n) && n >= 0 && n < ERROR_NAMES.length ? ERROR_NAMES[n]! : '?';
}

/** True when `v` is one of the eleven seL4_Error values. */
export function isSeL4Error(v: number): v is seL4_Error {
  return Number.isInteger(v) && v >= 0 && v < seL4_NumErrors;
}

/** seL4_LookupFailureType: what went wrong resolving a cptr (digest 2.3). */
export const seL4_NoFailure = 0;
export const seL4_InvalidRoot = 1;
export const seL4_MissingCapability = 2;
export const seL4_DepthMismatch = 3;
export const seL4_GuardMismatch = 4;

/** Words after the type word in a lookup-failure description, by type (0..4). */
export const LOOKUP_FAILURE_EXTRA_WORDS: readonly number[] = [0, 0, 1, 2, 3];
