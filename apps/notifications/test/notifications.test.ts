/*
 * Runs the notifications app on every board and compares what it prints with expected.txt, line for line.
 * The run on pc99 also checks the kernel's invariants after every kernel entry.
 */
import { readFileSync } from 'node:fs';
import { BOARD_NAMES } from '@tsel4/hal';
import { runMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import notifications from '../src/main.js';

const expected = readFileSync(new URL('./expected.txt', import.meta.url), 'utf8');

describe('notifications', () => {
  it.each(BOARD_NAMES)('prints the expected output on %s', (board) => {
    const r = runMachine(notifications, { board, checkInvariants: board === 'pc99', maxSteps: 100_000 });
    expect(r.reason).toBe('idle');
    expect(r.console).toBe(expected);
  });
});
