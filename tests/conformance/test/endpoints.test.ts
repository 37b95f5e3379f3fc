/*
 * sel4test endpoints.c: CancelBadgedSends. Callers blocked on an endpoint through derived copies
 * of distinct badged caps; revoking one badged cap deletes the caller's copy, CancelBadgedSends
 * restarts exactly the callers of that badge, and their re-issued Call finds no cap.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen, uword } from '../src/env.js';
import {
  allocEndpoint,
  cleanupHelper,
  cnodeCancelBadgedSends,
  cnodeCopy,
  cnodeMint,
  cnodeRevoke,
  createHelperThread,
  getFreeSlot,
  type Helper,
  setHelperPriority,
  startHelper,
} from '../src/helpers.js';
import { LONG_LOOPS, sel4test } from '../src/define.js';

const NUM_BADGED_CLIENTS = 32;

/** bouncer_func: answer every call on `ep` with an empty reply, forever. */
function* bouncerFunc(ep: number): Gen<number> {
  const tag = L.seL4_MessageInfo_new(0, 0, 0, 0);
  yield* L.seL4_Recv(ep);
  for (;;) yield* L.seL4_ReplyRecv(ep, tag);
}

/** ~x as a 64-bit word. */
function notWord(x: number | bigint): bigint {
  return uword(~uword(x));
}

