/*
 * IEEE 754 binary32/binary64 arithmetic with RISC-V's rules, exact in every rounding mode.
 *
 * Operands are unpacked into sign, an integer significand (BigInt) and a power-of-two exponent;
 * each operation computes its exact result (or a result with enough bits plus a sticky bit) and
 * `round` rounds it once to the target format with the requested mode, raising NX, UF (tininess
 * detected after rounding, as RISC-V specifies), OF, DZ and NV. Every NaN result is the canonical
 * NaN (RISC-V does not propagate payloads). This is the exact path; fpu.ts takes a faster route
 * with JS doubles where the result is provably the same.
 *
 * Bits are passed as BigInt (64-bit for D, the low 32 for S).
 */

export const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

export interface Fmt {
  readonly p: number; // significand bits incl. the hidden one
  readonly emin: number;
  readonly emax: number;
  readonly ebits: number;
  readonly width: number;
}
export const F32: Fmt = { p: 24, emin: -126, emax: 127, ebits: 8, width: 32 };
export const F64: Fmt = { p: 53, emin: -1022, emax: 1023, ebits: 11, width: 64 };

export const CANONICAL_NAN_S = 0x7fc00000n;
export const CANONICAL_NAN_D = 0x7ff8000000000000n;
export function canonicalNaN(F: Fmt): bigint {
  return F.width === 32 ? CANONICAL_NAN_S : CANONICAL_NAN_D;
}

/** Flags raised since the caller last cleared them. */
export let flags = 0;
export function clearFlags(): void {
  flags = 0;
}
export function raise(f: number): void {
  flags |= f;
}

export const ZERO = 0, FINITE = 1, INF = 2, NAN = 3;
export interface Unpacked {
  cls: number;
  sign: number;
  sig: bigint;
  exp: number;
  snan: boolean;
}

