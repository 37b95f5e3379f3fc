/*
 * sel4test cspace.c (a CSpace of one-bit CNodes resolving a whole word), inc_untyped.c (Retype's
 * range, fan-out, occupied-slot and memory errors) and threads.c (a TCB cannot be given a null
 * CSpace).
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, FAILURE, type Gen } from '../src/env.js';
import { allocCNode, allocEndpoint, allocUntyped, cleanupHelper, createHelperThread, getFreeSlot, startHelper } from '../src/helpers.js';
import { sel4test } from '../src/define.js';

const READY_MAGIC = 0x12374153;
const SUCCESS_MAGIC = 0x12374151;

describe('CSpace resolution (cspace.c)', () => {
  sel4test('CSPACE0001', 'Test full cspace resolution', function* (env: Env) {
    const wordBits = env.wordBits;
    const ep = yield* allocEndpoint(env);
    let epPos = 1n;
    // one CNode per bit of the word, each resolving one bit
    const cnode: number[] = [];
    for (let i = 0; i < wordBits; i++) cnode.push(yield* allocCNode(env, 1));
    // cnode i goes into alternating slots of cnode i - 1
    let slot = 0;
    for (let i = 1; i < wordBits; i++) {
      const e = yield* L.seL4_CNode_Copy(cnode[i - 1]!, slot, 1, env.cspaceRoot, cnode[i]!, wordBits, L.seL4_AllRights);
      env.eq(e, L.seL4_NoError, `copy cnode ${i}`);
      epPos |= BigInt(slot) << BigInt(i);
      slot ^= 1;
    }
    // the last CNode holds the endpoint
    env.eq(yield* L.seL4_CNode_Copy(cnode[wordBits - 1]!, slot, 1, env.cspaceRoot, ep, wordBits, L.seL4_AllRights), L.seL4_NoError, 'copy ep');

    // a helper in our CSpace gets set up first
    const t = yield* createHelperThread(env);
    // (the cptr of the endpoint in the new CSpace is a full word, which a thread function's
    // number arguments cannot carry exactly, so it reaches the helper through its closure)
    const ep1 = epPos;
    yield* startHelper(
      env,
      t,
      function* ipc_caller(ep0: number, _unused: number, nbits: number): Gen<number> {
        // tell the parent we are ready
        L.seL4_SetMR(0, READY_MAGIC);
        yield* L.seL4_Send(ep0, L.seL4_MessageInfo_new(0, 0, 0, 1));
        // the parent has switched our CSpace: only the cap at ep1 exists
        for (let i = 0; i < nbits; i++) {
          const tag = yield* L.seL4_Call(i, L.seL4_MessageInfo_new(0, 0, 0, 0));
          env.assert(L.seL4_MessageInfo_get_label(tag) === L.seL4_InvalidCapability, `cptr ${i} is invalid`);
        }
        // changing one bit still gives an invalid cap
        for (let i = 0; i < nbits; i++) {
          const tag = yield* L.seL4_Call(ep1 ^ (1n << BigInt(i)), L.seL4_MessageInfo_new(0, 0, 0, 0));
          env.assert(L.seL4_MessageInfo_get_label(tag) === L.seL4_InvalidCapability, `ep with bit ${i} flipped is invalid`);
        }
        // and this one is the endpoint
        L.seL4_SetMR(0, SUCCESS_MAGIC);
        yield* L.seL4_Send(ep1, L.seL4_MessageInfo_new(0, 0, 0, 1));
        return env.result();
      },
      ep,
      0,
      wordBits,
    );
    let tag = yield* L.seL4_Recv(ep);
    env.assert(L.seL4_MessageInfo_get_length(tag) === 1, 'ready message length');
    env.assert(L.seL4_GetMR(0) === READY_MAGIC, 'ready message');
    // switch its CSpace
    const e = yield* L.seL4_TCB_SetSpace(t.thread.tcb, t.faultEndpoint, cnode[0]!, L.seL4_NilData, env.pageDirectory, L.seL4_NilData);
    env.eq(e, L.seL4_NoError, 'SetSpace to the chain of CNodes');
    // it tests and comes back
    tag = yield* L.seL4_Recv(ep);
    env.assert(L.seL4_MessageInfo_get_length(tag) === 1, 'success message length');
    env.assert(L.seL4_GetMR(0) === SUCCESS_MAGIC, 'success message');
    yield* cleanupHelper(env, t);
  });
});

describe('Untyped retype (inc_untyped.c)', () => {
  sel4test('RETYPE0000', 'Retype test', function* (env: Env) {
    const wb = env.wordBits;
    const tcbBits = L.currentThread().arch.objects.tcbBits;
    const cnode = yield* allocCNode(env, 2);
    const untyped = yield* allocUntyped(env, tcbBits + 3);
    const retype = (offset: number, num: number) =>
      L.seL4_Untyped_Retype(untyped, L.seL4_TCBObject, 0, env.cspaceRoot, cnode, wb, offset, num) as Gen<number>;

    // insert 0
    env.eq(yield* retype(1, 0), L.seL4_RangeError, 'zero objects');
    // useful min/max error words
    env.eq(L.seL4_GetMR(0), 1, 'RangeError min');
    env.eq(L.seL4_GetMR(1), 256, 'RangeError max (CONFIG_RETYPE_FAN_OUT_LIMIT)');
    // two caps at the end of the CNode, overrunning it
    env.eq(yield* retype((1 << 2) - 1, 2), L.seL4_RangeError, 'overrunning the CNode');
    // some caps in: fine
    let i: number;
    for (i = 0; i < 1 << 2; i++) env.eq(yield* retype(i, 1), L.seL4_NoError, `retype into slot ${i}`);
    // one beyond the end
    env.eq(yield* retype(i, 2), L.seL4_RangeError, 'beyond the end of the CNode');
    // over the top
    for (i = 0; i < 1 << 2; i++) env.eq(yield* retype(i, 1), L.seL4_DeleteFirst, `retype over slot ${i}`);
    // delete them all
    for (i = 0; i < 1 << 2; i++) env.eq(yield* L.seL4_CNode_Delete(cnode, i, 2), L.seL4_NoError, `delete slot ${i}`);
    // too many
    env.eq(yield* retype(0, 2 ** 31), L.seL4_RangeError, '2^31 objects');
    env.eq(yield* retype(0, (1 << 2) + 1), L.seL4_RangeError, 'one more object than slots');
    // all but one in one go
    env.eq(yield* retype(0, (1 << 2) - 1), L.seL4_NoError, 'all but one');
    // over the top: only the last succeeds
    for (i = 0; i < 1 << 2; i++) {
      env.eq(yield* retype(i, 1), i === (1 << 2) - 1 ? L.seL4_NoError : L.seL4_DeleteFirst, `retype into slot ${i} again`);
    }
  });

  sel4test('RETYPE0001', 'Incremental retype test', function* (env: Env) {
    const wb = env.wordBits;
    const slotBits = L.currentThread().arch.objects.slotBits;
    const sizeBits = 13;
    const untyped = yield* allocUntyped(env, sizeBits);
    // anything bigger than the untyped fails
    for (let i = 40; i > 0; i--) {
      const e = yield* L.seL4_Untyped_Retype(untyped, L.seL4_CapTableObject, sizeBits - slotBits + i, env.cspaceRoot, env.cspaceRoot, wb, 0, 1);
      env.assert(e !== 0, `a CNode of 2^${sizeBits - slotBits + i} slots in a 2^${sizeBits}-byte untyped`);
    }
    // an object of exactly the right size fits (into our CNode's slot 0, as in sel4test)
    const e = yield* L.seL4_Untyped_Retype(untyped, L.seL4_CapTableObject, sizeBits - slotBits, env.cspaceRoot, env.cspaceRoot, wb, 0, 1);
    env.eq(e, L.seL4_NoError, 'a CNode filling the untyped');
  });

  sel4test('RETYPE0002', 'Incremental retype test #2', function* (env: Env) {
    const wb = env.wordBits;
    const page = L.smallPageObject(L.currentThread().arch.name);
    const slot: number[] = [];
    for (let i = 0; i < 17; i++) slot.push(getFreeSlot(env));
    // an untyped big enough for 16 4 KiB pages
    const untyped = yield* allocUntyped(env, 16);
    const retype = (at: number, num: number) => L.seL4_Untyped_Retype(untyped, page, 0, env.cspaceRoot, env.cspaceRoot, wb, at, num) as Gen<number>;
    let i: number;
    for (i = 0; i < 16; i++) env.eq(yield* retype(slot[i]!, 1), L.seL4_NoError, `page ${i}`);
    // an obscenely large allocation
    env.eq(yield* retype(slot[i]!, 1024 * 1024), L.seL4_RangeError, '2^20 pages');
    // into an existing slot
    env.eq(yield* retype(slot[0]!, 8), L.seL4_DeleteFirst, 'into an occupied slot');
    // the untyped is full
    env.eq(yield* retype(slot[i++]!, 1), L.seL4_NotEnoughMemory, 'one more page');
  });
});

describe('TCB configuration (threads.c)', () => {
  sel4test('THREADS0004', 'seL4_TCB_Configure with a NULL CSpace should fail', function* (env: Env) {
    const thread = yield* createHelperThread(env);
    const error = yield* L.seL4_TCB_Configure(thread.thread.tcb, 0, L.seL4_CapNull, 0, env.pageDirectory, 0, 0, 0);
    yield* cleanupHelper(env, thread);
    env.check(error !== 0, 'Configure with a null CSpace root fails');
    return error !== 0 ? env.result() : FAILURE;
  });

  sel4test('THREADS0005', 'seL4_TCB_SetSpace with a NULL CSpace should fail', function* (env: Env) {
    const thread = yield* createHelperThread(env);
    const error = yield* L.seL4_TCB_SetSpace(thread.thread.tcb, 0, L.seL4_CapNull, 0, env.pageDirectory, 0);
    yield* cleanupHelper(env, thread);
    env.check(error !== 0, 'SetSpace with a null CSpace root fails');
    return error !== 0 ? env.result() : FAILURE;
  });
});
