/*
 * The shared CRC-32 loop computes CRC-32 (checked against a table-free JS CRC) and retires the
 * number of instructions the bench divides by.
 */
import { describe, expect, it } from 'vitest';
import { Cause, CRC32_LOOP, crc32LoopInstructions, FlatMemory, halfwordsToBytes, Rv64Cpu } from '../src/index.js';

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('CRC32_LOOP', () => {
  it('computes CRC-32 ("123456789" -> 0xCBF43926) and retires 62 instructions a byte', () => {
    const mem = new FlatMemory();
    mem.map(0x1000, 0x1000, 'rx');
    mem.map(0x10000, 0x1000, 'rw');
    mem.write(0x1000, halfwordsToBytes(CRC32_LOOP));
    const data = new TextEncoder().encode('123456789');
    mem.write(0x10000, data);
    expect(crc32(data)).toBe(0xcbf43926);
    const cpu = new Rv64Cpu(mem);
    cpu.pc = 0x1000;
    cpu.setX(10, 0x10000);
    cpu.setX(11, data.length);
    cpu.setX(12, 0xffffffffn);
    cpu.setX(5, 0xedb88320n);
    expect(cpu.run(1_000_000)).toBe(Cause.Breakpoint);
    expect(Number(cpu.getXu(12) ^ 0xffffffffn)).toBe(0xcbf43926);
    expect(cpu.instret).toBe(crc32LoopInstructions(data.length));
  });
});
