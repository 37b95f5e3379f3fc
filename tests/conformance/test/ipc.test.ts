/*
 * sel4test ipc.c (classic kernel): message transfer of every length 0..seL4_MsgMaxLength between
 * two helpers, with the sender at priorities 98..102 against a receiver at 100 and either started
 * first, by Send/Recv, Call/ReplyRecv, Call/Reply+Recv and NBSend/Recv; the same between helper
 * processes with CSpaces and VSpaces of their own (the inter-AS variants); and suspending a thread
 * in the middle of a Call. One core, so the core loops of the SMP variants run once.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, FAILURE, type Gen, SUCCESS } from '../src/env.js';
import {
  allocEndpoint,
  cleanupHelper,
  cnodeDelete,
  copyCapToProcess,
  createHelperProcess,
  createHelperThread,
  type Helper,
  type HelperFn,
  setHelperPriority,
  startHelper,
  waitForHelper,
} from '../src/helpers.js';
import { LONG_LOOPS, sel4test } from '../src/define.js';

const MIN_LENGTH = 0;
const MAX_LENGTH = L.seL4_MsgMaxLength;

/** The test functions, each with the sel4test signature (endpoint, seed, reply, extra). */
type TestFn = (env: Env) => HelperFn;

function* sendLengths(ep: number, seed: number, nonBlocking: boolean): Gen<number> {
  for (let length = MIN_LENGTH; length <= MAX_LENGTH; length++) {
    for (let i = 0; i < length; i++) L.seL4_SetMR(i, seed++);
    const tag = L.seL4_MessageInfo_new(0, 0, 0, length);
    if (nonBlocking) yield* L.seL4_NBSend(ep, tag);
    else yield* L.seL4_Send(ep, tag);
  }
  return SUCCESS;
}

/** Check a received message of `length` words against `seed`; returns the next seed and the result. */
function checkMessage(tag: L.seL4_MessageInfo_t, length: number, seed: number): { seed: number; ok: boolean } {
  let ok = true;
  let actual = length;
  if (actual <= L.seL4_MsgMaxLength) {
    if (actual !== L.seL4_MessageInfo_get_length(tag)) ok = false;
  } else {
    actual = L.seL4_MsgMaxLength;
  }
  for (let i = 0; i < actual; i++) {
    if (L.seL4_GetMR(i) !== seed) ok = false;
    seed++;
  }
  return { seed, ok };
}

const sendFunc: TestFn = () =>
  function* send_func(ep: number, seed: number) {
    return yield* sendLengths(ep, seed, false);
  };

const nbsendFunc: TestFn = () =>
  function* nbsend_func(ep: number, seed: number) {
    return yield* sendLengths(ep, seed, true);
  };

const callFunc: TestFn = () =>
  function* call_func(ep: number, seed: number) {
    let result = SUCCESS;
    for (let length = MIN_LENGTH; length <= MAX_LENGTH; length++) {
      for (let i = 0; i < length; i++) L.seL4_SetMR(i, seed++);
      const tag = yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, length));
      const c = checkMessage(tag, length, seed);
      seed = c.seed;
      if (!c.ok) result = FAILURE;
    }
    return result;
  };

const waitFunc: TestFn = () =>
  function* wait_func(ep: number, seed: number) {
    let result = SUCCESS;
    for (let length = MIN_LENGTH; length <= MAX_LENGTH; length++) {
      const tag = yield* L.seL4_Recv(ep, { value: 0 });
      const c = checkMessage(tag, length, seed);
      seed = c.seed;
      if (!c.ok) result = FAILURE;
    }
    return result;
  };

const nbwaitFunc: TestFn = () =>
  function* nbwait_func(ep: number, seed: number, _reply: number, shouldWait: number) {
    if (!shouldWait) return SUCCESS;
    let result = SUCCESS;
    for (let length = MIN_LENGTH; length <= MAX_LENGTH; length++) {
      const tag = yield* L.seL4_Recv(ep, { value: 0 });
      const c = checkMessage(tag, length, seed);
      seed = c.seed;
      if (!c.ok) result = FAILURE;
    }
    return result;
  };

/** Check a request, then build the reply in the same registers (the server half of call_func). */
function checkAndBuildReply(tag: L.seL4_MessageInfo_t, length: number, seed: number): { seed: number; ok: boolean } {
  let ok = true;
  let actual = length;
  if (actual <= L.seL4_MsgMaxLength) {
    if (actual !== L.seL4_MessageInfo_get_length(tag)) ok = false;
  } else {
    actual = L.seL4_MsgMaxLength;
  }
  for (let i = 0; i < actual; i++) {
    if (L.seL4_GetMR(i) !== seed) ok = false;
    seed++;
  }
  // the seed moved further if the message was truncated
  for (let i = actual; i < length; i++) seed++;
  for (let i = 0; i < actual; i++) L.seL4_SetMR(i, seed++);
  return { seed, ok };
}

const replywaitFunc: TestFn = () =>
  function* replywait_func(ep: number, seed: number) {
    let result = SUCCESS;
    let tag = L.seL4_MessageInfo_new(0, 0, 0, 0);
    let first = true;
    for (let length = MIN_LENGTH; length <= MAX_LENGTH; length++) {
      // the first ReplyRecv has nobody to reply to
      if (first) {
        tag = yield* L.seL4_Recv(ep, { value: 0 });
        first = false;
      } else {
        tag = yield* L.seL4_ReplyRecv(ep, tag, { value: 0 });
      }
      const c = checkAndBuildReply(tag, length, seed);
      seed = c.seed;
      if (!c.ok) result = FAILURE;
    }
    // one last reply to match the last call
    yield* L.seL4_Reply(tag);
    return result;
  };

