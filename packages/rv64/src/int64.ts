/*
 * 64-bit integer arithmetic on pairs of int32 halves (lo, hi), for the M extension.
 *
 * Registers are kept as two int32 halves so that no value passes through a double or a BigInt on
 * the hot path. Multiplication uses 16-bit limbs summed in doubles (every partial sum is exact
 * below 2^53), so MUL and all three MULH forms allocate nothing. Division has exact fast paths when
 * both operands fit in 32 bits (the common case in compiled code) and falls back to BigInt
 * otherwise. Results go to `out` (lo in out[0], hi in out[1]).
 *
 * Division semantics are the ISA manual's: x / 0 = all ones, x % 0 = x, and the signed overflow
 * case MIN / -1 = MIN with remainder 0.
 */

export const out = new Int32Array(2);
const limbsA = new Float64Array(4);
const limbsB = new Float64Array(4);
const cols = new Float64Array(8);
/** The 128-bit unsigned product of the last `mulu128`, as four 32-bit words, lowest first. */
const prod = new Int32Array(4);

function mulu128(al: number, ah: number, bl: number, bh: number, lowOnly: boolean): void {
  limbsA[0] = al & 0xffff; limbsA[1] = al >>> 16; limbsA[2] = ah & 0xffff; limbsA[3] = ah >>> 16;
  limbsB[0] = bl & 0xffff; limbsB[1] = bl >>> 16; limbsB[2] = bh & 0xffff; limbsB[3] = bh >>> 16;
  const n = lowOnly ? 4 : 8;
  for (let k = 0; k < n; k++) cols[k] = 0;
  for (let i = 0; i < 4; i++) {
    const a = limbsA[i]!;
    if (a === 0) continue;
    for (let j = 0; j < 4 && i + j < n; j++) cols[i + j]! += a * limbsB[j]!;
  }
  let carry = 0;
  for (let k = 0; k < n; k += 2) {
    const v0 = cols[k]! + carry;
    const l0 = v0 % 65536;
    const v1 = cols[k + 1]! + (v0 - l0) / 65536;
    const l1 = v1 % 65536;
    carry = (v1 - l1) / 65536;
    prod[k >> 1] = l0 | (l1 << 16);
  }
}

export function mul(al: number, ah: number, bl: number, bh: number): void {
  mulu128(al, ah, bl, bh, true);
  out[0] = prod[0]!;
  out[1] = prod[1]!;
}

/** High 64 bits of the product; `signedA`/`signedB` choose MULH (both), MULHSU (a only), MULHU (neither). */
export function mulh(al: number, ah: number, bl: number, bh: number, signedA: boolean, signedB: boolean): void {
  mulu128(al, ah, bl, bh, false);
  let lo = prod[2]!;
  let hi = prod[3]!;
  // (a - 2^64 [a<0]) * b = a*b - 2^64*b: subtract b from the high half; likewise for b.
  if (signedA && ah < 0) {
    const nlo = (lo - bl) | 0;
    hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    lo = nlo;
  }
  if (signedB && bh < 0) {
    const nlo = (lo - al) | 0;
    hi = (hi - ah - ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
    lo = nlo;
  }
  out[0] = lo;
  out[1] = hi;
}

function toBig(lo: number, hi: number, signed: boolean): bigint {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return signed ? BigInt.asIntN(64, v) : v;
}

function fromBig(v: bigint): void {
  const u = BigInt.asUintN(64, v);
  out[0] = Number(u & 0xffffffffn) | 0;
  out[1] = Number(u >> 32n) | 0;
}

function fromNumber(v: number): void {
  out[0] = v | 0;
  out[1] = Math.floor(v / 4294967296) | 0;
}

/** DIV, DIVU, REM, REMU. */
export function div(al: number, ah: number, bl: number, bh: number, signed: boolean, rem: boolean): void {
  if (bl === 0 && bh === 0) {
    if (rem) { out[0] = al; out[1] = ah; } else { out[0] = -1; out[1] = -1; }
    return;
  }
  if (signed) {
    if (ah === al >> 31 && bh === bl >> 31) {
      // Both fit in int32: exact in doubles (MIN32 / -1 = 2^31 fits in 64 bits).
      fromNumber(rem ? al % bl : Math.trunc(al / bl));
      if (rem && out[0] === 0) out[1] = 0; // -0 from %
      return;
    }
    if (ah === -0x80000000 && al === 0 && bh === -1 && bl === -1) {
      if (rem) { out[0] = 0; out[1] = 0; } else { out[0] = 0; out[1] = -0x80000000; }
      return;
    }
    const a = toBig(al, ah, true);
    const b = toBig(bl, bh, true);
    fromBig(rem ? a % b : a / b);
    return;
  }
  if (ah === 0 && bh === 0) {
    const a = al >>> 0;
    const b = bl >>> 0;
    fromNumber(rem ? a % b : Math.floor(a / b));
    return;
  }
  const a = toBig(al, ah, false);
  const b = toBig(bl, bh, false);
  fromBig(rem ? a % b : a / b);
}
