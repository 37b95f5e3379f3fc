/*
 * User words in decoders (see README, "Words are exact"). A message register holds a 32- or
 * 64-bit unsigned word; decoders read it whole as a bigint (`Invocation.word`) and compare or sum
 * it exactly, wrapping modulo 2^wordBits where seL4's C wraps (`wrapAdd`). A number is taken from
 * a word only once the word is known small (`small`), or for a depth, whose only use is a range
 * check against 1..wordBits that any huge value fails alike.
 */

/** 2^bits - 1 for a word size. */
export function wordMask(wordBits: 32 | 64): bigint {
  return wordBits === 64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
}

/** a + b in C's unsigned word arithmetic (modulo 2^wordBits). */
export function wrapAdd(a: bigint, b: bigint, wordBits: 32 | 64): bigint {
  return (a + b) & wordMask(wordBits);
}

/** A depth argument as a number: exact up to 2^53, and above that still greater than any word size. */
export function depthArg(w: bigint): number {
  return Number(w);
}

/** A word already checked to be small (below 2^53) as a number. */
export function small(w: bigint): number {
  return Number(w);
}

/** seL4's rightsFromWord: the four rights bits of a word. */
export function rightsFromWord(w: bigint): number {
  return Number(w & 0xfn);
}
