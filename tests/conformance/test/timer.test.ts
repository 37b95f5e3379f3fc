/*
 * sel4test-driver timer.c: the user timer the other timed tests use. A periodic timeout is
 * delivered three times (an IRQ handler cap, its notification, Ack) and the time it reports moves
 * on. Here the driver thread owns the device (src/timer.ts) and the test asks it over IPC, as
 * sel4test's tests do; on qemu-riscv-virt (see scheduler.test.ts).
 */
import { describe } from 'vitest';
import type { Env } from '../src/env.js';
import { sel4test } from '../src/define.js';
import { sel4testNtfnTimerWait, sel4testPeriodicStart, sel4testTimerReset, sel4testTimestamp } from '../src/timer.js';

const NS_IN_MS = 1_000_000;
const TIMER = { timer: true, boards: ['qemu-riscv-virt'] } as const;

describe('the user timer (sel4test-driver timer.c)', () => {
  sel4test(
    'TIMER0001',
    'Basic timer testing',
    function* (env: Env) {
      const goal = 3;
      let count = 0;
      const start = yield* sel4testTimestamp(env);
      yield* sel4testPeriodicStart(env, 100 * NS_IN_MS);
      while (count < goal) {
        yield* sel4testNtfnTimerWait(env);
        count++;
      }
      const end = yield* sel4testTimestamp(env);
      yield* sel4testTimerReset(env);
      // three periods of 100 ms have passed
      env.check(end - start >= goal * 100 * NS_IN_MS, `${end - start} ns for ${goal} periods of 100 ms`);
    },
    TIMER,
  );

  sel4test(
    'TIMER0002',
    'Test that the timer moves between gettime and timeout calls',
    function* (env: Env) {
      const goal = 3;
      let count = 0;
      const start = yield* sel4testTimestamp(env);
      yield* sel4testPeriodicStart(env, 1 * NS_IN_MS);
      while (count < goal) {
        yield* sel4testNtfnTimerWait(env);
        count++;
      }
      const end = yield* sel4testTimestamp(env);
      env.check(end > start, `the time moved: ${start} -> ${end}`);
      yield* sel4testTimerReset(env);
    },
    TIMER,
  );
});
