/*
 * F and D: results, NaN boxing, rounding modes and exception flags, checked against the ISA
 * manual's rules and, for round-to-nearest-even, against the host's IEEE arithmetic (a double op in
 * JS is correctly rounded; Math.fround of a double +, -, *, /, sqrt of singles is the correctly
 * rounded single result).
 */
import { describe, expect, it } from 'vitest';
import { Cause } from '../src/index.js';
import { A, hart } from './asm.js';

const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const dbits = (v: number) => ((f64[0] = v), u64[0]!);
const sbits = (v: number) => ((f32[0] = v), BigInt(u32[0]!) | 0xffffffff00000000n);
const fromD = (b: bigint) => ((u64[0] = b), f64[0]!);
const CANON_D = 0x7ff8000000000000n;
const CANON_S = 0xffffffff7fc00000n;
const SNAN_D = 0x7ff0000000000001n;

/** Run one instruction with f1, f2, f3 and x1 preset; returns the hart. */
function one(insn: number, f: [bigint?, bigint?, bigint?] = [], x1: bigint = 0n, frm = 0) {
  const { cpu } = hart([insn, A.ebreak()]);
  f.forEach((v, i) => v !== undefined && cpu.setF(i + 1, v));
  cpu.setX(1, x1);
  cpu.frm = frm;
  const cause = cpu.run(10);
  return { cpu, cause, f4: cpu.getF(4), x4: cpu.getX(4), flags: cpu.fflags };
}

describe('D arithmetic matches IEEE round-to-nearest-even', () => {
  let seed = 7;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const values = () => {
    const kinds = rnd() % 6;
    if (kinds === 0) return (rnd() / 2 ** 32 - 0.5) * 2 ** ((rnd() % 200) - 100);
    if (kinds === 1) return rnd() - 2 ** 31;
    if (kinds === 2) return fromD((BigInt(rnd()) << 32n) | BigInt(rnd())); // any pattern, NaNs included
    if (kinds === 3) return 2 ** -1070 * (rnd() % 1000); // subnormals
    if (kinds === 4) return 1.7976931348623157e308 / (1 + (rnd() % 4));
    return [0, -0, Infinity, -Infinity, 1, -1, 0.1, 3][rnd() % 8]!;
  };
  const OPS: [string, (rd: number, a: number, b: number, rm?: number) => number, (a: number, b: number) => number][] = [
    ['fadd.d', A.fadd_d, (a, b) => a + b],
    ['fsub.d', A.fsub_d, (a, b) => a - b],
    ['fmul.d', A.fmul_d, (a, b) => a * b],
    ['fdiv.d', A.fdiv_d, (a, b) => a / b],
  ];
  for (const [name, enc, ref] of OPS) {
    it(`${name}: 400 random operand pairs, both the fast and the exact path`, () => {
      for (let k = 0; k < 400; k++) {
        const a = values(), b = values();
        for (const rm of [RNE, 7]) {
          const r = one(enc(4, 1, 2, rm), [dbits(a), dbits(b)], 0n, RNE);
          const want = ref(a, b);
          expect(r.f4, `${name} ${a} ${b}`).toBe(Number.isNaN(want) ? CANON_D : dbits(want));
        }
      }
    });
  }
  it('fsqrt.d and the single forms against Math.sqrt / Math.fround', () => {
    for (let k = 0; k < 300; k++) {
      const a = Math.abs(values());
      expect(one(A.fsqrt_d(4, 1, RNE), [dbits(a)]).f4).toBe(Number.isNaN(a) ? CANON_D : dbits(Math.sqrt(a)));
      const s = Math.fround(values()), t = Math.fround(values());
      const ns = (v: number) => (Number.isNaN(v) ? CANON_S : sbits(v));
      expect(one(A.fadd_s(4, 1, 2, RNE), [sbits(s), sbits(t)]).f4, `fadd.s ${s} ${t}`).toBe(ns(Math.fround(s + t)));
      expect(one(A.fmul_s(4, 1, 2, RNE), [sbits(s), sbits(t)]).f4, `fmul.s ${s} ${t}`).toBe(ns(Math.fround(s * t)));
      expect(one(A.fdiv_s(4, 1, 2, RNE), [sbits(s), sbits(t)]).f4, `fdiv.s ${s} ${t}`).toBe(ns(Math.fround(s / t)));
      expect(one(A.fsqrt_s(4, 1, RNE), [sbits(Math.abs(s))]).f4).toBe(ns(Math.fround(Math.sqrt(Math.abs(s)))));
    }
  });
});

