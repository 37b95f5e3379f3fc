/*
 * What seL4 16.0.0 hands the reference ELFs' root task on QEMU virt with 3 GiB, as tsel4's
 * qemu-riscv-virt board gives it: the slot regions of bootinfo (fixtures' README: paging 16..17,
 * extra bootinfo 18..19, image frames 20..108, 60 untypeds 109..168, empty from 169), extraLen
 * 4437 with an FDT header (id 6) and a valid device tree of 4421 bytes at 0x6b000, and the
 * untyped list seL4's create_untypeds makes from the board's memory map (device gaps below 2^39
 * around RAM and the PLIC's kernel frames, then RAM). Other RAM sizes and boards are unchanged.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Access, newTranslation, translateUser } from '@tsel4/kernel';
import { elfMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const boot = () => elfMachine(new Uint8Array(readFileSync(join(FIXTURES, 'pingpong.elf')))).machine;

describe('seL4 boot on qemu-riscv-virt with 3 GiB', () => {
  it('bootinfo slot regions and counts are seL4s', () => {
    const bi = boot().boot.bootInfo;
    expect(bi.userImagePaging).toEqual({ start: 16, end: 18 });
    expect(bi.extraBIPages).toEqual({ start: 18, end: 20 });
    expect(bi.userImageFrames).toEqual({ start: 20, end: 109 });
    expect(bi.untyped).toEqual({ start: 109, end: 169 });
    expect(bi.empty).toEqual({ start: 169, end: 4096 });
    expect(bi.untypedList).toHaveLength(60);
    expect(bi.extraLen).toBe(4437);
  });

  it('extra bootinfo: an FDT header and a valid device tree, mapped after the bootinfo frame', () => {
    const m = boot();
    const t = newTranslation();
    expect(translateUser(m.k, m.boot.rootTcb, 0x6b000, Access.Read, t)).toBeNull();
    const bytes = m.board.memory.readBytes(t.paddr, 4437);
    const le = new DataView(bytes.buffer, bytes.byteOffset);
    expect(Number(le.getBigUint64(0, true))).toBe(6); // SEL4_BOOTINFO_HEADER_FDT
    expect(Number(le.getBigUint64(8, true))).toBe(4437); // header + device tree
    expect(le.getUint32(16, false)).toBe(0xd00dfeed); // FDT magic
    expect(le.getUint32(20, false)).toBe(4421); // totalsize
    expect(le.getUint32(16 + 20, false)).toBe(17); // version
    // the second extra page is mapped too, the page after it is not
    expect(translateUser(m.k, m.boot.rootTcb, 0x6c000, Access.Read, t)).toBeNull();
    expect(translateUser(m.k, m.boot.rootTcb, 0x6d000, Access.Read, t)).not.toBeNull();
  });

  it('device untypeds are the gaps below 2^39 outside RAM and the PLIC frames, in order, then RAM', () => {
    const list = boot().boot.bootInfo.untypedList;
    const dev = list.filter((u) => u.isDevice === 1).map((u) => [u.paddr, u.sizeBits]);
    expect(dev).toEqual([
      [0x0, 27], [0x8000000, 26], [0xc600000, 21], [0xc800000, 23], [0xd000000, 24], [0xe000000, 25],
      [0x10000000, 28], [0x20000000, 29], [0x40000000, 30], [0x140000000, 30], [0x180000000, 31],
      [0x200000000, 33], [0x400000000, 34], [0x800000000, 35], [0x1000000000, 36], [0x2000000000, 37],
      [0x4000000000, 38],
    ]);
    // devices first, then RAM; RAM untypeds lie in [0x80000000, 0x140000000)
    expect(list.slice(0, 17).every((u) => u.isDevice === 1)).toBe(true);
    for (const u of list.slice(17)) {
      expect(u.isDevice).toBe(0);
      expect(u.paddr).toBeGreaterThanOrEqual(0x80000000);
      expect(u.paddr + 2 ** u.sizeBits).toBeLessThanOrEqual(0x140000000);
    }
    // the RAM below the kernel image (physBase .. physBase + 64 MiB) is one 64 MiB untyped
    expect(list.some((u) => u.paddr === 0x80000000 && u.sizeBits === 26 && u.isDevice === 0)).toBe(true);
  });

  it('another RAM size keeps tsel4s own layout (no extra bootinfo)', () => {
    const m = elfMachine(new Uint8Array(readFileSync(join(FIXTURES, 'pingpong.elf'))), { ramBytes: 1024 * 1024 * 1024 }).machine;
    expect(m.boot.bootInfo.extraLen).toBe(0);
    expect(m.boot.bootInfo.extraBIPages).toEqual({ start: 18, end: 18 });
  });
});
