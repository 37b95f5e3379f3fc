/*
 * Decoding: a 32-bit or 16-bit RISC-V instruction to the packed form of ops.ts.
 *
 * Compressed instructions are expanded here to the operation of the 32-bit instruction they
 * stand for (C.ADDI4SPN to ADDI, C.J to JAL x0, ...), so the executor knows only the base
 * operations plus the "2 bytes long" bit. Reserved encodings, HINTs aside, decode to ILLEGAL with
 * the instruction bits as the immediate (what stval would hold). RV64GC user level: RV64I, M, A,
 * F, D, C, Zicsr, Zifencei; everything else is ILLEGAL.
 *
 * `decode` writes the packed word to out[0] and the immediate to out[1], and allocates nothing.
 */
import { Op, pack, xd, xs } from './ops.js';

/** Decode the instruction whose low 16 bits are `lo16` (and, for a 32-bit one, all of `insn`). */
export function decode(insn: number, out: Int32Array): void {
  if ((insn & 3) !== 3) decode16(insn & 0xffff, out);
  else decode32(insn | 0, out);
}

function set(out: Int32Array, w: number, imm: number): void {
  out[0] = w;
  out[1] = imm;
}

function illegal(out: Int32Array, insn: number, compressed: boolean): void {
  set(out, pack(Op.ILLEGAL, 0, 0, 0, compressed), insn);
}

const BRANCH = [Op.BEQ, Op.BNE, 0, 0, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const LOAD = [Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, 0];
const STORE = [Op.SB, Op.SH, Op.SW, Op.SD, 0, 0, 0, 0];
const OPIMM = [Op.ADDI, 0, Op.SLTI, Op.SLTIU, Op.XORI, 0, Op.ORI, Op.ANDI];
const OP0 = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const OPM = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];
const OPM32 = [Op.MULW, 0, 0, 0, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW];
const CSR = [0, Op.CSRRW, Op.CSRRS, Op.CSRRC, 0, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI];
/** AMO funct5 to the .W operation (the .D one is + 11). */
const AMO: Record<number, number> = {
  0x02: Op.LR_W, 0x03: Op.SC_W, 0x01: Op.AMOSWAP_W, 0x00: Op.AMOADD_W, 0x04: Op.AMOXOR_W,
  0x0c: Op.AMOAND_W, 0x08: Op.AMOOR_W, 0x10: Op.AMOMIN_W, 0x14: Op.AMOMAX_W, 0x18: Op.AMOMINU_W,
  0x1c: Op.AMOMAXU_W,
};

