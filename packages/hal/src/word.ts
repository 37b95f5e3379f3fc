/*
 * Machine words without precision loss.
 *
 * A 64-bit seL4 word does not fit a JS number, and BigInt is slow and allocates. Everything that
 * holds a machine word on a hot path (registers, IPC buffers, badges) keeps it as two unsigned
 * 32-bit halves, `lo` and `hi`. This module converts between that form and the two JS forms a user
 * sees:
 *
 * - `bigint`: always exact, the value modulo 2^wordBits.
 * - `number`: exact only for words whose value fits a double. Reading a word as a number gives the
 *   value itself when it is below 2^53, and the two's-complement negative when it is within 2^53 of
 *   2^wordBits (so -1 round-trips as the all-ones word). Any other word cannot be a number and
 *   reading it as one throws a RangeError that names the bigint form.
 *
 * On 32-bit boards `hi` is always 0 and every word is an exact number.
 */

/** A machine word as a user may pass it: a number (integer) or a bigint. */
export type WordInput = number | bigint;

const TWO32 = 4294967296;
const TWO21 = 0x200000;

/** Largest `hi` half whose word is still below 2^53. */
const MAX_SAFE_HI = TWO21 - 1;
/** Smallest `hi` half whose word is within 2^53 of 2^64. */
const MIN_NEG_HI = 0xffe00000;

/**
 * Low 32 bits of a word given as number or bigint (modulo 2^32, two's complement for negatives).
 * Throws a RangeError for non-integers and values outside [-2^63, 2^64).
 */
export function wordLo(v: WordInput): number {
  if (typeof v === 'number') {
    if ((v >>> 0) === v) return v;
    if (Number.isSafeInteger(v)) return ((v % TWO32) + TWO32) % TWO32;
    checkNumberWord(v);
    return Number(BigInt.asUintN(32, BigInt(v)));
  }
  checkBigWord(v);
  return Number(BigInt.asUintN(32, v));
}

/** High 32 bits of a word given as number or bigint (see {@link wordLo}). */
export function wordHi(v: WordInput): number {
  if (typeof v === 'number') {
    if ((v >>> 0) === v) return 0;
    if (Number.isSafeInteger(v)) return Math.floor(v / TWO32) >>> 0;
    checkNumberWord(v);
    return Number(BigInt.asUintN(32, BigInt(v) >> 32n));
  }
  checkBigWord(v);
  return Number(BigInt.asUintN(32, v >> 32n));
}

function checkNumberWord(v: number): void {
  if (!Number.isInteger(v)) {
    throw new RangeError(`a machine word must be an integer, got ${v}`);
  }
  if (v < -9223372036854775808 || v >= 18446744073709551616) {
    throw new RangeError(`${v} does not fit a 64-bit machine word`);
  }
}

function checkBigWord(v: bigint): void {
  if (v < -(1n << 63n) || v >= 1n << 64n) {
    throw new RangeError(`${v} does not fit a 64-bit machine word`);
  }
}

/** True when the word `hi:lo` can be read as an exact number (see the module comment). */
export function wordFitsNumber(lo: number, hi: number): boolean {
  return hi <= MAX_SAFE_HI || hi >= MIN_NEG_HI;
}

/**
 * The word `hi:lo` as an exact number: the value if below 2^53, the negative two's complement if
 * within 2^53 of 2^64. Throws a RangeError otherwise.
 */
export function wordToNumber(lo: number, hi: number): number {
  if (hi === 0) return lo;
  if (hi <= MAX_SAFE_HI) return hi * TWO32 + lo;
  if (hi >= MIN_NEG_HI) return (hi - TWO32) * TWO32 + lo;
  throw new RangeError(
    `machine word 0x${hex32(hi)}${hex32(lo)} cannot be held exactly by a number; use the bigint form`,
  );
}

/**
 * The word `hi:lo` as an unsigned number, unchecked: exact below 2^53, the nearest double above.
 * For values that are small by construction (addresses, lengths, depths) or only compared or
 * printed; a user's word that must stay exact is read with wordToNumber, wordToUnsigned or
 * wordToBigInt. Its inverse is doubleLo/doubleHi.
 */
export function wordToDouble(lo: number, hi: number): number {
  return hi * TWO32 + lo;
}

/**
 * The low half of a non-negative number as wordToDouble folds it: `v mod 2^32`, unchecked (exact
 * for integers; unlike wordLo it never throws, so it also splits a double at or above 2^64).
 */
export function doubleLo(v: number): number {
  return v % TWO32;
}

/** The high half of a non-negative number as wordToDouble folds it: `floor(v / 2^32)`, unchecked. */
export function doubleHi(v: number): number {
  return Math.floor(v / TWO32);
}

/** The word `hi:lo` as an unsigned bigint. */
export function wordToBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The word `hi:lo` as an unsigned number when below 2^53, else as an unsigned bigint. */
export function wordToUnsigned(lo: number, hi: number): number | bigint {
  return hi <= MAX_SAFE_HI ? hi * TWO32 + lo : wordToBigInt(lo, hi);
}

/** Hexadecimal text of the word `hi:lo` with a `0x` prefix and no leading zeros. */
export function wordToHex(lo: number, hi: number): string {
  if (hi === 0) return '0x' + (lo >>> 0).toString(16);
  return '0x' + (hi >>> 0).toString(16) + hex32(lo);
}

function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** Mask keeping the low `bits` bits of a 32-bit half (bits in 0..32). */
export function mask32(bits: number): number {
  return bits >= 32 ? 0xffffffff : bits <= 0 ? 0 : ((1 << bits) >>> 0) - 1;
}

/**
 * Bits [start, start + n) of the word `hi:lo` as an unsigned number (n ≤ 52, so it is exact: CNode
 * radix widths always are). Bits above bit 63 read as zero. Shift counts stay below 32, since JS
 * takes them modulo 32.
 */
export function wordBits(lo: number, hi: number, start: number, n: number): number {
  let vlo: number;
  let vhi: number;
  if (start === 0) {
    vlo = lo;
    vhi = hi;
  } else if (start < 32) {
    vlo = (lo >>> start) | (hi << (32 - start));
    vhi = hi >>> start;
  } else if (start < 64) {
    vlo = hi >>> (start - 32);
    vhi = 0;
  } else {
    return 0;
  }
  if (n < 32) return (vlo & ((1 << n) - 1)) >>> 0;
  if (n === 32) return vlo >>> 0;
  return ((vhi & ((1 << (n - 32)) - 1)) >>> 0) * TWO32 + (vlo >>> 0);
}

/**
 * True when bits [start, start + n) of `hi:lo` (start + n ≤ 64, n ≤ 63) equal the word `gHi:gLo`:
 * a CNode guard check (seL4's resolveAddressBits).
 */
export function wordBitsEqual(lo: number, hi: number, start: number, n: number, gLo: number, gHi: number): boolean {
  if (n <= 32) return wordBits(lo, hi, start, n) === gLo && gHi === 0;
  return wordBits(lo, hi, start, 32) === gLo && wordBits(lo, hi, start + 32, n - 32) === gHi;
}

/** True when the words `aHi:aLo` and `bHi:bLo` are equal. */
export function wordEq(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  return aLo === bLo && aHi === bHi;
}
