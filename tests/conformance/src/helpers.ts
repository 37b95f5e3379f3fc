/*
 * sel4test's helpers.c on libsel4 and @tsel4/sel4utils: allocation, the CNode helpers, helper
 * threads and processes, and what the C tests do in assembly.
 *
 * Helpers are made and started as sel4test makes them: a TCB with its own IPC buffer and a local
 * endpoint, priority OUR_PRIO - 1 and MCP 0, started at a trampoline that runs the helper
 * function and then Calls the local endpoint with its result forever; wait_for_helper receives
 * that Call. Memory shared between threads of one address space (sel4test's `volatile`
 * variables) is plain JavaScript state captured by the helper functions' closures. What the C
 * tests do with inline assembly (setting or reading a register) is done on the running thread's
 * register context.
 */

import * as L from '@tsel4/libsel4';
import { createThread, mapFrame as sel4utilsMapFrame, newVSpace as sel4utilsNewVSpace, startThread, type Thread } from '@tsel4/sel4utils';
import { type Env, type Gen, OUR_PRIO, reporting, SUCCESS, uword, type Word } from './env.js';

/** A helper thread's function: four word arguments, a result word (sel4test's helper_fn_t). */
export type HelperFn = (a0: number, a1: number, a2: number, a3: number) => Gen<number | void>;

/** A helper thread (sel4test's helper_thread_t). */
export interface Helper {
  readonly thread: Thread;
  /** Our cptr of the endpoint the helper reports its result on. */
  readonly localEndpoint: number;
  readonly faultEndpoint: number;
  /** A helper process: its own CSpace (a CNode of its own; cptrs inside it are slot numbers). */
  readonly process: HelperProcess | null;
}

/** The CSpace and VSpace of a helper process (sel4utils_process_t). */
export interface HelperProcess {
  /** Our cptr of its root CNode. */
  readonly cnode: number;
  /** Our cptr of its VSpace root. */
  readonly vspace: number;
  readonly sizeBits: number;
  /** The next free slot in it. */
  nextSlot: number;
}

// --- allocation (vka) ---------------------------------------------------------------------------

export function* allocObject(env: Env, type: number, sizeBits = 0): Gen<number> {
  return yield* env.alloc.allocObject(type, sizeBits);
}
export const allocEndpoint = (env: Env): Gen<number> => allocObject(env, L.seL4_EndpointObject);
export const allocNotification = (env: Env): Gen<number> => allocObject(env, L.seL4_NotificationObject);
export const allocTcb = (env: Env): Gen<number> => allocObject(env, L.seL4_TCBObject);
export const allocCNode = (env: Env, sizeBits: number): Gen<number> => allocObject(env, L.seL4_CapTableObject, sizeBits);
export const allocUntyped = (env: Env, sizeBits: number): Gen<number> => allocObject(env, L.seL4_UntypedObject, sizeBits);

/** get_free_slot. */
export function getFreeSlot(env: Env): number {
  return env.alloc.allocSlot();
}

// --- CNode helpers (helpers.c): every path is a root-CNode slot at full depth -----------------------