const replyAndWaitFunc: TestFn = () =>
  function* reply_and_wait_func(ep: number, seed: number) {
    let result = SUCCESS;
    let tag = L.seL4_MessageInfo_new(0, 0, 0, 0);
    let first = true;
    for (let length = MIN_LENGTH; length <= MAX_LENGTH; length++) {
      if (!first) yield* L.seL4_Reply(tag);
      else first = false;
      tag = yield* L.seL4_Recv(ep, { value: 0 });
      const c = checkAndBuildReply(tag, length, seed);
      seed = c.seed;
      if (!c.ok) result = FAILURE;
    }
    yield* L.seL4_Reply(tag);
    return result;
  };

/**
 * test_ipc_pair: `fa` (the sender) at priorities 98..102 against `fb` (the waiter) at 100, each
 * order of starting, a fresh seed for every run; helpers or helper processes.
 */
function* testIpcPair(env: Env, fa: TestFn, fb: TestFn, interAS: boolean): Gen {
  const ep = yield* allocEndpoint(env);
  let startNumber = 0xabbacafe;
  let a: Helper;
  let b: Helper;
  let aEp = ep;
  let bEp = ep;
  if (interAS) {
    a = yield* createHelperProcess(env, 'a');
    aEp = yield* copyCapToProcess(env, a, ep);
    b = yield* createHelperProcess(env, 'b');
    bEp = yield* copyCapToProcess(env, b, ep);
  } else {
    a = yield* createHelperThread(env, 'a');
    b = yield* createHelperThread(env, 'b');
  }
  for (let senderPrio = 98; senderPrio <= 102; senderPrio++) {
    yield* setHelperPriority(env, a, senderPrio);
    for (let waiterPrio = 100; waiterPrio <= 100; waiterPrio++) {
      const nbwaitShouldWait = senderPrio < waiterPrio ? 1 : 0;
      yield* setHelperPriority(env, b, waiterPrio);
      for (let senderFirst = 0; senderFirst <= 1; senderFirst++) {
        // threads are enqueued at the head of the scheduling queue: the last started runs first
        if (senderFirst) {
          yield* startHelper(env, b, fb(env), bEp, startNumber, 0, nbwaitShouldWait);
          yield* startHelper(env, a, fa(env), aEp, startNumber, 0, nbwaitShouldWait);
        } else {
          yield* startHelper(env, a, fa(env), aEp, startNumber, 0, nbwaitShouldWait);
          yield* startHelper(env, b, fb(env), bEp, startNumber, 0, nbwaitShouldWait);
        }
        const where = `sender ${senderPrio} ${senderFirst ? '->' : '<-'} waiter ${waiterPrio}`;
        env.eq(yield* waitForHelper(a), SUCCESS, `sender result, ${where}`);
        env.eq(yield* waitForHelper(b), SUCCESS, `waiter result, ${where}`);
        startNumber += 0x71717171;
      }
    }
  }
  yield* cleanupHelper(env, a);
  yield* cleanupHelper(env, b);
  env.eq(yield* cnodeDelete(env, ep), L.seL4_NoError, 'deleting the endpoint');
}

describe('IPC (ipc.c)', () => {
  sel4test('IPC0001', 'Test seL4_Send + seL4_Recv', (env) => testIpcPair(env, sendFunc, waitFunc, false), LONG_LOOPS);
  sel4test('IPC0002', 'Test seL4_Call + seL4_ReplyRecv', (env) => testIpcPair(env, callFunc, replywaitFunc, false), LONG_LOOPS);
  sel4test('IPC0003', 'Test seL4_Send + seL4_Reply + seL4_Recv', (env) => testIpcPair(env, callFunc, replyAndWaitFunc, false), LONG_LOOPS);
  sel4test('IPC0004', 'Test seL4_NBSend + seL4_Recv', (env) => testIpcPair(env, nbsendFunc, nbwaitFunc, false), LONG_LOOPS);

  sel4test('IPC1001', 'Test inter-AS seL4_Send + seL4_Recv', (env) => testIpcPair(env, sendFunc, waitFunc, true), LONG_LOOPS);
  sel4test('IPC1002', 'Test inter-AS seL4_Call + seL4_ReplyRecv', (env) => testIpcPair(env, callFunc, replywaitFunc, true), LONG_LOOPS);
  sel4test('IPC1003', 'Test inter-AS seL4_Send + seL4_Reply + seL4_Recv', (env) => testIpcPair(env, callFunc, replyAndWaitFunc, true), LONG_LOOPS);
  sel4test('IPC1004', 'Test inter-AS seL4_NBSend + seL4_Recv', (env) => testIpcPair(env, nbsendFunc, nbwaitFunc, true), LONG_LOOPS);

  sel4test('IPC0010', 'Test suspending an IPC mid-Call()', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    const a = yield* createHelperThread(env, 'a');
    yield* setHelperPriority(env, a, 100);
    yield* startHelper(env, a, callFunc(env), ep, 0xabbacafe, 0, 0);
    // wait for the Call it is going to make
    yield* L.seL4_Recv(ep, { value: 0 });
    yield* L.seL4_TCB_Suspend(a.thread.tcb);
    yield* L.seL4_TCB_Resume(a.thread.tcb);
    // and suspend it again for good measure, then delete it
    yield* L.seL4_TCB_Suspend(a.thread.tcb);
    yield* cleanupHelper(env, a);
  });
});