describe('exception flags', () => {
  it('NX on an inexact result, none on an exact one', () => {
    expect(one(A.fdiv_d(4, 1, 2, RNE), [dbits(1), dbits(3)]).flags).toBe(NX);
    expect(one(A.fdiv_d(4, 1, 2, RNE), [dbits(1), dbits(4)]).flags).toBe(0);
    expect(one(A.fadd_d(4, 1, 2, RNE), [dbits(1), dbits(2 ** -60)]).flags).toBe(NX);
    expect(one(A.fmul_d(4, 1, 2, RNE), [dbits(1 + 2 ** -30), dbits(1 + 2 ** -30)]).flags).toBe(NX);
  });
  it('DZ for x/0, NV (canonical NaN) for 0/0, inf-inf, 0*inf, sqrt(-1)', () => {
    const r = one(A.fdiv_d(4, 1, 2, RNE), [dbits(-2), dbits(0)]);
    expect([r.f4, r.flags]).toEqual([dbits(-Infinity), DZ]);
    expect(one(A.fdiv_d(4, 1, 2, RNE), [dbits(0), dbits(0)])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fsub_d(4, 1, 2, RNE), [dbits(Infinity), dbits(Infinity)])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fmul_d(4, 1, 2, RNE), [dbits(0), dbits(-Infinity)])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fsqrt_d(4, 1, RNE), [dbits(-1)])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fsqrt_d(4, 1, RNE), [dbits(-0)])).toMatchObject({ f4: dbits(-0), flags: 0 });
  });
  it('a signaling NaN operand raises NV; a quiet one does not; the result is the canonical NaN', () => {
    expect(one(A.fadd_d(4, 1, 2, RNE), [SNAN_D, dbits(1)])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fadd_d(4, 1, 2, RNE), [0x7ff8000000000123n, dbits(1)])).toMatchObject({ f4: CANON_D, flags: 0 });
  });
  it('OF|NX on overflow: infinity, or the largest finite number when the mode rounds toward zero', () => {
    const max = 1.7976931348623157e308;
    expect(one(A.fmul_d(4, 1, 2, RNE), [dbits(max), dbits(2)])).toMatchObject({ f4: dbits(Infinity), flags: OF | NX });
    expect(one(A.fmul_d(4, 1, 2, RTZ), [dbits(max), dbits(2)])).toMatchObject({ f4: dbits(max), flags: OF | NX });
    expect(one(A.fmul_d(4, 1, 2, RDN), [dbits(max), dbits(2)])).toMatchObject({ f4: dbits(max), flags: OF | NX });
    expect(one(A.fmul_d(4, 1, 2, RDN), [dbits(-max), dbits(2)])).toMatchObject({ f4: dbits(-Infinity), flags: OF | NX });
    expect(one(A.fmul_d(4, 1, 2, RUP), [dbits(-max), dbits(2)])).toMatchObject({ f4: dbits(-max), flags: OF | NX });
  });
  it('UF|NX for a tiny inexact result (tininess after rounding); an exact subnormal raises nothing', () => {
    expect(one(A.fmul_d(4, 1, 2, RNE), [dbits(2 ** -1000 * (1 + 2 ** -30)), dbits(2 ** -60)])).toMatchObject({ flags: UF | NX });
    expect(one(A.fmul_d(4, 1, 2, RNE), [dbits(2 ** -1000), dbits(2 ** -60)])).toMatchObject({ f4: dbits(2 ** -1060), flags: 0 });
    // (2^-1022)(1 - 2^-53) rounds up to 2^-1022 in RNE: not tiny after rounding, so NX without UF.
    expect(one(A.fmul_d(4, 1, 2, RNE), [dbits(2 ** -1022 * (1 - 2 ** -52)), dbits(1 + 2 ** -52)])).toMatchObject({ f4: dbits(2 ** -1022), flags: NX });
  });
  it('flags accumulate in fflags until cleared', () => {
    const { cpu } = hart([A.fdiv_d(4, 1, 2, RNE), A.fdiv_d(5, 2, 3, RNE), A.ebreak()]);
    cpu.setF(1, dbits(1)); cpu.setF(2, dbits(3)); cpu.setF(3, dbits(0));
    cpu.run(10);
    expect(cpu.fflags).toBe(NX | DZ);
  });
});

