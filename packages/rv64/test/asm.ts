/*
 * A tiny RISC-V assembler for the tests: one function per instruction, returning its encoding
 * (a 32-bit number, or a 16-bit one for the C forms). Written from the ISA manual's encoding
 * tables independently of src/decode.ts, so the tests check the decoder against a second reading.
 */
import { FlatMemory, Rv64Cpu, type Rv64Options } from '../src/index.js';

const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const i = (imm: number, rs1: number, f3: number, rd: number, opc: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const s = (imm: number, rs2: number, rs1: number, f3: number, opc: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc) >>> 0;
const b = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 63) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;

type R3 = (rd: number, rs1: number, rs2: number) => number;
type RI = (rd: number, rs1: number, imm: number) => number;
const R = (f7: number, f3: number, opc: number): R3 => (rd, rs1, rs2) => r(f7, rs2, rs1, f3, rd, opc);
const I = (f3: number, opc: number): RI => (rd, rs1, imm) => i(imm, rs1, f3, rd, opc);
const SH = (top: number, f3: number, opc: number): RI => (rd, rs1, sh) => i((top << 6) | sh, rs1, f3, rd, opc);
const ST = (f3: number, opc = 0x23) => (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, f3, opc);
const BR = (f3: number) => (rs1: number, rs2: number, off: number) => b(off, rs2, rs1, f3);
const AMO = (f5: number, f3: number) => (rd: number, rs1: number, rs2 = 0) => r(f5 << 2, rs2, rs1, f3, rd, 0x2f);
/** FP op: f7 = funct5 << 2 | fmt. */
const FP = (f7: number) => (rd: number, rs1: number, rs2: number, rm = 7) => r(f7, rs2, rs1, rm, rd, 0x53);
const FP1 = (f7: number, rs2: number) => (rd: number, rs1: number, rm = 7) => r(f7, rs2, rs1, rm, rd, 0x53);
const R4 = (opc: number, fmt: number) => (rd: number, rs1: number, rs2: number, rs3: number, rm = 7) =>
  ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opc) >>> 0;

