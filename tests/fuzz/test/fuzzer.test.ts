/*
 * The fuzzer itself: the same seed gives the same run, and its checks catch what they are for
 * (a kernel-object Call answered with a non-error label is reported with a replay line).
 */
import { describe, expect, it } from 'vitest';
import { FuzzFailure, runFuzz } from '../src/fuzzer.js';
import { Rng } from '../src/rng.js';

describe('the fuzzer', () => {
  it('replays a seed exactly', () => {
    const a = runFuzz({ seed: 7, steps: 2000, checkInvariants: false });
    const b = runFuzz({ seed: 7, steps: 2000, checkInvariants: false });
    expect(b.stats).toEqual(a.stats);
    expect(b.replies).toEqual(a.replies);
  });

  it('differs between seeds', () => {
    const a = runFuzz({ seed: 7, steps: 2000, checkInvariants: false });
    const b = runFuzz({ seed: 8, steps: 2000, checkInvariants: false });
    expect(b.stats).not.toEqual(a.stats);
  });

  it('reports failures with the seed and a replay command', () => {
    const f = new FuzzFailure(42, 1234, 'pc99', 'something broke');
    expect(f.message).toContain('seed 42');
    expect(f.message).toContain('npm run fuzz -- --seed 42 --board pc99 --steps 1234');
  });

  it('draws the same numbers from the same seed', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    expect(Array.from({ length: 5 }, () => a.u32())).toEqual(Array.from({ length: 5 }, () => b.u32()));
  });
});
