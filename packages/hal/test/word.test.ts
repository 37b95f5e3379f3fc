import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wordBits, wordFitsNumber, wordHi, wordLo, wordToBigInt, wordToHex, wordToNumber } from '../src/index.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('word halves', () => {
  it('bigint -> halves -> bigint is the identity on every 64-bit word', () => {
    fc.assert(
      fc.property(u64, (v) => {
        expect(wordToBigInt(wordLo(v), wordHi(v))).toBe(v);
      }),
    );
  });

  it('numbers are exact: safe integers and negatives round-trip through the number form', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const lo = wordLo(v);
        const hi = wordHi(v);
        expect(wordToBigInt(lo, hi)).toBe(BigInt.asUintN(64, BigInt(v)));
        expect(wordFitsNumber(lo, hi)).toBe(true);
        expect(wordToNumber(lo, hi)).toBe(v);
      }),
    );
  });

  it('-1 is the all-ones word and reads back as -1', () => {
    expect([wordLo(-1), wordHi(-1)]).toEqual([0xffffffff, 0xffffffff]);
    expect(wordToNumber(0xffffffff, 0xffffffff)).toBe(-1);
  });

  it('a word a number cannot hold throws a RangeError naming the bigint form', () => {
    expect(() => wordToNumber(0, 0x80000000)).toThrow(/bigint/);
    expect(wordFitsNumber(0, 0x80000000)).toBe(false);
  });

  it('rejects non-integers and values outside [-2^63, 2^64)', () => {
    expect(() => wordLo(1.5)).toThrow(RangeError);
    expect(() => wordLo(1n << 64n)).toThrow(RangeError);
    expect(() => wordHi(-(1n << 63n) - 1n)).toThrow(RangeError);
    expect(wordHi(-(1n << 63n))).toBe(0x80000000);
  });

  it('extracts bit fields across the halves', () => {
    fc.assert(
      fc.property(u64, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 32 }), (v, start, n) => {
        const expected = Number((v >> BigInt(start)) & ((1n << BigInt(n)) - 1n));
        expect(wordBits(wordLo(v), wordHi(v), start, n)).toBe(expected);
      }),
    );
  });

  it('formats words in hex', () => {
    expect(wordToHex(0x10000, 0)).toBe('0x10000');
    expect(wordToHex(0xabc, 0x1)).toBe('0x100000abc');
  });
});
