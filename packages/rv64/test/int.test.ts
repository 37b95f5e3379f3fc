/*
 * RV64I, M, A, Zicsr, Zifencei: per-instruction tests with edge values, checked against values
 * computed independently (BigInt arithmetic on the manual's definitions).
 */
import { describe, expect, it } from 'vitest';
import { Cause } from '../src/index.js';
import { A, DATA, exec, hart } from './asm.js';

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);
const EDGES = [0n, 1n, -1n, 2n, 0x7fffffffn, 0x80000000n, -0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -7n, 13n];

/** rd=x3 from rs1=x1, rs2=x2 */
function r3(enc: (rd: number, rs1: number, rs2: number) => number, a: bigint, b: bigint): bigint {
  return exec([enc(3, 1, 2)], { 1: a, 2: b }).getX(3);
}

const REF: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  sll: (a, b) => a << (b & 63n),
  srl: (a, b) => (a & M64) >> (b & 63n),
  sra: (a, b) => s64(a) >> (b & 63n),
  slt: (a, b) => (s64(a) < s64(b) ? 1n : 0n),
  sltu: (a, b) => ((a & M64) < (b & M64) ? 1n : 0n),
  xor: (a, b) => a ^ b,
  or: (a, b) => a | b,
  and: (a, b) => a & b,
  addw: (a, b) => s32(a + b),
  subw: (a, b) => s32(a - b),
  sllw: (a, b) => s32(a << (b & 31n)),
  srlw: (a, b) => s32((a & 0xffffffffn) >> (b & 31n)),
  sraw: (a, b) => s32(a) >> (b & 31n),
  mul: (a, b) => a * b,
  mulh: (a, b) => (s64(a) * s64(b)) >> 64n,
  mulhsu: (a, b) => (s64(a) * (b & M64)) >> 64n,
  mulhu: (a, b) => ((a & M64) * (b & M64)) >> 64n,
  div: (a, b) => (s64(b) === 0n ? -1n : s64(a) === -(1n << 63n) && s64(b) === -1n ? s64(a) : s64(a) / s64(b)),
  divu: (a, b) => ((b & M64) === 0n ? M64 : (a & M64) / (b & M64)),
  rem: (a, b) => (s64(b) === 0n ? a : s64(a) === -(1n << 63n) && s64(b) === -1n ? 0n : s64(a) % s64(b)),
  remu: (a, b) => ((b & M64) === 0n ? a : (a & M64) % (b & M64)),
  mulw: (a, b) => s32(a * b),
  divw: (a, b) => (s32(b) === 0n ? -1n : s32(a) === -(1n << 31n) && s32(b) === -1n ? s32(a) : s32(s32(a) / s32(b))),
  divuw: (a, b) => ((b & 0xffffffffn) === 0n ? -1n : s32((a & 0xffffffffn) / (b & 0xffffffffn))),
  remw: (a, b) => (s32(b) === 0n ? s32(a) : s32(a) === -(1n << 31n) && s32(b) === -1n ? 0n : s32(s32(a) % s32(b))),
  remuw: (a, b) => ((b & 0xffffffffn) === 0n ? s32(a) : s32((a & 0xffffffffn) % (b & 0xffffffffn))),
};

describe('register-register operations on edge values', () => {
  for (const [name, ref] of Object.entries(REF)) {
    it(name, () => {
      const enc = (A as unknown as Record<string, (rd: number, rs1: number, rs2: number) => number>)[name]!;
      const shifts = [0n, 1n, 31n, 32n, 33n, 63n, 64n, 95n];
      const bs = name.startsWith('s') && /^s(ll|rl|ra)w?$/.test(name) ? [...EDGES, ...shifts] : EDGES;
      for (const a of EDGES) for (const b of bs) expect(r3(enc, a, b), `${name} ${a} ${b}`).toBe(s64(ref(a, b)));
    });
  }

  it('random operands agree with the BigInt reference for every M operation', () => {
    let seed = 12345n;
    const next = () => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & M64;
      return s64(seed);
    };
    for (const name of ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu']) {
      const enc = (A as unknown as Record<string, (rd: number, rs1: number, rs2: number) => number>)[name]!;
      for (let k = 0; k < 40; k++) {
        const a = next();
        const b = k % 3 === 0 ? next() >> 40n : next();
        expect(r3(enc, a, b), `${name} ${a} ${b}`).toBe(s64(REF[name]!(a, b)));
      }
    }
  });
});