export function unpack(bits: bigint, F: Fmt): Unpacked {
  const fb = BigInt(F.p - 1);
  const sign = Number((bits >> BigInt(F.width - 1)) & 1n);
  const e = Number((bits >> fb) & ((1n << BigInt(F.ebits)) - 1n));
  const frac = bits & ((1n << fb) - 1n);
  const emaxBiased = (1 << F.ebits) - 1;
  const bias = F.emax;
  if (e === emaxBiased) {
    if (frac === 0n) return { cls: INF, sign, sig: 0n, exp: 0, snan: false };
    return { cls: NAN, sign, sig: 0n, exp: 0, snan: ((frac >> (fb - 1n)) & 1n) === 0n };
  }
  if (e === 0) {
    if (frac === 0n) return { cls: ZERO, sign, sig: 0n, exp: 0, snan: false };
    return { cls: FINITE, sign, sig: frac, exp: F.emin - (F.p - 1), snan: false };
  }
  return { cls: FINITE, sign, sig: frac | (1n << fb), exp: e - bias - (F.p - 1), snan: false };
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function signBit(F: Fmt): bigint {
  return 1n << BigInt(F.width - 1);
}

export function inf(sign: number, F: Fmt): bigint {
  return (sign ? signBit(F) : 0n) | (((1n << BigInt(F.ebits)) - 1n) << BigInt(F.p - 1));
}

export function zero(sign: number, F: Fmt): bigint {
  return sign ? signBit(F) : 0n;
}

/** Round the magnitude sig * 2^exp to a multiple of 2^lsb; returns the multiple count and sets `lastInexact`. */
let lastInexact = false;
function roundAt(sign: number, sig: bigint, exp: number, lsb: number, rm: number): bigint {
  const shift = lsb - exp;
  if (shift <= 0) {
    lastInexact = false;
    return sig << BigInt(-shift);
  }
  const s = BigInt(shift);
  let m = sig >> s;
  const rem = sig & ((1n << s) - 1n);
  lastInexact = rem !== 0n;
  if (rem === 0n) return m;
  const half = 1n << (s - 1n);
  let up = false;
  switch (rm) {
    case RNE: up = rem > half || (rem === half && (m & 1n) === 1n); break;
    case RTZ: up = false; break;
    case RDN: up = sign === 1; break;
    case RUP: up = sign === 0; break;
    case RMM: up = rem >= half; break;
  }
  if (up) m += 1n;
  return m;
}

/**
 * Round sign * sig * 2^exp (sig > 0; its last bit may be a sticky bit standing for "and a little
 * more", when sig carries at least p + 2 bits) to format F.
 */
export function round(sign: number, sig: bigint, exp: number, F: Fmt, rm: number): bigint {
  if (sig === 0n) return zero(sign, F);
  const nb = bitLength(sig);
  const e = exp + nb - 1;
  let tiny = false;
  if (e < F.emin) {
    // Tininess after rounding: round to p bits with an unbounded exponent, then compare with 2^emin.
    const m = roundAt(sign, sig, exp, e - F.p + 1, rm);
    tiny = bitLength(m) - 1 + (e - F.p + 1) < F.emin;
  }
  let lsb = Math.max(e - F.p + 1, F.emin - F.p + 1);
  let m = roundAt(sign, sig, exp, lsb, rm);
  const inexact = lastInexact;
  if (bitLength(m) > F.p) {
    m >>= 1n;
    lsb += 1;
  }
  if (inexact) flags |= NX;
  if (tiny && inexact) flags |= UF;
  if (m === 0n) return zero(sign, F);
  const sb = sign ? signBit(F) : 0n;
  if (bitLength(m) < F.p) return sb | m; // subnormal
  const E = lsb + F.p - 1;
  if (E > F.emax) {
    flags |= OF | NX;
    const toInf = rm === RNE || rm === RMM || (rm === RDN && sign === 1) || (rm === RUP && sign === 0);
    if (toInf) return inf(sign, F);
    return sb | ((((1n << BigInt(F.ebits)) - 2n) << BigInt(F.p - 1)) | ((1n << BigInt(F.p - 1)) - 1n));
  }
  return sb | (BigInt(E + F.emax) << BigInt(F.p - 1)) | (m - (1n << BigInt(F.p - 1)));
}

function nanResult(F: Fmt, ...xs: Unpacked[]): bigint {
  if (xs.some((x) => x.snan)) flags |= NV;
  return canonicalNaN(F);
}

/** An exact sum of two finite-or-zero values, rounded; handles the sign of an exact zero. */
function addFinite(a: Unpacked, b: Unpacked, F: Fmt, rm: number): bigint {
  if (a.cls === ZERO && b.cls === ZERO) return zero(a.sign === b.sign ? a.sign : rm === RDN ? 1 : 0, F);
  if (a.cls === ZERO) return round(b.sign, b.sig, b.exp, F, rm);
  if (b.cls === ZERO) return round(a.sign, a.sig, a.exp, F, rm);
  const e = Math.min(a.exp, b.exp);
  const va = (a.sign ? -1n : 1n) * (a.sig << BigInt(a.exp - e));
  const vb = (b.sign ? -1n : 1n) * (b.sig << BigInt(b.exp - e));
  const s = va + vb;
  if (s === 0n) return zero(rm === RDN ? 1 : 0, F);
  return round(s < 0n ? 1 : 0, s < 0n ? -s : s, e, F, rm);
}

export function add(x: bigint, y: bigint, F: Fmt, rm: number, negateY: boolean): bigint {
  const a = unpack(x, F);
  const b = unpack(y, F);
  if (negateY) b.sign ^= 1;
  if (a.cls === NAN || b.cls === NAN) return nanResult(F, a, b);
  if (a.cls === INF || b.cls === INF) {
    if (a.cls === INF && b.cls === INF && a.sign !== b.sign) {
      flags |= NV;
      return canonicalNaN(F);
    }
    return inf(a.cls === INF ? a.sign : b.sign, F);
  }
  return addFinite(a, b, F, rm);
}

export function mul(x: bigint, y: bigint, F: Fmt, rm: number): bigint {
  const a = unpack(x, F);
  const b = unpack(y, F);
  if (a.cls === NAN || b.cls === NAN) return nanResult(F, a, b);
  const sign = a.sign ^ b.sign;
  if (a.cls === INF || b.cls === INF) {
    if (a.cls === ZERO || b.cls === ZERO) {
      flags |= NV;
      return canonicalNaN(F);
    }
    return inf(sign, F);
  }
  if (a.cls === ZERO || b.cls === ZERO) return zero(sign, F);
  return round(sign, a.sig * b.sig, a.exp + b.exp, F, rm);
}

export function div(x: bigint, y: bigint, F: Fmt, rm: number): bigint {
  const a = unpack(x, F);
  const b = unpack(y, F);
  if (a.cls === NAN || b.cls === NAN) return nanResult(F, a, b);
  const sign = a.sign ^ b.sign;
  if (a.cls === INF) {
    if (b.cls === INF) {
      flags |= NV;
      return canonicalNaN(F);
    }
    return inf(sign, F);
  }
  if (b.cls === INF) return zero(sign, F);
  if (b.cls === ZERO) {
    if (a.cls === ZERO) {
      flags |= NV;
      return canonicalNaN(F);
    }
    flags |= DZ;
    return inf(sign, F);
  }
  if (a.cls === ZERO) return zero(sign, F);
  const k = Math.max(0, F.p + 3 + bitLength(b.sig) - bitLength(a.sig));
  const num = a.sig << BigInt(k);
  const q = num / b.sig;
  const r = num % b.sig;
  return round(sign, (q << 1n) | (r !== 0n ? 1n : 0n), a.exp - b.exp - k - 1, F, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(x: bigint, F: Fmt, rm: number): bigint {
  const a = unpack(x, F);
  if (a.cls === NAN) return nanResult(F, a);
  if (a.cls === ZERO) return x;
  if (a.sign === 1) {
    flags |= NV;
    return canonicalNaN(F);
  }
  if (a.cls === INF) return x;
  let sig = a.sig;
  let exp = a.exp;
  if ((exp & 1) !== 0) {
    sig <<= 1n;
    exp -= 1;
  }
  const k = Math.max(0, F.p + 3 - Math.floor(bitLength(sig) / 2));
  sig <<= BigInt(2 * k);
  const r = isqrt(sig);
  const sticky = r * r !== sig ? 1n : 0n;
  return round(0, (r << 1n) | sticky, (exp - 2 * k) / 2 - 1, F, rm);
}

/** (negProd ? -(a*b) : a*b) + (negC ? -c : c), rounded once. */
export function fma(x: bigint, y: bigint, z: bigint, F: Fmt, rm: number, negProd: boolean, negC: boolean): bigint {
  const a = unpack(x, F);
  const b = unpack(y, F);
  const c = unpack(z, F);
  const prodInvalid = (a.cls === INF && b.cls === ZERO) || (a.cls === ZERO && b.cls === INF);
  if (a.cls === NAN || b.cls === NAN || c.cls === NAN) {
    // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
    if (prodInvalid) flags |= NV;
    return nanResult(F, a, b, c);
  }
  if (prodInvalid) {
    flags |= NV;
    return canonicalNaN(F);
  }
  const ps = a.sign ^ b.sign ^ (negProd ? 1 : 0);
  const cs = c.sign ^ (negC ? 1 : 0);
  const pInf = a.cls === INF || b.cls === INF;
  if (pInf || c.cls === INF) {
    if (pInf && c.cls === INF && ps !== cs) {
      flags |= NV;
      return canonicalNaN(F);
    }
    return inf(pInf ? ps : cs, F);
  }
  const p: Unpacked =
    a.cls === ZERO || b.cls === ZERO
      ? { cls: ZERO, sign: ps, sig: 0n, exp: 0, snan: false }
      : { cls: FINITE, sign: ps, sig: a.sig * b.sig, exp: a.exp + b.exp, snan: false };
  return addFinite(p, { ...c, sign: cs }, F, rm);
}

/** Convert between formats (FCVT.S.D, FCVT.D.S). */
export function convert(x: bigint, from: Fmt, to: Fmt, rm: number): bigint {
  const a = unpack(x, from);
  if (a.cls === NAN) return nanResult(to, a);
  if (a.cls === INF) return inf(a.sign, to);
  if (a.cls === ZERO) return zero(a.sign, to);
  return round(a.sign, a.sig, a.exp, to, rm);
}

/** FCVT.{W,WU,L,LU}: to an integer of `bits` bits, signed or not; the result as a BigInt (sign-extension left to the caller). */
export function toInt(x: bigint, F: Fmt, rm: number, bits: number, signed: boolean): bigint {
  const a = unpack(x, F);
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  if (a.cls === NAN) {
    flags |= NV;
    return max;
  }
  if (a.cls === INF) {
    flags |= NV;
    return a.sign ? min : max;
  }
  if (a.cls === ZERO) return 0n;
  const m = roundAt(a.sign, a.sig, a.exp, 0, rm);
  const v = a.sign ? -m : m;
  if (v > max || v < min) {
    flags |= NV;
    return a.sign ? min : max;
  }
  if (lastInexact) flags |= NX;
  return v;
}

/** FCVT.{S,D}.{W,WU,L,LU}: from an integer (as a BigInt, already sign- or zero-extended). */
export function fromInt(v: bigint, F: Fmt, rm: number): bigint {
  if (v === 0n) return 0n;
  return round(v < 0n ? 1 : 0, v < 0n ? -v : v, 0, F, rm);
}

/** FCLASS's one-hot mask. */
export function classify(x: bigint, F: Fmt): number {
  const a = unpack(x, F);
  const neg = a.sign === 1;
  switch (a.cls) {
    case INF: return neg ? 1 << 0 : 1 << 7;
    case ZERO: return neg ? 1 << 3 : 1 << 4;
    case NAN: return a.snan ? 1 << 8 : 1 << 9;
  }
  const subnormal = bitLength(a.sig) < F.p;
  return neg ? (subnormal ? 1 << 2 : 1 << 1) : subnormal ? 1 << 5 : 1 << 6;
}

/** Compare: -1, 0, 1, or 2 when unordered; raises NV on a signaling NaN, or on any NaN when `signaling`. */
export function compare(x: bigint, y: bigint, F: Fmt, signaling: boolean): number {
  const a = unpack(x, F);
  const b = unpack(y, F);
  if (a.cls === NAN || b.cls === NAN) {
    if (signaling || a.snan || b.snan) flags |= NV;
    return 2;
  }
  const va = value(a);
  const vb = value(b);
  return va < vb ? -1 : va > vb ? 1 : 0;
}

/** A finite or infinite value as a JS number (exact: both formats fit a double), for ordering. */
function value(a: Unpacked): number {
  if (a.cls === ZERO) return 0;
  if (a.cls === INF) return a.sign ? -Infinity : Infinity;
  const v = Number(a.sig) * 2 ** a.exp;
  return a.sign ? -v : v;
}

/** FMIN/FMAX (IEEE 754-2019 minimumNumber/maximumNumber, -0 below +0). */
export function minMax(x: bigint, y: bigint, F: Fmt, max: boolean): bigint {
  const a = unpack(x, F);
  const b = unpack(y, F);
  if (a.snan || b.snan) flags |= NV;
  if (a.cls === NAN && b.cls === NAN) return canonicalNaN(F);
  if (a.cls === NAN) return y;
  if (b.cls === NAN) return x;
  if (a.cls === ZERO && b.cls === ZERO) return (a.sign === 1) === max ? y : x;
  const va = value(a);
  const vb = value(b);
  return max ? (va >= vb ? x : y) : va <= vb ? x : y;
}
