/*
 * sel4test cnodeops.c: the CNode invocations on TCB caps (caps that can be moved and compared
 * without side effects), each success case and each error with the error seL4 gives.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env } from '../src/env.js';
import {
  allocEndpoint,
  allocTcb,
  areTcbsDistinct,
  cnodeCancelBadgedSends,
  cnodeCopy,
  cnodeDelete,
  cnodeMint,
  cnodeMove,
  cnodeMutate,
  cnodeRevoke,
  cnodeRotate,
  cnodeSaveCaller,
  getFreeSlot,
  isSlotEmpty,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';

/** get_cap: a TCB cap in a new slot. */
const getCap = allocTcb;

describe('CNode operations (cnodeops.c)', () => {
  sel4test('CNODEOP0001', 'Basic seL4_CNode_Copy() testing', function* (env: Env) {
    let src = yield* getCap(env);
    let dest = getFreeSlot(env);
    env.assert(yield* isSlotEmpty(env, dest), 'dest empty');
    env.eq(yield* cnodeCopy(env, src, dest, L.seL4_AllRights), L.seL4_NoError, 'copy to an empty slot');
    env.assert((yield* areTcbsDistinct(env, src, dest)) === 0, 'the copy names the same TCB');

    src = yield* getCap(env);
    dest = yield* getCap(env);
    env.eq(yield* cnodeCopy(env, src, dest, L.seL4_AllRights), L.seL4_DeleteFirst, 'copy to an occupied slot');

    src = getFreeSlot(env);
    env.assert(yield* isSlotEmpty(env, src), 'src empty');
    dest = yield* getCap(env);
    env.eq(yield* cnodeCopy(env, src, dest, L.seL4_AllRights), L.seL4_DeleteFirst, 'copy from an empty slot to an occupied one');

    src = getFreeSlot(env);
    env.assert(yield* isSlotEmpty(env, src), 'src empty');
    dest = getFreeSlot(env);
    env.assert(yield* isSlotEmpty(env, dest), 'dest empty');
    env.eq(yield* cnodeCopy(env, src, dest, L.seL4_AllRights), L.seL4_FailedLookup, 'copy from an empty slot to an empty one');
  });

  sel4test('CNODEOP0002', 'Basic seL4_CNode_Delete() testing', function* (env: Env) {
    let slot = yield* getCap(env);
    env.eq(yield* cnodeDelete(env, slot), L.seL4_NoError, 'delete a cap');
    env.assert(yield* isSlotEmpty(env, slot), 'slot empty after delete');

    slot = getFreeSlot(env);
    env.eq(yield* cnodeDelete(env, slot), L.seL4_NoError, 'delete an empty slot');
    env.assert(yield* isSlotEmpty(env, slot), 'slot still empty');
  });

  sel4test('CNODEOP0003', 'Basic seL4_CNode_Mint() testing', function* (env: Env) {
    let src = yield* getCap(env);
    let dest = getFreeSlot(env);
    env.eq(yield* cnodeMint(env, src, dest, L.seL4_AllRights, L.seL4_NilData), L.seL4_NoError, 'mint to an empty slot');
    env.assert((yield* areTcbsDistinct(env, src, dest)) === 0, 'the minted cap names the same TCB');

    src = yield* getCap(env);
    dest = yield* getCap(env);
    env.eq(yield* cnodeMint(env, src, dest, L.seL4_AllRights, L.seL4_NilData), L.seL4_DeleteFirst, 'mint to an occupied slot');

    src = getFreeSlot(env);
    dest = getFreeSlot(env);
    env.eq(yield* cnodeMint(env, src, dest, L.seL4_AllRights, L.seL4_NilData), L.seL4_FailedLookup, 'mint from an empty slot');
  });

  sel4test('CNODEOP0004', 'Basic seL4_CNode_Move() testing', function* (env: Env) {
    let src = yield* getCap(env);
    let dest = getFreeSlot(env);
    env.eq(yield* cnodeMove(env, src, dest), L.seL4_NoError, 'move to an empty slot');
    env.assert(yield* isSlotEmpty(env, src), 'src empty after move');
    env.assert(!(yield* isSlotEmpty(env, dest)), 'dest full after move');

    src = getFreeSlot(env);
    dest = getFreeSlot(env);
    env.eq(yield* cnodeMove(env, src, dest), L.seL4_FailedLookup, 'move from an empty slot');
    env.assert(yield* isSlotEmpty(env, dest), 'dest still empty');

    src = yield* getCap(env);
    dest = yield* getCap(env);
    env.eq(yield* cnodeMove(env, src, dest), L.seL4_DeleteFirst, 'move to an occupied slot');
    env.assert(!(yield* isSlotEmpty(env, src)), 'src kept');
    env.assert(!(yield* isSlotEmpty(env, dest)), 'dest kept');
  });

  sel4test('CNODEOP0005', 'Basic seL4_CNode_Mutate() testing', function* (env: Env) {
    let src = yield* getCap(env);
    let dest = getFreeSlot(env);
    env.eq(yield* cnodeMutate(env, src, dest), L.seL4_NoError, 'mutate to an empty slot');
    env.assert(yield* isSlotEmpty(env, src), 'src empty after mutate');
    env.assert(!(yield* isSlotEmpty(env, dest)), 'dest full after mutate');

    src = yield* getCap(env);
    dest = yield* getCap(env);
    env.eq(yield* cnodeMutate(env, src, dest), L.seL4_DeleteFirst, 'mutate to an occupied slot');
    env.assert(!(yield* isSlotEmpty(env, src)), 'src kept');
    env.assert(!(yield* isSlotEmpty(env, dest)), 'dest kept');

    src = getFreeSlot(env);
    dest = getFreeSlot(env);
    env.eq(yield* cnodeMutate(env, src, dest), L.seL4_FailedLookup, 'mutate from an empty slot');
    env.assert(yield* isSlotEmpty(env, src), 'src still empty');
    env.assert(yield* isSlotEmpty(env, dest), 'dest still empty');
  });

  sel4test('CNODEOP0006', 'Basic seL4_CNode_CancelBadgedSends() testing', function* (env: Env) {
    const ep = yield* allocEndpoint(env);
    env.eq(yield* cnodeCancelBadgedSends(env, ep), L.seL4_NoError, 'CancelBadgedSends on an unbadged endpoint');
    env.assert(!(yield* isSlotEmpty(env, ep)), 'endpoint cap kept');

    const slot = getFreeSlot(env);
    env.eq(yield* cnodeCancelBadgedSends(env, slot), L.seL4_IllegalOperation, 'CancelBadgedSends on an empty slot');
    env.assert(yield* isSlotEmpty(env, slot), 'slot still empty');
  });

  sel4test('CNODEOP0007', 'Basic seL4_CNode_Revoke() testing', function* (env: Env) {
    let slot = yield* getCap(env);
    env.eq(yield* cnodeRevoke(env, slot), L.seL4_NoError, 'revoke a cap');
    env.assert(!(yield* isSlotEmpty(env, slot)), 'the revoked cap itself stays');

    slot = getFreeSlot(env);
    env.eq(yield* cnodeRevoke(env, slot), L.seL4_NoError, 'revoke an empty slot');
    env.assert(yield* isSlotEmpty(env, slot), 'slot still empty');
  });

  sel4test('CNODEOP0008', 'Basic seL4_CNode_Rotate() testing', function* (env: Env) {
    let src = yield* getCap(env);
    let pivot = yield* getCap(env);
    let dest = getFreeSlot(env);
    env.eq(yield* cnodeRotate(env, src, pivot, dest), L.seL4_NoError, 'rotate into an empty slot');
    env.assert(yield* isSlotEmpty(env, src), 'src emptied');
    env.assert(!(yield* isSlotEmpty(env, pivot)), 'pivot full');
    env.assert(!(yield* isSlotEmpty(env, dest)), 'dest full');

    src = yield* getCap(env);
    pivot = yield* getCap(env);
    dest = yield* getCap(env);
    env.eq(yield* cnodeRotate(env, src, pivot, dest), L.seL4_DeleteFirst, 'rotate into an occupied slot');
    env.assert(!(yield* isSlotEmpty(env, src)), 'src kept');
    env.assert(!(yield* isSlotEmpty(env, pivot)), 'pivot kept');
    env.assert(!(yield* isSlotEmpty(env, dest)), 'dest kept');

    src = yield* getCap(env);
    pivot = yield* getCap(env);
    dest = src;
    env.eq(yield* cnodeRotate(env, src, pivot, dest), L.seL4_NoError, 'swap two caps (dest == src)');
    env.assert((yield* areTcbsDistinct(env, src, dest)) === 0, 'src and dest the same slot');
    env.assert(!(yield* isSlotEmpty(env, pivot)), 'pivot full');

    src = yield* getCap(env);
    pivot = src;
    dest = getFreeSlot(env);
    env.eq(yield* cnodeRotate(env, src, pivot, dest), L.seL4_IllegalOperation, 'rotate with pivot == src');
    env.assert(!(yield* isSlotEmpty(env, src)), 'src kept');
    env.assert(yield* isSlotEmpty(env, dest), 'dest still empty');

    src = getFreeSlot(env);
    pivot = getFreeSlot(env);
    dest = getFreeSlot(env);
    env.eq(yield* cnodeRotate(env, src, pivot, dest), L.seL4_FailedLookup, 'rotate empty slots');
    env.assert(yield* isSlotEmpty(env, src), 'src still empty');
    env.assert(yield* isSlotEmpty(env, pivot), 'pivot still empty');
    env.assert(yield* isSlotEmpty(env, dest), 'dest still empty');
  });

  sel4test('CNODEOP0009', 'Basic seL4_CNode_SaveCaller() testing', function* (env: Env) {
    let slot = getFreeSlot(env);
    env.eq(yield* cnodeSaveCaller(env, slot), L.seL4_NoError, 'SaveCaller into an empty slot (no caller)');

    slot = yield* getCap(env);
    env.eq(yield* cnodeSaveCaller(env, slot), L.seL4_DeleteFirst, 'SaveCaller into an occupied slot');
    env.assert(!(yield* isSlotEmpty(env, slot)), 'the occupied slot kept its cap');
  });
});
