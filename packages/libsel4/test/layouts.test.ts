// Digest 1.4 (IPC buffer) and 10 (bootinfo): typed views over board memory.
import { aarch64, createBoard, riscv64, x86_64 } from '@tsel4/hal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';

describe('IPC buffer layout (digest 1.4)', () => {
  it('puts each field at the byte offset the digest gives on 64 and 32 bits', () => {
    const off64 = [L.IPCBUF_TAG, L.IPCBUF_MSG, L.IPCBUF_USER_DATA, L.IPCBUF_CAPS_OR_BADGES, L.IPCBUF_RECEIVE_CNODE, L.IPCBUF_RECEIVE_INDEX, L.IPCBUF_RECEIVE_DEPTH].map((i) => L.ipcBufferByteOffset(64, i));
    expect(off64).toEqual([0, 0x8, 0x3c8, 0x3d0, 0x3e8, 0x3f0, 0x3f8]);
    const off32 = [L.IPCBUF_USER_DATA, L.IPCBUF_CAPS_OR_BADGES, L.IPCBUF_RECEIVE_CNODE, L.IPCBUF_RECEIVE_DEPTH].map((i) => L.ipcBufferByteOffset(32, i));
    expect(off32).toEqual([484, 488, 500, 508]);
    expect(L.IPCBUF_WORDS).toBe(L.seL4_IPCBufferWords);
  });

  it('reads and writes exact words through board memory', () => {
    const b = createBoard('pc99');
    const view = L.IPCBufferView.at(b.memory, 0x20_0400, 64);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 127 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (i, v) => {
        view.setWord(i, v);
        expect(view.getBig(i)).toBe(v);
        expect(b.memory.readWord64Big(0x20_0400 + 8 * i)).toBe(v);
      }),
    );
  });

  it('refuses a misaligned buffer', () => {
    const b = createBoard('pc99');
    expect(() => L.IPCBufferView.at(b.memory, 0x20_0200, 64)).toThrow(/1024-byte aligned/);
  });
});

describe('bootinfo layout (digest 10)', () => {
  it('places fields at the 64-bit offsets the digest gives', () => {
    const o = (f: keyof typeof L.BOOTINFO_WORD) => L.bootInfoOffset(64, f);
    expect([o('extraLen'), o('nodeID'), o('numNodes'), o('numIOPTLevels'), o('ipcBuffer'), o('empty')]).toEqual([0, 8, 16, 24, 32, 40]);
    expect([o('sharedFrames'), o('userImageFrames'), o('userImagePaging'), o('ioSpaceCaps'), o('extraBIPages')]).toEqual([56, 72, 88, 104, 120]);
    expect([o('initThreadCNodeSizeBits'), o('initThreadDomain'), o('untyped'), o('untypedList')]).toEqual([136, 144, 152, 168]);
    expect(L.bootInfoSize(64)).toBeLessThanOrEqual(4096);
    expect(L.bootInfoSize(32)).toBeLessThanOrEqual(4096);
  });

  it('round-trips through memory on both word sizes', () => {
    for (const [board, base] of [['pc99', 0x30_0000], ['qemu-arm-virt', 0x4030_0000]] as const) {
      const b = createBoard(board);
      const bi: L.seL4_BootInfo = {
        extraLen: 0, nodeID: 0, numNodes: 1, numIOPTLevels: 0, ipcBuffer: 0x40_1000,
        empty: { start: 40, end: 4096 }, sharedFrames: { start: 0, end: 0 }, userImageFrames: { start: 16, end: 20 },
        userImagePaging: { start: 20, end: 23 }, ioSpaceCaps: { start: 0, end: 0 }, extraBIPages: { start: 23, end: 23 },
        initThreadCNodeSizeBits: 12, initThreadDomain: 0, untyped: { start: 23, end: 26 },
        untypedList: [
          { paddr: 0x100000, sizeBits: 20, isDevice: 0 },
          { paddr: 0xfec00000, sizeBits: 12, isDevice: 1 },
          { paddr: 2 ** 40, sizeBits: 30, isDevice: 0 },
        ],
      };
      L.writeBootInfo(b.memory, base, b.arch.wordBits, bi);
      expect(L.readBootInfo(b.memory, base, b.arch.wordBits)).toEqual(bi);
    }
  });
});

describe("the arch description's paging kinds", () => {
  it('name one kind per level of each VSpace geometry, the root first', () => {
    for (const arch of [x86_64, aarch64, riscv64]) {
      const g = L.vspaceGeometry(arch.name)!;
      expect(arch.pagingKinds.length).toBe(g.levels.length);
    }
    expect(x86_64.pagingKinds).toEqual(['pml4', 'pdpt', 'pd', 'pt']);
    expect(aarch64.pagingKinds[0]).toBe('vspace');
    expect(riscv64.pagingKinds[0]).toBe('pt');
  });
});
