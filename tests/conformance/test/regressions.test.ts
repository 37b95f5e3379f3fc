/*
 * Bugs the ported sel4test tests found in tsel4, each pinned by the smallest program that showed
 * it, named after what was wrong. (sel4test's own REGRESSIONS tests are in regressions-sel4test.)
 */
import * as L from '@tsel4/libsel4';
import { startThread } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Env, runTest, verdict } from '../src/env.js';
import { allocEndpoint, createHelperThread } from '../src/helpers.js';

describe('regressions found by the conformance suite', () => {
  it('with nothing to run in the current domain, the machine waits for the tick that ends it instead of stopping (machine run loop, DOMAINS0004)', () => {
    // The run loop stopped as "idle" when the current domain had no ready thread although
    // another domain had one; seL4's idle thread runs until the tick ends the domain's time.
    let ran = false;
    const o = runTest(
      function* (env: Env) {
        const ep = yield* allocEndpoint(env);
        const h = yield* createHelperThread(env);
        expect(yield* L.seL4_DomainSet_Set(env.domain, 1, h.thread.tcb)).toBe(0);
        yield* startThread(h.thread, function* inDomain1() {
          ran = true;
          yield* L.seL4_Send(ep, L.seL4_MessageInfo_new(0, 0, 0, 0));
          yield* L.seL4_Recv(ep);
        });
        // we (domain 0) block; only domain 1 has a ready thread
        yield* L.seL4_Recv(ep);
      },
      { kernel: { numDomains: 2, domainSchedule: [{ domain: 0, length: 1 }, { domain: 1, length: 1 }] } },
    );
    expect(verdict(o)).toBeNull();
    expect(ran).toBe(true);
  });

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