describe('immediates', () => {
  it('ADDI/ADDIW wrap and sign-extend; W shifts by up to 31', () => {
    expect(exec([A.addi(3, 1, -1)], { 1: 0n }).getX(3)).toBe(-1n);
    expect(exec([A.addi(3, 1, 1)], { 1: 0x7fffffffffffffffn }).getX(3)).toBe(-0x8000000000000000n);
    expect(exec([A.addiw(3, 1, 1)], { 1: 0x7fffffffn }).getX(3)).toBe(-0x80000000n);
    expect(exec([A.addiw(3, 1, 0)], { 1: 0x1_8000_0000n }).getX(3)).toBe(-0x80000000n); // sext.w
    expect(exec([A.slliw(3, 1, 31)], { 1: 3n }).getX(3)).toBe(-0x80000000n);
    expect(exec([A.srliw(3, 1, 31)], { 1: -1n }).getX(3)).toBe(1n);
    expect(exec([A.sraiw(3, 1, 4)], { 1: 0x80000000n }).getX(3)).toBe(-0x8000000n);
    expect(exec([A.srliw(3, 1, 0)], { 1: 0xffffffffn }).getX(3)).toBe(-1n);
  });

  it('64-bit shifts by immediates 0, 31, 32, 63', () => {
    const v = -0x123456789abcdefn;
    for (const sh of [0, 1, 31, 32, 33, 63]) {
      expect(exec([A.slli(3, 1, sh)], { 1: v }).getX(3)).toBe(s64(v << BigInt(sh)));
      expect(exec([A.srli(3, 1, sh)], { 1: v }).getX(3)).toBe(s64((v & M64) >> BigInt(sh)));
      expect(exec([A.srai(3, 1, sh)], { 1: v }).getX(3)).toBe(v >> BigInt(sh));
    }
  });

  it('SLTI/SLTIU compare with the sign-extended immediate', () => {
    expect(exec([A.slti(3, 1, -1)], { 1: -2n }).getX(3)).toBe(1n);
    expect(exec([A.sltiu(3, 1, -1)], { 1: 5n }).getX(3)).toBe(1n); // against 2^64-1
    expect(exec([A.sltiu(3, 1, 1)], { 1: 0n }).getX(3)).toBe(1n); // seqz
    expect(exec([A.xori(3, 1, -1)], { 1: 0x0f0fn }).getX(3)).toBe(~0x0f0fn);
    expect(exec([A.andi(3, 1, -16)], { 1: 0x1234_5678_9abc_def1n }).getX(3)).toBe(0x1234_5678_9abc_def0n);
  });

  it('LUI and AUIPC sign-extend their 32-bit result', () => {
    expect(exec([A.lui(3, 0x80000)]).getX(3)).toBe(-0x80000000n);
    expect(exec([A.lui(3, 0x7ffff)]).getX(3)).toBe(0x7ffff000n);
    expect(exec([A.auipc(3, 1)]).getX(3)).toBe(0x2000n);
    expect(exec([A.auipc(3, 0xfffff)]).getX(3)).toBe(0x1000n - 0x1000n);
  });

  it('writes to x0 are discarded', () => {
    const cpu = exec([A.addi(0, 0, 5), A.lui(0, 1), A.add(3, 0, 0)]);
    expect(cpu.getX(0)).toBe(0n);
    expect(cpu.getX(3)).toBe(0n);
  });
});

