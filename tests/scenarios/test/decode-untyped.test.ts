/*
 * Untyped_Retype decoding (seL4: decodeUntypedInvocation; digest 6), in the kernel's check order:
 * truncation, the object type, the size (Appendix B 4: RangeError 0..47 on x86_64 for anything of
 * 64 bits or more), the destination CNode, offset and window, empty slots, memory left.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Case, inv, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const EP = L.seL4_EndpointObject;
const retype = (ut: number, words: (number | bigint)[], caps: number[] = [CN]) => inv(ut, 'UntypedRetype', words, caps);

const cases: Case[] = [
  { name: 'a CNode label on an untyped cap', run: (k) => inv(k.ut, 'CNodeCopy', [k.empty, 64]), expect: 'IllegalOperation' },
  { name: '5 words', run: (k) => retype(k.ut, [EP, 0, 0, 0, k.empty]), expect: 'TruncatedMessage' },
  { name: 'no root cap', run: (k) => retype(k.ut, [EP, 0, 0, 0, k.empty, 1], []), expect: 'TruncatedMessage' },
  { name: 'an object type that does not exist', run: (k) => retype(k.ut, [100, 0, 0, 0, k.empty, 1]), expect: 'InvalidArgument 0' },
  { name: 'size_bits 64 for an endpoint', run: (k) => retype(k.ut, [EP, 64, 0, 0, k.empty, 1]), expect: 'RangeError 0 47' },
  { name: 'an untyped of 2^48', run: (k) => retype(k.ut, [L.seL4_UntypedObject, 48, 0, 0, k.empty, 1]), expect: 'RangeError 0 47' },
  { name: 'a CNode of 2^43 slots (2^48 bytes)', run: (k) => retype(k.ut, [L.seL4_CapTableObject, 43, 0, 0, k.empty, 1]), expect: 'RangeError 0 47' },
  { name: 'a CNode of size 0', run: (k) => retype(k.ut, [L.seL4_CapTableObject, 0, 0, 0, k.empty, 1]), expect: 'InvalidArgument 1' },
  { name: 'an untyped below 2^4', run: (k) => retype(k.ut, [L.seL4_UntypedObject, 3, 0, 0, k.empty, 1]), expect: 'InvalidArgument 1' },
  { name: 'a destination CNode cptr that does not resolve', run: (k) => retype(k.ut, [EP, 0, 0x10000, 64, 0, 1]), expect: 'FailedLookup 0 4 64 0 52' },
  { name: 'a destination that is not a CNode', run: (k) => retype(k.ut, [EP, 0, k.ep, 64, 0, 1]), expect: 'FailedLookup 0 2 64' },
  { name: 'an offset past the root CNode (depth 0: the root cap itself)', run: (k) => retype(k.ut, [EP, 0, 0, 0, 4096, 1]), expect: 'RangeError 0 4095' },
  { name: 'an offset past a 16-slot CNode', run: (k) => retype(k.ut, [EP, 0, k.cnode16, 64, 16, 1]), expect: 'RangeError 0 15' },
  { name: 'zero objects', run: (k) => retype(k.ut, [EP, 0, 0, 0, k.empty, 0]), expect: 'RangeError 1 256' },
  { name: '257 objects (above the fan-out limit)', run: (k) => retype(k.ut, [EP, 0, 0, 0, k.empty, 257]), expect: 'RangeError 1 256' },
  { name: 'a window past the end of the CNode', run: (k) => retype(k.ut, [EP, 0, 0, 0, 4095, 2]), expect: 'RangeError 1 1' },
  { name: 'an occupied destination slot', run: (k) => retype(k.ut, [EP, 0, 0, 0, k.ep, 1]), expect: 'DeleteFirst' },
  { name: 'endpoints from a device untyped', run: (k) => retype(k.deviceUt, [EP, 0, 0, 0, k.empty, 1]), expect: 'InvalidArgument 1' },
  {
    name: 'two 4K frames from a 4K untyped, then one, then an endpoint',
    run: function* (k) {
      const small = k.c.alloc.allocSlot();
      const e = yield* L.seL4_Untyped_Retype(k.ut, L.seL4_UntypedObject, 12, CN, 0, 0, small, 1);
      const page = L.smallPageObject(L.currentThread().arch.name);
      const d = k.c.alloc.allocSlot();
      k.c.alloc.allocSlot();
      return [
        e,
        yield* retype(small, [page, 0, 0, 0, d, 2]),
        yield* retype(small, [page, 0, 0, 0, d, 1]),
        yield* retype(small, [EP, 0, 0, 0, d + 1, 1]),
      ].join(' | ');
    },
    expect: '0 | NotEnoughMemory 4096 | NoError | NotEnoughMemory 0',
  },
  {
    name: 'a frame from a device untyped',
    run: (k) => retype(k.deviceUt, [L.smallPageObject(L.currentThread().arch.name), 0, 0, 0, k.empty2, 1]),
    expect: 'NoError',
  },
];

describe('Untyped_Retype decoding', () => {
  const got = runTable(cases);
  it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
    expect(got.get(name)).toBe(expected);
  });
});
