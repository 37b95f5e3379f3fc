/*
 * Physical memory with a MemoryBacking (what the native C bridge gives a board): the same reads and
 * writes as the JS-heap memory, bytes that code outside JS writes are seen, and zeroing whole pages
 * goes to the backing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBoard, type MemoryBacking, type MemoryRegion, PhysicalMemory } from '../src/index.js';

const MiB = 1024 * 1024;

/** A backing over plain ArrayBuffers (standing in for native memory), recording what it is asked. */
class FakeBacking implements MemoryBacking {
  /** Each chunk handed out, by region name and offset. */
  private readonly windows = new Map<string, ArrayBuffer>();
  readonly chunks: string[] = [];
  readonly discards: string[] = [];
  backs(region: MemoryRegion): boolean {
    return region.kind === 'ram';
  }
  chunk(region: MemoryRegion, offset: number, length: number): ArrayBuffer {
    this.chunks.push(`${region.name}+${offset.toString(16)}:${length.toString(16)}`);
    const w = new ArrayBuffer(length);
    this.windows.set(`${region.name}+${offset}`, w);
    return w;
  }
  /** What code outside JS sees at `offset` of `region` (only inside chunks handed out). */
  bytes(region: MemoryRegion, offset: number, length: number): Uint8Array {
    const chunkOff = offset - (offset % (4 * MiB));
    const w = this.windows.get(`${region.name}+${chunkOff}`);
    if (w === undefined) throw new Error('no chunk there yet');
    return new Uint8Array(w, offset - chunkOff, length);
  }
  discard(region: MemoryRegion, offset: number, length: number): void {
    this.discards.push(`${region.name}+${offset.toString(16)}:${length.toString(16)}`);
    let done = 0;
    while (done < length) {
      const o = offset + done;
      const chunkOff = o - (o % (4 * MiB));
      const n = Math.min(length - done, chunkOff + 4 * MiB - o);
      const w = this.windows.get(`${region.name}+${chunkOff}`);
      if (w !== undefined) new Uint8Array(w, o - chunkOff, n).fill(0);
      done += n;
    }
  }
}

const RAM: MemoryRegion = { name: 'ram', kind: 'ram', base: 0x10_0000, size: 12 * MiB };
const DEV: MemoryRegion = { name: 'dev', kind: 'device', base: 0x100_0000, size: 0x1000 };

describe('physical memory with a backing', () => {
  it('puts RAM pages in the backing, 4 MiB chunk by chunk, and leaves device regions in the heap', () => {
    const backing = new FakeBacking();
    const m = new PhysicalMemory('t', [RAM, DEV], backing);
    m.writeU32(RAM.base + 0x10, 0xdeadbeef);
    m.writeU32(RAM.base + 5 * MiB, 1);
    m.writeU32(DEV.base, 2);
    expect(backing.chunks).toEqual(['ram+0:400000', 'ram+400000:400000']);
    expect([...backing.bytes(RAM, 0x10, 4)]).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(m.readU32(DEV.base)).toBe(2);
  });

  it('sees what code outside JS wrote, even in pages JS never touched', () => {
    const backing = new FakeBacking();
    const m = new PhysicalMemory('t', [RAM], backing);
    m.writeU32(RAM.base, 0); // makes the first chunk exist
    backing.bytes(RAM, 0x3000, 4).set([1, 2, 3, 4]);
    expect(m.readU32(RAM.base + 0x3000)).toBe(0x04030201);
  });

  it('zeroes whole pages through the backing in one call per run, partial pages in place', () => {
    const backing = new FakeBacking();
    const m = new PhysicalMemory('t', [RAM], backing);
    m.writeU32(RAM.base, 0); // makes the first chunk exist
    m.writeU32(RAM.base + 0x1000, 7);
    m.writeU32(RAM.base + 0x2ffc, 9);
    backing.bytes(RAM, 0x4000, 1).set([5]);
    m.zero(RAM.base + 0x800, 0x4800);
    expect(backing.discards).toEqual(['ram+1000:4000']);
    expect(m.readU32(RAM.base + 0x1000)).toBe(0);
    expect(m.readU32(RAM.base + 0x2ffc)).toBe(0);
    expect(backing.bytes(RAM, 0x4000, 1)[0]).toBe(0);
    m.writeU32(RAM.base + 0x5000, 3);
    m.writeU32(RAM.base + 0x5004, 4);
    m.zero(RAM.base + 0x5004, 4);
    expect(m.readU32(RAM.base + 0x5000)).toBe(3);
    expect(m.readU32(RAM.base + 0x5004)).toBe(0);
  });

  it('behaves exactly as JS-heap memory for any sequence of writes, zeroes and reads', () => {
    type Op = { kind: 'w64' | 'w8' | 'zero'; off: number; v: number; len: number };
    const op = fc.record({
      kind: fc.constantFrom<Op['kind']>('w64', 'w8', 'zero'),
      off: fc.integer({ min: 0, max: RAM.size / 8 - 1 }).map((x) => x * 8),
      v: fc.integer({ min: 0, max: 0xffffffff }),
      len: fc.integer({ min: 1, max: 3 * 4096 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const plain = new PhysicalMemory('t', [RAM]);
        const backed = new PhysicalMemory('t', [RAM], new FakeBacking());
        for (const o of ops) {
          for (const m of [plain, backed]) {
            const a = RAM.base + o.off;
            if (o.kind === 'w64') m.writeWord64(a, o.v, o.v ^ 0x5555);
            else if (o.kind === 'w8') m.writeU8(a + 3, o.v);
            else m.zero(a, Math.min(o.len, RAM.size - o.off));
          }
        }
        for (const o of ops) {
          const a = RAM.base + o.off;
          expect(backed.readWord64Big(a)).toBe(plain.readWord64Big(a));
          expect(backed.readBytes(a, 8)).toEqual(plain.readBytes(a, 8));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('restores a snapshot into a backed board, clearing what was there', () => {
    const backing = new FakeBacking();
    const b = createBoard('pc99', { ramBytes: 16 * MiB, backing });
    b.memory.writeU32(0x20_0000, 1);
    const s = b.getState();
    b.memory.writeU32(0x30_0000, 2);
    b.setState(s);
    expect(b.memory.readU32(0x20_0000)).toBe(1);
    expect(b.memory.readU32(0x30_0000)).toBe(0);
    expect(backing.discards[0]).toBe(`ram+0:${(16 * MiB).toString(16)}`);
  });
});