describe('endpoint badges and CancelBadgedSends (endpoints.c)', () => {
  sel4test('CANCEL_BADGED_SENDS_0001', 'Basic endpoint cancelBadgedSends testing.', function* (env: Env) {
    const tag = L.seL4_MessageInfo_new(0, 0, 0, 0);
    const senders: { thread: Helper; badgedEp: number; derivedBadgedEp: number; done: number }[] = [];
    const ep = yield* allocEndpoint(env);

    // N badged endpoints, each derived once
    for (let i = 0; i < NUM_BADGED_CLIENTS; i++) {
      const badgedEp = getFreeSlot(env);
      const derivedBadgedEp = getFreeSlot(env);
      env.assert((yield* cnodeMint(env, ep, badgedEp, L.seL4_AllRights, i + 200)) === 0, 'mint');
      env.assert((yield* cnodeCopy(env, badgedEp, derivedBadgedEp, L.seL4_AllRights)) === 0, 'copy');
      const thread = yield* createHelperThread(env, `sender ${i}`);
      yield* setHelperPriority(env, thread, 100);
      senders.push({ thread, badgedEp, derivedBadgedEp, done: -1 });
    }
    // a bouncer at priority 0 lets lower-priority threads run
    const bounceEp = yield* allocEndpoint(env);
    const bouncer = yield* createHelperThread(env, 'bouncer');
    yield* setHelperPriority(env, bouncer, 0);
    yield* startHelper(env, bouncer, bouncerFunc, bounceEp);

    for (let i = 0; i < NUM_BADGED_CLIENTS; i++) {
      const s = senders[i]!;
      yield* startHelper(
        env,
        s.thread,
        function* call_func(cep: number, msg: number) {
          // send the message once
          L.seL4_SetMR(0, msg);
          let t = yield* L.seL4_Call(cep, L.seL4_MessageInfo_new(0, 0, 0, 1));
          env.check(L.seL4_MessageInfo_get_length(t) === 1, `sender ${i}: reply length 1`);
          env.check(L.seL4_GetMR_big(0) === notWord(msg), `sender ${i}: reply is ~msg`);
          s.done = 0;
          // send it again: this time the call fails (eventually)
          L.seL4_SetMR(0, msg);
          t = yield* L.seL4_Call(cep, t);
          env.check(L.seL4_MessageInfo_get_label(t) === L.seL4_InvalidCapability, `sender ${i}: second call fails with InvalidCapability`);
          s.done = 1;
          return env.result();
        },
        s.derivedBadgedEp,
        i + 100,
      );
    }

    // let the senders run
    yield* L.seL4_Call(bounceEp, tag);
    // receive a message from each and check its badge
    for (let i = 0; i < NUM_BADGED_CLIENTS; i++) {
      const badge = { value: 0 as number | bigint };
      const t = yield* L.seL4_Recv(ep, badge);
      env.assert(L.seL4_MessageInfo_get_length(t) === 1, 'message length 1');
      env.assert(uword(L.seL4_GetMR(0)) === uword(badge.value) - 100n, `MR0 = badge - 100 (badge ${badge.value})`);
      L.seL4_SetMR(0, notWord(L.seL4_GetMR(0)));
      yield* L.seL4_Reply(t);
    }
    yield* L.seL4_Call(bounceEp, tag);
    // none has failed yet
    for (const s of senders) env.assert(s.done === 0, 'every sender got its reply and called again');

    for (let i = 0; i < NUM_BADGED_CLIENTS; i++) {
      const s = senders[i]!;
      env.eq(yield* cnodeRevoke(env, s.badgedEp), L.seL4_NoError, `revoke badged cap ${i}`);
      env.assert((yield* cnodeCancelBadgedSends(env, s.badgedEp)) === 0, `CancelBadgedSends ${i}`);
      // let the thread run
      yield* L.seL4_Call(bounceEp, tag);
      // only the intended threads have aborted
      for (let j = 0; j < NUM_BADGED_CLIENTS; j++) {
        env.assert(senders[j]!.done === (j <= i ? 1 : 0), `after cancelling badge ${i + 200}: sender ${j} done=${senders[j]!.done}`);
      }
    }
    yield* L.seL4_Call(bounceEp, tag);
    for (const s of senders) yield* cleanupHelper(env, s.thread);
    yield* cleanupHelper(env, bouncer);
  }, LONG_LOOPS);

  // CANCEL_BADGED_SENDS_0001 only shows a caller's IPC is cancelled; this one shows which callers
  // lose their cap when one badge is revoked.
  sel4test('CANCEL_BADGED_SENDS_0002', 'cancelBadgedSends deletes caps', function* (env: Env) {
    const tag = L.seL4_MessageInfo_new(0, 0, 0, 0);
    const ep = yield* allocEndpoint(env);
    // a thread that keeps replying to every message on the main endpoint
    const replyThread = yield* createHelperThread(env, 'replier');
    yield* startHelper(env, replyThread, bouncerFunc, ep);
    const helpers: { thread: Helper; syncEp: number; badgedEp: number; derivedBadgedEp: number; lastStatus: number }[] = [];
    for (let i = 0; i < NUM_BADGED_CLIENTS; i++) {
      const badgedEp = getFreeSlot(env);
      const derivedBadgedEp = getFreeSlot(env);
      const syncEp = yield* allocEndpoint(env);
      env.assert((yield* cnodeMint(env, ep, badgedEp, L.seL4_AllRights, i + 200)) === 0, 'mint');
      env.assert((yield* cnodeCopy(env, badgedEp, derivedBadgedEp, L.seL4_AllRights)) === 0, 'copy');
      const h = { thread: yield* createHelperThread(env, `helper ${i}`), syncEp, badgedEp, derivedBadgedEp, lastStatus: -1 };
      helpers.push(h);
      yield* startHelper(
        env,
        h.thread,
        function* ep_test_func(sync: number, testEp: number) {
          for (;;) {
            yield* L.seL4_Recv(sync);
            // hit the test endpoint and see what happened
            const replyTag = yield* L.seL4_Call(testEp, tag);
            h.lastStatus = L.seL4_MessageInfo_get_label(replyTag) !== L.seL4_InvalidCapability ? 1 : 0;
            yield* L.seL4_Reply(tag);
          }
        },
        syncEp,
        derivedBadgedEp,
      );
    }
    // every thread and endpoint works
    for (const h of helpers) yield* L.seL4_Call(h.syncEp, tag);
    for (const h of helpers) env.assert(h.lastStatus === 1, 'every helper reached the replier');
    // revoke and cancel one badge after another; exactly the right caps disappear
    for (let i = 0; i < NUM_BADGED_CLIENTS; i++) {
      env.eq(yield* cnodeRevoke(env, helpers[i]!.badgedEp), L.seL4_NoError, `revoke badged cap ${i}`);
      env.assert((yield* cnodeCancelBadgedSends(env, helpers[i]!.badgedEp)) === 0, `CancelBadgedSends ${i}`);
      for (const h of helpers) yield* L.seL4_Call(h.syncEp, tag);
      for (let j = 0; j < NUM_BADGED_CLIENTS; j++) {
        env.assert(helpers[j]!.lastStatus === (j <= i ? 0 : 1), `after cancelling badge ${i + 200}: helper ${j} status ${helpers[j]!.lastStatus}`);
      }
    }
  }, LONG_LOOPS);
});