function decode32(i: number, out: Int32Array): void {
  const opcode = i & 0x7f;
  const rd = (i >> 7) & 31;
  const f3 = (i >> 12) & 7;
  const rs1 = (i >> 15) & 31;
  const rs2 = (i >> 20) & 31;
  const f7 = i >>> 25;
  const immI = i >> 20;
  let op = 0;
  switch (opcode) {
    case 0x37:
      return set(out, pack(Op.LUI, xd(rd), 0, 0, false), i & ~0xfff);
    case 0x17:
      return set(out, pack(Op.AUIPC, xd(rd), 0, 0, false), i & ~0xfff);
    case 0x6f: {
      const imm = ((i >> 31) << 20) | (((i >> 12) & 255) << 12) | (((i >> 20) & 1) << 11) | (((i >> 21) & 1023) << 1);
      return set(out, pack(Op.JAL, xd(rd), 0, 0, false), imm);
    }
    case 0x67:
      if (f3 !== 0) break;
      return set(out, pack(Op.JALR, xd(rd), xs(rs1), 0, false), immI);
    case 0x63: {
      op = BRANCH[f3]!;
      if (op === 0) break;
      const imm = ((i >> 31) << 12) | (((i >> 7) & 1) << 11) | (((i >> 25) & 63) << 5) | (((i >> 8) & 15) << 1);
      return set(out, pack(op, 0, xs(rs1), xs(rs2), false), imm);
    }
    case 0x03:
      op = LOAD[f3]!;
      if (op === 0) break;
      return set(out, pack(op, xd(rd), xs(rs1), 0, false), immI);
    case 0x23:
      op = STORE[f3]!;
      if (op === 0) break;
      return set(out, pack(op, 0, xs(rs1), xs(rs2), false), ((i >> 25) << 5) | ((i >> 7) & 31));
    case 0x13:
      if (f3 === 1) {
        if (i >>> 26 !== 0) break;
        return set(out, pack(Op.SLLI, xd(rd), xs(rs1), 0, false), (i >> 20) & 63);
      }
      if (f3 === 5) {
        const hi = i >>> 26;
        if (hi !== 0 && hi !== 0x10) break;
        return set(out, pack(hi === 0 ? Op.SRLI : Op.SRAI, xd(rd), xs(rs1), 0, false), (i >> 20) & 63);
      }
      return set(out, pack(OPIMM[f3]!, xd(rd), xs(rs1), 0, false), immI);
    case 0x1b:
      if (f3 === 0) return set(out, pack(Op.ADDIW, xd(rd), xs(rs1), 0, false), immI);
      if (f3 === 1 && f7 === 0) return set(out, pack(Op.SLLIW, xd(rd), xs(rs1), 0, false), rs2);
      if (f3 === 5 && (f7 === 0 || f7 === 0x20)) return set(out, pack(f7 === 0 ? Op.SRLIW : Op.SRAIW, xd(rd), xs(rs1), 0, false), rs2);
      break;
    case 0x33:
      if (f7 === 0) op = OP0[f3]!;
      else if (f7 === 1) op = OPM[f3]!;
      else if (f7 === 0x20) op = f3 === 0 ? Op.SUB : f3 === 5 ? Op.SRA : 0;
      if (op === 0) break;
      return set(out, pack(op, xd(rd), xs(rs1), xs(rs2), false), 0);
    case 0x3b:
      if (f7 === 0) op = f3 === 0 ? Op.ADDW : f3 === 1 ? Op.SLLW : f3 === 5 ? Op.SRLW : 0;
      else if (f7 === 1) op = OPM32[f3]!;
      else if (f7 === 0x20) op = f3 === 0 ? Op.SUBW : f3 === 5 ? Op.SRAW : 0;
      if (op === 0) break;
      return set(out, pack(op, xd(rd), xs(rs1), xs(rs2), false), 0);
    case 0x0f:
      // FENCE (any pred/succ/fm, incl. FENCE.TSO and PAUSE) and FENCE.I; the reserved fields are ignored as the manual allows.
      if (f3 === 0) return set(out, pack(Op.FENCE, 0, 0, 0, false), 0);
      if (f3 === 1) return set(out, pack(Op.FENCE_I, 0, 0, 0, false), 0);
      break;
    case 0x73:
      if (f3 === 0) {
        if (i === 0x00000073) return set(out, pack(Op.ECALL, 0, 0, 0, false), 0);
        if (i === 0x00100073) return set(out, pack(Op.EBREAK, 0, 0, 0, false), 0);
        break;
      }
      op = CSR[f3]!;
      if (op === 0) break;
      // CSR*I: the rs1 field is a 5-bit immediate, kept raw.
      return set(out, pack(op, xd(rd), f3 >= 5 ? rs1 : xs(rs1), 0, false), i >>> 20);
    case 0x2f: {
      if (f3 !== 2 && f3 !== 3) break;
      const base = AMO[i >>> 27];
      if (base === undefined) break;
      if ((base === Op.LR_W) && rs2 !== 0) break;
      return set(out, pack(f3 === 2 ? base : base + 11, xd(rd), xs(rs1), xs(rs2), false), 0);
    }
    case 0x07:
      if (f3 === 2 || f3 === 3) return set(out, pack(f3 === 2 ? Op.FLW : Op.FLD, rd, xs(rs1), 0, false), immI);
      break;
    case 0x27:
      if (f3 === 2 || f3 === 3)
        return set(out, pack(f3 === 2 ? Op.FSW : Op.FSD, 0, xs(rs1), rs2, false), ((i >> 25) << 5) | ((i >> 7) & 31));
      break;
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: {
      const fmt = (i >> 25) & 3;
      if (fmt > 1 || f3 === 5 || f3 === 6) break;
      op = Op.FMADD_S + ((opcode - 0x43) >> 2) + fmt * 30;
      return set(out, pack(op, rd, rs1, rs2, false), f3 | ((i >>> 27) << 3));
    }
    case 0x53:
      return decodeOpFp(i, rd, f3, rs1, rs2, f7, out);
  }
  illegal(out, i, false);
}

