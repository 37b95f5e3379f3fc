/*
 * The wake-up workload: one waker wakes WAKE_N waiters per round and collects their answers.
 */
import * as L from '@tsel4/libsel4';
import { mint } from '@tsel4/sel4utils';
import { O_CREAT } from './errno.js';
import { futexWait, futexWake } from './futex.js';
import type { Proc } from './proc.js';
import { sem_open, sem_post, sem_wait } from './sem.js';
import type { Code, PosixSystem } from './system.js';
import { must, type ProcFn, type SurveyHooks, type SurveyMechanism, WAKE_N, WARMUP } from './survey-common.js';

/**
 * One waker wakes WAKE_N waiters per round and waits until each has answered: sem (WAKE_N posts
 * of one semaphore, WAKE_N waits on a second), shm (a generation word woken with one futexWake of
 * everyone, an answer counter the last waiter wakes the waker on), notification (a Signal to each
 * waiter's notification; each answers on a shared one with a badge bit of its own).
 */
export function* wakes(
  mech: SurveyMechanism,
  sys: PosixSystem,
  init: Proc,
  total: number,
  h: SurveyHooks,
): Code<[ProcFn, (p: Proc, k: number) => Code<void>]> {
  const timed = (i: number) => i === WARMUP && h.start();
  switch (mech) {
    case 'sem': {
      const go = must(yield* sem_open(init, '/go', O_CREAT, 0), 'sem_open');
      const done = must(yield* sem_open(init, '/done', O_CREAT, 0), 'sem_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            for (let k = 0; k < WAKE_N; k++) must(yield* sem_post(p, go), 'sem_post');
            for (let k = 0; k < WAKE_N; k++) must(yield* sem_wait(p, done), 'sem_wait');
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            must(yield* sem_wait(p, go), 'sem_wait');
            must(yield* sem_post(p, done), 'sem_post');
          }
        },
      ];
    }
    case 'shm': {
      const gen = yield* sys.allocArea(8, 8);
      const acks = yield* sys.allocArea(8, 8);
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            yield* L.tsel4_write32(gen, i + 1);
            yield* futexWake(p, gen, WAKE_N);
            for (let v; (v = yield* L.tsel4_read32(acks)) !== WAKE_N * (i + 1); ) yield* futexWait(p, acks, v);
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            for (let v; (v = yield* L.tsel4_read32(gen)) !== i + 1; ) yield* futexWait(p, gen, v);
            const n = (yield* L.tsel4_read32(acks)) + 1;
            yield* L.tsel4_write32(acks, n);
            if (n === WAKE_N * (i + 1)) yield* futexWake(p, acks, 1);
          }
        },
      ];
    }
    case 'notification': {
      const mine: number[] = [];
      for (let k = 0; k < WAKE_N; k++) mine.push(yield* sys.alloc.allocObject(L.seL4_NotificationObject));
      const answers = yield* sys.alloc.allocObject(L.seL4_NotificationObject);
      const answer: number[] = [];
      for (let k = 0; k < WAKE_N; k++) answer.push(yield* mint(sys.alloc, answers, 1 << k));
      const all = (1 << WAKE_N) - 1;
      return [
        function* () {
          const badge = { value: 0 as number | bigint };
          for (let i = 0; i < total; i++) {
            timed(i);
            for (let k = 0; k < WAKE_N; k++) yield* L.seL4_Signal(mine[k]!);
            for (let got = 0; got !== all; ) {
              yield* L.seL4_Wait(answers, badge);
              got |= Number(badge.value);
            }
          }
          h.end();
        },
        function* (_p, k) {
          for (let i = 0; i < total; i++) {
            yield* L.seL4_Wait(mine[k]!, null);
            yield* L.seL4_Signal(answer[k]!);
          }
        },
      ];
    }
    default:
      throw new RangeError(`survey: no wake8 workload for ${mech}`);
  }
}
