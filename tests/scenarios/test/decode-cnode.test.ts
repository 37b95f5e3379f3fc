/*
 * CNode invocation decoding (seL4: decodeCNodeInvocation, lookupSlotForCNodeOp; digest 5.3): each
 * error in the kernel's check order, with the reply's words. FailedLookup replies carry
 * [wasSource, lookup failure type + 1, bitsLeft, ...]; the root CNode resolves all 64 bits in one
 * level (12 bits of index under a 52-bit guard of 0).
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Case, inv, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const ALL = 0xf;
const BAD = 0x10000; // outside the root CNode: guard mismatch
const GUARD_MISMATCH = 'FailedLookup 0 4 64 0 52';

const cases: Case[] = [
  { name: 'a TCB label on a CNode cap', run: () => inv(CN, 'TCBSuspend', []), expect: 'IllegalOperation' },
  { name: 'fewer than 2 words', run: (k) => inv(CN, 'CNodeDelete', [k.empty]), expect: 'TruncatedMessage' },
  { name: 'destination depth 0', run: (k) => inv(CN, 'CNodeDelete', [k.empty, 0]), expect: 'RangeError 1 64' },
  { name: 'destination depth 65', run: (k) => inv(CN, 'CNodeDelete', [k.empty, 65]), expect: 'RangeError 1 64' },
  { name: 'destination guard mismatch', run: () => inv(CN, 'CNodeDelete', [BAD, 64]), expect: GUARD_MISMATCH },
  // fewer bits than the 52-bit guard: a guard mismatch (the guard is checked first)
  { name: 'destination depth 32', run: (k) => inv(CN, 'CNodeDelete', [k.empty, 32]), expect: 'FailedLookup 0 4 32 0 52' },
  // enough bits for the guard but not for guard + radix: a depth mismatch
  { name: 'destination depth 60', run: (k) => inv(CN, 'CNodeDelete', [k.empty, 60]), expect: 'FailedLookup 0 3 60 64' },
  { name: 'Copy with 3 words', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, k.ep], [CN]), expect: 'TruncatedMessage' },
  { name: 'Copy without the source root cap', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, k.ep, 64, ALL]), expect: 'TruncatedMessage' },
  { name: 'Copy into an occupied slot', run: (k) => inv(CN, 'CNodeCopy', [k.ep, 64, k.ep, 64, ALL], [CN]), expect: 'DeleteFirst' },
  { name: 'Copy from a source root that is not a CNode', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, k.ep, 64, ALL], [k.tcb]), expect: 'FailedLookup 1 1' },
  { name: 'Copy from a bad source cptr', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, BAD, 64, ALL], [CN]), expect: 'FailedLookup 1 4 64 0 52' },
  { name: 'Copy from a bad source depth', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, k.ep, 0, ALL], [CN]), expect: 'RangeError 1 64' },
  { name: 'Copy from an empty slot', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, k.empty2, 64, ALL], [CN]), expect: 'FailedLookup 1 2 64' },
  // the length is checked for the rights only after the slots
  { name: 'Copy with 4 words', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, k.ep, 64], [CN]), expect: 'TruncatedMessage' },
  { name: 'Copy of the IRQ control cap (derives to null)', run: (k) => inv(CN, 'CNodeCopy', [k.empty, 64, L.seL4_CapIRQControl, 64, ALL], [CN]), expect: 'IllegalOperation' },
  {
    name: 'Copy of an untyped with children',
    run: function* (k) {
      const e = yield* L.seL4_Untyped_Retype(k.ut, L.seL4_EndpointObject, 0, CN, 0, 0, k.c.alloc.allocSlot(), 1);
      return `${e} ` + (yield* inv(CN, 'CNodeCopy', [k.empty, 64, k.ut, 64, ALL], [CN]));
    },
    expect: '0 RevokeFirst',
  },
  { name: 'Mint with 5 words', run: (k) => inv(CN, 'CNodeMint', [k.empty, 64, k.ep, 64, ALL], [CN]), expect: 'TruncatedMessage' },
  { name: 'Mint a badge onto a badged endpoint cap', run: (k) => inv(CN, 'CNodeMint', [k.empty, 64, k.epBadged, 64, ALL, 7], [CN]), expect: 'IllegalOperation' },
  {
    name: 'Mint a CNode cap with guard size + radix > 64',
    run: (k) => inv(CN, 'CNodeMint', [k.empty, 64, k.cnode16, 64, ALL, L.seL4_CNode_CapData_new(0, 61).words[0]], [CN]),
    expect: 'IllegalOperation',
  },
  { name: 'Mutate with 4 words', run: (k) => inv(CN, 'CNodeMutate', [k.empty, 64, k.ep, 64], [CN]), expect: 'TruncatedMessage' },
  { name: 'Mutate an endpoint cap (even with data 0)', run: (k) => inv(CN, 'CNodeMutate', [k.empty, 64, k.ep, 64, 0], [CN]), expect: 'IllegalOperation' },
  { name: 'Move from an empty slot', run: (k) => inv(CN, 'CNodeMove', [k.empty, 64, k.empty2, 64], [CN]), expect: 'FailedLookup 1 2 64' },
  { name: 'Move into an occupied slot', run: (k) => inv(CN, 'CNodeMove', [k.ep, 64, k.ntfn, 64], [CN]), expect: 'DeleteFirst' },
  { name: 'SaveCaller into an occupied slot', run: (k) => inv(CN, 'CNodeSaveCaller', [k.ep, 64]), expect: 'DeleteFirst' },
  { name: 'SaveCaller with nothing to save', run: (k) => inv(CN, 'CNodeSaveCaller', [k.empty, 64]), expect: 'NoError' },
  { name: 'CancelBadgedSends on a notification cap', run: (k) => inv(CN, 'CNodeCancelBadgedSends', [k.ntfn, 64]), expect: 'IllegalOperation' },
  { name: 'CancelBadgedSends on an empty slot', run: (k) => inv(CN, 'CNodeCancelBadgedSends', [k.empty, 64]), expect: 'IllegalOperation' },
  { name: 'Revoke with a bad cptr', run: () => inv(CN, 'CNodeRevoke', [BAD, 64]), expect: GUARD_MISMATCH },
  { name: 'Delete of an empty slot', run: (k) => inv(CN, 'CNodeDelete', [k.empty, 64]), expect: 'NoError' },
  { name: 'Rotate with 7 words', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.ep, 64, 0, k.ntfn], [CN, CN]), expect: 'TruncatedMessage' },
  { name: 'Rotate with one cap', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.ep, 64, 0, k.ntfn, 64], [CN]), expect: 'TruncatedMessage' },
  { name: 'Rotate from a bad source', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.ep, 64, 0, BAD, 64], [CN, CN]), expect: 'FailedLookup 1 4 64 0 52' },
  // the pivot is looked up as a source too
  { name: 'Rotate with a bad pivot', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, BAD, 64, 0, k.ntfn, 64], [CN, CN]), expect: 'FailedLookup 1 4 64 0 52' },
  { name: 'Rotate with pivot = source', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.ep, 64, 0, k.ep, 64], [CN, CN]), expect: 'IllegalOperation' },
  { name: 'Rotate with pivot = destination', run: (k) => inv(CN, 'CNodeRotate', [k.ep, 64, 0, k.ep, 64, 0, k.ntfn, 64], [CN, CN]), expect: 'IllegalOperation' },
  { name: 'Rotate into an occupied destination', run: (k) => inv(CN, 'CNodeRotate', [k.frame, 64, 0, k.ep, 64, 0, k.ntfn, 64], [CN, CN]), expect: 'DeleteFirst' },
  { name: 'Rotate from an empty source', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.ep, 64, 0, k.empty2, 64], [CN, CN]), expect: 'FailedLookup 1 2 64' },
  { name: 'Rotate through an empty pivot', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.empty2, 64, 0, k.ntfn, 64], [CN, CN]), expect: 'FailedLookup 0 2 64' },
  { name: 'Rotate endpoint/notification caps (Mutate rules)', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 64, 0, k.ep, 64, 0, k.ntfn, 64], [CN, CN]), expect: 'IllegalOperation' },
  // every method's remaining errors (the interface table's list for it, decode-kit checks)
  { name: 'Revoke with 1 word', run: (k) => inv(CN, 'CNodeRevoke', [k.empty]), expect: 'TruncatedMessage' },
  { name: 'Revoke at depth 0', run: (k) => inv(CN, 'CNodeRevoke', [k.empty, 0]), expect: 'RangeError 1 64' },
  { name: 'CancelBadgedSends with 1 word', run: (k) => inv(CN, 'CNodeCancelBadgedSends', [k.empty]), expect: 'TruncatedMessage' },
  { name: 'CancelBadgedSends at depth 0', run: (k) => inv(CN, 'CNodeCancelBadgedSends', [k.empty, 0]), expect: 'RangeError 1 64' },
  { name: 'CancelBadgedSends with a bad cptr', run: () => inv(CN, 'CNodeCancelBadgedSends', [BAD, 64]), expect: GUARD_MISMATCH },
  { name: 'SaveCaller with 1 word', run: (k) => inv(CN, 'CNodeSaveCaller', [k.empty]), expect: 'TruncatedMessage' },
  { name: 'SaveCaller at depth 0', run: (k) => inv(CN, 'CNodeSaveCaller', [k.empty, 0]), expect: 'RangeError 1 64' },
  { name: 'SaveCaller with a bad cptr', run: () => inv(CN, 'CNodeSaveCaller', [BAD, 64]), expect: GUARD_MISMATCH },
  { name: 'Move with 1 word', run: (k) => inv(CN, 'CNodeMove', [k.empty], [CN]), expect: 'TruncatedMessage' },
  { name: 'Move from source depth 0', run: (k) => inv(CN, 'CNodeMove', [k.empty, 64, k.ep, 0], [CN]), expect: 'RangeError 1 64' },
  { name: 'Mint into an occupied slot', run: (k) => inv(CN, 'CNodeMint', [k.ep, 64, k.ep, 64, ALL, 7], [CN]), expect: 'DeleteFirst' },
  { name: 'Mint from a bad source cptr', run: (k) => inv(CN, 'CNodeMint', [k.empty, 64, BAD, 64, ALL, 7], [CN]), expect: 'FailedLookup 1 4 64 0 52' },
  { name: 'Mint from source depth 0', run: (k) => inv(CN, 'CNodeMint', [k.empty, 64, k.ep, 0, ALL, 7], [CN]), expect: 'RangeError 1 64' },
  // k.ut has a child since 'Copy of an untyped with children'
  { name: 'Mint of an untyped with children', run: (k) => inv(CN, 'CNodeMint', [k.empty, 64, k.ut, 64, ALL, 0], [CN]), expect: 'RevokeFirst' },
  { name: 'Mutate into an occupied slot', run: (k) => inv(CN, 'CNodeMutate', [k.ep, 64, k.ntfn, 64, 0], [CN]), expect: 'DeleteFirst' },
  { name: 'Mutate from a bad source cptr', run: (k) => inv(CN, 'CNodeMutate', [k.empty, 64, BAD, 64, 0], [CN]), expect: 'FailedLookup 1 4 64 0 52' },
  { name: 'Mutate from source depth 0', run: (k) => inv(CN, 'CNodeMutate', [k.empty, 64, k.ep, 0, 0], [CN]), expect: 'RangeError 1 64' },
  { name: 'Rotate at destination depth 0', run: (k) => inv(CN, 'CNodeRotate', [k.empty, 0, 0, k.ep, 64, 0, k.ntfn, 64], [CN, CN]), expect: 'RangeError 1 64' },
];

describe('CNode decoding', () => {
  const got = runTable(cases);
  it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
    expect(got.get(name)).toBe(expected);
  });
});
