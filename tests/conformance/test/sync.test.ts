/*
 * sel4test sync.c: semaphores and monitors built on notifications (src/sync.ts, after
 * libsel4sync) keep threads that Yield inside their critical sections apart.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen } from '../src/env.js';
import { allocNotification, cleanupHelper, createHelperThread, type Helper, startHelper, waitForHelper } from '../src/helpers.js';
import { sel4test } from '../src/define.js';
import { BinarySemaphore, ConditionVariable, Semaphore } from '../src/sync.js';

/** A thread adding one to `shared` under `sem`, yielding in the middle. */
function incrementUnder(shared: { v: number }, sem: Semaphore) {
  return function* sem_func(): Gen<number> {
    yield* sem.wait();
    const value = shared.v;
    // give the other thread a chance to test the semaphore
    yield* L.seL4_Yield();
    shared.v = value + 1;
    yield* sem.post();
    return 0;
  };
}

function* twoThreadsUnder(env: Env, sem: Semaphore): Gen {
  const shared = { v: 0 };
  const thread1 = yield* createHelperThread(env, 'thread1');
  const thread2 = yield* createHelperThread(env, 'thread2');
  yield* startHelper(env, thread1, incrementUnder(shared, sem), 0, 1);
  yield* startHelper(env, thread2, incrementUnder(shared, sem), 0, 2);
  yield* waitForHelper(thread1);
  yield* waitForHelper(thread2);
  yield* cleanupHelper(env, thread1);
  yield* cleanupHelper(env, thread2);
  // with the semaphore working, both increments count
  env.eq(shared.v, 2, 'shared');
}

interface Monitor {
  shared: { v: number };
  lock: BinarySemaphore;
  consumerCv: ConditionVariable;
  producerCv: ConditionVariable;
  broadcasterCv: ConditionVariable;
}

function consumerFunc(m: Monitor) {
  return function* consumer_func(): Gen<number> {
    yield* m.lock.wait();
    while (m.shared.v === 0) yield* m.consumerCv.wait(m.lock);
    const value = m.shared.v;
    yield* L.seL4_Yield();
    m.shared.v = value - 1;
    yield* m.producerCv.signal();
    yield* m.lock.post();
    return 0;
  };
}

function producerFunc(m: Monitor) {
  return function* producer_func(): Gen<number> {
    yield* m.lock.wait();
    while (m.shared.v === 2) yield* m.producerCv.wait(m.lock);
    const value = m.shared.v;
    yield* L.seL4_Yield();
    m.shared.v = value + 1;
    yield* m.consumerCv.signal();
    yield* m.lock.post();
    return 0;
  };
}

function broadcasterFunc(m: Monitor) {
  return function* broadcaster_func(): Gen<number> {
    yield* m.lock.wait();
    while (m.shared.v === 2) yield* m.broadcasterCv.wait(m.lock);
    const value = m.shared.v;
    yield* L.seL4_Yield();
    m.shared.v = value + 3;
    yield* m.consumerCv.broadcastRelease(m.lock);
    return 0;
  };
}

function* newMonitor(env: Env): Gen<Monitor> {
  return {
    shared: { v: 0 },
    lock: new BinarySemaphore(yield* allocNotification(env), 1),
    consumerCv: new ConditionVariable(yield* allocNotification(env)),
    producerCv: new ConditionVariable(yield* allocNotification(env)),
    broadcasterCv: new ConditionVariable(yield* allocNotification(env)),
  };
}

describe('synchronisation on notifications (sync.c)', () => {
  sel4test('SYNC001', 'libsel4sync Test binary semaphores', function* (env: Env) {
    yield* twoThreadsUnder(env, new BinarySemaphore(yield* allocNotification(env), 1));
  });

  sel4test('SYNC002', 'libsel4sync Test semaphores', function* (env: Env) {
    yield* twoThreadsUnder(env, new Semaphore(yield* allocNotification(env), 1));
  });

  sel4test('SYNC003', 'libsel4sync Test monitors', function* (env: Env) {
    const m = yield* newMonitor(env);
    const threads: Helper[] = [];
    for (const name of ['consumer1', 'consumer2', 'producer1', 'producer2']) threads.push(yield* createHelperThread(env, name));
    m.shared.v = 1;
    yield* startHelper(env, threads[0]!, consumerFunc(m), 0, 1);
    yield* startHelper(env, threads[1]!, consumerFunc(m), 0, 2);
    yield* startHelper(env, threads[2]!, producerFunc(m), 0, 3);
    yield* startHelper(env, threads[3]!, producerFunc(m), 0, 4);
    for (const t of threads) yield* waitForHelper(t);
    for (const t of threads) yield* cleanupHelper(env, t);
    // with the monitor working, this is 1
    env.eq(m.shared.v, 1, 'shared');
  });

  sel4test('SYNC004', 'libsel4sync Test monitors - broadcast', function* (env: Env) {
    const m = yield* newMonitor(env);
    const threads: Helper[] = [];
    for (const name of ['broadcaster', 'consumer1', 'consumer2', 'consumer3']) threads.push(yield* createHelperThread(env, name));
    m.shared.v = 0;
    yield* startHelper(env, threads[0]!, broadcasterFunc(m), 0, 1);
    yield* startHelper(env, threads[1]!, consumerFunc(m), 0, 2);
    yield* startHelper(env, threads[2]!, consumerFunc(m), 0, 3);
    yield* startHelper(env, threads[3]!, consumerFunc(m), 0, 4);
    for (const t of threads) yield* waitForHelper(t);
    for (const t of threads) yield* cleanupHelper(env, t);
    // with the monitor working, this is 0
    env.eq(m.shared.v, 0, 'shared');
    // and the broadcast is over
    env.assert(!m.consumerCv.broadcasting, 'the broadcast ended');
  });
});