function depth(env: Env): number {
  return env.wordBits;
}
export function cnodeCopy(env: Env, src: number, dest: number, rights: L.seL4_CapRights_t): Gen<number> {
  return L.seL4_CNode_Copy(env.cspaceRoot, dest, depth(env), env.cspaceRoot, src, depth(env), rights) as Gen<number>;
}
export function cnodeDelete(env: Env, slot: number): Gen<number> {
  return L.seL4_CNode_Delete(env.cspaceRoot, slot, depth(env)) as Gen<number>;
}
export function cnodeMint(env: Env, src: number, dest: number, rights: L.seL4_CapRights_t, badge: Word): Gen<number> {
  return L.seL4_CNode_Mint(env.cspaceRoot, dest, depth(env), env.cspaceRoot, src, depth(env), rights, badge) as Gen<number>;
}
export function cnodeMove(env: Env, src: number, dest: number): Gen<number> {
  return L.seL4_CNode_Move(env.cspaceRoot, dest, depth(env), env.cspaceRoot, src, depth(env)) as Gen<number>;
}
export function cnodeMutate(env: Env, src: number, dest: number): Gen<number> {
  return L.seL4_CNode_Mutate(env.cspaceRoot, dest, depth(env), env.cspaceRoot, src, depth(env), L.seL4_NilData) as Gen<number>;
}
export function cnodeCancelBadgedSends(env: Env, slot: number): Gen<number> {
  return L.seL4_CNode_CancelBadgedSends(env.cspaceRoot, slot, depth(env)) as Gen<number>;
}
export function cnodeRevoke(env: Env, slot: number): Gen<number> {
  return L.seL4_CNode_Revoke(env.cspaceRoot, slot, depth(env)) as Gen<number>;
}
export function cnodeRotate(env: Env, src: number, pivot: number, dest: number): Gen<number> {
  const d = depth(env);
  return L.seL4_CNode_Rotate(env.cspaceRoot, dest, d, L.seL4_NilData, env.cspaceRoot, pivot, d, L.seL4_NilData, env.cspaceRoot, src, d) as Gen<number>;
}
export function cnodeSaveCaller(env: Env, slot: number): Gen<number> {
  return L.seL4_CNode_SaveCaller(env.cspaceRoot, slot, depth(env)) as Gen<number>;
}
export function setCapReceivePath(env: Env, slot: number): void {
  L.seL4_SetCapReceivePath(env.cspaceRoot, slot, depth(env));
}

/**
 * is_slot_empty: moving a slot onto itself answers DeleteFirst when it holds a cap and
 * FailedLookup when it is empty.
 */
export function* isSlotEmpty(env: Env, slot: number): Gen<boolean> {
  const e = yield* cnodeMove(env, slot, slot);
  env.assert(e === L.seL4_DeleteFirst || e === L.seL4_FailedLookup, `moving slot ${slot} onto itself gave ${L.seL4_ErrorName(e)}`);
  return e === L.seL4_FailedLookup;
}

/**
 * are_tcbs_distinct: 0 when both cptrs name the same TCB (a PC written through one is read back
 * through the other), 1 when they differ, -1 when either is not a usable TCB cap.
 */
export function* areTcbsDistinct(env: Env, tcb1: number, tcb2: number): Gen<number> {
  const arch = L.currentThread().arch;
  const pc = arch.userContextNames[0]!;
  const regs: L.seL4_UserContext = {};
  if ((yield* L.seL4_TCB_ReadRegisters(tcb1, 0, 0, 1, regs)) !== 0) return -1;
  for (let i = 0; i < 2; i++) {
    regs[pc] = i;
    if ((yield* L.seL4_TCB_WriteRegisters(tcb1, 0, 0, 1, regs)) !== 0) return -1;
    const back: L.seL4_UserContext = {};
    if ((yield* L.seL4_TCB_ReadRegisters(tcb2, 0, 0, 1, back)) !== 0) return -1;
    if (uword(back[pc] ?? -1) !== BigInt(i)) return 1;
  }
  return 0;
}

/** api_make_guard_skip_word: CNode cap data with a zero guard of `bits` bits. */
export function guardSkipWord(bits: number): Word {
  return L.seL4_CNode_CapData_new(0, bits).words[0];
}

// --- helper threads (helpers.c) ------------------------------------------------------------------

/**
 * create_helper_thread: a local endpoint, a TCB in our CSpace (with the guard our CNode cap
 * has) and VSpace with its own IPC buffer, the driver's endpoint as fault handler, priority
 * OUR_PRIO - 1 and MCP 0.
 */
