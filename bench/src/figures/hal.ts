/*
 * hal figures (issue: monorepo foundation): one 64-bit word written and read back through board
 * memory, and the heap a 4 GiB board costs after creation.
 */
import { createBoard } from '@tsel4/hal';
import { type Figure, fmt, nsPerOp, retainedHeapBytes } from '../figure.js';

const GiB = 1024 * 1024 * 1024;

export const halFigures: Figure[] = [
  {
    name: 'hal.mem.word_rw_ns',
    unit: 'ns',
    measure() {
      const b = createBoard('pc99');
      const mem = b.memory;
      const base = 0x20_0000;
      let sink = 0;
      const viaBoard = nsPerOp(2_000_000, (n) => {
        for (let i = 0; i < n; i++) {
          const addr = base + ((i & 511) << 3);
          mem.writeWord64(addr, i, i ^ 0x5a5a);
          sink += mem.readWordLo(addr) + mem.readWordHi(addr);
        }
      });
      const raw = new Uint32Array(1024);
      const viaArray = nsPerOp(2_000_000, (n) => {
        for (let i = 0; i < n; i++) {
          const j = (i & 511) << 1;
          raw[j] = i;
          raw[j + 1] = i ^ 0x5a5a;
          sink += raw[j]! + raw[j + 1]!;
        }
      });
      if (sink === -1) console.log(sink);
      return { value: viaBoard, comparison: `same on a bare Uint32Array: ${fmt(viaArray)} ns` };
    },
  },
  {
    name: 'hal.board_4gib.heap_bytes',
    unit: 'bytes',
    measure() {
      const { bytes, value } = retainedHeapBytes(() => createBoard('pc99', { ramBytes: 4 * GiB }));
      if (value.ramBytes !== 4 * GiB) throw new Error('board has the wrong size');
      return { value: bytes, comparison: `the RAM it simulates: ${fmt(4 * GiB)} bytes` };
    },
  },
];