describe('control transfer', () => {
  it('branches compare signed and unsigned', () => {
    // x3 = 1 when taken: b<cond> x1, x2, +8 ; addi x3, x0, 0 (skipped) ... use: x3=0, branch over "addi x3,x0,1"? inverse
    const taken = (br: (a: number, b: number, off: number) => number, a: bigint, b: bigint) =>
      exec([A.addi(3, 0, 1), br(1, 2, 8), A.addi(3, 0, 0)], { 1: a, 2: b }).getX(3) === 1n;
    expect(taken(A.blt, -1n, 0n)).toBe(true);
    expect(taken(A.bltu, -1n, 0n)).toBe(false);
    expect(taken(A.bge, 0n, -1n)).toBe(true);
    expect(taken(A.bgeu, 0n, -1n)).toBe(false);
    expect(taken(A.beq, 0x1_0000_0000n, 0n)).toBe(false);
    expect(taken(A.bne, 0x1_0000_0000n, 0n)).toBe(true);
    expect(taken(A.blt, 0x1_0000_0000n, 0x1_0000_0001n)).toBe(true);
    expect(taken(A.bge, -0x8000000000000000n, 0x7fffffffffffffffn)).toBe(false);
  });

  it('JAL links pc+4; JALR clears bit 0 and reads rs1 before writing rd', () => {
    const cpu = exec([A.jal(1, 8), A.ebreak(), A.addi(5, 1, 0)]);
    expect(cpu.getX(1)).toBe(0x1004n);
    expect(cpu.getX(5)).toBe(0x1004n);
    // jalr x1, 1(x1): target (0x100d + 1) & ~1 = 0x100e? Use x1 = 0x100b: target 0x100c.
    const c2 = exec([A.jalr(1, 1, 1), A.ebreak(), A.ebreak(), A.addi(6, 0, 7)], { 1: 0x100bn });
    expect(c2.getX(6)).toBe(7n);
    expect(c2.getX(1)).toBe(0x1004n);
  });

  it('a jump outside Sv39 user space faults on fetch with the exact target', () => {
    const { cpu } = hart([A.jalr(0, 1, 0)]);
    cpu.setX(1, 0xffffffc000001000n);
    expect(cpu.run(10)).toBe(Cause.InstructionPageFault);
    expect(cpu.tval).toBe(0xffffffc000001000n);
    expect(BigInt.asUintN(64, BigInt(cpu.pc))).toBe(0xffffffc000001000n);
    const h = hart([A.jalr(0, 1, 0)]);
    h.cpu.setX(1, 0x8000_0000_0000_1000n);
    expect(h.cpu.run(10)).toBe(Cause.InstructionPageFault);
    expect(h.cpu.tval).toBe(0x8000_0000_0000_1000n);
  });
});