export function* createHelperThread(env: Env, name = 'helper'): Gen<Helper> {
  const localEndpoint = yield* allocEndpoint(env);
  const thread = yield* createThread(env.alloc, { priority: OUR_PRIO - 1, faultEp: env.endpoint, name, onReturn: 'fault' });
  const e = yield* L.seL4_TCB_SetSpace(thread.tcb, env.endpoint, env.cspaceRoot, guardSkipWord(env.wordBits - env.cspaceSizeBits), env.pageDirectory, 0);
  env.assert(e === 0, `SetSpace on a new helper: ${L.seL4_ErrorName(e)}`);
  const m = yield* L.seL4_TCB_SetMCPriority(thread.tcb, env.tcb, 0);
  env.assert(m === 0, `SetMCPriority on a new helper: ${L.seL4_ErrorName(m)}`);
  return { thread, localEndpoint, faultEndpoint: env.endpoint, process: null };
}

/** sel4test's TEST_PROCESS_CSPACE_SIZE_BITS is larger; helper processes here need a few slots. */
export const PROCESS_CSPACE_SIZE_BITS = 8;

/** A new, empty address space: sel4utils' newVSpace, with an ASID from `asidPool` (ours by default). */
export function* newVSpace(env: Env, asidPool: number = L.seL4_CapInitThreadASIDPool): Gen<number> {
  return yield* sel4utilsNewVSpace(env.alloc, asidPool);
}

/** Map a 4 KiB frame at `vaddr`: sel4utils' mapFrame (the paging structures the walk lacks are made first). */
export function* mapFrame(env: Env, frame: number, vaddr: number, vspace: number = env.pageDirectory, rights: L.seL4_CapRights_t = L.seL4_AllRights): Gen {
  yield* sel4utilsMapFrame(env.alloc, frame, vaddr, { vspace, rights });
}

/**
 * create_helper_process (create_helper_process_custom_asid with `asidPool`): a helper with a CSpace of its own (a new CNode, guarded to resolve a
 * whole word) holding a copy of the driver's endpoint as its fault handler, and a VSpace of its
 * own. The helper's code and its IPC buffer need no mapping in it: TypeScript code is not fetched
 * through a VSpace, and the kernel reaches the buffer through the frame cap the TCB holds.
 */
export function* createHelperProcess(env: Env, name = 'helper process', asidPool: number = L.seL4_CapInitThreadASIDPool): Gen<Helper> {
  const localEndpoint = yield* allocEndpoint(env);
  const cnode = yield* allocCNode(env, PROCESS_CSPACE_SIZE_BITS);
  const vspace = yield* newVSpace(env, asidPool);
  const process: HelperProcess = { cnode, vspace, sizeBits: PROCESS_CSPACE_SIZE_BITS, nextSlot: 1 };
  const thread = yield* createThread(env.alloc, { priority: OUR_PRIO - 1, name, onReturn: 'fault' });
  const h: Helper = { thread, localEndpoint, faultEndpoint: env.endpoint, process };
  const faultEp = yield* copyCapToProcess(env, h, env.endpoint);
  const e = yield* L.seL4_TCB_SetSpace(thread.tcb, faultEp, cnode, guardSkipWord(env.wordBits - PROCESS_CSPACE_SIZE_BITS), vspace, 0);
  env.assert(e === 0, `SetSpace on a new helper process: ${L.seL4_ErrorName(e)}`);
  const m = yield* L.seL4_TCB_SetMCPriority(thread.tcb, env.tcb, 0);
  env.assert(m === 0, `SetMCPriority on a new helper process: ${L.seL4_ErrorName(m)}`);
  return h;
}

/** sel4utils_copy_cap_to_process: copy our `cap` into the helper's CSpace; its cptr there. */
export function* copyCapToProcess(env: Env, h: Helper, cap: number): Gen<number> {
  const p = h.process;
  if (p === null) return cap;
  const slot = p.nextSlot++;
  const e = yield* L.seL4_CNode_Copy(p.cnode, slot, p.sizeBits, env.cspaceRoot, cap, env.wordBits, L.seL4_AllRights);
  env.assert(e === 0, `copying cap ${cap} into a helper process: ${L.seL4_ErrorName(e)}`);
  return slot;
}


/**
 * start_helper: point the helper at a trampoline that runs `fn(a0..a3)` and then Calls its local
 * endpoint with the result in MR0, forever (sel4test's signal_helper_finished), and resume it.
 */
