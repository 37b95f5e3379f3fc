import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardConfigError, createBoard, PhysicalAddressError, PhysicalMemory } from '../src/index.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('physical memory', () => {
  it('reads zeros from untouched memory without allocating it', () => {
    const b = createBoard('pc99', { ramBytes: 4 * GiB });
    expect(b.memory.readWordLo(0x2000_0000)).toBe(0);
    expect(b.memory.readU8(0x1_2000_0001)).toBe(0);
    expect(b.memory.touchedBytes).toBe(0);
  });

  it('keeps 64-bit words exact', () => {
    const b = createBoard('qemu-arm-virt');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 1000 }), (v, slot) => {
        const addr = 0x4000_0000 + slot * 8;
        b.memory.writeWord64Big(addr, v);
        expect(b.memory.readWord64Big(addr)).toBe(v);
      }),
    );
  });

  it('is little-endian: bytes of a word in ascending address order', () => {
    const b = createBoard('qemu-riscv-virt');
    b.memory.writeWord64(0x8000_1000, 0x04030201, 0x08070605);
    expect([...b.memory.readBytes(0x8000_1000, 8)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    b.memory.writeU8(0x8000_1003, 0xff);
    expect(b.memory.readU32(0x8000_1000)).toBe(0xff030201);
  });

  it('copies byte ranges across page boundaries', () => {
    const b = createBoard('pc99');
    const data = Uint8Array.from({ length: 10000 }, (_, i) => i & 0xff);
    b.memory.writeBytes(0x10_0ff0, data);
    expect(b.memory.readBytes(0x10_0ff0, 10000)).toEqual(data);
  });

  it('zeroing whole pages gives their backing store back', () => {
    const b = createBoard('pc99');
    b.memory.writeU32(0x20_0000, 7);
    b.memory.writeU32(0x20_1000, 7);
    expect(b.memory.touchedBytes).toBe(8192);
    b.memory.zero(0x20_0000, 0x1000);
    expect(b.memory.touchedBytes).toBe(4096);
    b.memory.zero(0x20_1004, 4);
    expect(b.memory.readU32(0x20_1000)).toBe(7);
    b.memory.zero(0x20_1000, 4);
    expect(b.memory.readU32(0x20_1000)).toBe(0);
  });

  it('names the address and the board for an address outside every region', () => {
    const b = createBoard('qemu-arm-virt');
    expect(() => b.memory.readU32(0x1000)).toThrow(PhysicalAddressError);
    expect(() => b.memory.readU32(0x1000)).toThrow('qemu-arm-virt: physical address 0x1000 is outside every memory region');
    expect(() => b.memory.writeWord64(0x4000_0004, 0, 0)).toThrow(/not aligned/);
  });

  it('splits PC RAM around the PCI hole', () => {
    const b = createBoard('pc99', { ramBytes: 4 * GiB });
    expect(b.ram.map((r) => [r.base, r.size])).toEqual([
      [MiB, 3 * GiB - MiB],
      [4 * GiB, GiB + MiB],
    ]);
    b.memory.writeU32(5 * GiB, 1);
    expect(b.memory.readU32(5 * GiB)).toBe(1);
  });

  it('refuses overlapping regions', () => {
    expect(
      () =>
        new PhysicalMemory('x', [
          { name: 'a', kind: 'ram', base: 0, size: 8192 },
          { name: 'b', kind: 'device', base: 4096, size: 4096 },
        ]),
    ).toThrow(/overlap/);
  });

  it('snapshots and restores its contents', () => {
    const b = createBoard('pc99');
    b.memory.writeWord64(0x30_0000, 1, 2);
    const s = b.getState();
    b.memory.writeWord64(0x30_0000, 3, 4);
    b.memory.writeU32(0x40_0000, 5);
    b.setState(JSON.parse(JSON.stringify(s)));
    expect(b.memory.readWordLo(0x30_0000)).toBe(1);
    expect(b.memory.readWordHi(0x30_0000)).toBe(2);
    expect(b.memory.readU32(0x40_0000)).toBe(0);
  });
});

describe('boards', () => {
  it.each([
    ['pc99', 'x86_64', 512 * MiB],
    ['qemu-arm-virt', 'aarch64', GiB],
    ['qemu-riscv-virt', 'riscv64', GiB],
  ] as const)('%s is %s with %i bytes of RAM by default', (name, arch, ram) => {
    const b = createBoard(name);
    expect(b.arch.name).toBe(arch);
    expect(b.ramBytes).toBe(ram);
    expect(b.devices.length).toBeGreaterThan(0);
  });

  it('accepts RAM from 1 MiB to 64 GiB in whole pages and explains anything else', () => {
    expect(createBoard('pc99', { ramBytes: MiB }).ramBytes).toBe(MiB);
    expect(createBoard('qemu-arm-virt', { ramBytes: 64 * GiB }).ramBytes).toBe(64 * GiB);
    expect(() => createBoard('pc99', { ramBytes: MiB - 4096 })).toThrow(BoardConfigError);
    expect(() => createBoard('pc99', { ramBytes: MiB + 1 })).toThrow(/whole 4 KiB pages from 1048576/);
    expect(() => createBoard('vax')).toThrow("unknown board 'vax'; boards are: pc99, qemu-arm-virt, qemu-riscv-virt");
  });
});
