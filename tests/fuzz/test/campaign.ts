/*
 * The CI fuzz campaign, split across files so vitest runs them in parallel: each file runs its
 * share of seeds and reports the steps it covered.
 */
import type { BoardName } from '@tsel4/hal';
import { expect, it } from 'vitest';
import { runFuzz } from '../src/fuzzer.js';

export const STEPS_PER_RUN = 10_000;

export function campaign(runs: readonly (readonly [seed: number, board: BoardName])[]): void {
  for (const [seed, board] of runs) {
    it(`seed ${seed} on ${board}: ${STEPS_PER_RUN} steps, invariants after every kernel entry`, () => {
      // runFuzz throws a FuzzFailure (with the seed and a replay command) on any failure
      const r = runFuzz({ seed, board, steps: STEPS_PER_RUN });
      expect(r.steps).toBe(STEPS_PER_RUN);
      // the run exercised the kernel: kernel objects answered with errors and successes
      expect(Object.keys(r.replies).length).toBeGreaterThan(3);
    });
  }
}
