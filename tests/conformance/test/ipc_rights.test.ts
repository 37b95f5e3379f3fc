/*
 * sel4test ipc_rights.c: what the rights of an endpoint cap allow. As in sel4test, the rights
 * word runs over 0 .. BIT(seL4_MsgExtraCapBits) - 1 = 0..3, so only Write and Read vary (Grant and
 * GrantReply, bits 2 and 3, are never set by these loops; the branches that need them are kept
 * and never taken, exactly as in the C source).
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen } from '../src/env.js';
import {
  allocEndpoint,
  cleanupHelper,
  cnodeCopy,
  cnodeDelete,
  cnodeMint,
  cnodeSaveCaller,
  createHelperThread,
  getFreeSlot,
  isSlotEmpty,
  setCapReceivePath,
  startHelper,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';

const MAGIC1 = 42;
const MAGIC2 = 0xdeadbeef;
const MAGIC3 = 666;
/** BIT(seL4_MsgExtraCapBits). */
const RIGHTS_WORDS = 1 << 2;

const { seL4_CapRights_get_capAllowWrite: canWrite, seL4_CapRights_get_capAllowRead: canRead } = L;
const canGrant = L.seL4_CapRights_get_capAllowGrant;
const canGrantReply = L.seL4_CapRights_get_capAllowGrantReply;

/** check_recv: receive `val`, then a second message (a rendezvous). */
function checkRecv(env: Env) {
  return function* check_recv(ep: number, val: number): Gen<number> {
    yield* L.seL4_Recv(ep);
    env.check(val === L.seL4_GetMR(0), `received ${L.seL4_GetMR(0)}, expected ${val}`);
    yield* L.seL4_Recv(ep);
    return env.result();
  };
}

