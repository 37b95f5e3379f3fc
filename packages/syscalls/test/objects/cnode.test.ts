// Digest 5.1: address resolution, with the lookup-failure words seL4 reports.
import { cnodeCapDataWord, seL4_CapTableObject, seL4_DepthMismatch, seL4_EndpointObject, seL4_GuardMismatch, seL4_InvalidRoot } from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { CapType, LookupResult, lookupSlotForCNodeOp, NULL_CAP, resolveAddressBits, SyscallError, cnodeCapSetGuardSize } from '@tsel4/object';
import { world } from './fixture.js';
import { copy, retype } from './helpers.js';

const lookup = (w: ReturnType<typeof world>, cptr: bigint, bits = 64) => {
  const out = new LookupResult();
  const ok = resolveAddressBits(w.rootCap, Number(cptr & 0xffffffffn), Number(cptr >> 32n), bits, out);
  return { ok, out };
};

describe('resolveAddressBits (root CNode: radix 12, guard 0 of 52 bits)', () => {
  it('cptr n names slot n', () => {
    const w = world();
    for (const n of [0n, 1n, 2n, 16n, 4095n]) {
      const { ok, out } = lookup(w, n);
      expect(ok).toBe(true);
      expect(out.slot!.index).toBe(Number(n));
      expect(out.bitsRemaining).toBe(0);
    }
  });

  it('a cptr outside the guard is a GuardMismatch with guard 0, bitsLeft 64, bitsFound 52 (pingpong reference)', () => {
    const w = world();
    const { ok, out } = lookup(w, 0x10000n);
    expect(ok).toBe(false);
    expect(out.fault!.type).toBe(seL4_GuardMismatch);
    expect(out.fault!.words()).toEqual([[4, 0], [64, 0], [0, 0], [52, 0]]);
  });

  it('resolving fewer bits than the CNode needs is a DepthMismatch', () => {
    const w = world();
    const { ok, out } = lookup(w, 5n, 40);
    expect(ok).toBe(false);
    // guardSize 52 > 40 bits: the guard check fails first
    expect(out.fault!.type).toBe(seL4_GuardMismatch);
  });

  it('a null root is InvalidRoot', () => {
    const out = new LookupResult();
    expect(resolveAddressBits(NULL_CAP, 0, 0, 64, out)).toBe(false);
    expect(out.fault!.type).toBe(seL4_InvalidRoot);
  });

  it('walks two levels and stops at a non-CNode cap with bits remaining', () => {
    const w = world();
    // a 2^4-slot CNode in slot 20, minted into slot 21 with guard 0 of 8 bits
    expect(retype(w, seL4_CapTableObject, 4, 20)).toBeNull();
    const data = cnodeCapDataWord(64, 0, 8);
    expect(copy(w, 'Mint', 21, 20, 0xf, Number(data))).toBeNull();
    expect(w.slot(21).cap.guardSize).toBe(8);
    expect(retype(w, seL4_EndpointObject, 0, 22)).toBeNull();
    // Put the endpoint at index 3 of the small CNode via a depth-limited Copy.
    const cn = w.slot(21).cap;
    const inner = (cn.obj as import('@tsel4/object').CNodeObj).slotAt(3);
    expect(inner.cap).toBe(NULL_CAP);
    // Root: 12 bits of guard? No: root guard is 52 bits of 0, then 12 bits index. A two-level
    // cptr must use a root with a smaller guard: mint the root with guard 0 of 40 bits.
    const rootData = cnodeCapDataWord(64, 0, 40);
    expect(copy(w, 'Mint', 23, 2, 0xf, Number(rootData))).toBeNull();
    const root40 = w.slot(23).cap;
    expect(root40.guardSize).toBe(40);
    // cptr: [40 guard bits = 0][12 bits = 21][8 guard bits = 0][4 bits = 3]
    const cptr = (21n << 12n) | 3n;
    const out = new LookupResult();
    expect(resolveAddressBits(root40, Number(cptr), 0, 64, out)).toBe(true);
    expect(out.slot).toBe(inner);
    expect(out.bitsRemaining).toBe(0);
    // stop at the endpoint (slot 22) with 12 bits left
    const toEp = 22n << 12n;
    expect(resolveAddressBits(root40, Number(toEp), 0, 64, out)).toBe(true);
    expect(out.slot!.cap.type).toBe(CapType.Endpoint);
    expect(out.bitsRemaining).toBe(12);
    // a CNode op lookup must use all bits: DepthMismatch(bitsFound 0, bitsLeft 12)
    const r = lookupSlotForCNodeOp(false, root40, Number(toEp), 0, 64, 64, out);
    expect(r).toBeInstanceOf(SyscallError);
    expect((r as SyscallError).words).toEqual([0, seL4_DepthMismatch, 12, 0]);
    // a wrong inner guard: GuardMismatch(guard 0, bitsLeft 12, bitsFound 8)
    const badGuard = (21n << 12n) | (1n << 4n) | 3n;
    expect(resolveAddressBits(root40, Number(badGuard), 0, 64, out)).toBe(false);
    expect(out.fault!.words()).toEqual([[4, 0], [12, 0], [0, 0], [8, 0]]);
  });
});

describe('lookupSlotForCNodeOp (digest 5.1)', () => {
  it('needs a CNode root: FailedLookup InvalidRoot, wasSource as asked', () => {
    const w = world();
    const e = lookupSlotForCNodeOp(true, NULL_CAP, 1, 0, 64, 64, new LookupResult()) as SyscallError;
    expect(e.words).toEqual([1, seL4_InvalidRoot]);
  });
  it('depth must be 1..wordBits: RangeError 1..64', () => {
    const w = world();
    for (const d of [0, 65, 2 ** 40]) {
      const e = lookupSlotForCNodeOp(false, w.rootCap, 1, 0, d, 64, new LookupResult()) as SyscallError;
      expect(e.toString()).toBe('seL4_RangeError [1,64]');
    }
  });
  it('a lookup of exactly 64 bits finds the slot', () => {
    const w = world();
    const s = lookupSlotForCNodeOp(false, w.rootCap, 7, 0, 64, 64, new LookupResult());
    expect(s).not.toBeInstanceOf(SyscallError);
  });
});

describe('32-bit words (aarch32-sized lookups through the same code)', () => {
  it('root guard of 20 bits on a 32-bit cptr', () => {
    const w = world();
    // Build a 32-bit style root: radix 12, guard 0 of 20 bits
    const root32 = cnodeCapSetGuardSize(w.rootCap, 20);
    const out = new LookupResult();
    expect(resolveAddressBits(root32, 9, 0, 32, out)).toBe(true);
    expect(out.slot!.index).toBe(9);
    expect(resolveAddressBits(root32, 0x1000, 0, 32, out)).toBe(false);
    expect(out.fault!.words()).toEqual([[4, 0], [32, 0], [0, 0], [20, 0]]);
  });
});
