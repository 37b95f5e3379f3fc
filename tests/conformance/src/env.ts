/*
 * The environment a ported sel4test test runs in: what sel4test's `env_t`, its helper-thread
 * functions (helpers.c) and its test macros are to the C tests, rebuilt on libsel4 and
 * @tsel4/sel4utils.
 *
 * One test = one freshly booted machine (sel4test runs each test in a fresh process). The root
 * task plays the test process: it drops to priority 254 with MCP 255 (sel4test's OUR_PRIO is
 * seL4_MaxPrio - 1) and runs the test body. Before that it starts a "driver" thread at 255 that
 * waits on `env.endpoint`, the fault endpoint of every helper thread, as sel4test-driver does: a
 * helper that faults fails the test. Helpers are made and started as sel4test makes them: a TCB
 * with its own IPC buffer and a local endpoint, priority OUR_PRIO - 1 and MCP 0, started at a
 * trampoline that runs the helper function and then Calls the local endpoint with its result
 * forever; wait_for_helper receives that Call.
 *
 * Memory shared between threads of one address space (sel4test's `volatile` variables) is plain
 * JavaScript state captured by the helper functions' closures. What the C tests do with inline
 * assembly (setting or reading a register) is done on the running thread's register context.
 */

import type { BoardName } from '@tsel4/hal';
import { checkInvariants, type KernelConfig } from '@tsel4/kernel';
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame as sel4utilsMapFrame, newVSpace as sel4utilsNewVSpace, startThread, type Thread } from '@tsel4/sel4utils';
import { Machine, type RunResult } from '@tsel4/syscalls';
import { TIMER_BADGE, TimerDevice } from './timer.js';

export type Gen<R = void> = Generator<L.TrapToken, R, unknown>;
export type Word = number | bigint;

/** A helper thread's function: four word arguments, a result word (sel4test's helper_fn_t). */
export type HelperFn = (a0: number, a1: number, a2: number, a3: number) => Gen<number | void>;

/** sel4test's OUR_PRIO: the test process runs one below the driver. */
export const OUR_PRIO = L.seL4_MaxPrio - 1;
/** sel4test's SUCCESS / FAILURE results. */
export const SUCCESS = 0;
export const FAILURE = 1;

/** How to run one test. */
export interface RunOptions {
  readonly board?: BoardName;
  readonly kernel?: Partial<KernelConfig>;
  /** The board's RAM (default the board's). */
  readonly ramBytes?: number;
  /** The kernel timer period in simulated cycles (seL4's CONFIG_TIMER_TICK_MS). */
  readonly tickCycles?: number;
  /** The invariant checker after every kernel entry (default on). */
  readonly checkInvariants?: boolean;
  /**
   * Run the invariant checker after every `checkEvery` returns to user code (and at the end)
   * instead of after every kernel entry: for tests whose hundreds of objects make a check after
   * every entry cost seconds. The README lists them.
   */
  readonly checkEvery?: number;
  /** Returns to user code before the test is declared hung (default 2,000,000). */
  readonly maxSteps?: number;
  /** Give the driver the user timer sel4test's driver has (CONFIG_HAVE_TIMER). */
  readonly timer?: boolean;
}

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

/** What a fatal check (test_assert) throws. */
export class TestAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestAbort';
  }
}

/**
 * What a TypeScript thread throws to execute an undefined instruction on purpose (sel4test's
 * fault tests do): it becomes the CPU exception like any uncaught throw, but is no test failure.
 */
export class UndefinedInstruction extends Error {
  constructor() {
    super('undefined instruction');
    this.name = 'UndefinedInstruction';
  }
}

/** The word `v` as an unsigned bigint of `bits` bits (how C compares seL4_Words). */
export function uword(v: Word, bits = 64): bigint {
  return BigInt.asUintN(bits, typeof v === 'bigint' ? v : BigInt(v));
}

function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return `0x${uword(v).toString(16)}`;
  return String(v);
}

/** The test's view of the world: sel4test's env_t plus the test macros. */
export class Env {
  /** Everything a check found wrong, in order. */
  readonly failures: string[] = [];
  /** Faults the driver received from helper threads. */
  readonly faults: string[] = [];
  /** The test body returned. */
  completed = false;
  /** Set once the machine is running (the root task's allocator, over bootinfo). */
  alloc!: Allocator;
  /** The driver's endpoint: every helper's fault handler. */
  endpoint = 0;
  /** The user timer's notification (with `timer: true`). */
  timerNotification = 0;
  readonly tcb = L.seL4_CapInitThreadTCB;
  readonly cspaceRoot = L.seL4_CapInitThreadCNode;
  readonly pageDirectory = L.seL4_CapInitThreadVSpace;
  readonly domain = L.seL4_CapDomain;
  readonly irqControl = L.seL4_CapIRQControl;
  readonly priority = OUR_PRIO;
  cspaceSizeBits = 0;
  /** The machine (for the harness; tests go through libsel4). */
  machine!: Machine;
  timer: TimerDevice | null = null;

  constructor(readonly board: BoardName) {}

  get wordBits(): 32 | 64 {
    return this.machine.board.arch.wordBits;
  }

  // --- sel4test's test macros --------------------------------------------------------------

  /** test_check: a non-fatal check. */
  check(cond: boolean, what: string): void {
    if (!cond) this.failures.push(`check failed: ${what}`);
  }

