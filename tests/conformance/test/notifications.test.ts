/*
 * sel4test nbwait.c and binding.c: non-blocking receive on endpoints and notifications, and
 * notifications bound to a thread (signals delivered to a bound thread waiting on an endpoint or
 * on the notification itself, with signallers of lower and higher priority).
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen } from '../src/env.js';
import {
  allocEndpoint,
  allocNotification,
  cleanupHelper,
  cnodeDelete,
  cnodeMint,
  createHelperThread,
  getFreeSlot,
  setHelperPriority,
  startHelper,
  waitForHelper,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';

describe('non-blocking receive (nbwait.c)', () => {
  sel4test('NBWAIT0001', 'Test seL4_NBRecv', function* (env: Env) {
    const badge = { value: 0 as number | bigint };
    const endpoint = yield* allocEndpoint(env);
    const notification = yield* allocNotification(env);
    // bind the notification to the current thread
    env.eq(yield* L.seL4_TCB_BindNotification(env.tcb, notification), 0, 'BindNotification');
    // badge both caps
    const badgedNotification = getFreeSlot(env);
    const badgedEndpoint = getFreeSlot(env);
    env.eq(yield* cnodeMint(env, endpoint, badgedEndpoint, L.seL4_AllRights, 1), 0, 'mint endpoint');
    env.eq(yield* cnodeMint(env, notification, badgedNotification, L.seL4_AllRights, 2), 0, 'mint notification');

    // NBRecv on an endpoint with no messages returns 0 at once
    yield* L.seL4_NBRecv(endpoint, badge);
    env.eq(badge.value, 0, 'NBRecv on an empty endpoint');
    // Poll on a notification with no signal returns 0 at once
    yield* L.seL4_Poll(notification, badge);
    env.eq(badge.value, 0, 'Poll on an idle notification');

    yield* L.seL4_Signal(badgedNotification);
    // Poll returns the badge of the signal we just sent
    yield* L.seL4_Poll(notification, badge);
    env.eq(badge.value, 2, 'Poll after a signal');
    // and then nothing
    yield* L.seL4_Poll(notification, badge);
    env.eq(badge.value, 0, 'Poll again');

    yield* L.seL4_Signal(badgedNotification);
    // NBRecv on the endpoint: we are bound, so the signal's badge comes back
    yield* L.seL4_NBRecv(endpoint, badge);
    env.eq(badge.value, 2, 'NBRecv on the endpoint with a signal on our bound notification');
    yield* L.seL4_NBRecv(endpoint, badge);
    env.eq(badge.value, 0, 'NBRecv again');

    // a helper sends on the badged endpoint
    const thread = yield* createHelperThread(env);
    yield* startHelper(
      env,
      thread,
      function* send_func(ep: number, msg: number): Gen<number> {
        L.seL4_SetMR(0, msg);
        yield* L.seL4_Send(ep, L.seL4_MessageInfo_new(0, 0, 0, 1));
        return env.result();
      },
      badgedEndpoint,
      0xdeadbeef,
    );
    yield* setHelperPriority(env, thread, env.priority);
    // let the helper run
    yield* L.seL4_TCB_SetPriority(env.tcb, env.tcb, env.priority - 1);

    // NBRecv returns the helper's message
    const info = yield* L.seL4_NBRecv(endpoint, badge);
    env.eq(badge.value, 1, 'NBRecv takes the queued sender: badge');
    env.eq(L.seL4_MessageInfo_get_length(info), 1, 'NBRecv takes the queued sender: length');
    env.eq(L.seL4_GetMR(0), 0xdeadbeef, 'NBRecv takes the queued sender: MR0');
    yield* L.seL4_NBRecv(endpoint, badge);
    env.eq(badge.value, 0, 'NBRecv again');

    yield* waitForHelper(thread);
    yield* cleanupHelper(env, thread);
    yield* L.seL4_TCB_UnbindNotification(env.tcb);
    yield* cnodeDelete(env, badgedNotification);
    yield* cnodeDelete(env, badgedEndpoint);
    yield* cnodeDelete(env, endpoint);
    yield* cnodeDelete(env, notification);
  });
});

const NUM_RUNS = 10;
const ASYNC = 1;
const SYNC = 2;

/** sender: `runs` empty Sends on `ep` (an endpoint or a notification cap). */
function* sender(ep: number, _id: number, runs: number): Gen<number> {
  for (let i = 0; i < runs; i++) yield* L.seL4_Send(ep, L.seL4_MessageInfo_new(0, 0, 0, 0));
  return 0;
}