describe('loads and stores', () => {
  it('sign- and zero-extend by width', () => {
    const prog = [A.sd(1, 2, 0), A.lb(3, 2, 7), A.lbu(4, 2, 7), A.lh(5, 2, 6), A.lhu(6, 2, 6), A.lw(7, 2, 4), A.lwu(8, 2, 4), A.ld(9, 2, 0)];
    const cpu = exec(prog, { 1: -0x0123456789abcdefn, 2: DATA });
    const v = BigInt.asUintN(64, -0x0123456789abcdefn); // 0xfedcba9876543211
    expect(cpu.getX(3)).toBe(BigInt.asIntN(8, v >> 56n));
    expect(cpu.getX(4)).toBe(v >> 56n);
    expect(cpu.getX(5)).toBe(BigInt.asIntN(16, v >> 48n));
    expect(cpu.getX(6)).toBe(v >> 48n);
    expect(cpu.getX(7)).toBe(BigInt.asIntN(32, v >> 32n));
    expect(cpu.getX(8)).toBe(v >> 32n);
    expect(cpu.getX(9)).toBe(s64(v));
  });

  it('misaligned accesses are performed, also across a page boundary', () => {
    const cpu = exec([A.sd(1, 2, 0xd), A.ld(3, 2, 0xd), A.lw(4, 2, 0xf), A.lh(5, 2, 0x11), A.lhu(6, 2, 0xe)], { 1: 0x1122334455667788n, 2: DATA + 0xff0 });
    expect(cpu.getX(3)).toBe(0x1122334455667788n);
    expect(cpu.getX(4)).toBe(0x33445566n);
    expect(cpu.getX(5)).toBe(0x3344n);
    expect(cpu.getX(6)).toBe(0x6677n);
  });

  it('a store to a read-only page is a store page fault with the address; nothing retires', () => {
    const { cpu } = hart([A.addi(5, 0, 1), A.sw(1, 2, 8)]);
    cpu.setX(2, 0x1000n);
    expect(cpu.run(100)).toBe(Cause.StorePageFault);
    expect(cpu.tval).toBe(0x1008n);
    expect(cpu.pc).toBe(0x1004);
    expect(cpu.instret).toBe(1);
  });

  it('a load from an unmapped page, a fetch from one, and an address with bits above 38', () => {
    const h = hart([A.ld(3, 2, 0)]);
    h.cpu.setX(2, 0x3000_0000n);
    expect(h.cpu.run(10)).toBe(Cause.LoadPageFault);
    expect(h.cpu.tval).toBe(0x3000_0000n);
    const g = hart([A.jal(0, 0x2000)]);
    expect(g.cpu.run(10)).toBe(Cause.InstructionPageFault);
    expect(g.cpu.pc).toBe(0x3000);
    const k = hart([A.ld(3, 2, 0)]);
    k.cpu.setX(2, -8n);
    expect(k.cpu.run(10)).toBe(Cause.LoadPageFault);
    expect(k.cpu.tval).toBe(BigInt.asUintN(64, -8n));
  });

  it('the fault handler maps the page and the restarted store completes into it', () => {
    const { cpu, mem } = hart([A.sw(1, 2, 0), A.lw(3, 2, 0)]);
    cpu.setX(1, 42n);
    cpu.setX(2, 0x5000_0000n);
    expect(cpu.run(10)).toBe(Cause.StorePageFault);
    mem.map(0x5000_0000, 0x1000, 'rw');
    cpu.flushTranslations();
    expect(cpu.run(2)).toBe(-1);
    expect(cpu.getX(3)).toBe(42n);
    expect(mem.read(0x5000_0000, 4)).toEqual(new Uint8Array([42, 0, 0, 0]));
  });
});

describe('A: LR/SC and AMOs', () => {
  it('SC succeeds after LR to the same address, once; fails without a reservation', () => {
    const cpu = exec([A.lr_d(3, 2), A.sc_d(4, 2, 1), A.sc_d(5, 2, 1), A.ld(6, 2, 0)], { 1: 99n, 2: DATA });
    expect(cpu.getX(4)).toBe(0n);
    expect(cpu.getX(5)).toBe(1n);
    expect(cpu.getX(6)).toBe(99n);
    const c2 = exec([A.lr_w(3, 2), A.addi(2, 2, 8), A.sc_w(4, 2, 1)], { 1: 5n, 2: DATA });
    expect(c2.getX(4)).toBe(1n);
  });

  it('LR.W sign-extends; AMOs return the old value and store the result', () => {
    const cases: [string, bigint, bigint, bigint][] = [
      ['amoswap_w', -1n, 5n, 5n], ['amoadd_w', 0x7fffffffn, 1n, -0x80000000n], ['amoxor_w', 6n, 3n, 5n],
      ['amoand_w', 6n, 3n, 2n], ['amoor_w', 6n, 3n, 7n], ['amomin_w', -1n, 1n, -1n], ['amomax_w', -1n, 1n, 1n],
      ['amominu_w', -1n, 1n, 1n], ['amomaxu_w', -1n, 1n, -1n],
      ['amoadd_d', -1n, 1n, 0n], ['amomin_d', -5n, 3n, -5n], ['amominu_d', -5n, 3n, 3n], ['amomaxu_d', -5n, 3n, -5n],
      ['amoswap_d', 0x1234_5678_9abc_def0n, 1n, 1n],
    ];
    for (const [name, old, src, stored] of cases) {
      const enc = (A as unknown as Record<string, (rd: number, rs1: number, rs2: number) => number>)[name]!;
      const w = name.endsWith('_w');
      const cpu = exec([w ? A.sw(1, 2, 0) : A.sd(1, 2, 0), enc(4, 2, 3), w ? A.lw(5, 2, 0) : A.ld(5, 2, 0)], { 1: old, 2: DATA, 3: src });
      expect(cpu.getX(4), name).toBe(w ? s32(old) : old);
      expect(cpu.getX(5), name).toBe(stored);
    }
  });

  it('a misaligned AMO traps; an AMO on a read-only page is a store page fault', () => {
    const h = hart([A.amoadd_w(4, 2, 3)]);
    h.cpu.setX(2, BigInt(DATA + 2));
    expect(h.cpu.run(10)).toBe(Cause.StoreMisaligned);
    const g = hart([A.lr_d(4, 2)]);
    g.cpu.setX(2, BigInt(DATA + 4));
    expect(g.cpu.run(10)).toBe(Cause.LoadMisaligned);
    const k = hart([A.amoswap_d(4, 2, 3)]);
    k.cpu.setX(2, 0x1000n);
    expect(k.cpu.run(10)).toBe(Cause.StorePageFault);
  });
});