function decodeOpFp(i: number, rd: number, f3: number, rs1: number, rs2: number, f7: number, out: Int32Array): void {
  const fmt = f7 & 3;
  const d = fmt * 30;
  const rmOk = f3 !== 5 && f3 !== 6;
  let op = 0;
  if (fmt <= 1) {
    switch (f7 >> 2) {
      case 0x00: op = rmOk ? Op.FADD_S + d : 0; break;
      case 0x01: op = rmOk ? Op.FSUB_S + d : 0; break;
      case 0x02: op = rmOk ? Op.FMUL_S + d : 0; break;
      case 0x03: op = rmOk ? Op.FDIV_S + d : 0; break;
      case 0x0b: op = rmOk && rs2 === 0 ? Op.FSQRT_S + d : 0; break;
      case 0x04: op = f3 <= 2 ? Op.FSGNJ_S + f3 + d : 0; break;
      case 0x05: op = f3 <= 1 ? Op.FMIN_S + f3 + d : 0; break;
      case 0x08:
        // FCVT.S.D (fmt S, rs2 = 1) and FCVT.D.S (fmt D, rs2 = 0)
        if (rmOk && fmt === 0 && rs2 === 1) op = Op.FCVT_S_D;
        else if (rmOk && fmt === 1 && rs2 === 0) op = Op.FCVT_D_S;
        break;
      case 0x18: op = rmOk && rs2 <= 3 ? Op.FCVT_W_S + rs2 + d : 0; break;
      case 0x1a: op = rmOk && rs2 <= 3 ? Op.FCVT_S_W + rs2 + d : 0; break;
      case 0x1c:
        if (rs2 === 0 && f3 === 0) op = Op.FMV_X_W + d;
        else if (rs2 === 0 && f3 === 1) op = Op.FCLASS_S + d;
        break;
      case 0x14: op = f3 === 2 ? Op.FEQ_S + d : f3 === 1 ? Op.FLT_S + d : f3 === 0 ? Op.FLE_S + d : 0; break;
      case 0x1e: op = rs2 === 0 && f3 === 0 ? Op.FMV_W_X + d : 0; break;
    }
  }
  if (op === 0) return illegal(out, i, false);
  set(out, pack(op, rd, rs1, rs2, false), f3);
}

/** Sign-extend the low `bits` bits of v. */
function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

