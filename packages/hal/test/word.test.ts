import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doubleHi, doubleLo, wordBits, wordBitsEqual, wordFitsNumber, wordHi, wordLo, wordToBigInt, wordToDouble, wordToHex, wordToNumber } from '../src/index.js';

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

  it('extracts fields up to 52 bits wide, and compares fields up to 63 bits wide with a word', () => {
    fc.assert(
      fc.property(u64, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), u64, (v, start, n0, other) => {
        const n = Math.min(n0, 64 - start);
        const field = (v >> BigInt(start)) & ((1n << BigInt(n)) - 1n);
        if (n <= 52) expect(wordBits(wordLo(v), wordHi(v), start, n)).toBe(Number(field));
        expect(wordBitsEqual(wordLo(v), wordHi(v), start, n, wordLo(field), wordHi(field))).toBe(true);
        const g = BigInt.asUintN(64, other);
        expect(wordBitsEqual(wordLo(v), wordHi(v), start, n, wordLo(g), wordHi(g))).toBe(g === field);
      }),
    );
  });

  it('folds halves into a double and splits it back as the arithmetic does', () => {
    expect(wordToDouble(5, 1)).toBe(4294967301);
    expect(wordToDouble(0xffffffff, 0xffffffff)).toBe(2 ** 64);
    expect([doubleLo(4294967301), doubleHi(4294967301)]).toEqual([5, 1]);
    expect([doubleLo(2 ** 64), doubleHi(2 ** 64)]).toEqual([0, 2 ** 32]);
  });

  it('formats words in hex', () => {
    expect(wordToHex(0x10000, 0)).toBe('0x10000');
    expect(wordToHex(0xabc, 0x1)).toBe('0x100000abc');
  });
});
