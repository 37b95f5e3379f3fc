/*
 * sel4test's DEFINE_TEST for vitest: `sel4test('IPC0001', 'description', body, options)` registers
 * one vitest test per board, named with the sel4test id, that boots a machine, runs `body` as the
 * test process and passes when the body finished with no failed check and no helper faulted.
 * The README's table is checked against these registrations (test/readme.test.ts), which it
 * finds by searching the test files for `sel4test('ID'`.
 */

import type { BoardName } from '@tsel4/hal';
import { expect, it } from 'vitest';
import { type Env, type Gen, type RunOptions, runTest, verdict } from './env.js';

/** Every board the suite knows. */
export const ALL_BOARDS: readonly BoardName[] = ['pc99', 'qemu-arm-virt', 'qemu-riscv-virt'];

export interface DefineOptions extends Omit<RunOptions, 'board'> {
  /** Boards to run on (default: all three). */
  readonly boards?: readonly BoardName[];
  /** A `checkEvery` for some boards (others use `checkEvery`, or a check after every entry). */
  readonly checkEveryOn?: Partial<Record<BoardName, number>>;
}

/**
 * For the tests with long loops (thousands of kernel entries on each board): the invariant
 * checker after every kernel entry on pc99, and every 100 steps on the other two boards, which
 * run the same loops for their own registers and message layouts.
 */
export const LONG_LOOPS: DefineOptions = { checkEveryOn: { 'qemu-arm-virt': 100, 'qemu-riscv-virt': 100 } };

export function sel4test(id: string, description: string, body: (env: Env) => Gen<unknown>, opts: DefineOptions = {}): void {
  const boards = opts.boards ?? ALL_BOARDS;
  for (const board of boards) {
    it(`${id} ${description} [${board}]`, () => {
      const every = opts.checkEveryOn?.[board];
      const outcome = runTest(body, { ...opts, board, ...(every === undefined ? {} : { checkEvery: every }) });
      const why = verdict(outcome);
      expect(why, `${id} on ${board}`).toBeNull();
    });
  }
}
