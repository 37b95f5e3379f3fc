/*
 * C extension: every compressed instruction decodes to exactly the operation and operands of the
 * 32-bit instruction it expands to (only the "2 bytes long" bit differs), including immediates at
 * their extremes; reserved encodings are illegal; and a program mixing 16- and 32-bit
 * instructions runs, with pc advancing by 2 and links of pc + 2.
 */
import { describe, expect, it } from 'vitest';
import { Cause, decode, Op } from '../src/index.js';
import { A, C, c, exec, hart } from './asm.js';

function dec(insn: number): [number, number] {
  const out = new Int32Array(2);
  decode(insn, out);
  return [out[0]!, out[1]!];
}

/** [compressed, its 32-bit expansion] */
const PAIRS: [string, number, number][] = [
  ['c.addi4spn', C.addi4spn(8, 4), A.addi(8, 2, 4)],
  ['c.addi4spn max', C.addi4spn(15, 1020), A.addi(15, 2, 1020)],
  ['c.fld', C.fld(9, 10, 248), A.fld(9, 10, 248)],
  ['c.lw', C.lw(9, 10, 124), A.lw(9, 10, 124)],
  ['c.lw 4', C.lw(9, 10, 4), A.lw(9, 10, 4)],
  ['c.ld', C.ld(15, 8, 248), A.ld(15, 8, 248)],
  ['c.fsd', C.fsd(9, 10, 8), A.fsd(9, 10, 8)],
  ['c.sw', C.sw(11, 12, 64), A.sw(11, 12, 64)],
  ['c.sd', C.sd(11, 12, 128), A.sd(11, 12, 128)],
  ['c.addi -32', C.addi(5, -32), A.addi(5, 5, -32)],
  ['c.addi 31', C.addi(5, 31), A.addi(5, 5, 31)],
  ['c.nop', C.addi(0, 0), A.addi(0, 0, 0)],
  ['c.addiw', C.addiw(6, -1), A.addiw(6, 6, -1)],
  ['c.li', C.li(7, -20), A.addi(7, 0, -20)],
  ['c.addi16sp -512', C.addi16sp(-512), A.addi(2, 2, -512)],
  ['c.addi16sp 496', C.addi16sp(496), A.addi(2, 2, 496)],
  ['c.lui', C.lui(3, 0x1f000), A.lui(3, 0x1f)],
  ['c.lui negative', C.lui(3, -0x20000 & 0x3f000), A.lui(3, 0xfffe0)],
  ['c.srli', C.srli(8, 63), A.srli(8, 8, 63)],
  ['c.srai', C.srai(9, 32), A.srai(9, 9, 32)],
  ['c.andi', C.andi(10, -1), A.andi(10, 10, -1)],
  ['c.sub', C.sub(8, 9), A.sub(8, 8, 9)],
  ['c.xor', C.xor(8, 9), A.xor(8, 8, 9)],
  ['c.or', C.or(8, 9), A.or(8, 8, 9)],
  ['c.and', C.and(8, 9), A.and(8, 8, 9)],
  ['c.subw', C.subw(14, 15), A.subw(14, 14, 15)],
  ['c.addw', C.addw(14, 15), A.addw(14, 14, 15)],
  ['c.j -2048', C.j(-2048), A.jal(0, -2048)],
  ['c.j 2046', C.j(2046), A.jal(0, 2046)],
  ['c.beqz', C.beqz(8, -256), A.beq(8, 0, -256)],
  ['c.bnez', C.bnez(15, 254), A.bne(15, 0, 254)],
  ['c.slli', C.slli(1, 63), A.slli(1, 1, 63)],
  ['c.fldsp', C.fldsp(1, 504), A.fld(1, 2, 504)],
  ['c.lwsp', C.lwsp(1, 252), A.lw(1, 2, 252)],
  ['c.ldsp', C.ldsp(31, 504), A.ld(31, 2, 504)],
  ['c.jr', C.jr(1), A.jalr(0, 1, 0)],
  ['c.mv', C.mv(10, 11), A.add(10, 0, 11)],
  ['c.ebreak', C.ebreak(), A.ebreak()],
  ['c.jalr', C.jalr(5), A.jalr(1, 5, 0)],
  ['c.add', C.add(10, 11), A.add(10, 10, 11)],
  ['c.fsdsp', C.fsdsp(3, 504), A.fsd(3, 2, 504)],
  ['c.swsp', C.swsp(3, 252), A.sw(3, 2, 252)],
  ['c.sdsp', C.sdsp(3, 504), A.sd(3, 2, 504)],
];

describe('compressed instructions expand to their 32-bit forms', () => {
  it.each(PAIRS)('%s', (_name, short, long) => {
    expect(short & 3).not.toBe(3);
    expect(short >>> 16).toBe(0);
    const [w16, imm16] = dec(short);
    const [w32, imm32] = dec(long);
    expect(w16 & 0xff).not.toBe(Op.ILLEGAL);
    expect(w16).toBe(w32 | (1 << 29));
    expect(imm16).toBe(imm32);
  });

  it('reserved encodings decode as illegal', () => {
    const reserved = [
      0x0000, // all zero
      C.addi4spn(8, 0) /* nzuimm = 0 */,
      C.addiw(0, 1),
      C.addi16sp(0),
      C.lui(5, 0),
      C.lwsp(0, 4),
      C.ldsp(0, 8),
      C.jr(0),
      (4 << 13) | (1 << 12) | (3 << 10) | (2 << 5) | 1, // RV64 C reserved (bit12, funct2 = 10)
      0x8000 | 0, // quadrant 0, funct3 100: reserved
    ];
    for (const r of reserved) expect(dec(r)[0] & 0xff, `0x${r.toString(16)}`).toBe(Op.ILLEGAL);
  });

  it('a mixed program runs: pc moves by 2, c.jalr links pc + 2', () => {
    const cpu = exec([
      c(C.li(8, 5)), // 0x1000
      c(C.addi(8, -1)), // 0x1002
      c(C.bnez(8, -2)), // 0x1004: back to 0x1002 until x8 = 0
      A.auipc(9, 0), // 0x1006
      c(C.addi(9, 12)), // 0x100a: x9 = 0x1012
      c(C.jalr(9)), // 0x100c: to 0x1012, ra = 0x100e
      c(C.ebreak()), // 0x100e (skipped)
      { c: 0x0001 }, // 0x1010 c.nop
      c(C.mv(10, 1)), // 0x1012
    ]);
    expect(cpu.getX(8)).toBe(0n);
    expect(cpu.getX(1)).toBe(0x100en);
    expect(cpu.getX(10)).toBe(0x100en);
  });

  it('a 32-bit instruction straddling two pages executes; its second half unmapped faults there', () => {
    const { cpu, mem } = hart([]);
    mem.map(0x1000, 0x2000, 'rwx');
    const insn = A.addi(5, 0, 77);
    mem.write(0x1ffe, new Uint8Array([insn & 255, (insn >>> 8) & 255, (insn >>> 16) & 255, insn >>> 24]));
    mem.write(0x2002, new Uint8Array([0x02, 0x90])); // c.ebreak
    cpu.pc = 0x1ffe;
    expect(cpu.run(10)).toBe(Cause.Breakpoint);
    expect(cpu.getX(5)).toBe(77n);
    mem.unmap(0x2000);
    cpu.flushTranslations();
    cpu.pc = 0x1ffe;
    expect(cpu.run(10)).toBe(Cause.InstructionPageFault);
    expect(cpu.tval).toBe(0x2000n);
    expect(cpu.pc).toBe(0x1ffe);
  });
});