describe('IPC rights (ipc_rights.c)', () => {
  sel4test('IPCRIGHTS0001', 'seL4_Send needs write', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    const epMint = getFreeSlot(env);
    for (let rights = 0; rights < RIGHTS_WORDS; rights++) {
      const t = yield* createHelperThread(env);
      yield* startHelper(env, t, checkRecv(env), ep, MAGIC1);
      yield* cnodeMint(env, ep, epMint, rights, 0);
      const tag = L.seL4_MessageInfo_new(0, 0, 0, 1);
      if (!canWrite(rights)) {
        // dropped: the helper must see MAGIC1 first
        L.seL4_SetMR(0, MAGIC2);
        yield* L.seL4_Send(epMint, tag);
      }
      L.seL4_SetMR(0, MAGIC1);
      yield* L.seL4_Send(ep, tag);
      yield* L.seL4_Send(ep, tag);
      yield* cleanupHelper(env, t);
      yield* cnodeDelete(env, epMint);
    }
  });

  sel4test('IPCRIGHTS0002', 'seL4_Recv needs read', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    const faultEp = yield* allocEndpoint(env);
    const epMint = getFreeSlot(env);
    const tag = L.seL4_MessageInfo_new(0, 0, 0, 1);
    for (let rights = 0; rights < RIGHTS_WORDS; rights++) {
      yield* cnodeMint(env, ep, epMint, rights, 0);
      const t = yield* createHelperThread(env);
      const e = yield* L.seL4_TCB_SetSpace(t.thread.tcb, faultEp, env.cspaceRoot, L.seL4_NilData, env.pageDirectory, L.seL4_NilData);
      env.eq(e, L.seL4_NoError, 'SetSpace with our fault endpoint');
      yield* startHelper(env, t, checkRecv(env), epMint, MAGIC1);
      if (canRead(rights)) {
        L.seL4_SetMR(0, MAGIC1);
        yield* L.seL4_Send(ep, tag);
        yield* L.seL4_Send(ep, tag);
      } else {
        // the helper's Recv faults
        yield* L.seL4_Recv(faultEp);
      }
      yield* cleanupHelper(env, t);
      yield* cnodeDelete(env, epMint);
    }
  });

  sel4test('IPCRIGHTS0003', 'seL4_Send with caps needs grant', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    const returnEp = yield* allocEndpoint(env);
    const epMint = getFreeSlot(env);
    const tag = L.seL4_MessageInfo_new(0, 0, 1, 1);
    for (let rights = 0; rights < RIGHTS_WORDS; rights++) {
      if (!canWrite(rights)) continue;
      const grant = canGrant(rights);
      yield* cnodeMint(env, ep, epMint, rights, 0);
      const t = yield* createHelperThread(env);
      yield* startHelper(
        env,
        t,
        function* check_recv_cap(rep: number, shouldRecvCap: number): Gen<number> {
          const recvSlot = getFreeSlot(env);
          setCapReceivePath(env, recvSlot);
          yield* L.seL4_Recv(rep);
          env.assert(L.seL4_GetMR(0) === MAGIC1, 'the message arrived');
          if (shouldRecvCap) {
            env.assert(!(yield* isSlotEmpty(env, recvSlot)), 'the cap arrived');
            L.seL4_SetMR(0, MAGIC2);
            yield* L.seL4_Send(recvSlot, L.seL4_MessageInfo_new(0, 0, 0, 1));
            env.check((yield* cnodeDelete(env, recvSlot)) === 0, 'deleting the received cap');
          }
          env.assert(yield* isSlotEmpty(env, recvSlot), 'the receive slot is empty');
          L.seL4_SetMR(0, MAGIC3);
          yield* L.seL4_Send(rep, L.seL4_MessageInfo_new(0, 0, 0, 1));
          return env.result();
        },
        ep,
        grant,
      );
      L.seL4_SetMR(0, MAGIC1);
      L.seL4_SetCap(0, returnEp);
      yield* L.seL4_Send(epMint, tag);
      if (grant) {
        yield* L.seL4_Recv(returnEp);
        env.check(L.seL4_GetMR(0) === MAGIC2, 'the cap that arrived works');
      }
      yield* L.seL4_Recv(ep);
      env.check(L.seL4_GetMR(0) === MAGIC3, 'the helper finished');
      yield* cleanupHelper(env, t);
      yield* cnodeDelete(env, epMint);
    }
  });

  sel4test('IPCRIGHTS0004', 'seL4_Call needs grant or grant-reply', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    yield* allocEndpoint(env); // return_ep, unused by this test in sel4test too
    const reply = getFreeSlot(env);
    const epMint = getFreeSlot(env);
    const tag = L.seL4_MessageInfo_new(0, 0, 0, 1);
    const NOTHING = 0;
    const SAVE_CALLER = 1;
    const REPLY_RECV = 2;
    for (let mode = NOTHING; mode <= REPLY_RECV; mode++) {
      for (let rights = 0; rights < RIGHTS_WORDS; rights++) {
        if (!canWrite(rights)) continue;
        const grant = canGrant(rights) || canGrantReply(rights);
        yield* cnodeCopy(env, ep, epMint, rights);
        const t = yield* createHelperThread(env);
        yield* startHelper(
          env,
          t,
          function* check_call(cep: number, shouldCall: number, replyRecv: number): Gen<number> {
            L.seL4_SetMR(0, MAGIC1);
            yield* L.seL4_Call(cep, tag);
            if (replyRecv) yield* L.seL4_Call(cep, tag);
            // here only if the call worked (or else we would be inactive)
            env.assert(shouldCall !== 0, 'a call through a cap without grant returned');
            env.assert(L.seL4_GetMR(0) === MAGIC2, 'the reply arrived');
            yield* L.seL4_Send(cep, tag);
            return env.result();
          },
          epMint,
          grant,
          mode === REPLY_RECV ? 1 : 0,
        );
        yield* L.seL4_Recv(ep);
        if (grant) {
          env.check(L.seL4_GetMR(0) === MAGIC1, 'the call arrived');
          switch (mode) {
            case NOTHING:
              L.seL4_SetMR(0, MAGIC2);
              yield* L.seL4_Reply(tag);
              yield* cnodeSaveCaller(env, reply);
              env.assert(yield* isSlotEmpty(env, reply), 'no caller left after Reply');
              break;
            case SAVE_CALLER:
              yield* cnodeSaveCaller(env, reply);
              env.assert(!(yield* isSlotEmpty(env, reply)), 'SaveCaller saved a reply cap');
              L.seL4_SetMR(0, MAGIC2);
              yield* L.seL4_Send(reply, tag);
              env.assert(yield* isSlotEmpty(env, reply), 'the saved reply cap is used up');
              break;
            case REPLY_RECV:
              yield* L.seL4_ReplyRecv(ep, tag);
              L.seL4_SetMR(0, MAGIC2);
              yield* L.seL4_Reply(tag);
              yield* cnodeSaveCaller(env, reply);
              env.assert(yield* isSlotEmpty(env, reply), 'no caller left after Reply');
              break;
          }
          yield* L.seL4_Recv(ep);
          env.check(L.seL4_GetMR(0) === MAGIC2, 'the helper finished');
        } else {
          // the caller is Inactive and left no reply cap
          yield* cnodeSaveCaller(env, reply);
          env.assert(yield* isSlotEmpty(env, reply), 'a Call without Grant/GrantReply leaves no reply cap');
          yield* cnodeDelete(env, epMint);
          yield* cnodeCopy(env, ep, epMint, L.seL4_AllRights);
          // resumed, it makes its Call again, now through a cap with every right
          yield* L.seL4_TCB_Resume(t.thread.tcb);
          yield* L.seL4_Recv(ep);
          yield* cnodeSaveCaller(env, reply);
          env.assert(!(yield* isSlotEmpty(env, reply)), 'the re-issued Call left a reply cap');
          yield* L.seL4_TCB_Suspend(t.thread.tcb);
          env.assert(yield* isSlotEmpty(env, reply), 'suspending the caller deletes its reply cap');
        }
        yield* cleanupHelper(env, t);
        yield* cnodeDelete(env, epMint);
      }
    }
  });

  sel4test('IPCRIGHTS0005', 'seL4_Reply grant depends of the grant of previous seL4_Recv', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    const returnEp = yield* allocEndpoint(env);
    const reply = getFreeSlot(env);
    const epMint = getFreeSlot(env);
    const tagNoCap = L.seL4_MessageInfo_new(0, 0, 0, 1);
    const tag = L.seL4_MessageInfo_new(0, 0, 1, 1);
    const NOTHING = 0;
    const SAVE_CALLER = 1;
    const REPLY_RECV = 2;
    for (let mode = NOTHING; mode <= REPLY_RECV; mode++) {
      for (let rights = 0; rights < RIGHTS_WORDS; rights++) {
        if (!canRead(rights)) continue;
        const grant = canGrant(rights);
        yield* cnodeCopy(env, ep, epMint, rights);
        const t = yield* createHelperThread(env);
        yield* startHelper(
          env,
          t,
          function* check_call_return_cap(cep: number, shouldRecvCap: number, replyRecv: number): Gen<number> {
            const msg = L.seL4_MessageInfo_new(0, 0, 0, 1);
            const recvSlot = getFreeSlot(env);
            setCapReceivePath(env, recvSlot);
            L.seL4_SetMR(0, MAGIC1);
            yield* L.seL4_Call(cep, msg);
            if (replyRecv) yield* L.seL4_Call(cep, msg);
            env.check(L.seL4_GetMR(0) === MAGIC2, 'the reply arrived');
            if (shouldRecvCap) {
              env.assert(!(yield* isSlotEmpty(env, recvSlot)), 'the cap in the reply arrived');
              L.seL4_SetMR(0, MAGIC3);
              yield* L.seL4_Send(recvSlot, msg);
              env.check((yield* cnodeDelete(env, recvSlot)) === 0, 'deleting the received cap');
            }
            env.assert(yield* isSlotEmpty(env, recvSlot), 'the receive slot is empty');
            L.seL4_SetMR(0, MAGIC3);
            yield* L.seL4_Send(cep, msg);
            return env.result();
          },
          ep,
          grant,
          mode === REPLY_RECV ? 1 : 0,
        );
        yield* L.seL4_Recv(epMint);
        env.check(L.seL4_GetMR(0) === MAGIC1, 'the call arrived');
        if (mode === SAVE_CALLER) {
          yield* cnodeSaveCaller(env, reply);
          env.assert(!(yield* isSlotEmpty(env, reply)), 'SaveCaller saved a reply cap');
          L.seL4_SetMR(0, MAGIC2);
          L.seL4_SetCap(0, returnEp);
          yield* L.seL4_Send(reply, tag);
          env.assert(yield* isSlotEmpty(env, reply), 'the saved reply cap is used up');
        } else {
          if (mode === REPLY_RECV) yield* L.seL4_ReplyRecv(epMint, tagNoCap);
          L.seL4_SetMR(0, MAGIC2);
          L.seL4_SetCap(0, returnEp);
          yield* L.seL4_Reply(tag);
        }
        if (grant) {
          yield* L.seL4_Recv(returnEp);
          env.check(L.seL4_GetMR(0) === MAGIC3, 'the cap that arrived works');
        }
        yield* L.seL4_Recv(ep);
        env.check(L.seL4_GetMR(0) === MAGIC3, 'the helper finished');
        yield* cleanupHelper(env, t);
        yield* cnodeDelete(env, epMint);
      }
    }
  });
});
