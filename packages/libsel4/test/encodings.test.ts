// Digest 1.3, 1.6, 1.7: the encodings, exact to the bit on 32- and 64-bit words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';

const u = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const mask = (v: bigint, bits: number) => v & ((1n << BigInt(bits)) - 1n);

describe('seL4_MessageInfo (digest 1.3)', () => {
  it('lays out length 0-6, extraCaps 7-8, capsUnwrapped 9-11, label from 12', () => {
    expect(L.encodeMessageInfo(64, { label: 1, capsUnwrapped: 0, extraCaps: 0, length: 0 })).toBe(0x1000n);
    expect(L.encodeMessageInfo(64, { label: 0, capsUnwrapped: 7, extraCaps: 3, length: 127 })).toBe(0xfffn);
    expect(L.encodeMessageInfo(64, { label: 2 ** 52 - 1, capsUnwrapped: 0, extraCaps: 0, length: 0 })).toBe(0xfffffffffffff000n);
    expect(L.encodeMessageInfo(32, { label: 0xfffff, capsUnwrapped: 0, extraCaps: 0, length: 0 })).toBe(0xfffff000n);
  });

  for (const wordBits of [32, 64] as const) {
    const labelBits = wordBits === 64 ? 52 : 20;
    it(`round-trips every field combination (${wordBits}-bit)`, () => {
      fc.assert(
        fc.property(u(labelBits), u(3), u(2), u(7), (label, cu, ec, len) => {
          const f = { label: Number(label), capsUnwrapped: Number(cu), extraCaps: Number(ec), length: Number(len) };
          const w = L.encodeMessageInfo(wordBits, f);
          expect(L.decodeMessageInfo(wordBits, w)).toEqual(f);
          expect(w >> BigInt(wordBits)).toBe(0n);
        }),
      );
    });
    it(`masks overflowing fields as C does (${wordBits}-bit)`, () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << 60n) }), fc.nat(1000), fc.nat(1000), fc.nat(1000), (label, cu, ec, len) => {
          const w = L.encodeMessageInfo(wordBits, { label: Number(mask(label, 53)), capsUnwrapped: cu, extraCaps: ec, length: len });
          const d = L.decodeMessageInfo(wordBits, w);
          expect(d.length).toBe(len & 0x7f);
          expect(d.extraCaps).toBe(ec & 3);
          expect(d.capsUnwrapped).toBe(cu & 7);
          expect(BigInt(d.label)).toBe(mask(mask(label, 53), labelBits));
        }),
      );
    });
    it(`the half-word accessors agree with the whole word (${wordBits}-bit)`, () => {
      fc.assert(
        fc.property(u(wordBits), (w) => {
          const lo = Number(w & 0xffffffffn);
          const hi = Number(w >> 32n);
          const d = L.decodeMessageInfo(wordBits, w);
          expect([L.msgInfoLabel(lo, hi), L.msgInfoCapsUnwrapped(lo), L.msgInfoExtraCaps(lo), L.msgInfoLength(lo)]).toEqual([
            d.label, d.capsUnwrapped, d.extraCaps, d.length,
          ]);
          expect(L.msgInfoLo(d.label, d.capsUnwrapped, d.extraCaps, d.length)).toBe(lo);
          expect(L.msgInfoHi(wordBits, d.label)).toBe(hi);
        }),
      );
    });
  }
});

describe('seL4_CapRights (digest 1.6)', () => {
  it('has the predefined values', () => {
    expect([L.seL4_NoRights, L.seL4_CanWrite, L.seL4_CanRead, L.seL4_ReadWrite, L.seL4_CanGrant]).toEqual([0, 1, 2, 3, 4]);
    expect([L.seL4_CanGrantReply, L.seL4_AllRights, L.seL4_NoWrite, L.seL4_NoRead]).toEqual([8, 0xf, 0xe, 0xd]);
  });
  it('round-trips each one-bit argument; anything but 0, 1 or a boolean throws, as C libsel4 asserts', () => {
    const bit = fc.constantFrom(0, 1);
    fc.assert(
      fc.property(bit, bit, bit, bit, (gr, g, r, w) => {
        const c = L.seL4_CapRights_new(gr, g, r, w);
        expect(c).toBeLessThan(16);
        expect(L.seL4_CapRights_get_capAllowGrantReply(c)).toBe(gr);
        expect(L.seL4_CapRights_get_capAllowGrant(c)).toBe(g);
        expect(L.seL4_CapRights_get_capAllowRead(c)).toBe(r);
        expect(L.seL4_CapRights_get_capAllowWrite(c)).toBe(w);
      }),
    );
    expect(L.seL4_CapRights_new(true, false, true, true)).toBe(0xb);
    expect(() => L.seL4_CapRights_new(0, 0, 2, 0)).toThrow(new RangeError('seL4_CapRights_new: read = 2 does not fit its 1-bit field (0 or 1)'));
    expect(L.capRightsToString(L.seL4_AllRights)).toBe('WRGP');
  });
});

describe('seL4_CNode_CapData (digest 1.7)', () => {
  it('64-bit: guardSize in bits 0-5, guard in 6-63', () => {
    expect(L.cnodeCapDataWord(64, 0, 52)).toBe(52n);
    expect(L.cnodeCapDataWord(64, 1, 0)).toBe(64n);
  });
  it('32-bit: guardSize in bits 3-7, guard in 8-25', () => {
    expect(L.cnodeCapDataWord(32, 0, 20)).toBe(20n << 3n);
    expect(L.cnodeCapDataWord(32, 0x3ffff, 0)).toBe(0x3ffffn << 8n);
  });
  for (const wordBits of [32, 64] as const) {
    const gBits = wordBits === 64 ? 58 : 18;
    const sBits = wordBits === 64 ? 6 : 5;
    it(`round-trips and masks overflow (${wordBits}-bit)`, () => {
      fc.assert(
        fc.property(u(64), fc.nat(200), (guard, size) => {
          const w = L.cnodeCapDataWord(wordBits, guard, size);
          const d = L.decodeCNodeCapData(wordBits, w);
          expect(d.guard).toBe(mask(guard, gBits));
          expect(d.guardSize).toBe(size & ((1 << sBits) - 1));
          const lo = Number(w & 0xffffffffn);
          const hi = Number(w >> 32n);
          expect(L.capDataGuardSize(wordBits, lo)).toBe(d.guardSize);
          expect((BigInt(L.capDataGuardHi(wordBits, hi)) << 32n) | BigInt(L.capDataGuardLo(wordBits, lo, hi))).toBe(d.guard);
        }),
      );
    });
  }
});