describe('Zicsr, Zifencei, system', () => {
  it('fcsr, frm and fflags alias; instret counts retired instructions', () => {
    const cpu = exec([
      A.csrrwi(0, 0x002, 3), // frm = RUP
      A.csrrsi(0, 0x001, 0x11), // fflags |= NV|NX
      A.csrrs(3, 0x003, 0), // read fcsr
      A.csrrci(4, 0x001, 1), // clear NX, read old
      A.csrrs(5, 0xc02, 0), // instret
      A.csrrs(6, 0xc00, 0), // cycle
    ]);
    expect(cpu.getX(3)).toBe((3n << 5n) | 0x11n);
    expect(cpu.getX(4)).toBe(0x11n);
    expect(cpu.fflags).toBe(0x10);
    expect(cpu.getX(5)).toBe(4n);
    expect(cpu.getX(6)).toBe(5n);
  });

  it('writing a read-only counter, or an unknown CSR, is an illegal instruction with the bits in tval', () => {
    const enc = A.csrrw(0, 0xc00, 1);
    const h = hart([enc]);
    expect(h.cpu.run(10)).toBe(Cause.IllegalInstruction);
    expect(h.cpu.tval).toBe(BigInt(enc));
    const g = hart([A.csrrs(3, 0x300, 0)]); // mstatus
    expect(g.cpu.run(10)).toBe(Cause.IllegalInstruction);
  });

  it('ECALL and EBREAK stop at the instruction; c.unimp (0x0000) is illegal', () => {
    const h = hart([A.addi(17, 0, -9), A.ecall()]);
    expect(h.cpu.run(10)).toBe(Cause.UserEcall);
    expect(h.cpu.pc).toBe(0x1004);
    expect(h.cpu.instret).toBe(1);
    const g = hart([{ c: 0 }]);
    expect(g.cpu.run(10)).toBe(Cause.IllegalInstruction);
    expect(g.cpu.tval).toBe(0n);
  });

  it('a store into code already decoded is seen by the next fetch (FENCE.I)', () => {
    // x1 holds the encoding of "addi x5, x0, 7"; overwrite the instruction at +12 and run it.
    const { cpu } = hart([A.addi(5, 0, 1), A.sw(1, 2, 16), A.fence_i(), A.addi(5, 0, 2), A.addi(5, 0, 3), A.ebreak()]);
    // make code writable for this test
    cpu.setX(1, BigInt(A.addi(5, 0, 7)));
    cpu.setX(2, 0x1000n);
    const mem = cpu.translator as import('../src/index.js').FlatMemory;
    mem.map(0x1000, 0x1000, 'rwx');
    cpu.flushTranslations();
    expect(cpu.run(3)).toBe(-1); // decodes everything up to the fence
    cpu.pc = 0x1000;
    expect(cpu.run(100)).toBe(Cause.Breakpoint);
    expect(cpu.getX(5)).toBe(7n);
  });

  it('the budget stops the run after exactly N instructions, and the next run continues', () => {
    const loop = [A.addi(1, 1, 1), A.jal(0, -4)];
    const { cpu } = hart(loop);
    expect(cpu.run(1001)).toBe(-1);
    expect(cpu.getX(1)).toBe(501n);
    expect(cpu.run(1)).toBe(-1);
    expect(cpu.instret).toBe(1002);
    expect(cpu.getX(1)).toBe(501n);
  });
});
