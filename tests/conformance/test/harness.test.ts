import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Env, runTest, verdict } from '../src/env.js';
import { createHelperThread, startHelper, waitForHelper } from '../src/helpers.js';
describe('harness sanity', () => {
  it('catches a failed check', () => {
    const o = runTest(function* (env: Env) { env.eq(1, 2, 'one is two'); });
    expect(verdict(o)).toContain('one is two');
  });
  it('catches a helper that throws', () => {
    const o = runTest(function* (env: Env) {
      const h = yield* createHelperThread(env);
      yield* startHelper(env, h, function* boom() { yield* L.seL4_Yield(); throw new Error('kaboom'); });
      yield* L.seL4_TCB_SetPriority(env.tcb, env.tcb, 10);
    });
    console.log(verdict(o));
    expect(verdict(o)).toContain('kaboom');
  });
  it('catches a hang', () => {
    const o = runTest(function* (env: Env) {
      const h = yield* createHelperThread(env);
      yield* waitForHelper(h);
    });
    console.log(verdict(o));
    expect(verdict(o)).toContain('did not finish');
  });
  it('helper result', () => {
    const o = runTest(function* (env: Env) {
      const h = yield* createHelperThread(env);
      yield* startHelper(env, h, function* (a: number, b: number) { return a + b; }, 3, 4);
      env.eq(yield* waitForHelper(h), 7, 'sum');
    });
    expect(verdict(o)).toBeNull();
  });
});