function decode16(i: number, out: Int32Array): void {
  const f3 = (i >> 13) & 7;
  const rdp = 8 + ((i >> 2) & 7); // rd' / rs2'
  const rs1p = 8 + ((i >> 7) & 7); // rs1' / rd'
  const rd = (i >> 7) & 31;
  const rs2 = (i >> 2) & 31;
  const imm6 = sext(((i >> 7) & 0x20) | ((i >> 2) & 31), 6);
  const ldOff = ((i >> 7) & 0x38) | ((i << 1) & 0xc0); // C.LD / C.SD / C.FLD / C.FSD
  const lwOff = ((i >> 7) & 0x38) | ((i >> 4) & 4) | ((i << 1) & 0x40); // C.LW / C.SW
  switch (i & 3) {
    case 0:
      switch (f3) {
        case 0: {
          const imm = ((i >> 7) & 0x30) | ((i >> 1) & 0x3c0) | ((i >> 4) & 4) | ((i >> 2) & 8);
          if (imm === 0) break; // includes the all-zero instruction, defined illegal
          return set(out, pack(Op.ADDI, xd(rdp), xs(2), 0, true), imm);
        }
        case 1: return set(out, pack(Op.FLD, rdp, xs(rs1p), 0, true), ldOff);
        case 2: return set(out, pack(Op.LW, xd(rdp), xs(rs1p), 0, true), lwOff);
        case 3: return set(out, pack(Op.LD, xd(rdp), xs(rs1p), 0, true), ldOff);
        case 5: return set(out, pack(Op.FSD, 0, xs(rs1p), rdp, true), ldOff);
        case 6: return set(out, pack(Op.SW, 0, xs(rs1p), xs(rdp), true), lwOff);
        case 7: return set(out, pack(Op.SD, 0, xs(rs1p), xs(rdp), true), ldOff);
      }
      break;
    case 1:
      switch (f3) {
        case 0: return set(out, pack(Op.ADDI, xd(rd), xs(rd), 0, true), imm6); // C.ADDI, C.NOP
        case 1:
          if (rd === 0) break;
          return set(out, pack(Op.ADDIW, xd(rd), xs(rd), 0, true), imm6);
        case 2: return set(out, pack(Op.ADDI, xd(rd), 0, 0, true), imm6); // C.LI
        case 3:
          if (rd === 2) {
            const imm = sext(((i >> 3) & 0x200) | ((i >> 2) & 0x10) | ((i << 1) & 0x40) | ((i << 4) & 0x180) | ((i << 3) & 0x20), 10);
            if (imm === 0) break;
            return set(out, pack(Op.ADDI, xd(2), xs(2), 0, true), imm);
          } else {
            const imm = sext(((i << 5) & 0x20000) | ((i << 10) & 0x1f000), 18);
            if (imm === 0) break;
            return set(out, pack(Op.LUI, xd(rd), 0, 0, true), imm);
          }
        case 4: {
          const f2 = (i >> 10) & 3;
          const shamt = ((i >> 7) & 0x20) | ((i >> 2) & 31);
          if (f2 === 0) return set(out, pack(Op.SRLI, xd(rs1p), xs(rs1p), 0, true), shamt);
          if (f2 === 1) return set(out, pack(Op.SRAI, xd(rs1p), xs(rs1p), 0, true), shamt);
          if (f2 === 2) return set(out, pack(Op.ANDI, xd(rs1p), xs(rs1p), 0, true), imm6);
          const sel = ((i >> 10) & 4) | ((i >> 5) & 3);
          const op = [Op.SUB, Op.XOR, Op.OR, Op.AND, Op.SUBW, Op.ADDW, 0, 0][sel]!;
          if (op === 0) break;
          return set(out, pack(op, xd(rs1p), xs(rs1p), xs(rdp), true), 0);
        }
        case 5: {
          const off = sext(((i >> 1) & 0x800) | ((i >> 7) & 0x10) | ((i >> 1) & 0x300) | ((i << 2) & 0x400) |
            ((i >> 1) & 0x40) | ((i << 1) & 0x80) | ((i >> 2) & 0xe) | ((i << 3) & 0x20), 12);
          return set(out, pack(Op.JAL, xd(0), 0, 0, true), off);
        }
        case 6:
        case 7: {
          const off = sext(((i >> 4) & 0x100) | ((i >> 7) & 0x18) | ((i << 1) & 0xc0) | ((i >> 2) & 6) | ((i << 3) & 0x20), 9);
          return set(out, pack(f3 === 6 ? Op.BEQ : Op.BNE, 0, xs(rs1p), xs(0), true), off);
        }
      }
      break;
    case 2:
      switch (f3) {
        case 0: return set(out, pack(Op.SLLI, xd(rd), xs(rd), 0, true), ((i >> 7) & 0x20) | ((i >> 2) & 31));
        case 1:
          return set(out, pack(Op.FLD, rd, xs(2), 0, true), ((i >> 7) & 0x20) | ((i >> 2) & 0x18) | ((i << 4) & 0x1c0));
        case 2:
          if (rd === 0) break;
          return set(out, pack(Op.LW, xd(rd), xs(2), 0, true), ((i >> 7) & 0x20) | ((i >> 2) & 0x1c) | ((i << 4) & 0xc0));
        case 3:
          if (rd === 0) break;
          return set(out, pack(Op.LD, xd(rd), xs(2), 0, true), ((i >> 7) & 0x20) | ((i >> 2) & 0x18) | ((i << 4) & 0x1c0));
        case 4:
          if ((i & 0x1000) === 0) {
            if (rs2 === 0) {
              if (rd === 0) break;
              return set(out, pack(Op.JALR, xd(0), xs(rd), 0, true), 0); // C.JR
            }
            return set(out, pack(Op.ADD, xd(rd), xs(0), xs(rs2), true), 0); // C.MV
          }
          if (rs2 === 0) {
            if (rd === 0) return set(out, pack(Op.EBREAK, 0, 0, 0, true), 0);
            return set(out, pack(Op.JALR, xd(1), xs(rd), 0, true), 0); // C.JALR
          }
          return set(out, pack(Op.ADD, xd(rd), xs(rd), xs(rs2), true), 0); // C.ADD
        case 5: return set(out, pack(Op.FSD, 0, xs(2), rs2, true), ((i >> 7) & 0x38) | ((i >> 1) & 0x1c0));
        case 6: return set(out, pack(Op.SW, 0, xs(2), xs(rs2), true), ((i >> 7) & 0x3c) | ((i >> 1) & 0xc0));
        case 7: return set(out, pack(Op.SD, 0, xs(2), xs(rs2), true), ((i >> 7) & 0x38) | ((i >> 1) & 0x1c0));
      }
      break;
  }
  illegal(out, i, true);
}
