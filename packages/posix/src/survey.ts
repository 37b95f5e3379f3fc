/*
 * The IPC survey's workloads as root tasks: two processes of the personality ping-pong 8 bytes
 * over each mechanism (pipe, signal, mq, sem, shm) and over seL4's own endpoint (Call /
 * ReplyRecv) and notifications (Signal / Wait), or move 4 KiB or 64 KiB one way (the
 * mechanisms that move bytes), or wake 8 waiters (survey-pingpong.ts, survey-stream.ts,
 * survey-wake.ts). `measureSurvey` runs one on a machine it is given and reports, per round trip
 * (or per 4 KiB / 64 KiB transferred), kernel entries, context switches, simulated cycles, bytes
 * that passed through the kernel in messages, and wall time. Nothing here reads a clock of its own: wall time
 * comes from the caller (bench/, apps/ipc-survey).
 */
import * as L from '@tsel4/libsel4';
import { Allocator } from '@tsel4/sel4utils';
import { PosixSystem } from './system.js';
import { waitpid } from './wait.js';
import { isStream, SURVEY_MOVES_BYTES, SURVEY_STREAM_BYTES, SURVEY_WAKES, type SurveyHooks, type SurveyMechanism, type SurveyWorkload, WAKE_N, WARMUP } from './survey-common.js';
import { pingpong } from './survey-pingpong.js';
import { stream } from './survey-stream.js';
import { wakes } from './survey-wake.js';

export { isStream, SURVEY_MECHANISMS, SURVEY_MOVES_BYTES, SURVEY_STREAM_BYTES, SURVEY_WAKES, WAKE_N, type SurveyHooks, type SurveyMechanism, type SurveyStream, type SurveyWorkload } from './survey-common.js';

/** The root task of one workload: `rounds` round trips (or 4 KiB messages) after a warm-up. */
export function surveyRoot(mech: SurveyMechanism, workload: SurveyWorkload, rounds: number, hooks: SurveyHooks, clock?: () => number): L.ThreadFunction {
  if (isStream(workload) && !SURVEY_MOVES_BYTES.includes(mech)) throw new RangeError(`survey: ${mech} moves no bytes (no ${workload} workload)`);
  const size = isStream(workload) ? SURVEY_STREAM_BYTES[workload] : 0;
  if (workload === 'wake8' && !SURVEY_WAKES.includes(mech)) throw new RangeError(`survey: no wake8 workload for ${mech}`);
  const total = rounds + WARMUP;
  return function* root() {
    const sys = yield* PosixSystem.create(new Allocator(L.seL4_GetBootInfo()), clock !== undefined ? { clock } : {});
    const init = sys.init;
    if (workload === 'wake8') {
      const [waker, waiter] = yield* wakes(mech, sys, init, total, hooks);
      const pids: number[] = [];
      for (let k = 0; k < WAKE_N; k++) pids.push(yield* sys.spawn((p) => waiter(p, k), { inherit: init, name: `W${k}` }));
      pids.push(yield* sys.spawn(waker, { inherit: init, name: 'A' }));
      for (const pid of pids) yield* waitpid(init, pid);
      yield* L.seL4_DebugHalt();
      return;
    }
    const [a, b] = workload === 'pingpong8' ? yield* pingpong(mech, sys, init, total, hooks) : yield* stream(mech, sys, init, total, hooks, size);
    const pb = yield* sys.spawn(b, { inherit: init, name: 'B' });
    const pa = yield* sys.spawn(a, { inherit: init, name: 'A' });
    yield* waitpid(init, pa);
    yield* waitpid(init, pb);
    yield* L.seL4_DebugHalt();
  } as L.ThreadFunction;
}

/** What a machine must offer the harness (the Machine of @tsel4/syscalls does). */
export interface SurveyMachine {
  run(opts?: { maxSteps?: number }): { reason: string };
  stats(): { syscalls: Record<string, number>; contextSwitches: number; faults: number; interrupts: number; cycles: number };
}

/** One workload's figures, per round trip (pingpong8), per 4 KiB or 64 KiB transferred (4k, 64k) or per round of wake-ups (wake8). */
export interface SurveyResult {
  readonly mechanism: SurveyMechanism;
  readonly workload: SurveyWorkload;
  readonly ops: number;
  readonly kernelEntries: number;
  readonly contextSwitches: number;
  readonly cycles: number;
  /** Message bytes that passed through the kernel (registers and IPC buffer). */
  readonly kernelBytes: number;
  /** Wall time per op, from `wallNs`. */
  readonly ns: number;
  /** 4k and 64k only: payload MB/s (10^6 bytes per second of wall time). */
  readonly mbPerS: number;
}

/**
 * Run `mech`/`workload` for `ops` operations on the machine `make` builds around a root task
 * (the clock it gets reads that machine's cycle counter) and take its figures. `wallNs` is the
 * caller's monotonic clock in nanoseconds.
 */
export function measureSurvey(
  mech: SurveyMechanism,
  workload: SurveyWorkload,
  ops: number,
  make: (root: L.ThreadFunction, clock: () => number) => SurveyMachine,
  wallNs: () => number,
): SurveyResult {
  let m: SurveyMachine | null = null;
  type Snap = { entries: number; switches: number; cycles: number; ns: number; bytes: number };
  let kbytes = 0;
  let s0: Snap | null = null;
  let s1: Snap | null = null;
  const snap = (): Snap => {
    const s = m!.stats();
    const entries = Object.values(s.syscalls).reduce((x, y) => x + y, 0) + s.faults + s.interrupts;
    return { entries, switches: s.contextSwitches, cycles: s.cycles, ns: wallNs(), bytes: kbytes };
  };
  const hooks: SurveyHooks = {
    start: () => (s0 = snap()),
    end: () => (s1 = snap()),
    kernelBytes: (n) => (kbytes += n),
  };
  let cycles = () => 0;
  const root = surveyRoot(mech, workload, ops, hooks, () => cycles());
  m = make(root, () => m!.stats().cycles);
  cycles = () => m!.stats().cycles;
  const r = m.run({ maxSteps: (workload === '64k' ? 16 : 1) * 400 * (ops + 64) + 1_000_000 });
  if (r.reason !== 'halted' || s0 === null || s1 === null) throw new Error(`survey ${mech} ${workload}: the machine stopped (${r.reason}) before the workload ended`);
  const a: Snap = s0;
  const b: Snap = s1;
  const ns = (b.ns - a.ns) / ops;
  return {
    mechanism: mech,
    workload,
    ops,
    kernelEntries: (b.entries - a.entries) / ops,
    contextSwitches: (b.switches - a.switches) / ops,
    cycles: (b.cycles - a.cycles) / ops,
    kernelBytes: (b.bytes - a.bytes) / ops,
    ns,
    mbPerS: isStream(workload) ? (SURVEY_STREAM_BYTES[workload] / ns) * 1e3 : Number.NaN,
  };
}
