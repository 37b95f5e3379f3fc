/*
 * The smaller sel4test files: frames.c (a device frame cannot be a thread's IPC buffer), fpu.c
 * (TCB_SetFlags' fpuDisabled flag) and trivial.c (the framework and the allocator).
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen } from '../src/env.js';
import {
  allocEndpoint,
  cleanupHelper,
  cnodeCopy,
  cnodeDelete,
  createHelperThread,
  getFreeSlot,
  getHelperIpcBufferAddr,
  guardSkipWord,
  startHelper,
  waitForHelper,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';

/** The device frame sel4test's driver hands every test (env->device_frame): from device untyped. */
function* deviceFrame(env: Env): Gen<number> {
  const bi = env.alloc.bootInfo;
  const page = L.smallPageObject(L.currentThread().arch.name);
  const slot = getFreeSlot(env);
  for (let i = 0; i < bi.untypedList.length; i++) {
    if (!bi.untypedList[i]!.isDevice) continue;
    const e = yield* L.seL4_Untyped_Retype(bi.untyped.start + i, page, 0, env.cspaceRoot, 0, 0, slot, 1);
    if (e === 0) return slot;
  }
  throw new Error('no device untyped to make a device frame from');
}

describe('device frames as IPC buffers (frames.c)', () => {
  sel4test('FRAMEDIPC0001', 'Test that we cannot create a thread with an IPC buffer that is a frame', function* (env: Env) {
    const device = yield* deviceFrame(env);
    const path = getFreeSlot(env);
    env.eq(yield* cnodeCopy(env, device, path, L.seL4_AllRights), 0, 'copy the device frame');
    const other = yield* createHelperThread(env);
    // a thread with a device frame as its IPC buffer
    const error = yield* L.seL4_TCB_Configure(
      other.thread.tcb,
      0,
      env.cspaceRoot,
      guardSkipWord(env.wordBits - env.cspaceSizeBits),
      env.pageDirectory,
      L.seL4_NilData,
      getHelperIpcBufferAddr(other),
      path,
    );
    env.neq(error, 0, 'Configure with a device frame as the IPC buffer');
    yield* cleanupHelper(env, other);
  });

  sel4test('FRAMEDIPC0002', 'Test that we cannot switch a threads IPC buffer to a device frame', function* (env: Env) {
    const device = yield* deviceFrame(env);
    const path = getFreeSlot(env);
    env.eq(yield* cnodeCopy(env, device, path, L.seL4_AllRights), 0, 'copy the device frame');
    const ep = yield* allocEndpoint(env);
    const other = yield* createHelperThread(env);
    // start the thread and see that it works
    yield* startHelper(
      env,
      other,
      function* wait_func(wep: number): Gen<number> {
        yield* L.seL4_Send(wep, L.seL4_MessageInfo_new(0, 0, 0, 0));
        yield* L.seL4_Send(wep, L.seL4_MessageInfo_new(0, 0, 0, 0));
        return 0;
      },
      ep,
    );
    yield* L.seL4_Wait(ep);
    // switching its IPC buffer to the device frame fails
    const error = yield* L.seL4_TCB_SetIPCBuffer(other.thread.tcb, getHelperIpcBufferAddr(other), path);
    env.neq(error, 0, 'SetIPCBuffer to a device frame');
    // it still works
    yield* L.seL4_Wait(ep);
    yield* waitForHelper(other);
    yield* cleanupHelper(env, other);
  });
});

/** libsel4's seL4_TCBFlag_fpuDisabled. */
const seL4_TCBFlag_fpuDisabled = 1;

describe('TCB flags (fpu.c)', () => {
  sel4test('FPU0003', 'Test seL4_TCB_SetFlags', function* (env: Env) {
    const t = yield* createHelperThread(env);
    // the current flags
    let res = yield* L.seL4_TCB_SetFlags(t.thread.tcb, 0, 0);
    env.check(res.error === L.seL4_NoError, 'SetFlags(0, 0)');
    env.check(res.flags === 0, 'no flags at first');
    // disable the FPU
    res = yield* L.seL4_TCB_SetFlags(t.thread.tcb, 0, seL4_TCBFlag_fpuDisabled);
    env.check(res.error === L.seL4_NoError, 'SetFlags(0, fpuDisabled)');
    env.check(res.flags === seL4_TCBFlag_fpuDisabled, 'fpuDisabled set');
    // enable it
    res = yield* L.seL4_TCB_SetFlags(t.thread.tcb, seL4_TCBFlag_fpuDisabled, 0);
    env.check(res.error === L.seL4_NoError, 'SetFlags(fpuDisabled, 0)');
    env.check(res.flags === 0, 'fpuDisabled cleared');
    yield* cleanupHelper(env, t);
  });
});

const MIN_EXPECTED_ALLOCATIONS = 100;

/** test_allocator: allocate and free an endpoint many times. */
function* testAllocator(env: Env): Gen {
  for (let i = 0; i < MIN_EXPECTED_ALLOCATIONS; i++) {
    const endpoint = yield* allocEndpoint(env);
    env.assert(endpoint !== 0, 'an endpoint was allocated');
    // vka_free_object: the cap goes (sel4utils' allocator does not reuse the slot or memory)
    env.eq(yield* cnodeDelete(env, endpoint), 0, 'freeing the endpoint');
  }
}

describe('the framework (trivial.c)', () => {
  sel4test('TRIVIAL0000', 'Ensure the test framework functions', function* (env: Env) {
    env.check(2 >= 1, 'test_geq(2, 1)');
  });
  sel4test('TRIVIAL0001', 'Ensure the allocator works', testAllocator);
  sel4test('TRIVIAL0002', 'Ensure the allocator works more than once', testAllocator);
});
