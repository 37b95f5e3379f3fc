/*
 * sel4test scheduler.c (classic kernel): Suspend/Resume choreographies, every priority, priority
 * and MCP changes, priority order through IPC, and round-robin preemption of equal priorities.
 *
 * A C busy loop (`while (x == 1);`) is `while (x === 1) yield* spin()`: each iteration traps, so
 * simulated time passes and the kernel's tick can preempt it. Tests that rely on the tick use a
 * short one (tickCycles) so the loops stay short; the kernel's timeslice stays the default 5
 * ticks. The tests that need sel4test's user timer run on qemu-riscv-virt, whose 10 MHz clock
 * makes a 10 ms period 100,000 cycles; on pc99's 3.4 GHz it would be 34 million.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen, OUR_PRIO } from '../src/env.js';
import {
  allocEndpoint,
  cleanupHelper,
  createHelperThread,
  type Helper,
  setHelperMcp,
  setHelperPriority,
  spin,
  startHelper,
  waitForHelper,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';
import { sel4testNtfnTimerWait, sel4testPeriodicStart, sel4testTimestamp } from '../src/timer.js';

const NS_IN_MS = 1_000_000;
/** A short kernel tick for the tests whose threads wait for one. */
const SHORT_TICK = { tickCycles: 20_000 };

/** CHECK_STEP: the shared step counter must be `x`; it moves to x + 1. */
function checkStep(env: Env, s: { step: number }, x: number): void {
  env.check(s.step === x, `step ${s.step}, expected ${x}`);
  s.step = x + 1;
}