export const A = {
  lui: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0,
  auipc: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0,
  jal: (rd: number, off: number) =>
    ((((off >> 20) & 1) << 31) | (((off >> 1) & 1023) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 255) << 12) | (rd << 7) | 0x6f) >>> 0,
  jalr: I(0, 0x67),
  beq: BR(0), bne: BR(1), blt: BR(4), bge: BR(5), bltu: BR(6), bgeu: BR(7),
  lb: I(0, 3), lh: I(1, 3), lw: I(2, 3), ld: I(3, 3), lbu: I(4, 3), lhu: I(5, 3), lwu: I(6, 3),
  sb: ST(0), sh: ST(1), sw: ST(2), sd: ST(3),
  addi: I(0, 0x13), slti: I(2, 0x13), sltiu: I(3, 0x13), xori: I(4, 0x13), ori: I(6, 0x13), andi: I(7, 0x13),
  slli: SH(0, 1, 0x13), srli: SH(0, 5, 0x13), srai: SH(0x10, 5, 0x13),
  add: R(0, 0, 0x33), sub: R(0x20, 0, 0x33), sll: R(0, 1, 0x33), slt: R(0, 2, 0x33), sltu: R(0, 3, 0x33),
  xor: R(0, 4, 0x33), srl: R(0, 5, 0x33), sra: R(0x20, 5, 0x33), or: R(0, 6, 0x33), and: R(0, 7, 0x33),
  addiw: I(0, 0x1b), slliw: SH(0, 1, 0x1b), srliw: SH(0, 5, 0x1b), sraiw: SH(0x10, 5, 0x1b),
  addw: R(0, 0, 0x3b), subw: R(0x20, 0, 0x3b), sllw: R(0, 1, 0x3b), srlw: R(0, 5, 0x3b), sraw: R(0x20, 5, 0x3b),
  mul: R(1, 0, 0x33), mulh: R(1, 1, 0x33), mulhsu: R(1, 2, 0x33), mulhu: R(1, 3, 0x33),
  div: R(1, 4, 0x33), divu: R(1, 5, 0x33), rem: R(1, 6, 0x33), remu: R(1, 7, 0x33),
  mulw: R(1, 0, 0x3b), divw: R(1, 4, 0x3b), divuw: R(1, 5, 0x3b), remw: R(1, 6, 0x3b), remuw: R(1, 7, 0x3b),
  fence: () => 0x0ff0000f, fence_i: () => 0x0000100f,
  ecall: () => 0x00000073, ebreak: () => 0x00100073,
  lr_w: AMO(2, 2), sc_w: AMO(3, 2), amoswap_w: AMO(1, 2), amoadd_w: AMO(0, 2), amoxor_w: AMO(4, 2),
  amoand_w: AMO(0xc, 2), amoor_w: AMO(8, 2), amomin_w: AMO(0x10, 2), amomax_w: AMO(0x14, 2),
  amominu_w: AMO(0x18, 2), amomaxu_w: AMO(0x1c, 2),
  lr_d: AMO(2, 3), sc_d: AMO(3, 3), amoswap_d: AMO(1, 3), amoadd_d: AMO(0, 3), amoxor_d: AMO(4, 3),
  amoand_d: AMO(0xc, 3), amoor_d: AMO(8, 3), amomin_d: AMO(0x10, 3), amomax_d: AMO(0x14, 3),
  amominu_d: AMO(0x18, 3), amomaxu_d: AMO(0x1c, 3),
  csrrw: (rd: number, csr: number, rs1: number) => i(csr, rs1, 1, rd, 0x73),
  csrrs: (rd: number, csr: number, rs1: number) => i(csr, rs1, 2, rd, 0x73),
  csrrc: (rd: number, csr: number, rs1: number) => i(csr, rs1, 3, rd, 0x73),
  csrrwi: (rd: number, csr: number, u: number) => i(csr, u, 5, rd, 0x73),
  csrrsi: (rd: number, csr: number, u: number) => i(csr, u, 6, rd, 0x73),
  csrrci: (rd: number, csr: number, u: number) => i(csr, u, 7, rd, 0x73),
  flw: I(2, 0x07), fld: I(3, 0x07), fsw: ST(2, 0x27), fsd: ST(3, 0x27),
  fadd_s: FP(0x00), fsub_s: FP(0x04), fmul_s: FP(0x08), fdiv_s: FP(0x0c), fsqrt_s: FP1(0x2c, 0),
  fadd_d: FP(0x01), fsub_d: FP(0x05), fmul_d: FP(0x09), fdiv_d: FP(0x0d), fsqrt_d: FP1(0x2d, 0),
  fsgnj_s: (rd: number, a: number, c: number) => r(0x10, c, a, 0, rd, 0x53),
  fsgnjn_s: (rd: number, a: number, c: number) => r(0x10, c, a, 1, rd, 0x53),
  fsgnjx_s: (rd: number, a: number, c: number) => r(0x10, c, a, 2, rd, 0x53),
  fsgnj_d: (rd: number, a: number, c: number) => r(0x11, c, a, 0, rd, 0x53),
  fsgnjn_d: (rd: number, a: number, c: number) => r(0x11, c, a, 1, rd, 0x53),
  fsgnjx_d: (rd: number, a: number, c: number) => r(0x11, c, a, 2, rd, 0x53),
  fmin_s: (rd: number, a: number, c: number) => r(0x14, c, a, 0, rd, 0x53),
  fmax_s: (rd: number, a: number, c: number) => r(0x14, c, a, 1, rd, 0x53),
  fmin_d: (rd: number, a: number, c: number) => r(0x15, c, a, 0, rd, 0x53),
  fmax_d: (rd: number, a: number, c: number) => r(0x15, c, a, 1, rd, 0x53),
  fcvt_s_d: FP1(0x20, 1), fcvt_d_s: FP1(0x21, 0),
  feq_s: (rd: number, a: number, c: number) => r(0x50, c, a, 2, rd, 0x53),
  flt_s: (rd: number, a: number, c: number) => r(0x50, c, a, 1, rd, 0x53),
  fle_s: (rd: number, a: number, c: number) => r(0x50, c, a, 0, rd, 0x53),
  feq_d: (rd: number, a: number, c: number) => r(0x51, c, a, 2, rd, 0x53),
  flt_d: (rd: number, a: number, c: number) => r(0x51, c, a, 1, rd, 0x53),
  fle_d: (rd: number, a: number, c: number) => r(0x51, c, a, 0, rd, 0x53),
  fclass_s: (rd: number, a: number) => r(0x70, 0, a, 1, rd, 0x53),
  fclass_d: (rd: number, a: number) => r(0x71, 0, a, 1, rd, 0x53),
  fmv_x_w: (rd: number, a: number) => r(0x70, 0, a, 0, rd, 0x53),
  fmv_x_d: (rd: number, a: number) => r(0x71, 0, a, 0, rd, 0x53),
  fmv_w_x: (rd: number, a: number) => r(0x78, 0, a, 0, rd, 0x53),
  fmv_d_x: (rd: number, a: number) => r(0x79, 0, a, 0, rd, 0x53),
  fcvt_w_s: FP1(0x60, 0), fcvt_wu_s: FP1(0x60, 1), fcvt_l_s: FP1(0x60, 2), fcvt_lu_s: FP1(0x60, 3),
  fcvt_w_d: FP1(0x61, 0), fcvt_wu_d: FP1(0x61, 1), fcvt_l_d: FP1(0x61, 2), fcvt_lu_d: FP1(0x61, 3),
  fcvt_s_w: FP1(0x68, 0), fcvt_s_wu: FP1(0x68, 1), fcvt_s_l: FP1(0x68, 2), fcvt_s_lu: FP1(0x68, 3),
  fcvt_d_w: FP1(0x69, 0), fcvt_d_wu: FP1(0x69, 1), fcvt_d_l: FP1(0x69, 2), fcvt_d_lu: FP1(0x69, 3),
  fmadd_s: R4(0x43, 0), fmsub_s: R4(0x47, 0), fnmsub_s: R4(0x4b, 0), fnmadd_s: R4(0x4f, 0),
  fmadd_d: R4(0x43, 1), fmsub_d: R4(0x47, 1), fnmsub_d: R4(0x4b, 1), fnmadd_d: R4(0x4f, 1),
};

