/*
 * Runs the pingpong app on every board and compares what it prints with expected.txt, line for line.
 * The run on pc99 also checks the kernel's invariants after every kernel entry.
 */
import { readFileSync } from 'node:fs';
import { BOARD_NAMES } from '@tsel4/hal';
import { runMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import pingpong from '../src/main.js';

const expected = readFileSync(new URL('./expected.txt', import.meta.url), 'utf8');

describe('pingpong', () => {
  it.each(BOARD_NAMES)('prints the expected output on %s', (board) => {
    const r = runMachine(pingpong, { board, checkInvariants: board === 'pc99', maxSteps: 100_000 });
    expect(r.reason).toBe('idle');
    expect(r.console).toBe(expected);
  });
});

describe('pingpong and the fastpath', () => {
  it('answers every request and reply on the fastpath', () => {
    const r = runMachine(pingpong, { maxSteps: 100_000 });
    expect(r.stats.fastpath.call.hits).toBe(6);
    expect(r.stats.fastpath.replyRecv).toEqual({ hits: 6, misses: 0 });
  });

  it('prints the same without the fastpath, and then takes it never', () => {
    const r = runMachine(pingpong, { fastpath: false, maxSteps: 100_000 });
    expect(r.console).toBe(expected);
    expect(r.stats.fastpath.call.hits + r.stats.fastpath.replyRecv.hits).toBe(0);
  });
});