  /** test_eq / test_error_eq: non-fatal, words compared as C compares them. */
  eq(actual: unknown, expected: unknown, what: string): void {
    const same =
      (typeof actual === 'number' || typeof actual === 'bigint') && (typeof expected === 'number' || typeof expected === 'bigint')
        ? uword(actual, this.wordBits) === uword(expected, this.wordBits)
        : actual === expected;
    if (!same) this.failures.push(`${what}: got ${show(actual)}, expected ${show(expected)}`);
  }

  /** test_neq. */
  neq(actual: Word, unexpected: Word, what: string): void {
    if (uword(actual, this.wordBits) === uword(unexpected, this.wordBits)) this.failures.push(`${what}: got ${show(actual)}, expected anything else`);
  }

  /** test_assert: a fatal check (the thread aborts, as sel4test's does). */
  assert(cond: boolean, what: string): asserts cond {
    if (!cond) throw new TestAbort(`assertion failed: ${what}`);
  }

  /** sel4test_get_result: SUCCESS while no check has failed. */
  result(): number {
    return this.failures.length === 0 ? SUCCESS : FAILURE;
  }
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
 * Run `body` as a thread's code, reporting what it throws as a failure before it becomes the
 * thread's fault (an abort() in C).
 */
export function* reporting<R>(env: Env, who: string, body: Gen<R>): Gen<R> {
  try {
    return yield* body;
  } catch (e) {
    if (!(e instanceof UndefinedInstruction)) env.failures.push(`${who}: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
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

// --- running a test -----------------------------------------------------------------------------------

/** What one run of a test gave. */
export interface Outcome {
  readonly env: Env;
  readonly run: RunResult;
}

/** The driver: records every fault sent to `env.endpoint` (and never replies). */
function driverFor(env: Env): L.ThreadFunction {
  return function* driver() {
    const badge = { value: 0 as Word };
    for (;;) {
      const info = yield* L.seL4_Recv(env.endpoint, badge);
      const label = L.seL4_MessageInfo_get_label(info);
      if (env.timer !== null && uword(badge.value) === BigInt(TIMER_BADGE)) {
        yield* env.timer.interrupt(env);
        continue;
      }
      if (env.timer !== null && label === L.seL4_Fault_NullFault) {
        yield* env.timer.request();
        continue;
      }
      const words: string[] = [];
      for (let i = 0; i < Math.min(L.seL4_MessageInfo_get_length(info), 6); i++) words.push(show(L.seL4_GetMR(i)));
      env.faults.push(`a helper faulted: label ${label}, badge ${show(badge.value)}, MRs [${words.join(' ')}]`);
    }
  };
}

/** Boot a machine, run `body` as the test, and return what happened. */
export function runTest(body: (env: Env) => Gen<unknown>, opts: RunOptions = {}): Outcome {
  const board = opts.board ?? 'pc99';
  const env = new Env(board);
  const root = function* () {
    env.alloc = new Allocator(L.seL4_GetBootInfo());
    env.cspaceSizeBits = L.seL4_GetBootInfo().initThreadCNodeSizeBits;
    env.endpoint = yield* env.alloc.allocObject(L.seL4_EndpointObject);
    const driver = yield* createThread(env.alloc, { priority: L.seL4_MaxPrio, name: 'sel4test-driver', onReturn: 'fault' });
    yield* startThread(driver, driverFor(env));
    if (env.timer !== null) yield* env.timer.setup(env, driver.tcb);
    // the test process: priority OUR_PRIO, MCP seL4_MaxPrio
    const e = yield* L.seL4_TCB_SetPriority(env.tcb, env.tcb, OUR_PRIO);
    if (e !== 0) throw new Error(`the test process could not set its priority: ${L.seL4_ErrorName(e)}`);
    try {
      yield* body(env);
      env.completed = true;
    } catch (err) {
      env.failures.push(`test: ${err instanceof Error ? err.message : String(err)}`);
    }
    // the driver stops its timer when a test ends
    env.timer?.reset();
    yield* L.seL4_TCB_Suspend(env.tcb);
  };
  const check = opts.checkInvariants ?? true;
  const every = check ? Math.max(1, opts.checkEvery ?? 1) : 0;
  const m = new Machine(root as L.ThreadFunction, {
    board,
    checkInvariants: every === 1,
    ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }),
    ...(opts.tickCycles === undefined ? {} : { tickCycles: opts.tickCycles }),
    ...(opts.ramBytes === undefined ? {} : { ramBytes: opts.ramBytes }),
  });
  env.machine = m;
  if (opts.timer === true) env.timer = new TimerDevice(m);
  const maxSteps = opts.maxSteps ?? 2_000_000;
  let run: RunResult;
  for (;;) {
    const left = maxSteps - m.stats().steps;
    run = m.run({ maxSteps: Math.max(1, every > 1 ? Math.min(every, left) : left) });
    if (every > 1) {
      const bad = checkInvariants(m.k);
      if (bad.length > 0) {
        env.failures.push(`kernel invariants violated:\n  ${bad.join('\n  ')}`);
        break;
      }
    }
    if (run.reason === 'steps' && run.stats.steps < maxSteps) continue;
    if (run.reason === 'idle' && env.timer !== null && env.timer.fireIfArmed()) continue;
    break;
  }
  return { env, run };
}

/** Why an outcome is not a pass, or null when it is one. */
export function verdict(o: Outcome): string | null {
  const problems: string[] = [];
  if (!o.env.completed) problems.push(`the test did not finish (machine stopped: ${o.run.reason})`);
  problems.push(...o.env.failures, ...o.env.faults);
  return problems.length === 0 ? null : problems.join('\n');
}
