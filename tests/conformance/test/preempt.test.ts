/*
 * sel4test preempt.c: revoking an endpoint cap copied into thousands of slots is a long kernel
 * operation that the user timer interrupts at preemption points; it still completes, and a
 * higher-priority thread counts the timer interrupts that arrived while it ran.
 *
 * It needs the user timer, so it runs on qemu-riscv-virt (see scheduler.test.ts). It makes
 * tens of thousands of caps: the invariant checker runs every 500 steps instead of after each.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen } from '../src/env.js';
import {
  allocCNode,
  allocEndpoint,
  cleanupHelper,
  createHelperThread,
  setHelperPriority,
  startHelper,
  waitForHelper,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';
import { sel4testNtfnTimerWait, sel4testPeriodicStart, sel4testTimestamp } from '../src/timer.js';

const CNODE_SIZE_BITS = 12;

interface Shared {
  revoking: number;
  preemptCount: number;
}

function revokeFunc(s: Shared) {
  return function* revoke_func(service: number, index: number, depth: number): Gen<number> {
    s.revoking = 1;
    yield* L.seL4_CNode_Revoke(service, index, depth);
    s.revoking = 2;
    return 0;
  };
}

/** create_cnode_table: 2^bits CNodes of 2^12 slots, each slot a copy of `ep`. */
function* createCnodeTable(env: Env, numCnodeBits: number, ep: number): Gen<number> {
  let numCaps = 0;
  let error = 0;
  for (let i = 0; i < 1 << numCnodeBits; i++) {
    const ctable = yield* allocCNode(env, CNODE_SIZE_BITS);
    for (let j = 0; j < 1 << CNODE_SIZE_BITS; j++) {
      error = yield* L.seL4_CNode_Copy(ctable, j, CNODE_SIZE_BITS, env.cspaceRoot, ep, env.wordBits, L.seL4_AllRights);
      env.check(!error, 'copying the endpoint');
      numCaps++;
    }
  }
  return numCaps === 2 ** (numCnodeBits + CNODE_SIZE_BITS) ? error : -1;
}

/** test_preempt_revoke_actual: the number of timer interrupts counted during the revoke. */
function* testPreemptRevokeActual(env: Env, numCnodeBits: number): Gen<number> {
  const s: Shared = { revoking: 0, preemptCount: 0 };
  // an endpoint cap to derive many times
  const ep = yield* allocEndpoint(env);
  const revokeThread = yield* createHelperThread(env, 'revoke');
  const preemptThread = yield* createHelperThread(env, 'preempt');
  yield* setHelperPriority(env, preemptThread, 101);
  yield* setHelperPriority(env, revokeThread, 100);
  // fill a table and time the revoke, to set a timeout of a third of it
  env.eq(yield* createCnodeTable(env, numCnodeBits, ep), L.seL4_NoError, 'create the table');
  const start = yield* sel4testTimestamp(env);
  yield* revokeFunc(s)(env.cspaceRoot, ep, env.wordBits);
  const end = yield* sel4testTimestamp(env);
  env.check(end >= start, 'time moves forward');
  const timeoutVal = Math.floor((end - start) / 3);
  // the table the test revokes
  env.eq(yield* createCnodeTable(env, numCnodeBits, ep), L.seL4_NoError, 'create the table again');
  yield* sel4testPeriodicStart(env, timeoutVal);
  // the last thread started runs first
  s.revoking = 0;
  s.preemptCount = 0;
  yield* startHelper(env, preemptThread, function* preempt_count_func(): Gen<number> {
    while (s.revoking < 2) {
      yield* sel4testNtfnTimerWait(env);
      if (s.revoking === 1) s.preemptCount++;
    }
    return 0;
  });
  yield* startHelper(env, revokeThread, revokeFunc(s), env.cspaceRoot, ep, env.wordBits);
  yield* waitForHelper(revokeThread);
  yield* cleanupHelper(env, preemptThread);
  yield* cleanupHelper(env, revokeThread);
  return s.preemptCount;
}

describe('preemption (preempt.c)', () => {
  sel4test(
    'PREEMPT_REVOKE',
    'Test preemption path in revoke',
    function* (env: Env) {
      for (let numCnodeBits = 1; numCnodeBits < 32; numCnodeBits++) {
        const result = yield* testPreemptRevokeActual(env, numCnodeBits);
        if (result > 1) return env.result();
        // -1: the revoke is shorter than the timer's resolution; try more caps
      }
      env.assert(false, "couldn't trigger preemption point with millions of caps");
    },
    { timer: true, boards: ['qemu-riscv-virt'], checkEvery: 500 },
  );
});
