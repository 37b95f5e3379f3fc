/*
 * object figures (issue: object layer): heap per slot and per object beside seL4's own sizes,
 * revoke time for subtrees of 10^3..10^5 caps, and cptr lookup through 1 and 4 CNode levels.
 */
import { createBoard } from '@tsel4/hal';
import {
  CNodeObj,
  cnodeCap,
  cteInsert,
  cteRevoke,
  Endpoint,
  endpointCap,
  LookupResult,
  Notification,
  ObjectSpace,
  resolveAddressBits,
  Tcb,
  writeSlot,
} from '@tsel4/object';
import { ThreadContext } from '@tsel4/hal';
import { type Figure, fmt, nsPerOp, retainedHeapBytes } from '../figure.js';

const board = createBoard('pc99');
const arch = board.arch;
const space = new ObjectSpace(arch, board.memory);

/** A CNode of 2^bits slots, every slot holding a copy of one endpoint cap (an MDB chain). */
function filledCNode(bits: number): { cnode: CNodeObj; original: CNodeObj } {
  const original = new CNodeObj(0x10_0000, 1, arch.objects.slotBits);
  const ep = new Endpoint(0x20_0000, arch.objects.endpointBits);
  const src = original.slotAt(0);
  writeSlot(src, endpointCap(ep, 0, 0, 0xf));
  const cnode = new CNodeObj(0x40_0000, bits, arch.objects.slotBits);
  const n = 2 ** bits;
  for (let i = 0; i < n; i++) cteInsert(src.cap, src, cnode.slotAt(i));
  return { cnode, original };
}

function perObject<T>(n: number, make: (i: number) => T): number {
  const { bytes, value } = retainedHeapBytes(() => Array.from({ length: n }, (_, i) => make(i)));
  if (value.length !== n) throw new Error('lost objects');
  return bytes / n;
}

function revokeMs(n: number): number {
  const bits = Math.ceil(Math.log2(n));
  const original = new CNodeObj(0x10_0000, 1, arch.objects.slotBits);
  const ep = new Endpoint(0x20_0000, arch.objects.endpointBits);
  const src = original.slotAt(0);
  writeSlot(src, endpointCap(ep, 0, 0, 0xf));
  const cnode = new CNodeObj(0x40_0000, bits, arch.objects.slotBits);
  for (let i = 0; i < n; i++) cteInsert(src.cap, src, cnode.slotAt(i));
  const t0 = process.hrtime.bigint();
  const r = cteRevoke(space, src);
  const t1 = process.hrtime.bigint();
  if (r !== null || src.mdbNext !== null) throw new Error('revoke did not finish');
  return Number(t1 - t0) / 1e6;
}

/** A chain of `levels` CNodes resolving 64 bits; returns the root cap and a cptr to the last slot. */
function chain(levels: number) {
  const bitsPerLevel = 64 / levels;
  const radix = Math.min(12, bitsPerLevel);
  const guard = bitsPerLevel - radix;
  let addr = 0x100_0000;
  const nodes = Array.from({ length: levels }, () => {
    const c = new CNodeObj(addr, radix, arch.objects.slotBits);
    addr += 2 ** (radix + arch.objects.slotBits);
    return c;
  });
  for (let i = 0; i + 1 < levels; i++) writeSlot(nodes[i]!.slotAt(1), cnodeCap(nodes[i + 1]!, radix, guard, 0, 0));
  writeSlot(nodes[levels - 1]!.slotAt(1), endpointCap(new Endpoint(addr, 4), 0, 0, 0xf));
  const root = cnodeCap(nodes[0]!, radix, guard, 0, 0);
  // cptr: index 1 at every level, guards 0
  let cptr = 0n;
  for (let i = 0; i < levels; i++) cptr = (cptr << BigInt(bitsPerLevel)) | 1n;
  return { root, lo: Number(cptr & 0xffffffffn), hi: Number(cptr >> 32n) };
}

function lookupNs(levels: number): number {
  const { root, lo, hi } = chain(levels);
  const out = new LookupResult();
  if (!resolveAddressBits(root, lo, hi, 64, out) || out.bitsRemaining !== 0) throw new Error('lookup chain broken');
  return nsPerOp(2_000_000, (n) => {
    for (let i = 0; i < n; i++) resolveAddressBits(root, lo, hi, 64, out);
  });
}

export const objectFigures: Figure[] = [
  {
    name: 'object.cte.heap_bytes',
    unit: 'bytes',
    measure() {
      const bits = 16;
      const { bytes, value } = retainedHeapBytes(() => filledCNode(bits));
      const perSlot = bytes / 2 ** bits;
      const empty = retainedHeapBytes(() => new CNodeObj(0, bits, arch.objects.slotBits));
      if (value.cnode.radix !== bits) throw new Error('wrong cnode');
      return {
        value: perSlot,
        comparison: `seL4: 32 (aim <= 128); an untouched slot costs ${fmt(empty.bytes / 2 ** bits)}`,
      };
    },
  },
  {
    name: 'object.endpoint.heap_bytes',
    unit: 'bytes',
    measure: () => ({ value: perObject(100_000, (i) => new Endpoint(i * 16, 4)), comparison: 'seL4: 16' }),
  },
  {
    name: 'object.notification.heap_bytes',
    unit: 'bytes',
    measure: () => ({ value: perObject(100_000, (i) => new Notification(i * 32, 5)), comparison: 'seL4: 32' }),
  },
  {
    name: 'object.tcb.heap_bytes',
    unit: 'bytes',
    measure: () => ({
      value: perObject(20_000, (i) => new Tcb(i * 2048, 11, new ThreadContext(arch), 5)),
      comparison: 'seL4: 2048 (TCB object with its 5 slots and FPU state)',
    }),
  },
  ...[3, 4, 5].map(
    (e): Figure => ({
      name: `object.revoke.1e${e}.ms`,
      unit: 'ms',
      measure() {
        for (let i = 0; i < 5; i++) revokeMs(1000); // warm up the JIT
        const ms = [revokeMs(10 ** e), revokeMs(10 ** e), revokeMs(10 ** e)].sort((a, b) => a - b)[1]!;
        return { value: ms, comparison: `${fmt((ms * 1e6) / 10 ** e)} ns per cap (aim: linear)` };
      },
    }),
  ),
  {
    name: 'object.lookup.levels1.ns',
    unit: 'ns',
    measure: () => ({ value: lookupNs(1), comparison: 'one CNode, 64 bits (12 radix + 52 guard)' }),
  },
  {
    name: 'object.lookup.levels4.ns',
    unit: 'ns',
    measure: () => ({ value: lookupNs(4), comparison: 'four CNodes of 12 radix + 4 guard bits' }),
  },
];
