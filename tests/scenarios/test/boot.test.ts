/*
 * What the root task finds at boot (digest 10): the initial caps in slots 0-15, the bootinfo
 * fields, untypeds that cover free RAM in naturally aligned power-of-two chunks beside device
 * untypeds, the empty slot region up to the root CNode's end, and the root thread's own settings.
 */
import type { BoardName } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type RootCtx, scenario, tcbAt } from './harness.js';

const BOARDS: readonly BoardName[] = ['pc99', 'qemu-arm-virt', 'qemu-riscv-virt'];

function bootView(board: BoardName) {
  let bi: L.seL4_BootInfo | null = null;
  let firstArg = -1;
  const types: number[] = [];
  let ipcBufferSeen = -1;
  const s = scenario(
    function* (c: RootCtx) {
      bi = L.seL4_GetBootInfo();
      for (let slot = 0; slot < 16; slot++) types.push(yield* L.seL4_DebugCapIdentify(slot));
      ipcBufferSeen = bi.ipcBuffer;
      firstArg = c.args[0]!;
    },
    { board },
  );
  return { s, bi: bi! as L.seL4_BootInfo, types, firstArg, ipcBufferSeen };
}

describe.each(BOARDS)('%s', (board) => {
  const v = bootView(board);
  const arch = v.s.m.board.arch;
  const tags = L.CAP_TAGS[arch.name];
  const t = (name: string) => tags[name]!;

  it('has seL4\'s initial caps in slots 0-15', () => {
    const vspace = arch.name === 'x86_64' ? t('pml4_cap') : arch.name === 'aarch64' ? t('vspace_cap') : t('page_table_cap');
    expect(v.types).toEqual([
      t('null_cap'),
      t('thread_cap'),
      t('cnode_cap'),
      vspace,
      t('irq_control_cap'),
      t('asid_control_cap'),
      t('asid_pool_cap'),
      arch.name === 'x86_64' ? t('io_port_control_cap') : t('null_cap'),
      t('null_cap'), // no IOMMU
      t('frame_cap'), // bootinfo frame
      t('frame_cap'), // IPC buffer
      t('domain_cap'),
      0, 0, 0, 0,
    ]);
  });

  it('fills in bootinfo as a classic single-core kernel does', () => {
    const bi = v.bi;
    expect([bi.nodeID, bi.numNodes, bi.numIOPTLevels, bi.initThreadCNodeSizeBits, bi.initThreadDomain, bi.extraLen]).toEqual([0, 1, 0, 12, 0, 0]);
    expect(bi.sharedFrames.start).toBe(bi.sharedFrames.end);
    expect(bi.empty.end).toBe(4096);
    expect(bi.empty.start).toBeGreaterThanOrEqual(bi.untyped.end);
    expect(bi.untyped.start).toBeGreaterThanOrEqual(16);
    expect(bi.untypedList.length).toBe(bi.untyped.end - bi.untyped.start);
    // the root task's first argument register holds the bootinfo frame's address
    expect(v.firstArg).toBe(v.s.m.boot.bootInfoVaddr);
    expect(v.ipcBufferSeen).toBe(v.s.m.boot.ipcBufferVaddr);
    expect(v.ipcBufferSeen % 4096).toBe(0);
  });

  it('gives untypeds that are naturally aligned, 2^4..2^47 bytes, disjoint, and cover nearly all free RAM', () => {
    const list = v.bi.untypedList;
    const board = v.s.m.board;
    const ram = board.ram;
    const ramBytes = ram.reduce((n, r) => n + r.size, 0);
    let free = 0;
    const spans: [number, number][] = [];
    for (const d of list) {
      expect(d.sizeBits).toBeGreaterThanOrEqual(4);
      expect(d.sizeBits).toBeLessThanOrEqual(47);
      const size = 2 ** d.sizeBits;
      expect(d.paddr % size).toBe(0);
      const inRam = ram.some((r) => d.paddr >= r.base && d.paddr + size <= r.base + r.size);
      expect(inRam).toBe(!d.isDevice);
      if (!d.isDevice) free += size;
      spans.push([d.paddr, d.paddr + size]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < spans.length; k++) expect(spans[k]![0]).toBeGreaterThanOrEqual(spans[k - 1]![1]);
    expect(list.some((d) => d.isDevice)).toBe(true);
    // all of RAM but the kernel image and the root task's objects (a few MiB) is handed out
    expect(ramBytes - free).toBeGreaterThan(0);
    expect(ramBytes - free).toBeLessThan(8 * 2 ** 20);
  });

  it('starts the root thread at priority 255, MCP 255, with no fault handler', () => {
    const root = v.s.m.boot.rootTcb;
    expect([root.priority, root.mcp, root.faultHandlerLo, root.faultHandlerHi, root.domain]).toEqual([255, 255, 0, 0, 0]);
    expect(tcbAt(v.s.m, L.seL4_CapInitThreadTCB)).toBe(root);
  });
});
