/*
 * seL4_CNode_CapData (digest 1.7): the guard data given to Mint, Mutate, Rotate, SetSpace and
 * Configure on CNode caps.
 *   64-bit: guardSize in bits 0-5 (6 bits), guard in bits 6-63 (58 bits).
 *   32-bit: guardSize in bits 3-7 (5 bits), guard in bits 8-25 (18 bits), the rest padding.
 * Kernel-side decoding works on word halves; the bigint forms serve tests and users.
 */

/** Guard size field of cap data given as word halves. */
export function capDataGuardSize(wordBits: 32 | 64, lo: number): number {
  return wordBits === 64 ? lo & 0x3f : (lo >>> 3) & 0x1f;
}

/** Low half of the guard field of cap data given as word halves. */
export function capDataGuardLo(wordBits: 32 | 64, lo: number, hi: number): number {
  return wordBits === 64 ? ((lo >>> 6) | (hi << 26)) >>> 0 : (lo >>> 8) & 0x3ffff;
}

/** High half of the guard field of cap data given as word halves. */
export function capDataGuardHi(wordBits: 32 | 64, hi: number): number {
  return wordBits === 64 ? hi >>> 6 : 0;
}

/**
 * The cap data word seL4_CNode_CapData_new(guard, guardSize) makes on a `wordBits` machine, as a
 * bigint; fields are masked to their widths. (The user API's seL4_CNode_CapData_new takes the
 * running thread's word size.)
 */
export function cnodeCapDataWord(wordBits: 32 | 64, guard: number | bigint, guardSize: number): bigint {
  const g = BigInt(guard);
  if (wordBits === 64) {
    return (BigInt.asUintN(58, g) << 6n) | BigInt(guardSize & 0x3f);
  }
  return (BigInt.asUintN(18, g) << 8n) | (BigInt(guardSize & 0x1f) << 3n);
}

/** The guard and guard size in a cap data word (bigint). */
export function decodeCNodeCapData(wordBits: 32 | 64, word: bigint): { guard: bigint; guardSize: number } {
  const w = BigInt.asUintN(wordBits, word);
  if (wordBits === 64) return { guard: w >> 6n, guardSize: Number(w & 0x3fn) };
  return { guard: (w >> 8n) & 0x3ffffn, guardSize: Number((w >> 3n) & 0x1fn) };
}
