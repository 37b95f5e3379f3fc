/*
 * Argument checks of the user API: words are checked, never wrapped. C libsel4's generated
 * bitfield constructors assert (seL4_DebugAssert, on in a debug build) that no argument has bits
 * beyond its field; a C compiler stops a string or a fraction where a word is expected. Here each
 * stub, constructor and accessor checks its arguments the same way and throws in the calling
 * thread (which the machine then reports as that thread's crash) with the function, the argument
 * and the value:
 *
 * - a word (seL4_Word, seL4_CPtr): an integer (number or bigint) from −2^(w−1) to 2^w − 1 on a
 *   w-bit arch; a negative number is its two's complement, as C converts it, and is what reading
 *   a word near 2^w back as a number gives;
 * - a field of `bits` bits (a label, a length, a guard size): an integer from 0 to 2^bits − 1; a
 *   stub's narrower argument (seL4_Uint8, ...) also takes a negative one down to −2^(bits−1), its
 *   two's complement, as C converts it;
 * - a flag (seL4_Bool, a right): 0, 1, false or true.
 *
 * The common case (a small non-negative number) is one comparison and allocates nothing.
 */
import { currentThreadOrNull } from './thread.js';

/** The running thread's word size (64 outside a thread, as the constants are). */
export function userWordBits(): 32 | 64 {
  return currentThreadOrNull()?.ctx.arch.wordBits ?? 64;
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function notInteger(fn: string, arg: string, v: unknown): Error {
  if (typeof v === 'number') return new RangeError(`${fn}: ${arg} = ${show(v)} is not an integer`);
  return new TypeError(`${fn}: ${arg} = ${show(v)} is a ${v === null ? 'null' : typeof v}, not a number or bigint`);
}

/** Check that `v` is a word on a `wordBits` machine (see the module comment); returns it. */
export function checkWord<T>(fn: string, arg: string, v: T, bits?: 32 | 64): T {
  if (typeof v === 'number' && v >>> 0 === v) return v;
  const wordBits = bits ?? userWordBits();
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw notInteger(fn, arg, v);
    if (v >= -(2 ** (wordBits - 1)) && v < 2 ** wordBits) return v;
  } else if (typeof v === 'bigint') {
    if (v >= -(1n << BigInt(wordBits - 1)) && v < 1n << BigInt(wordBits)) return v;
  } else throw notInteger(fn, arg, v);
  throw new RangeError(`${fn}: ${arg} = ${show(v)} does not fit a ${wordBits}-bit word`);
}

/**
 * Check that `v` fits a field of `bits` bits; returns it. With `negatives`, a negative integer down
 * to −2^(bits−1) is accepted too, as its two's complement in the field (a stub's seL4_Uint8
 * argument given -1 is 255, as C converts it); a bitfield constructor's fields take none (C's
 * debug assert sees the high bits of the converted word).
 */
export function checkField<T>(fn: string, arg: string, v: T, bits: number, negatives = false): T {
  const min = negatives ? -(2 ** (bits - 1)) : 0;
  if (typeof v === 'number') {
    if (v >= min && v < 2 ** bits && Number.isInteger(v)) return v;
    if (!Number.isInteger(v)) throw notInteger(fn, arg, v);
  } else if (typeof v === 'bigint') {
    if (v >= BigInt(min) && v < 1n << BigInt(bits)) return v;
  } else if (typeof v === 'boolean' && bits >= 1) {
    return v;
  } else throw notInteger(fn, arg, v);
  const range = negatives ? `-2^${bits - 1} to 2^${bits} - 1` : `0 to 2^${bits} - 1`;
  throw new RangeError(`${fn}: ${arg} = ${show(v)} does not fit its ${bits}-bit field (${range})`);
}
