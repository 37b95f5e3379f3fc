/*
 * RISC-V CPU figures (issue 14): `rv64.mips`, millions of RV64 instructions retired per second on
 * a CPU-bound user loop (bitwise CRC-32 over 64 KiB, @tsel4/rv64's CRC32_LOOP: loads, ALU ops,
 * branches, a third of them compressed), run in budgets of 100 000 instructions as a kernel would
 * preempt it. Beside it the same loop with the decode cache off.
 *
 * Anchors: published speeds of other JS/wasm emulators' interpreters, approximate and measured on
 * other machines: jor1k (JS, OpenRISC and RISC-V) ~30-40 MIPS in Chrome/Firefox as its users
 * reported in 2013; the first aim for tsel4 is 50 MIPS.
 */
import { Cause, CRC32_LOOP, crc32LoopInstructions, FlatMemory, halfwordsToBytes, Rv64Cpu } from '@tsel4/rv64';
import { type Figure, median } from '../figure.js';

const BYTES = 64 * 1024;
const BUDGET = 100_000;

function setup(decodeCache: boolean): () => number {
  const mem = new FlatMemory();
  mem.map(0x1000, 0x1000, 'rx');
  mem.map(0x100000, BYTES, 'rw');
  mem.write(0x1000, halfwordsToBytes(CRC32_LOOP));
  const data = new Uint8Array(BYTES);
  for (let i = 0; i < BYTES; i++) data[i] = (i * 131 + 7) & 255;
  mem.write(0x100000, data);
  const cpu = new Rv64Cpu(mem, { decodeCache });
  // One pass over the buffer; returns seconds.
  return () => {
    cpu.pc = 0x1000;
    cpu.setX(10, 0x100000);
    cpu.setX(11, BYTES);
    cpu.setX(12, 0xffffffffn);
    cpu.setX(5, 0xedb88320n);
    const before = cpu.instret;
    const t0 = process.hrtime.bigint();
    let r: number;
    do r = cpu.run(BUDGET);
    while (r === -1);
    const t1 = process.hrtime.bigint();
    if (r !== Cause.Breakpoint) throw new Error(`rv64.mips: the loop stopped with cause ${r}`);
    if (cpu.instret - before !== crc32LoopInstructions(BYTES)) throw new Error('rv64.mips: wrong instruction count');
    return Number(t1 - t0) / 1e9;
  };
}

function mips(decodeCache: boolean, runs: number): number {
  const pass = setup(decodeCache);
  for (let i = 0; i < 3; i++) pass(); // warm-up: let the loop reach its optimized code
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(crc32LoopInstructions(BYTES) / pass() / 1e6);
  return median(samples);
}

export const rv64Figures: Figure[] = [
  {
    name: 'rv64.mips',
    unit: 'M instr/s',
    measure() {
      const v = mips(true, 7);
      const off = mips(false, 3);
      return {
        value: v,
        comparison: `decode cache off: ${off.toFixed(1)}; jor1k (JS) ~30-40 reported; aim 50`,
      };
    },
  },
];
