/*
 * The decoded-operation numbers of the RV64GC interpreter.
 *
 * The decoder (decode.ts) turns each instruction, 16- or 32-bit, into one of these numbers plus
 * operand fields; the executor (cpu.ts, fpu.ts) switches on the number. The executor's `case`
 * labels are numeric literals (so V8 compiles the switch to a jump table) with the name beside
 * each; a test reads cpu.ts and fpu.ts and checks every label against this table.
 *
 * Packed form of a decoded instruction (one Int32 `w` plus one Int32 `imm`):
 *   w bits 0..7   operation number (0 = not decoded yet)
 *   w bits 8..14  rd   (integer registers as 2*index, the sink 64 for x0; FP registers as index)
 *   w bits 15..21 rs1  (same encoding; the 5-bit immediate of the CSR*I forms, raw)
 *   w bits 22..28 rs2  (same encoding)
 *   w bit  29     the instruction is 2 bytes long (compressed)
 *   imm           the sign-extended immediate; the CSR number for CSR ops; for FP ops
 *                 rm | rs3 << 3; the instruction bits for ILLEGAL
 */

export const Op = {
  LUI: 1, AUIPC: 2, JAL: 3, JALR: 4,
  BEQ: 5, BNE: 6, BLT: 7, BGE: 8, BLTU: 9, BGEU: 10,
  LB: 11, LH: 12, LW: 13, LD: 14, LBU: 15, LHU: 16, LWU: 17,
  SB: 18, SH: 19, SW: 20, SD: 21,
  ADDI: 22, SLTI: 23, SLTIU: 24, XORI: 25, ORI: 26, ANDI: 27, SLLI: 28, SRLI: 29, SRAI: 30,
  ADD: 31, SUB: 32, SLL: 33, SLT: 34, SLTU: 35, XOR: 36, SRL: 37, SRA: 38, OR: 39, AND: 40,
  ADDIW: 41, SLLIW: 42, SRLIW: 43, SRAIW: 44, ADDW: 45, SUBW: 46, SLLW: 47, SRLW: 48, SRAW: 49,
  FENCE: 50, FENCE_I: 51, ECALL: 52, EBREAK: 53,
  MUL: 54, MULH: 55, MULHSU: 56, MULHU: 57, DIV: 58, DIVU: 59, REM: 60, REMU: 61,
  MULW: 62, DIVW: 63, DIVUW: 64, REMW: 65, REMUW: 66,
  LR_W: 67, SC_W: 68, AMOSWAP_W: 69, AMOADD_W: 70, AMOXOR_W: 71, AMOAND_W: 72, AMOOR_W: 73,
  AMOMIN_W: 74, AMOMAX_W: 75, AMOMINU_W: 76, AMOMAXU_W: 77,
  LR_D: 78, SC_D: 79, AMOSWAP_D: 80, AMOADD_D: 81, AMOXOR_D: 82, AMOAND_D: 83, AMOOR_D: 84,
  AMOMIN_D: 85, AMOMAX_D: 86, AMOMINU_D: 87, AMOMAXU_D: 88,
  CSRRW: 89, CSRRS: 90, CSRRC: 91, CSRRWI: 92, CSRRSI: 93, CSRRCI: 94,
  FLW: 95, FLD: 96, FSW: 97, FSD: 98,
  // Single precision; the double-precision form of each is the same number + 30.
  FADD_S: 100, FSUB_S: 101, FMUL_S: 102, FDIV_S: 103, FSQRT_S: 104,
  FSGNJ_S: 105, FSGNJN_S: 106, FSGNJX_S: 107, FMIN_S: 108, FMAX_S: 109,
  FCVT_W_S: 110, FCVT_WU_S: 111, FCVT_L_S: 112, FCVT_LU_S: 113, FMV_X_W: 114,
  FEQ_S: 115, FLT_S: 116, FLE_S: 117, FCLASS_S: 118,
  FCVT_S_W: 119, FCVT_S_WU: 120, FCVT_S_L: 121, FCVT_S_LU: 122, FMV_W_X: 123,
  FMADD_S: 124, FMSUB_S: 125, FNMSUB_S: 126, FNMADD_S: 127,
  FADD_D: 130, FSUB_D: 131, FMUL_D: 132, FDIV_D: 133, FSQRT_D: 134,
  FSGNJ_D: 135, FSGNJN_D: 136, FSGNJX_D: 137, FMIN_D: 138, FMAX_D: 139,
  FCVT_W_D: 140, FCVT_WU_D: 141, FCVT_L_D: 142, FCVT_LU_D: 143, FMV_X_D: 144,
  FEQ_D: 145, FLT_D: 146, FLE_D: 147, FCLASS_D: 148,
  FCVT_D_W: 149, FCVT_D_WU: 150, FCVT_D_L: 151, FCVT_D_LU: 152, FMV_D_X: 153,
  FMADD_D: 154, FMSUB_D: 155, FNMSUB_D: 156, FNMADD_D: 157,
  FCVT_S_D: 158, FCVT_D_S: 159,
  ILLEGAL: 255,
} as const;

export type OpName = keyof typeof Op;

/** The name of each operation number, for disassembly and the executor's label check. */
export const OP_NAMES: ReadonlyMap<number, OpName> = new Map(
  (Object.entries(Op) as [OpName, number][]).map(([n, v]) => [v, n]),
);

/** The integer register index as the packed fields hold it: 2*r, and the sink 64 for x0 as a destination. */
export function xd(r: number): number {
  return r === 0 ? 64 : 2 * r;
}
export function xs(r: number): number {
  return 2 * r;
}

export function pack(op: number, rd: number, rs1: number, rs2: number, compressed: boolean): number {
  return op | (rd << 8) | (rs1 << 15) | (rs2 << 22) | (compressed ? 1 << 29 : 0);
}
