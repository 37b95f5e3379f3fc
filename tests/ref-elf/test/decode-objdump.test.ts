/*
 * The decoder against GNU objdump on the real seL4 root-task ELFs: every instruction of their
 * code sections (musl, sel4runtime, libsel4 and the scenario: ~15000 instructions, half of them
 * compressed, plus musl's FP, atomic and CSR code) decodes to the operation objdump names, with
 * the same length. Needs `riscv64-linux-gnu-objdump` (Debian: binutils-riscv64-linux-gnu); without
 * it the test is skipped with that reason, unless TSEL4_REQUIRE_RISCV_TOOLS=1 (CI) makes it required.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, Op, OP_NAMES, parseElf } from '@tsel4/rv64';
import { describe, expect, it } from 'vitest';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const OBJDUMP = 'riscv64-linux-gnu-objdump';

function haveObjdump(): boolean {
  try {
    execFileSync(OBJDUMP, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const present = haveObjdump();
const required = process.env.TSEL4_REQUIRE_RISCV_TOOLS === '1';
if (!present && !required) {
  console.warn(`tests/ref-elf: skipping the objdump cross-check: ${OBJDUMP} not found (apt-get install binutils-riscv64-linux-gnu)`);
}

/** objdump's name (no aliases) of a compressed instruction to the operation it expands to. */
const COMPRESSED: Record<string, string> = {
  'c.addi4spn': 'ADDI', 'c.fld': 'FLD', 'c.lw': 'LW', 'c.ld': 'LD', 'c.fsd': 'FSD', 'c.sw': 'SW', 'c.sd': 'SD',
  'c.addi': 'ADDI', 'c.nop': 'ADDI', 'c.addiw': 'ADDIW', 'c.li': 'ADDI', 'c.addi16sp': 'ADDI', 'c.lui': 'LUI',
  'c.srli': 'SRLI', 'c.srai': 'SRAI', 'c.andi': 'ANDI', 'c.sub': 'SUB', 'c.xor': 'XOR', 'c.or': 'OR', 'c.and': 'AND',
  'c.subw': 'SUBW', 'c.addw': 'ADDW', 'c.j': 'JAL', 'c.beqz': 'BEQ', 'c.bnez': 'BNE', 'c.slli': 'SLLI',
  'c.fldsp': 'FLD', 'c.lwsp': 'LW', 'c.ldsp': 'LD', 'c.jr': 'JALR', 'c.mv': 'ADD', 'c.ebreak': 'EBREAK',
  'c.jalr': 'JALR', 'c.add': 'ADD', 'c.fsdsp': 'FSD', 'c.swsp': 'SW', 'c.sdsp': 'SD',
};

function expectedOp(mnemonic: string): string {
  if (mnemonic.startsWith('c.')) return COMPRESSED[mnemonic] ?? `?${mnemonic}`;
  // lr.w.aqrl -> LR_W; fence.tso -> FENCE
  const m = mnemonic.replace(/\.(aq|rl|aqrl)$/, '').replace(/^fence\.tso$/, 'fence');
  return m.replace(/\./g, '_').toUpperCase();
}

describe.skipIf(!present && !required)('decoder agrees with objdump on the seL4 ELFs', () => {
  for (const name of ['pingpong', 'ipc_misc']) {
    it(name, () => {
      const file = join(FIXTURES, `${name}.elf`);
      const elf = parseElf(new Uint8Array(readFileSync(file)));
      const listing = execFileSync(OBJDUMP, ['-d', '-M', 'no-aliases', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const seg = elf.segments.find((s) => s.flags.includes('x'))!;
      const out = new Int32Array(2);
      let checked = 0;
      let compressed = 0;
      const wrong: string[] = [];
      for (const line of listing.split('\n')) {
        const m = /^\s*([0-9a-f]+):\s+([0-9a-f]+)\s+(\S+)/.exec(line);
        if (m === null) continue;
        const addr = parseInt(m[1]!, 16);
        const hex = m[2]!;
        const mnemonic = m[3]!;
        const off = addr - seg.vaddr;
        const lo = seg.data[off]! | (seg.data[off + 1]! << 8);
        const insn = hex.length === 8 ? lo | (seg.data[off + 2]! << 16) | (seg.data[off + 3]! << 24) : lo;
        expect(insn >>> 0, `bytes at 0x${addr.toString(16)}`).toBe(parseInt(hex, 16));
        decode(insn, out);
        const op = out[0]! & 0xff;
        const isShort = (out[0]! & (1 << 29)) !== 0;
        if (mnemonic === 'unimp' || mnemonic === 'c.unimp' || mnemonic.startsWith('.')) {
          if (op !== Op.ILLEGAL) wrong.push(`0x${addr.toString(16)} ${mnemonic}: decoded ${OP_NAMES.get(op)}`);
        } else if (OP_NAMES.get(op) !== expectedOp(mnemonic) || isShort !== (hex.length === 4)) {
          wrong.push(`0x${addr.toString(16)} ${hex} ${mnemonic}: decoded ${OP_NAMES.get(op)}${isShort ? ' (16-bit)' : ''}`);
        }
        checked++;
        if (hex.length === 4) compressed++;
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(10000);
      expect(compressed).toBeGreaterThan(4000);
    });
  }
});
