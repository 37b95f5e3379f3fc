/*
 * The survey's workloads run to the end and show the structure the README describes: counts,
 * never times (the wall clock given here is a counter).
 */
import { Machine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import { measureSurvey, SURVEY_MECHANISMS, SURVEY_MOVES_BYTES, SURVEY_WAKES } from '@tsel4/posix';

let tick = 0;
const fakeWall = () => (tick += 1000);

describe('survey workloads', () => {
  it.each(SURVEY_MECHANISMS.map((m) => [m]))('%s ping-pong: kernel entries and switches per round trip', (m) => {
    const r = measureSurvey(m, 'pingpong8', 200, (root) => new Machine(root), fakeWall);
    // endpoint: Call + ReplyRecv; everything else: a Signal and a Wait on each side
    expect(Math.round(r.kernelEntries)).toBe(m === 'endpoint' ? 2 : 4);
    expect(Math.round(r.contextSwitches)).toBe(2);
    expect(r.kernelBytes).toBe(m === 'endpoint' ? 16 : 0);
  });

  it.each(SURVEY_MOVES_BYTES.map((m) => [m]))('%s 4 KiB one way: completes; only the endpoint copies bytes in the kernel', (m) => {
    const r = measureSurvey(m, '4k', 64, (root) => new Machine(root), fakeWall);
    expect(r.kernelBytes).toBe(m === 'endpoint' ? 4096 : 0);
    // the endpoint needs 5 Calls of at most 120 words (each with its ReplyRecv) per 4 KiB
    if (m === 'endpoint') expect(Math.round(r.kernelEntries)).toBe(10);
    // a shared-memory handshake per message: a Signal and a Wait on each side
    if (m === 'shm') expect(Math.round(r.kernelEntries)).toBe(4);
    // the pipe and the queue batch: several messages per wake-up
    if (m === 'pipe' || m === 'mq') expect(r.kernelEntries).toBeLessThan(1);
  });

  // 64 KiB one way over 64 operations: the kernel entries are counted, not timed, so they are the
  // same every run; the totals pin them (a timer tick may add one entry over the run).
  const TOTAL_64K: Record<string, number> = { pipe: 259, mq: 207, shm: 255, endpoint: 8833 };
  it.each(SURVEY_MOVES_BYTES.map((m) => [m]))('%s 64 KiB one way: kernel entries per 64 KiB, the same every run', (m) => {
    const a = measureSurvey(m, '64k', 64, (root) => new Machine(root), fakeWall);
    const b = measureSurvey(m, '64k', 64, (root) => new Machine(root), fakeWall);
    const counts = (r: typeof a) => [r.kernelEntries, r.contextSwitches, r.cycles, r.kernelBytes];
    expect(counts(b)).toEqual(counts(a));
    expect(a.kernelEntries * 64).toBe(TOTAL_64K[m]);
    expect(a.kernelBytes).toBe(m === 'endpoint' ? 65536 : 0);
    // the endpoint: 69 Calls (68 of 120 words, one of 32), each with its ReplyRecv
    if (m === 'endpoint') expect(Math.round(a.kernelEntries)).toBe(138);
    // the pipe: each 64 KiB write fills the 64 KiB ring, so every message is a handshake (the
    // writer waits for space, the reader for data: a Signal and a Wait on each side)
    if (m === 'pipe') expect(Math.round(a.kernelEntries)).toBe(4);
    // shared memory: one handshake per message, whatever its size
    if (m === 'shm') expect(Math.round(a.kernelEntries)).toBe(4);
    // the queue: 8 messages of 8 KiB (mq's msgsize_max) in a 10-slot queue, batched per wake-up
    if (m === 'mq') expect(a.kernelEntries).toBeGreaterThan(2);
    if (m === 'mq') expect(a.kernelEntries).toBeLessThan(4);
  });

  it.each(SURVEY_WAKES.map((m) => [m]))('%s one waker, 8 waiters: kernel entries per round', (m) => {
    const r = measureSurvey(m, 'wake8', 40, (root) => new Machine(root), fakeWall);
    // shm: 8 Signals from one futexWake, 8 waiters' Waits, the waker's Wait and the last answer's
    // Signal; notification: 8 Signals, 8 Waits, 8 answers and the waker's Waits
    if (m === 'shm') expect(Math.round(r.kernelEntries)).toBe(18);
    if (m === 'notification') expect(Math.round(r.kernelEntries)).toBe(26);
    // sem: waiters often find the next round's posts already made and do not block (how often
    // depends on the round count: 9.3 per round over 40 rounds, 10.6 over 200)
    if (m === 'sem') expect(r.kernelEntries).toBeGreaterThan(8);
    if (m === 'sem') expect(r.kernelEntries).toBeLessThan(12);
  });
});
