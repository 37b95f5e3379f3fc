/*
 * Bugs the ported sel4test tests found in tsel4, each pinned by the smallest program that showed
 * it, named after what was wrong. (sel4test's own REGRESSIONS tests are in regressions-sel4test.)
 */
import * as L from '@tsel4/libsel4';
import { startThread } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { allocEndpoint, createHelperThread, type Env, runTest, verdict } from '../src/env.js';

describe('regressions found by the conformance suite', () => {
  it('a thread moved to new code while blocked in a syscall makes its next syscall afresh (user runtime, IPC0001)', () => {
    // The runtime kept the abandoned Call's half-finished trap, so the new code's first Recv
    // "returned" at once with whatever was in the registers instead of trapping.
    let recvReturned = false;
    const o = runTest(function* (env: Env) {
      const ep = yield* allocEndpoint(env);
      const other = yield* allocEndpoint(env);
      const h = yield* createHelperThread(env);
      yield* startThread(h.thread, function* caller() {
        yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, 0));
      });
      yield* L.seL4_Recv(ep);
      // the helper is BlockedOnReply; move it to code whose first syscall must block
      yield* startThread(h.thread, function* receiver() {
        yield* L.seL4_Recv(other);
        recvReturned = true;
      });
      yield* L.seL4_TCB_SetPriority(env.tcb, env.tcb, 0);
      yield* L.seL4_TCB_SetPriority(env.tcb, env.tcb, 254);
    });
    expect(verdict(o)).toBeNull();
    expect(recvReturned).toBe(false);
  });
});