describe('rounding modes', () => {
  it('1/3 rounds down in RTZ and RDN, up in RUP; -1/3 the other way', () => {
    const third = (rm: number, sign: number) => fromD(one(A.fdiv_d(4, 1, 2, rm), [dbits(sign), dbits(3)]).f4);
    const down = 0.3333333333333333, up = 0.33333333333333337;
    expect(third(RNE, 1)).toBe(1 / 3);
    expect(third(RTZ, 1)).toBe(down);
    expect(third(RDN, 1)).toBe(down);
    expect(third(RUP, 1)).toBe(up);
    expect(third(RMM, 1)).toBe(1 / 3);
    expect(third(RDN, -1)).toBe(-up);
    expect(third(RUP, -1)).toBe(-down);
  });
  it('DYN takes frm; a reserved rm or frm is an illegal instruction', () => {
    expect(fromD(one(A.fdiv_d(4, 1, 2, 7), [dbits(1), dbits(3)], 0n, RUP).f4)).toBe(0.33333333333333337);
    expect(one(A.fdiv_d(4, 1, 2, 7), [dbits(1), dbits(3)], 0n, 5).cause).toBe(Cause.IllegalInstruction);
    expect(one(A.fdiv_d(4, 1, 2, 5), [dbits(1), dbits(3)]).cause).toBe(Cause.IllegalInstruction);
  });
  it('x - x is +0, except -0 in RDN', () => {
    expect(one(A.fsub_d(4, 1, 2, RNE), [dbits(5), dbits(5)]).f4).toBe(0n);
    expect(one(A.fsub_d(4, 1, 2, RDN), [dbits(5), dbits(5)]).f4).toBe(dbits(-0));
  });
  it('FCVT.W.D rounds by the mode; ties: RNE to even, RMM away', () => {
    const cvt = (v: number, rm: number) => one(A.fcvt_w_d(4, 1, rm), [dbits(v)]);
    expect(cvt(2.5, RNE)).toMatchObject({ x4: 2n, flags: NX });
    expect(cvt(2.5, RMM)).toMatchObject({ x4: 3n, flags: NX });
    expect(cvt(-2.5, RDN)).toMatchObject({ x4: -3n, flags: NX });
    expect(cvt(-2.5, RTZ)).toMatchObject({ x4: -2n, flags: NX });
    expect(cvt(-2.5, RUP)).toMatchObject({ x4: -2n, flags: NX });
    expect(cvt(7, RNE)).toMatchObject({ x4: 7n, flags: 0 });
  });
});

