// What boot gives the root task's address space (seL4: create_it_address_space and the frames of
// src/kernel/boot.c): its image, IPC buffer and bootinfo frames mapped through paging structures
// whose caps are in bootinfo's userImagePaging and userImageFrames regions.
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { BOARDS, runRoot } from './vspace-world.js';

const PAGING_TAGS: Record<string, string[]> = {
  x86_64: ['pdpt_cap', 'page_directory_cap', 'page_table_cap'],
  aarch64: ['page_table_cap', 'page_table_cap', 'page_table_cap'],
  riscv64: ['page_table_cap', 'page_table_cap'],
};

describe.each(BOARDS)('boot on %s (%s)', (board, arch) => {
  it('reports the paging structures and image frames in bootinfo, in that order after the fixed caps', () => {
    runRoot(board, function* (r) {
      const bi = r.bi;
      const tags = L.CAP_TAGS[arch];
      expect(bi.userImagePaging.start).toBe(L.seL4_NumInitialCaps);
      const paging: number[] = [];
      for (let c = bi.userImagePaging.start; c < bi.userImagePaging.end; c++) paging.push(yield* L.seL4_DebugCapIdentify(c));
      expect(paging).toEqual(PAGING_TAGS[arch]!.map((n) => tags[n]));
      expect(bi.extraBIPages).toEqual({ start: bi.userImagePaging.end, end: bi.userImagePaging.end });
      expect(bi.userImageFrames.start).toBe(bi.userImagePaging.end);
      expect(bi.userImageFrames.end - bi.userImageFrames.start).toBe(16);
      for (let c = bi.userImageFrames.start; c < bi.userImageFrames.end; c++) expect(yield* L.seL4_DebugCapIdentify(c)).toBe(tags['frame_cap']);
      expect(bi.untyped.start).toBe(bi.userImageFrames.end);
      expect(yield* L.seL4_DebugCapIdentify(L.seL4_CapInitThreadVSpace)).toBe(tags[arch === 'x86_64' ? 'pml4_cap' : arch === 'aarch64' ? 'vspace_cap' : 'page_table_cap']);
    });
  });

  it('maps the image, the IPC buffer and the bootinfo frame where bootinfo says', () => {
    runRoot(board, function* (r) {
      const bi = r.bi;
      const image = L.USER_TEXT_BASE;
      // the IPC buffer follows the image, the bootinfo frame follows it
      expect(bi.ipcBuffer).toBe(image + 16 * 4096);
      // the image is zeroed, writable memory
      expect(yield* L.tsel4_read64(image + 0x8000)).toBe(0);
      yield* L.tsel4_write64(image + 0x8000, 0x1234_5678_9abc);
      expect(yield* L.tsel4_read64(image + 0x8000)).toBe(0x1234_5678_9abc);
      // the IPC buffer the kernel uses (through the TCB's frame cap) is the one mapped at bi.ipcBuffer
      L.seL4_SetMR(5, 0xfeed);
      expect(yield* L.tsel4_read64(bi.ipcBuffer + 8 * 6)).toBe(0xfeed);
      yield* L.tsel4_write64(bi.ipcBuffer + 8 * 7, 0xbeef);
      expect(L.seL4_GetMR(6)).toBe(0xbeef);
      // the bootinfo frame, read through the VSpace, says what seL4_GetBootInfo says
      const biVaddr = bi.ipcBuffer + 4096;
      const w = (i: number) => L.tsel4_read64(biVaddr + 8 * i);
      expect(yield* w(L.BOOTINFO_WORD.ipcBuffer)).toBe(bi.ipcBuffer);
      expect([yield* w(L.BOOTINFO_WORD.userImagePaging), yield* w(L.BOOTINFO_WORD.userImagePaging + 1)]).toEqual([
        bi.userImagePaging.start,
        bi.userImagePaging.end,
      ]);
      expect([yield* w(L.BOOTINFO_WORD.userImageFrames), yield* w(L.BOOTINFO_WORD.userImageFrames + 1)]).toEqual([
        bi.userImageFrames.start,
        bi.userImageFrames.end,
      ]);
      expect([yield* w(L.BOOTINFO_WORD.empty), yield* w(L.BOOTINFO_WORD.empty + 1)]).toEqual([bi.empty.start, bi.empty.end]);
      // the image frames are the frames mapped there: GetAddress of frame i is the page at image + i * 4K
      const first = yield* r.pageGetAddress(bi.userImageFrames.start);
      const second = yield* r.pageGetAddress(bi.userImageFrames.start + 1);
      expect(first.error).toBe(0);
      expect(Number(second.paddr) - Number(first.paddr)).toBe(4096);
    });
  });

  it('gives mapped paging caps that can be copied and frames that cannot be mapped twice by one cap', () => {
    runRoot(board, function* (r) {
      const bi = r.bi;
      const copy = r.slot();
      // a mapped paging structure derives (an unmapped one would be IllegalOperation)
      expect(yield* L.seL4_CNode_Copy(L.seL4_CapInitThreadCNode, copy, 64, L.seL4_CapInitThreadCNode, bi.userImagePaging.start, 64, L.seL4_AllRights)).toBe(0);
      // an image frame is mapped: mapping it elsewhere (where a page table exists) is InvalidArgument(0)
      const err = yield* r.pageMap(bi.userImageFrames.start, L.USER_TEXT_BASE + 0x10_0000);
      expect([err, L.seL4_GetMR(0)]).toEqual([L.seL4_InvalidArgument, 0]);
    });
  });
});