function* badgeEndpoint(env: Env, badge: number, ep: number): Gen<number> {
  const slot = getFreeSlot(env);
  env.eq(yield* cnodeMint(env, ep, slot, L.seL4_AllRights, badge), L.seL4_NoError, 'mint');
  return slot;
}

function* testNotificationBindingPrio(env: Env, waiterPrio: number, senderPrio: number): Gen {
  const notificationEp = yield* allocNotification(env);
  yield* allocEndpoint(env);
  const waiterThread = yield* createHelperThread(env, 'waiter');
  yield* setHelperPriority(env, waiterThread, waiterPrio);
  const senderThread = yield* createHelperThread(env, 'sender');
  yield* setHelperPriority(env, senderThread, senderPrio);
  env.eq(yield* L.seL4_TCB_BindNotification(waiterThread.thread.tcb, notificationEp), L.seL4_NoError, 'bind the waiter');
  yield* startHelper(
    env,
    waiterThread,
    function* waiter(boundEp: number): Gen<number> {
      yield* L.seL4_Wait(boundEp);
      return 0;
    },
    notificationEp,
  );
  yield* startHelper(env, senderThread, sender, notificationEp, 0, 1);
  yield* waitForHelper(waiterThread);
  yield* waitForHelper(senderThread);
  yield* cleanupHelper(env, waiterThread);
  yield* cleanupHelper(env, senderThread);
}

describe('bound notifications (binding.c)', () => {
  sel4test(
    'BIND0001',
    'Test that a bound tcb waiting on a sync endpoint receives normal sync ipc and notification notifications.',
    function* (env: Env) {
      const syncEp = yield* allocEndpoint(env);
      const notificationEp = yield* allocNotification(env);
      const badgedNotificationEp = yield* badgeEndpoint(env, ASYNC, notificationEp);
      const badgedSyncEp = yield* badgeEndpoint(env, SYNC, syncEp);
      const sync = yield* createHelperThread(env, 'sync');
      const notification = yield* createHelperThread(env, 'notification');
      env.eq(yield* L.seL4_TCB_BindNotification(env.tcb, notificationEp), L.seL4_NoError, 'bind');
      yield* startHelper(env, notification, sender, badgedNotificationEp, ASYNC, NUM_RUNS);
      yield* startHelper(env, sync, sender, badgedSyncEp, SYNC, NUM_RUNS);
      let numNotificationMessages = 0;
      let numSyncMessages = 0;
      for (let i = 0; i < NUM_RUNS * 2; i++) {
        const badge = { value: 0 as number | bigint };
        yield* L.seL4_Wait(syncEp, badge);
        if (badge.value === ASYNC) numNotificationMessages++;
        else if (badge.value === SYNC) numSyncMessages++;
      }
      env.check(numNotificationMessages === NUM_RUNS, `${numNotificationMessages} notification messages`);
      env.check(numSyncMessages === NUM_RUNS, `${numSyncMessages} sync messages`);
      env.eq(yield* L.seL4_TCB_UnbindNotification(env.tcb), L.seL4_NoError, 'unbind');
      yield* cleanupHelper(env, sync);
      yield* cleanupHelper(env, notification);
    },
  );

  sel4test('BIND0002', 'Test that a bound tcb waiting on its bound notification recieves notifications', function* (env: Env) {
    const notificationEp = yield* allocNotification(env);
    const badgedNotificationEp = yield* badgeEndpoint(env, ASYNC, notificationEp);
    const notification = yield* createHelperThread(env, 'notification');
    env.eq(yield* L.seL4_TCB_BindNotification(env.tcb, notificationEp), L.seL4_NoError, 'bind');
    yield* startHelper(env, notification, sender, badgedNotificationEp, ASYNC, NUM_RUNS);
    let numNotificationMessages = 0;
    for (let i = 0; i < NUM_RUNS; i++) {
      const badge = { value: 0 as number | bigint };
      yield* L.seL4_Wait(notificationEp, badge);
      if (badge.value === ASYNC) numNotificationMessages++;
    }
    env.check(numNotificationMessages === NUM_RUNS, `${numNotificationMessages} notification messages`);
    env.eq(yield* L.seL4_TCB_UnbindNotification(env.tcb), L.seL4_NoError, 'unbind');
    yield* cleanupHelper(env, notification);
  });

  sel4test('BIND0003', 'Test IPC ordering 1) bound tcb waits on bound notification 2) another tcb sends a message', (env) =>
    testNotificationBindingPrio(env, 10, 9),
  );
  sel4test('BIND0004', 'Test IPC ordering 2) bound tcb waits on bound notification 1) another tcb sends a message', (env) =>
    testNotificationBindingPrio(env, 9, 10),
  );
});