describe('conversions', () => {
  it('out-of-range and NaN inputs saturate with NV', () => {
    expect(one(A.fcvt_w_d(4, 1, RTZ), [dbits(NaN)])).toMatchObject({ x4: 0x7fffffffn, flags: NV });
    expect(one(A.fcvt_w_d(4, 1, RTZ), [dbits(-1e10)])).toMatchObject({ x4: -0x80000000n, flags: NV });
    expect(one(A.fcvt_wu_d(4, 1, RTZ), [dbits(1e10)])).toMatchObject({ x4: -1n, flags: NV }); // 2^32-1, sign-extended
    expect(one(A.fcvt_wu_d(4, 1, RTZ), [dbits(-1)])).toMatchObject({ x4: 0n, flags: NV });
    expect(one(A.fcvt_wu_d(4, 1, RTZ), [dbits(-0.5)])).toMatchObject({ x4: 0n, flags: NX });
    expect(one(A.fcvt_l_d(4, 1, RTZ), [dbits(Infinity)])).toMatchObject({ x4: 0x7fffffffffffffffn, flags: NV });
    expect(one(A.fcvt_lu_d(4, 1, RTZ), [dbits(-Infinity)])).toMatchObject({ x4: 0n, flags: NV });
    expect(one(A.fcvt_lu_d(4, 1, RTZ), [dbits(2 ** 63)])).toMatchObject({ x4: -0x8000000000000000n, flags: 0 });
  });
  it('integers to floats round by the mode', () => {
    const big = (1n << 53n) + 1n;
    expect(one(A.fcvt_d_l(4, 1, RNE), [], big)).toMatchObject({ f4: dbits(2 ** 53), flags: NX });
    expect(one(A.fcvt_d_l(4, 1, RUP), [], big)).toMatchObject({ f4: dbits(2 ** 53 + 2), flags: NX });
    expect(one(A.fcvt_d_lu(4, 1, RNE), [], -1n)).toMatchObject({ f4: dbits(2 ** 64), flags: NX });
    expect(one(A.fcvt_d_wu(4, 1, RNE), [], -1n)).toMatchObject({ f4: dbits(4294967295), flags: 0 });
    expect(one(A.fcvt_s_w(4, 1, RNE), [], 16777217n)).toMatchObject({ f4: sbits(16777216), flags: NX });
  });
  it('FCVT.S.D rounds and can overflow; FCVT.D.S is exact; NaNs become canonical', () => {
    expect(one(A.fcvt_s_d(4, 1, RNE), [dbits(0.1)])).toMatchObject({ f4: sbits(Math.fround(0.1)), flags: NX });
    expect(one(A.fcvt_s_d(4, 1, RNE), [dbits(1e300)])).toMatchObject({ f4: sbits(Infinity), flags: OF | NX });
    expect(one(A.fcvt_d_s(4, 1, RNE), [sbits(Math.fround(0.1))])).toMatchObject({ f4: dbits(Math.fround(0.1)), flags: 0 });
    expect(one(A.fcvt_d_s(4, 1, RNE), [0xffffffff7f800001n])).toMatchObject({ f4: CANON_D, flags: NV });
  });
});

describe('NaN boxing, moves, sign injection, classify, compare, min/max', () => {
  it('a single read from an unboxed register is the canonical NaN', () => {
    expect(one(A.fadd_s(4, 1, 2, RNE), [0x000000003f800000n, sbits(1)]).f4).toBe(CANON_S);
    expect(one(A.fadd_s(4, 1, 2, RNE), [sbits(1), sbits(1)]).f4).toBe(sbits(2));
  });
  it('FLW boxes; FMV.X.W sign-extends; FMV.W.X boxes; FMV.X.D/D.X are raw', () => {
    expect(one(A.fmv_x_w(4, 1), [sbits(-1)]).x4).toBe(BigInt.asIntN(32, 0xbf800000n));
    expect(one(A.fmv_w_x(4, 1), [], 0x1234_5678_3f80_0000n).f4).toBe(sbits(1));
    expect(one(A.fmv_d_x(4, 1), [], -1n).f4).toBe(0xffffffffffffffffn);
    expect(one(A.fmv_x_d(4, 1), [SNAN_D]).x4).toBe(BigInt.asIntN(64, SNAN_D));
  });
  it('FSGNJ family works on the bits, NaNs included', () => {
    expect(one(A.fsgnjn_d(4, 1, 1), [dbits(2)]).f4).toBe(dbits(-2)); // fneg
    expect(one(A.fsgnjx_d(4, 1, 1), [dbits(-2)]).f4).toBe(dbits(2)); // fabs
    expect(one(A.fsgnj_d(4, 1, 2), [SNAN_D, dbits(-1)]).f4).toBe(SNAN_D | (1n << 63n));
    expect(one(A.fsgnj_d(4, 1, 2), [dbits(1), dbits(-1)]).flags).toBe(0);
  });
  it('FCLASS', () => {
    const cls = (b: bigint) => one(A.fclass_d(4, 1), [b]).x4;
    expect(cls(dbits(-Infinity))).toBe(1n);
    expect(cls(dbits(-1))).toBe(2n);
    expect(cls(dbits(-(2 ** -1070)))).toBe(4n);
    expect(cls(dbits(-0))).toBe(8n);
    expect(cls(dbits(0))).toBe(16n);
    expect(cls(dbits(2 ** -1070))).toBe(32n);
    expect(cls(dbits(1))).toBe(64n);
    expect(cls(dbits(Infinity))).toBe(128n);
    expect(cls(SNAN_D)).toBe(256n);
    expect(cls(CANON_D)).toBe(512n);
    expect(one(A.fclass_s(4, 1), [0x3f800000n]).x4).toBe(512n); // unboxed: canonical NaN
  });
  it('FEQ is quiet, FLT/FLE signal on any NaN', () => {
    expect(one(A.feq_d(4, 1, 2), [CANON_D, dbits(1)])).toMatchObject({ x4: 0n, flags: 0 });
    expect(one(A.feq_d(4, 1, 2), [SNAN_D, dbits(1)])).toMatchObject({ x4: 0n, flags: NV });
    expect(one(A.flt_d(4, 1, 2), [CANON_D, dbits(1)])).toMatchObject({ x4: 0n, flags: NV });
    expect(one(A.fle_d(4, 1, 2), [dbits(-0), dbits(0)])).toMatchObject({ x4: 1n, flags: 0 });
    expect(one(A.flt_d(4, 1, 2), [dbits(-0), dbits(0)])).toMatchObject({ x4: 0n, flags: 0 });
    expect(one(A.feq_s(4, 1, 2), [sbits(1.5), sbits(1.5)])).toMatchObject({ x4: 1n, flags: 0 });
  });
  it('FMIN/FMAX: -0 < +0, a NaN operand yields the other, two NaNs the canonical NaN, sNaN raises NV', () => {
    expect(one(A.fmin_d(4, 1, 2), [dbits(0), dbits(-0)]).f4).toBe(dbits(-0));
    expect(one(A.fmax_d(4, 1, 2), [dbits(-0), dbits(0)]).f4).toBe(dbits(0));
    expect(one(A.fmin_d(4, 1, 2), [CANON_D, dbits(3)])).toMatchObject({ f4: dbits(3), flags: 0 });
    expect(one(A.fmax_d(4, 1, 2), [SNAN_D, dbits(3)])).toMatchObject({ f4: dbits(3), flags: NV });
    expect(one(A.fmax_d(4, 1, 2), [SNAN_D, CANON_D])).toMatchObject({ f4: CANON_D, flags: NV });
  });
});

