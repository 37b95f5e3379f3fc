/*
 * Words are checked, never wrapped (libsel4 user/words.ts): every stub, constructor and accessor
 * checks its arguments as C libsel4's debug asserts and a C compiler would, and throws in the
 * calling thread with the function, the argument and the value. Before, a badge of 2^64 minted an
 * unbadged cap and a length of 1000 became 104.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type RootCtx, scenario } from './harness.js';

const CNODE = L.seL4_CapInitThreadCNode;

/** Run `body` in a root task and return what it threw (String(e)), or 'no error'. */
function thrown(body: (c: RootCtx) => Generator<L.TrapToken, unknown, unknown>): string {
  const s = scenario(function* (c: RootCtx) {
    try {
      yield* body(c);
      c.ev('no error');
    } catch (e) {
      c.ev(String(e));
    }
  });
  return s.events[0]!;
}

function* mintWithBadge(c: RootCtx, badge: L.seL4_Word): Generator<L.TrapToken, number, unknown> {
  const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
  return yield* L.seL4_CNode_Mint(CNODE, c.alloc.allocSlot(), 64, CNODE, ep, 64, L.seL4_AllRights, badge);
}

describe('word arguments are checked (seL4_DebugAssert on field ranges; C types)', () => {
  it('a badge of 2^64 or 2^64 + 5 in seL4_CNode_Mint', () => {
    expect(thrown((c) => mintWithBadge(c, 2n ** 64n))).toBe('RangeError: seL4_CNode_Mint: badge = 18446744073709551616n does not fit a 64-bit word');
    expect(thrown((c) => mintWithBadge(c, 2n ** 64n + 5n))).toBe('RangeError: seL4_CNode_Mint: badge = 18446744073709551621n does not fit a 64-bit word');
    // the largest word and its two's-complement spelling are words
    expect(thrown((c) => mintWithBadge(c, 2n ** 64n - 1n))).toBe('no error');
    expect(thrown((c) => mintWithBadge(c, -1))).toBe('no error');
  });

  it('seL4_MessageInfo_new: a length of 1000, a label of 2^60, a label of 1.5', () => {
    expect(thrown(function* () {
      L.seL4_MessageInfo_new(0, 0, 0, 1000);
    })).toBe('RangeError: seL4_MessageInfo_new: length = 1000 does not fit its 7-bit field (0 to 2^7 - 1)');
    expect(thrown(function* () {
      L.seL4_MessageInfo_new(2 ** 60, 0, 0, 1);
    })).toBe('RangeError: seL4_MessageInfo_new: label = 1152921504606847000 does not fit its 52-bit field (0 to 2^52 - 1)');
    expect(thrown(function* () {
      L.seL4_MessageInfo_new(1.5, 0, 0, 1);
    })).toBe('RangeError: seL4_MessageInfo_new: label = 1.5 is not an integer');
    expect(thrown(function* () {
      L.seL4_MessageInfo_set_extraCaps(L.seL4_MessageInfo_new(1, 0, 0, 0), 4);
    })).toBe('RangeError: seL4_MessageInfo_set_extraCaps: extraCaps = 4 does not fit its 2-bit field (0 to 2^2 - 1)');
    expect(thrown(function* () {
      L.seL4_MessageInfo_new(2 ** 52 - 1, 7, 3, 127);
    })).toBe('no error');
  });

  it('a string cptr: in a syscall and in a stub', () => {
    expect(thrown(function* () {
      yield* L.seL4_Signal('5' as unknown as number);
    })).toBe('TypeError: seL4_Signal: dest = "5" is a string, not a number or bigint');
    expect(thrown(function* () {
      yield* L.seL4_TCB_Suspend('x' as unknown as number);
    })).toBe('TypeError: seL4_TCB_Suspend: _service = "x" is a string, not a number or bigint');
  });

  it('a stub\'s narrower arguments, seL4_SetMR and the CNode cap data', () => {
    expect(thrown(function* () {
      yield* L.seL4_CNode_Copy(CNODE, 1, 256, CNODE, 2, 64, L.seL4_AllRights);
    })).toBe('RangeError: seL4_CNode_Copy: dest_depth = 256 does not fit its 8-bit field (-2^7 to 2^8 - 1)');
    expect(thrown(function* () {
      L.seL4_SetMR(0, 2 ** 70);
    })).toBe('RangeError: seL4_SetMR: v = 1.1805916207174113e+21 does not fit a 64-bit word');
    expect(thrown(function* () {
      L.seL4_CNode_CapData_new(0, 64);
    })).toBe('RangeError: seL4_CNode_CapData_new: guardSize = 64 does not fit its 6-bit field (0 to 2^6 - 1)');
    expect(thrown(function* () {
      yield* L.seL4_TCB_WriteRegisters(L.seL4_CapInitThreadTCB, 0, 0, 1, { rip: 0.5 });
    })).toBe('RangeError: seL4_TCB_WriteRegisters: regs.rip = 0.5 is not an integer');
  });
});