/**
 * Place the bits of `imm` named by `layout` (the manual's notation, e.g. "5:4|9:6|2|3") into an
 * instruction from bit `top` downwards.
 */
function place(imm: number, layout: string, top: number): number {
  let v = 0;
  let pos = top;
  for (const tok of layout.split('|')) {
    const [hi, lo] = tok.includes(':') ? tok.split(':').map(Number) : [Number(tok), Number(tok)];
    for (let bit = hi!; bit >= lo!; bit--) v |= ((imm >> bit) & 1) << pos--;
  }
  return v;
}
const p3 = (reg: number) => {
  if (reg < 8 || reg > 15) throw new Error(`x${reg} is not a compressed register`);
  return reg - 8;
};
const CI = (f3: number, rd: number, imm: number, layout: string, q: number) =>
  (f3 << 13) | place(imm, layout.split('/')[0]!, 12) | (rd << 7) | place(imm, layout.split('/')[1]!, 6) | q;

export const C = {
  addi4spn: (rd: number, imm: number) => (0 << 13) | place(imm, '5:4|9:6|2|3', 12) | (p3(rd) << 2) | 0,
  fld: (rd: number, rs1: number, imm: number) => (1 << 13) | place(imm, '5:3', 12) | (p3(rs1) << 7) | place(imm, '7:6', 6) | (p3(rd) << 2),
  lw: (rd: number, rs1: number, imm: number) => (2 << 13) | place(imm, '5:3', 12) | (p3(rs1) << 7) | place(imm, '2|6', 6) | (p3(rd) << 2),
  ld: (rd: number, rs1: number, imm: number) => (3 << 13) | place(imm, '5:3', 12) | (p3(rs1) << 7) | place(imm, '7:6', 6) | (p3(rd) << 2),
  fsd: (rs2: number, rs1: number, imm: number) => (5 << 13) | place(imm, '5:3', 12) | (p3(rs1) << 7) | place(imm, '7:6', 6) | (p3(rs2) << 2),
  sw: (rs2: number, rs1: number, imm: number) => (6 << 13) | place(imm, '5:3', 12) | (p3(rs1) << 7) | place(imm, '2|6', 6) | (p3(rs2) << 2),
  sd: (rs2: number, rs1: number, imm: number) => (7 << 13) | place(imm, '5:3', 12) | (p3(rs1) << 7) | place(imm, '7:6', 6) | (p3(rs2) << 2),
  addi: (rd: number, imm: number) => CI(0, rd, imm, '5/4:0', 1),
  addiw: (rd: number, imm: number) => CI(1, rd, imm, '5/4:0', 1),
  li: (rd: number, imm: number) => CI(2, rd, imm, '5/4:0', 1),
  addi16sp: (imm: number) => CI(3, 2, imm, '9/4|6|8:7|5', 1),
  lui: (rd: number, imm: number) => CI(3, rd, imm, '17/16:12', 1),
  srli: (rd: number, sh: number) => (4 << 13) | place(sh, '5', 12) | (0 << 10) | (p3(rd) << 7) | place(sh, '4:0', 6) | 1,
  srai: (rd: number, sh: number) => (4 << 13) | place(sh, '5', 12) | (1 << 10) | (p3(rd) << 7) | place(sh, '4:0', 6) | 1,
  andi: (rd: number, imm: number) => (4 << 13) | place(imm, '5', 12) | (2 << 10) | (p3(rd) << 7) | place(imm, '4:0', 6) | 1,
  sub: (rd: number, rs2: number) => (4 << 13) | (3 << 10) | (p3(rd) << 7) | (0 << 5) | (p3(rs2) << 2) | 1,
  xor: (rd: number, rs2: number) => (4 << 13) | (3 << 10) | (p3(rd) << 7) | (1 << 5) | (p3(rs2) << 2) | 1,
  or: (rd: number, rs2: number) => (4 << 13) | (3 << 10) | (p3(rd) << 7) | (2 << 5) | (p3(rs2) << 2) | 1,
  and: (rd: number, rs2: number) => (4 << 13) | (3 << 10) | (p3(rd) << 7) | (3 << 5) | (p3(rs2) << 2) | 1,
  subw: (rd: number, rs2: number) => (4 << 13) | (1 << 12) | (3 << 10) | (p3(rd) << 7) | (0 << 5) | (p3(rs2) << 2) | 1,
  addw: (rd: number, rs2: number) => (4 << 13) | (1 << 12) | (3 << 10) | (p3(rd) << 7) | (1 << 5) | (p3(rs2) << 2) | 1,
  j: (off: number) => (5 << 13) | place(off, '11|4|9:8|10|6|7|3:1|5', 12) | 1,
  beqz: (rs1: number, off: number) => (6 << 13) | place(off, '8|4:3', 12) | (p3(rs1) << 7) | place(off, '7:6|2:1|5', 6) | 1,
  bnez: (rs1: number, off: number) => (7 << 13) | place(off, '8|4:3', 12) | (p3(rs1) << 7) | place(off, '7:6|2:1|5', 6) | 1,
  slli: (rd: number, sh: number) => CI(0, rd, sh, '5/4:0', 2),
  fldsp: (rd: number, imm: number) => CI(1, rd, imm, '5/4:3|8:6', 2),
  lwsp: (rd: number, imm: number) => CI(2, rd, imm, '5/4:2|7:6', 2),
  ldsp: (rd: number, imm: number) => CI(3, rd, imm, '5/4:3|8:6', 2),
  jr: (rs1: number) => (4 << 13) | (rs1 << 7) | 2,
  mv: (rd: number, rs2: number) => (4 << 13) | (rd << 7) | (rs2 << 2) | 2,
  ebreak: () => (4 << 13) | (1 << 12) | 2,
  jalr: (rs1: number) => (4 << 13) | (1 << 12) | (rs1 << 7) | 2,
  add: (rd: number, rs2: number) => (4 << 13) | (1 << 12) | (rd << 7) | (rs2 << 2) | 2,
  fsdsp: (rs2: number, imm: number) => (5 << 13) | place(imm, '5:3|8:6', 12) | (rs2 << 2) | 2,
  swsp: (rs2: number, imm: number) => (6 << 13) | place(imm, '5:2|7:6', 12) | (rs2 << 2) | 2,
  sdsp: (rs2: number, imm: number) => (7 << 13) | place(imm, '5:3|8:6', 12) | (rs2 << 2) | 2,
};

