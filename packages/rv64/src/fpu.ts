/*
 * The F and D extensions' register operations (loads and stores are in cpu.ts's loop).
 *
 * Single-precision values live NaN-boxed in the 64-bit registers: a single read from a register
 * whose upper 32 bits are not all ones is the canonical NaN, and a single written sets them. The
 * rounding mode comes from the instruction or, for DYN (7), from frm; a reserved mode (5, 6, or a
 * DYN with frm > 4) is an illegal instruction. Arithmetic goes through softfloat.ts (exact, BigInt)
 * except double add/sub/mul in round-to-nearest-even with normal operands and a normal result,
 * where the JS double result is IEEE's and the error term (TwoSum, Dekker's TwoProduct) tells
 * exactly whether NX is raised. Flags accumulate into fflags.
 */
import type { Rv64Cpu } from './cpu.js';
import { Cause } from './memory.js';
import * as SF from './softfloat.js';

const S = SF.F32;
const D = SF.F64;
const f64 = new Float64Array(3);
const i32 = new Int32Array(f64.buffer);

function readS(f: Int32Array, r: number): bigint {
  return f[2 * r + 1] === -1 ? BigInt(f[2 * r]! >>> 0) : SF.CANONICAL_NAN_S;
}
function readD(f: Int32Array, r: number): bigint {
  return (BigInt(f[2 * r + 1]! >>> 0) << 32n) | BigInt(f[2 * r]! >>> 0);
}
function writeS(f: Int32Array, r: number, v: bigint): void {
  f[2 * r] = Number(v & 0xffffffffn) | 0;
  f[2 * r + 1] = -1;
}
function writeD(f: Int32Array, r: number, v: bigint): void {
  f[2 * r] = Number(v & 0xffffffffn) | 0;
  f[2 * r + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
}
function writeX(x: Int32Array, r: number, v: bigint): void {
  if (r === 0) return;
  const u = BigInt.asUintN(64, v);
  x[2 * r] = Number(u & 0xffffffffn) | 0;
  x[2 * r + 1] = Number(u >> 32n) | 0;
}
function readX(x: Int32Array, r: number, signed: boolean): bigint {
  const u = (BigInt(x[2 * r + 1]! >>> 0) << 32n) | BigInt(x[2 * r]! >>> 0);
  return signed ? BigInt.asIntN(64, u) : u;
}

/** Normal, finite and not near the overflow/underflow thresholds (so the error-free transforms are exact). */
const LOW = 2 ** -900;
const HIGH = 2 ** 990;
function safe(v: number): boolean {
  const a = Math.abs(v);
  return a > LOW && a < HIGH;
}

/** Double add/sub/mul in RNE with JS doubles; false when the exact path must decide. */
function fastD(cpu: Rv64Cpu, op: number, rd: number, r1: number, r2: number): boolean {
  const f = cpu.f;
  i32[0] = f[2 * r1]!; i32[1] = f[2 * r1 + 1]!;
  i32[2] = f[2 * r2]!; i32[3] = f[2 * r2 + 1]!;
  const a = f64[0]!;
  let b = f64[1]!;
  if (!safe(a) || !safe(b)) return false;
  if (op === 131) b = -b;
  let r: number;
  let err: number;
  if (op === 132) {
    r = a * b;
    if (!safe(r)) return false;
    // Dekker's TwoProduct with Veltkamp splitting: a*b - r exactly.
    const c = 134217729; // 2^27 + 1
    const ah = a * c - (a * c - a), al = a - ah;
    const bh = b * c - (b * c - b), bl = b - bh;
    err = ((ah * bh - r) + ah * bl + al * bh) + al * bl;
  } else {
    r = a + b;
    if (!safe(r)) return false;
    const bb = r - a;
    err = (a - (r - bb)) + (b - bb);
  }
  f64[2] = r;
  f[2 * rd] = i32[4]!; f[2 * rd + 1] = i32[5]!;
  if (err !== 0) cpu.fflags |= SF.NX;
  return true;
}

/** Execute FP operation `op` (100..159); 0 or IllegalInstruction. */
export function execFp(cpu: Rv64Cpu, op: number, rd: number, r1: number, r2: number, imm: number): number {
  const dbl = op >= 130 && op < 158;
  const base = dbl ? op - 30 : op;
  let rm = imm & 7;
  if (rm === 7) rm = cpu.frm;
  const usesRm = !(base >= 105 && base <= 109) && base !== 114 && !(base >= 115 && base <= 118) && base !== 123;
  if (usesRm && rm > 4) return Cause.IllegalInstruction;
  const f = cpu.f;
  const x = cpu.x;
  if (dbl && rm === SF.RNE && op >= 130 && op <= 132 && fastD(cpu, op, rd, r1, r2)) return 0;
  const F = dbl ? D : S;
  const read = dbl ? readD : readS;
  const write = dbl ? writeD : writeS;
  SF.clearFlags();
  switch (op) {
    case 158: // FCVT_S_D
      writeS(f, rd, SF.convert(readD(f, r1), D, S, rm));
      break;
    case 159: // FCVT_D_S
      writeD(f, rd, SF.convert(readS(f, r1), S, D, rm));
      break;
    default:
      switch (base) {
        case 100: // FADD_S
        case 101: // FSUB_S
          write(f, rd, SF.add(read(f, r1), read(f, r2), F, rm, base === 101));
          break;
        case 102: // FMUL_S
          write(f, rd, SF.mul(read(f, r1), read(f, r2), F, rm));
          break;
        case 103: // FDIV_S
          write(f, rd, SF.div(read(f, r1), read(f, r2), F, rm));
          break;
        case 104: // FSQRT_S
          write(f, rd, SF.sqrt(read(f, r1), F, rm));
          break;
        case 105: // FSGNJ_S
        case 106: // FSGNJN_S
        case 107: { // FSGNJX_S
          const sb = 1n << BigInt(F.width - 1);
          const a = read(f, r1);
          const bs = read(f, r2) & sb;
          const s = base === 105 ? bs : base === 106 ? bs ^ sb : (a & sb) ^ bs;
          write(f, rd, (a & ~sb) | s);
          break;
        }
        case 108: // FMIN_S
        case 109: // FMAX_S
          write(f, rd, SF.minMax(read(f, r1), read(f, r2), F, base === 109));
          break;
        case 110: // FCVT_W_S
        case 111: // FCVT_WU_S
        case 112: // FCVT_L_S
        case 113: { // FCVT_LU_S
          const bits = base <= 111 ? 32 : 64;
          const v = SF.toInt(read(f, r1), F, rm, bits, base === 110 || base === 112);
          // W forms write the 32-bit result sign-extended, WU included.
          writeX(x, rd, bits === 32 ? BigInt.asIntN(32, v) : v);
          break;
        }
        case 114: // FMV_X_W (FMV_X_D for D)
          if (dbl) writeX(x, rd, readD(f, r1));
          else writeX(x, rd, BigInt(f[2 * r1]!));
          break;
        case 115: // FEQ_S
        case 116: // FLT_S
        case 117: { // FLE_S
          const c = SF.compare(read(f, r1), read(f, r2), F, base !== 115);
          const t = base === 115 ? c === 0 : base === 116 ? c === -1 : c === -1 || c === 0;
          writeX(x, rd, t ? 1n : 0n);
          break;
        }
        case 118: // FCLASS_S
          writeX(x, rd, BigInt(SF.classify(read(f, r1), F)));
          break;
        case 119: // FCVT_S_W
        case 120: // FCVT_S_WU
        case 121: // FCVT_S_L
        case 122: { // FCVT_S_LU
          let v = readX(x, r1, true);
          if (base === 119) v = BigInt.asIntN(32, v);
          else if (base === 120) v = BigInt.asUintN(32, v);
          else if (base === 122) v = BigInt.asUintN(64, v);
          write(f, rd, SF.fromInt(v, F, rm));
          break;
        }
        case 123: // FMV_W_X (FMV_D_X for D)
          if (dbl) writeD(f, rd, readX(x, r1, false));
          else writeS(f, rd, BigInt(x[2 * r1]! >>> 0));
          break;
        case 124: // FMADD_S
        case 125: // FMSUB_S
        case 126: // FNMSUB_S
        case 127: { // FNMADD_S
          const r3 = imm >>> 3;
          write(f, rd, SF.fma(read(f, r1), read(f, r2), read(f, r3), F, rm, base >= 126, base === 125 || base === 127));
          break;
        }
        default:
          return Cause.IllegalInstruction;
      }
  }
  cpu.fflags |= SF.flags;
  return 0;
}
