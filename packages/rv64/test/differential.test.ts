/*
 * The interpreter against itself: random programs (valid and random encodings of every major
 * opcode, 16- and 32-bit, in writable code, so stores also rewrite instructions already decoded)
 * run on two harts, one with the decode cache and one decoding every instruction afresh, in
 * chunks of a few instructions. After every chunk the whole visible state must be equal: integer
 * and FP registers, pc, fflags, trap cause and tval, instret, and memory. Also checks that every
 * numeric case label in the executor names the operation ops.ts gives that number.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlatMemory, Op, Rv64Cpu } from '../src/index.js';

const CODE = 0x1000, DATA = 0x10000;
const OPCODES = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73];

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function world(seed: number, decodeCache: boolean) {
  const rnd = prng(seed);
  const mem = new FlatMemory();
  mem.map(CODE, 0x2000, 'rwx');
  mem.map(DATA, 0x2000, 'rw');
  const code: number[] = [];
  while (code.length < 0x2000 - 4) {
    const k = rnd() % 8;
    if (k < 2) {
      const h = rnd() & 0xffff;
      if ((h & 3) === 3) continue;
      code.push(h & 255, h >>> 8);
    } else {
      let w = rnd();
      if (k < 7) w = (w & ~0x7f) | OPCODES[rnd() % OPCODES.length]!;
      else w |= 3;
      // keep most branch and jump offsets short so control stays in the code
      if ((w & 0x7f) === 0x6f || (w & 0x7f) === 0x63) w &= 0x01ffffff;
      code.push(w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24);
    }
  }
  mem.write(CODE, new Uint8Array(code));
  const cpu = new Rv64Cpu(mem, { decodeCache });
  for (let r = 1; r < 32; r++) {
    const v = rnd() % 4 === 0 ? BigInt(rnd()) * BigInt(rnd()) : BigInt(rnd() % 2 === 0 ? DATA + (rnd() % 0x2000) : CODE + (rnd() % 0x2000));
    cpu.setX(r, v);
    cpu.setF(r, (BigInt(rnd()) << 32n) | BigInt(rnd()));
  }
  cpu.pc = CODE;
  return { cpu, mem };
}

function state(cpu: Rv64Cpu, mem: FlatMemory, withMemory: boolean) {
  const m = withMemory ? { code: mem.read(CODE, 0x2000).join(','), data: mem.read(DATA, 0x2000).join(',') } : {};
  return {
    ...m,
    x: Array.from(cpu.x.subarray(0, 64)),
    f: Array.from(cpu.f),
    pc: cpu.pc, fflags: cpu.fflags, frm: cpu.frm, instret: cpu.instret, cause: cpu.cause, tval: cpu.tval,
  };
}

describe('decode cache on and off give the same execution', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random program ${seed}`, () => {
      const a = world(seed, true);
      const b = world(seed, false);
      const rnd = prng(seed * 7919);
      let traps = 0;
      let retired = 0;
      for (let chunk = 0; chunk < 1500; chunk++) {
        const budget = 1 + (rnd() % 40);
        const ca = a.cpu.run(budget);
        const cb = b.cpu.run(budget);
        expect(cb).toBe(ca);
        const withMemory = chunk % 25 === 0 || chunk === 1499;
        expect(state(b.cpu, b.mem, withMemory)).toEqual(state(a.cpu, a.mem, withMemory));
        if (ca !== -1) {
          // Resume somewhere else in the code, the same place on both.
          traps++;
          const pc = CODE + 2 * (rnd() % 0xff0);
          a.cpu.pc = pc;
          b.cpu.pc = pc;
        }
      }
      retired = a.cpu.instret;
      expect(traps).toBeGreaterThan(50);
      expect(retired).toBeGreaterThan(500);
    });
  }
});

describe('the executor', () => {
  it('labels each numeric case with the operation ops.ts gives that number', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    let labels = 0;
    for (const file of ['cpu.ts', 'fpu.ts']) {
      const src = readFileSync(join(here, '../src', file), 'utf8');
      for (const m of src.matchAll(/case (\d+): \/\/ ([A-Z_0-9]+)/g)) {
        const num = Number(m[1]);
        const name = m[2]!;
        expect(Op[name as keyof typeof Op], `${file}: case ${num} says ${name}`).toBe(num);
        labels++;
      }
    }
    expect(labels).toBeGreaterThan(60);
  });
});