export function* startHelper(env: Env, h: Helper, fn: HelperFn, a0: Word = 0, a1: Word = 0, a2: Word = 0, a3: Word = 0): Gen {
  // a process reports on its own copy of the local endpoint (made at each start, as sel4test does)
  const local = yield* copyCapToProcess(env, h, h.localEndpoint);
  const who = fn.name || 'helper';
  const trampoline = function* (x0: number, x1: number, x2: number, x3: number) {
    const r = yield* reporting(env, who, fn(x0, x1, x2, x3));
    const result = typeof r === 'number' ? r : SUCCESS;
    for (;;) {
      L.seL4_SetMR(0, result);
      yield* L.seL4_Call(local, L.seL4_MessageInfo_new(0, 0, 0, 1));
    }
  };
  yield* startThread(h.thread, trampoline, [a0, a1, a2, a3]);
}

/** wait_for_helper: receive the helper's finishing Call; its result. */
export function* waitForHelper(h: Helper): Gen<number> {
  yield* L.seL4_Recv(h.localEndpoint);
  return L.seL4_GetMR(0);
}

/**
 * cleanup_helper: suspend the helper and delete its TCB, IPC buffer, local endpoint and (for a
 * process) its CSpace and VSpace.
 */
export function* cleanupHelper(env: Env, h: Helper): Gen {
  yield* L.seL4_TCB_Suspend(h.thread.tcb);
  for (const slot of [h.localEndpoint, h.thread.tcb, h.thread.ipcFrame, h.process?.cnode ?? 0, h.process?.vspace ?? 0]) {
    if (slot !== 0) {
      const e = yield* cnodeDelete(env, slot);
      env.eq(e, L.seL4_NoError, `deleting helper slot ${slot}`);
    }
  }
}

/** set_helper_priority. */
export function* setHelperPriority(env: Env, h: Helper, prio: number): Gen {
  const e = yield* L.seL4_TCB_SetPriority(h.thread.tcb, env.tcb, prio);
  env.assert(e === 0, `SetPriority(${prio}): ${L.seL4_ErrorName(e)}`);
}

/** set_helper_mcp. */
export function* setHelperMcp(env: Env, h: Helper, mcp: number): Gen {
  const e = yield* L.seL4_TCB_SetMCPriority(h.thread.tcb, env.tcb, mcp);
  env.assert(e === 0, `SetMCPriority(${mcp}): ${L.seL4_ErrorName(e)}`);
}

export function getHelperTcb(h: Helper): number {
  return h.thread.tcb;
}

/** get_helper_ipc_buffer_addr. */
export function getHelperIpcBufferAddr(h: Helper): number {
  return h.thread.ipcVaddr;
}

// --- registers, for what the C tests do in assembly --------------------------------------------------

/** The running thread's register `name` (a seL4_UserContext field name: "rbx", "x0", "a0"). */
export function readOwnRegister(name: string): bigint {
  const t = L.currentThread();
  const a = t.arch;
  const idx = a.userContext[a.userContextNames.indexOf(name)];
  if (idx === undefined) throw new Error(`no register ${name} on ${a.name}`);
  return t.ctx.getBig(idx);
}

/** Set the running thread's register `name`. */
export function writeOwnRegister(name: string, v: Word): void {
  const t = L.currentThread();
  const a = t.arch;
  const idx = a.userContext[a.userContextNames.indexOf(name)];
  if (idx === undefined) throw new Error(`no register ${name} on ${a.name}`);
  const w = uword(v);
  t.ctx.set(idx, Number(w & 0xffffffffn), Number(w >> 32n));
}

/**
 * One iteration of a C busy loop: user code that takes time. A TypeScript thread only gives the
 * CPU back at a trap, so each iteration is one NBSend to the null cap, which the kernel answers
 * with nothing (an error on a non-blocking send is dropped) and which costs simulated cycles, so
 * timer ticks, timeslices and preemption happen as they would during a C loop.
 */
export function* spin(): Gen {
  yield* L.seL4_NBSend(L.seL4_CapNull, L.seL4_MessageInfo_new(0, 0, 0, 0));
}
