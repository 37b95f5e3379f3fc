/*
 * The environment a ported sel4test test runs in: what sel4test's `env_t`, its helper-thread
 * functions (helpers.c) and its test macros are to the C tests, rebuilt on libsel4 and
 * @tsel4/sel4utils.
 *
 * One test = one freshly booted machine (sel4test runs each test in a fresh process). The root
 * task plays the test process: it drops to priority 254 with MCP 255 (sel4test's OUR_PRIO is
 * seL4_MaxPrio - 1) and runs the test body. Before that it starts a "driver" thread at 255 that
 * waits on `env.endpoint`, the fault endpoint of every helper thread, as sel4test-driver does: a
 * helper that faults fails the test. The helper threads themselves are helpers.ts.
 */

import type { BoardName } from '@tsel4/hal';
import { checkInvariants, type KernelConfig } from '@tsel4/kernel';
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, startThread } from '@tsel4/sel4utils';
import { Machine, type RunResult } from '@tsel4/syscalls';
import { TIMER_BADGE, TimerDevice } from './timer.js';

export type Gen<R = void> = Generator<L.TrapToken, R, unknown>;
export type Word = number | bigint;


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