describe('scheduling (scheduler.c)', () => {
  sel4test(
    'SCHED0000',
    'Test suspending and resuming a thread (flaky)',
    function* (env: Env) {
      const t1 = yield* createHelperThread(env, 'counter');
      yield* setHelperPriority(env, t1, 100);
      const shared = { counter: 0 };
      yield* startHelper(env, t1, function* counter_func(): Gen<number> {
        for (;;) {
          shared.counter++;
          yield* spin();
        }
      });
      // sel4test uses 100 ms on simulators and 10 ms on hardware; time here is exact
      yield* sel4testPeriodicStart(env, 10 * NS_IN_MS);
      // let the counter run
      yield* sel4testNtfnTimerWait(env);
      let old = shared.counter;
      yield* sel4testNtfnTimerWait(env);
      yield* sel4testNtfnTimerWait(env);
      env.check(shared.counter !== old, 'the counter moved');
      old = shared.counter;
      // suspend it and wait
      yield* L.seL4_TCB_Suspend(t1.thread.tcb);
      yield* sel4testNtfnTimerWait(env);
      yield* sel4testNtfnTimerWait(env);
      env.check(shared.counter === old, 'the suspended counter did not move');
      old = shared.counter;
      yield* sel4testNtfnTimerWait(env);
      yield* sel4testNtfnTimerWait(env);
      env.check(shared.counter === old, 'the suspended counter still did not move');
      old = shared.counter;
      // resume it: it moves
      yield* L.seL4_TCB_Resume(t1.thread.tcb);
      yield* sel4testNtfnTimerWait(env);
      env.check(shared.counter !== old, 'the resumed counter moved');
      yield* cleanupHelper(env, t1);
    },
    { timer: true, boards: ['qemu-riscv-virt'] },
  );

  sel4test('SCHED0002', 'Test resuming ourselves', function* (env: Env) {
    env.eq(yield* L.seL4_TCB_Resume(env.tcb), L.seL4_NoError, 'Resume on ourselves');
  });

  sel4test(
    'SCHED0003',
    'Test TCB suspend/resume',
    function* (env: Env) {
      const s = { step: 0 };
      const thread1 = yield* createHelperThread(env, 'thread1');
      const thread2a = yield* createHelperThread(env, 'thread2a');
      const thread2b = yield* createHelperThread(env, 'thread2b');
      // unique priorities, started in order, so starting one lets none of the others run
      yield* setHelperPriority(env, thread1, 0);
      yield* setHelperPriority(env, thread2a, 1);
      yield* setHelperPriority(env, thread2b, 2);
      const args = [thread1.thread.tcb, thread2a.thread.tcb, thread2b.thread.tcb] as const;

      yield* startHelper(
        env,
        thread1,
        function* suspend_test_helper_1(_t1: number, _t2a: number, t2b: number): Gen<number> {
          checkStep(env, s, 3);
          // our sole job is to wake up 2b
          env.check((yield* L.seL4_TCB_Resume(t2b)) === 0, 'Resume 2b');
          // we were preempted at once, so the step is 5 by now
          checkStep(env, s, 5);
          return env.result();
        },
        ...args,
      );
      yield* startHelper(
        env,
        thread2a,
        function* suspend_test_helper_2a(_t1: number, t2a: number, t2b: number): Gen<number> {
          // runs at the higher priority; starts here
          checkStep(env, s, 0);
          // wait for a timer tick to make 2b run
          while (s.step === 1) yield* spin();
          env.check((yield* L.seL4_TCB_Suspend(t2b)) === 0, 'Suspend 2b');
          checkStep(env, s, 2);
          // suspend ourselves: the low-priority thread resumes 2b
          env.check((yield* L.seL4_TCB_Suspend(t2a)) === 0, 'Suspend ourselves');
          return env.result();
        },
        ...args,
      );
      yield* startHelper(
        env,
        thread2b,
        function* suspend_test_helper_2b(): Gen<number> {
          // wait for 2a to set the step to 1
          env.check(s.step === 0 || s.step === 1, `step ${s.step} is 0 or 1`);
          while (s.step === 0) yield* L.seL4_Yield();
          // the timer tick brings us here
          checkStep(env, s, 1);
          // spin and wait to be suspended
          while (s.step === 2) yield* L.seL4_Yield();
          // when we wake up the step is 4
          checkStep(env, s, 4);
          return env.result();
        },
        ...args,
      );
      // now the priorities we want
      yield* setHelperPriority(env, thread1, 100);
      yield* setHelperPriority(env, thread2a, 101);
      yield* setHelperPriority(env, thread2b, 101);
      s.step = 0;
      yield* waitForHelper(thread1);
      yield* waitForHelper(thread2b);
      checkStep(env, s, 6);
      yield* cleanupHelper(env, thread1);
      yield* cleanupHelper(env, thread2a);
      yield* cleanupHelper(env, thread2b);
    },
    SHORT_TICK,
  );

  sel4test(
    'SCHED0004',
    'Test threads at all priorities',
    function* (env: Env) {
      const MIN_PRIO = L.seL4_MinPrio;
      const MAX_PRIO = OUR_PRIO - 1;
      const shared = { lastPrio: MAX_PRIO + 1 };
      const ep = yield* allocEndpoint(env);
      const threads: Helper[] = [];
      const prioTestFunc = function* prio_test_func(myPrio: number, _unused: number, sep: number): Gen<number> {
        env.check(shared.lastPrio - 1 === myPrio, `priority ${myPrio} ran after ${shared.lastPrio}`);
        shared.lastPrio = myPrio;
        // the last one wakes the test
        if (myPrio === MIN_PRIO) yield* L.seL4_Send(sep, L.seL4_MessageInfo_new(0, 0, 0, 0));
        return 0;
      };
      for (let prio = MIN_PRIO; prio <= MAX_PRIO; prio++) {
        const t = yield* createHelperThread(env, `prio ${prio}`);
        threads.push(t);
        yield* setHelperPriority(env, t, prio);
        yield* startHelper(env, t, prioTestFunc, prio, 0, ep);
      }
      // block
      yield* L.seL4_Wait(ep);
      // when we are woken, the last to run was MIN_PRIO
      env.check(shared.lastPrio === MIN_PRIO, `last priority to run: ${shared.lastPrio}`);
      for (const t of threads) yield* cleanupHelper(env, t);
    },
    { checkEvery: 20, boards: ['pc99'] },
  );

  sel4test('SCHED0005', 'Test set priority', function* (env: Env) {
    const HIGHEST = L.seL4_MaxPrio - 2;
    const PRIORITY_FUDGE = 1;
    const s = { step: 0 };
    const thread1 = yield* createHelperThread(env, 'thread1');
    yield* setHelperPriority(env, thread1, HIGHEST);
    yield* setHelperMcp(env, thread1, HIGHEST);
    const thread2 = yield* createHelperThread(env, 'thread2');
    // thread2 starts below thread1, so it runs when thread1 lowers itself, not before
    yield* setHelperPriority(env, thread2, HIGHEST - 1);
    // its MCP lets it raise thread1 to HIGHEST - 2
    yield* setHelperMcp(env, thread2, HIGHEST - 2);
    s.step = 0;
    yield* startHelper(
      env,
      thread1,
      function* set_priority_helper_1(t1: number): Gen<number> {
        env.check(s.step === 0, `step ${s.step}, expected 0`);
        s.step = 1;
        // lowering our priority makes thread 2 run
        env.check((yield* L.seL4_TCB_SetPriority(t1, t1, HIGHEST - 4)) === 0, 'lower ourselves');
        env.check(s.step === 2, `step ${s.step}, expected 2`);
        s.step = 3;
        // back up: fine, our MCP is unchanged
        env.eq(yield* L.seL4_TCB_SetPriority(t1, t1, HIGHEST), L.seL4_NoError, 'raise ourselves back');
        // lower our MCP
        env.eq(yield* L.seL4_TCB_SetMCPriority(t1, t1, HIGHEST - 4), L.seL4_NoError, 'lower our MCP');
        // above our MCP (below our priority)
        env.eq(yield* L.seL4_TCB_SetPriority(t1, t1, HIGHEST - 3), L.seL4_RangeError, 'a priority above our MCP');
        // MCP back up
        env.eq(yield* L.seL4_TCB_SetMCPriority(t1, t1, HIGHEST), L.seL4_RangeError, 'raise our MCP');
        return env.result();
      },
      thread1.thread.tcb,
      thread2.thread.tcb,
    );
    yield* startHelper(
      env,
      thread2,
      function* set_priority_helper_2(t1: number, t2: number): Gen<number> {
        env.check(s.step === 1, `step ${s.step}, expected 1`);
        // raising thread 1 to our priority fails
        env.eq(yield* L.seL4_TCB_SetPriority(t1, t2, HIGHEST - 1 + PRIORITY_FUDGE), L.seL4_RangeError, 'raise thread 1 above our MCP');
        // just below us is fine
        env.check((yield* L.seL4_TCB_SetPriority(t1, t2, HIGHEST - 2)) === 0, 'raise thread 1 to our MCP');
        // drop below thread 1: it runs
        s.step = 2;
        env.check((yield* L.seL4_TCB_SetPriority(t2, t2, HIGHEST - 3)) === 0, 'lower ourselves');
        // once thread 1 is done, we run
        env.check(s.step === 3, `step ${s.step}, expected 3`);
        s.step = 4;
        return env.result();
      },
      thread1.thread.tcb,
      thread2.thread.tcb,
    );
    yield* waitForHelper(thread1);
    yield* waitForHelper(thread2);
    env.check(s.step === 4, `step ${s.step}, expected 4`);
    yield* cleanupHelper(env, thread1);
    yield* cleanupHelper(env, thread2);
  });

  sel4test(
    'SCHED0006',
    'Test IPC priorities for Send',
    function* (env: Env) {
      const s = { step: 0 };
      const data = { ep0: 0, ep1: 0, ep2: 0, ep3: 0, bounces: 0, spins: 0 };
      data.ep0 = yield* allocEndpoint(env);
      data.ep1 = yield* allocEndpoint(env);
      data.ep2 = yield* allocEndpoint(env);
      data.ep3 = yield* allocEndpoint(env);
      const t: Helper[] = [];
      for (let i = 0; i < 4; i++) {
        t.push(yield* createHelperThread(env, `thread${i}`));
        yield* setHelperPriority(env, t[i]!, i);
      }
      yield* setHelperMcp(env, t[3]!, 3);
      const empty = () => L.seL4_MessageInfo_new(0, 0, 0, 0);

      // thread 0, the bouncer: the lowest priority, so it runs only when everything else is blocked
      yield* startHelper(env, t[0]!, function* ipc_test_helper_0(): Gen<number> {
        for (;;) {
          const tag = yield* L.seL4_Recv(data.ep0);
          data.bounces++;
          yield* L.seL4_Reply(tag);
        }
      });
      yield* startHelper(env, t[1]!, function* ipc_test_helper_1(): Gen<number> {
        // part 1: receive a pending send
        checkStep(env, s, 1);
        let tag = yield* L.seL4_Recv(data.ep1);
        // preempted as soon as the receive is done; thread 3 lets us check the message
        checkStep(env, s, 3);
        env.check(L.seL4_MessageInfo_get_length(tag) === 20, 'part 1: length 20');
        for (let i = 0; i < L.seL4_MessageInfo_get_length(tag); i++) env.check(L.seL4_GetMR(i) === i, `part 1: MR${i}`);
        // bounce to give thread 3 control again
        yield* L.seL4_Call(data.ep0, L.seL4_MessageInfo_set_length(tag, 0));
        // part 2: receive a send that is not pending yet
        checkStep(env, s, 5);
        tag = yield* L.seL4_Recv(data.ep1);
        checkStep(env, s, 8);
        env.check(L.seL4_MessageInfo_get_length(tag) === 19, 'part 2: length 19');
        for (let i = 0; i < L.seL4_MessageInfo_get_length(tag); i++) env.check(L.seL4_GetMR(i) === i, `part 2: MR${i}`);
        return env.result();
      });
      yield* startHelper(env, t[2]!, function* ipc_test_helper_2(): Gen<number> {
        // the spinner: spin a while, then bounce to let other code run
        for (;;) {
          const lastStep = s.step;
          // nothing happens while we are busy (sel4test spins 100,000 iterations; a few dozen
          // trapping ones here, so timer ticks happen during it)
          for (let i = 0; i < 50; i++) yield* spin();
          env.check(lastStep === s.step, 'nothing ran while the spinner was busy');
          data.spins++;
          yield* L.seL4_Call(data.ep0, empty());
        }
      });
      yield* startHelper(env, t[3]!, function* ipc_test_helper_3(): Gen<number> {
        // part 1: send to thread 1, which is not waiting yet
        checkStep(env, s, 0);
        let tag = L.seL4_MessageInfo_new(0, 0, 0, 20);
        for (let i = 0; i < 20; i++) L.seL4_SetMR(i, i);
        let lastSpins = data.spins;
        let lastBounces = data.bounces;
        yield* L.seL4_Send(data.ep1, tag);
        // we blocked: thread 2 spun once, then called the bouncer, which let thread 1 take our message
        checkStep(env, s, 2);
        env.check(data.spins - lastSpins === 1, `part 1: spins ${data.spins - lastSpins}, expected 1`);
        env.check(data.bounces - lastBounces === 0, `part 1: bounces ${data.bounces - lastBounces}, expected 0`);
        // bounce ourselves so thread 1 can check its message
        tag = L.seL4_MessageInfo_set_length(tag, 0);
        yield* L.seL4_Call(data.ep0, tag);
        // two bounces: us and thread 1
        env.check(data.spins - lastSpins === 2, `part 1: spins ${data.spins - lastSpins}, expected 2`);
        env.check(data.bounces - lastBounces === 2, `part 1: bounces ${data.bounces - lastBounces}, expected 2`);
        checkStep(env, s, 4);
        // part 2: send to thread 1, which is waiting; bounce first to let it get ready
        lastSpins = data.spins;
        lastBounces = data.bounces;
        yield* L.seL4_Call(data.ep0, L.seL4_MessageInfo_set_length(tag, 0));
        checkStep(env, s, 6);
        // the send
        tag = L.seL4_MessageInfo_new(0, 0, 0, 19);
        for (let i = 0; i < 19; i++) L.seL4_SetMR(i, i);
        yield* L.seL4_Send(data.ep1, tag);
        checkStep(env, s, 7);
        // bounce so thread 1 checks again
        yield* L.seL4_Call(data.ep0, L.seL4_MessageInfo_set_length(tag, 0));
        checkStep(env, s, 9);
        // five bounces in all
        env.check(data.spins - lastSpins === 2, `part 2: spins ${data.spins - lastSpins}, expected 2`);
        env.check(data.bounces - lastBounces === 5, `part 2: bounces ${data.bounces - lastBounces}, expected 5`);
        return env.result();
      });
      yield* waitForHelper(t[1]!);
      yield* waitForHelper(t[3]!);
      checkStep(env, s, 10);
      for (const h of t) yield* cleanupHelper(env, h);
    },
    SHORT_TICK,
  );

  sel4test('SCHED0020', 'test set prio to a higher prio runs higher prio thread', function* (env: Env) {
    // our priority down
    env.eq(yield* L.seL4_TCB_SetPriority(env.tcb, env.tcb, OUR_PRIO - 1), L.seL4_NoError, 'lower ourselves');
    const state = { v: 0 };
    // the helper runs at our priority
    const thread = yield* createHelperThread(env);
    yield* startHelper(env, thread, function* set_higher_prio_helper(): Gen<number> {
      // yield in case the scheduler picked us before the test raised us
      yield* L.seL4_Yield();
      state.v = 2;
      return 0;
    });
    // it has not run yet: even if the scheduler picked it, it yields back to us first
    env.eq(state.v, 0, 'the helper has not run');
    yield* setHelperPriority(env, thread, OUR_PRIO);
    // it ran and set the state
    env.eq(state.v, 2, 'the raised helper ran at once');
  });

  sel4test(
    'SCHED0021',
    'Test for pre-emption during running of many threads with equal prio',
    function* (env: Env) {
      const PREEMPTION_THREADS = 4;
      // classic kernel: ticks are periodic and the running thread is charged a whole tick, so a
      // thread runs between (timeslice - 1) and timeslice ticks
      const tickNs = 2 * NS_IN_MS;
      const timeSlice = 5;
      const MIN_THREAD_SLICE = tickNs * (timeSlice - 1);
      const MAX_THREAD_SLICE = tickNs * timeSlice;
      const MIN_TIME = (MIN_THREAD_SLICE * PREEMPTION_THREADS * 98) / 100;
      const MAX_TIME = (MAX_THREAD_SLICE * (PREEMPTION_THREADS + 1) * 102) / 100;
      const data: number[] = new Array<number>(PREEMPTION_THREADS).fill(0);
      const flag = { start: 0 };

      yield* L.seL4_DebugNameThread(env.tcb, 'Pre-empt monitor');
      // time to read the time (sel4test logs it)
      let prev = yield* sel4testTimestamp(env);
      for (let i = 0; i < 10; i++) prev = yield* sel4testTimestamp(env);

      const threads: Helper[] = [];
      const runner = function* test_simple_preempt_runner(threadId: number): Gen<number> {
        const next = (threadId - 1 + PREEMPTION_THREADS) % PREEMPTION_THREADS;
        while (flag.start === 0) yield* spin();
        // the count of the previous thread
        let nextData = data[next]!;
        // only until we get back to the monitor, so we do not loop again if checking takes long
        while (flag.start) {
          // signal the test thread
          data[threadId] = data[threadId]! + 1;
          // wait for the next thread to progress
          while (data[next]! <= nextData) yield* spin();
          nextData = data[next]!;
        }
        return 0;
      };
      for (let thread = 0; thread < PREEMPTION_THREADS; thread++) {
        data[thread] = 0;
        const t = yield* createHelperThread(env, `Pre-empt #${thread}`);
        threads.push(t);
        // at the monitor's priority
        yield* setHelperPriority(env, t, OUR_PRIO);
        yield* startHelper(env, t, runner, thread);
      }
      // give up our timeslice now to get a fresh one, so no tick takes us off right after start
      yield* L.seL4_Yield();
      const start = yield* sel4testTimestamp(env);
      flag.start = 1;
      // Yield runs every other thread before we run again
      yield* L.seL4_Yield();
      flag.start = 0;
      const now = yield* sel4testTimestamp(env);
      const duration = now - start;
      for (let thread = 0; thread < PREEMPTION_THREADS; thread++) {
        yield* cleanupHelper(env, threads[thread]!);
        // each ran exactly once
        env.eq(data[thread], 1, `runner ${thread} rounds`);
      }
      // with a user timer, the duration fits the timeslices
      env.check(now >= start, 'time moves forward');
      env.check(duration >= MIN_TIME, `duration ${duration} ns >= ${MIN_TIME}`);
      env.check(duration < MAX_TIME, `duration ${duration} ns < ${MAX_TIME}`);
    },
    { timer: true, boards: ['qemu-riscv-virt'] },
  );
});
