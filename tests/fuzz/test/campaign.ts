/*
 * The CI fuzz campaign, split across files so vitest runs them in parallel: each file runs its
 * share of seeds and reports the steps it covered.
 */
import type { BoardName } from '@tsel4/hal';
import { expect, it } from 'vitest';
import * as L from '@tsel4/libsel4';
import { runFuzz } from '../src/fuzzer.js';

/**
 * Steps per run: 8,000 since the threads got VSpaces, paging structures, IRQ and I/O port caps
 * (the invariant checker's work per entry grew by about a quarter), so the campaign's time stays
 * what it was with 10,000.
 */
export const STEPS_PER_RUN = 8_000;

export function campaign(runs: readonly (readonly [seed: number, board: BoardName])[]): void {
  for (const [seed, board] of runs) {
    it(`seed ${seed} on ${board}: ${STEPS_PER_RUN} steps, invariants after every kernel entry`, () => {
      // runFuzz throws a FuzzFailure (with the seed and a replay command) on any failure
      const r = runFuzz({ seed, board, steps: STEPS_PER_RUN });
      expect(r.steps).toBe(STEPS_PER_RUN);
      // the run exercised the kernel: kernel objects answered with errors and successes
      expect(Object.keys(r.replies).length).toBeGreaterThan(3);
      // ... mapped frames and paging structures, and took VM faults from loads and stores
      expect((r.repliesByCap['frame_cap seL4_NoError'] ?? 0) + (r.repliesByCap['page_table_cap seL4_NoError'] ?? 0)).toBeGreaterThan(0);
      expect(r.faultsByType[L.seL4_Fault_VMFault] ?? 0).toBeGreaterThan(0);
    });
  }
}