/** A compressed instruction in a program listing. */
export interface Half {
  readonly c: number;
}
export const c = (v: number): Half => ({ c: v });

export function bytes(prog: readonly (number | Half)[]): Uint8Array {
  const out: number[] = [];
  for (const ins of prog) {
    if (typeof ins === 'number') out.push(ins & 255, (ins >>> 8) & 255, (ins >>> 16) & 255, ins >>> 24);
    else out.push(ins.c & 255, (ins.c >>> 8) & 255);
  }
  return new Uint8Array(out);
}

export const CODE = 0x1000;
export const DATA = 0x10000;

/** A hart with code at CODE (r-x) and 16 KiB of data at DATA (rw-). */
export function hart(prog: readonly (number | Half)[], options: Rv64Options = {}): { cpu: Rv64Cpu; mem: FlatMemory } {
  const mem = new FlatMemory();
  mem.map(CODE, 0x2000, 'rx');
  mem.map(DATA, 0x4000, 'rw');
  mem.write(CODE, bytes(prog));
  const cpu = new Rv64Cpu(mem, options);
  cpu.pc = CODE;
  return { cpu, mem };
}

/** Run `prog` with registers preset (x1.. as BigInt or number); it must end in EBREAK. */
export function exec(prog: readonly (number | Half)[], regs: Record<number, bigint | number> = {}, options: Rv64Options = {}): Rv64Cpu {
  const { cpu } = hart([...prog, A.ebreak()], options);
  for (const [k, v] of Object.entries(regs)) cpu.setX(Number(k), v);
  const cause = cpu.run(100_000);
  if (cause !== 3) throw new Error(`program stopped with cause ${cause} at pc 0x${cpu.pc.toString(16)}`);
  return cpu;
}