describe('fused multiply-add', () => {
  it('rounds once: (1+2^-52)(1-2^-52) - 1 = -2^-104 exactly', () => {
    const r = one(A.fmadd_d(4, 1, 2, 3, RNE), [dbits(1 + 2 ** -52), dbits(1 - 2 ** -52), dbits(-1)]);
    expect(r).toMatchObject({ f4: dbits(-(2 ** -104)), flags: 0 });
  });
  it('the four sign variants', () => {
    const v = (enc: typeof A.fmadd_d) => fromD(one(enc(4, 1, 2, 3, RNE), [dbits(2), dbits(3), dbits(1)]).f4);
    expect([v(A.fmadd_d), v(A.fmsub_d), v(A.fnmsub_d), v(A.fnmadd_d)]).toEqual([7, 5, -5, -7]);
    expect(fromD(one(A.fmadd_s(4, 1, 2, 3, RNE), [sbits(2), sbits(3), sbits(1)]).f4 & 0xffffffffn) ).not.toBeNaN();
  });
  it('inf * 0 + qNaN raises NV (RISC-V); inf + -inf from the product is NV', () => {
    expect(one(A.fmadd_d(4, 1, 2, 3, RNE), [dbits(Infinity), dbits(0), CANON_D])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fmadd_d(4, 1, 2, 3, RNE), [dbits(Infinity), dbits(1), dbits(-Infinity)])).toMatchObject({ f4: CANON_D, flags: NV });
    expect(one(A.fmadd_d(4, 1, 2, 3, RNE), [dbits(1), dbits(2), CANON_D])).toMatchObject({ f4: CANON_D, flags: 0 });
  });
});

describe('FP loads and stores', () => {
  it('FSW stores the low 32 bits; FLW NaN-boxes; FLD/FSD move 64 bits', () => {
    const { cpu } = hart([A.fsd(1, 2, 0), A.fsw(1, 2, 8), A.flw(5, 2, 8), A.fld(6, 2, 0), A.ebreak()]);
    cpu.setF(1, 0x1122334455667788n);
    cpu.setX(2, 0x10000n);
    expect(cpu.run(10)).toBe(Cause.Breakpoint);
    expect(cpu.getF(5)).toBe(0xffffffff55667788n);
    expect(cpu.getF(6)).toBe(0x1122334455667788n);
  });
});
