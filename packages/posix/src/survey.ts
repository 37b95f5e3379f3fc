/*
 * The IPC survey's workloads as root tasks: two processes of the personality ping-pong 8 bytes
 * over each mechanism (pipe, signal, mq, sem, shm) and over seL4's own endpoint (Call /
 * ReplyRecv) and notifications (Signal / Wait), or move 4 KiB messages one way (the mechanisms
 * that move bytes). `measureSurvey` runs one on a machine it is given and reports, per round trip
 * (or per 4 KiB message), kernel entries, context switches, simulated cycles, bytes that passed
 * through the kernel in messages, and wall time. Nothing here reads a clock of its own: wall time
 * comes from the caller (bench/, apps/ipc-survey).
 */
import * as L from '@tsel4/libsel4';
import { Allocator, mint } from '@tsel4/sel4utils';
import { O_CREAT, O_RDWR, PROT_READ, PROT_WRITE, SIGUSR1 } from './errno.js';
import { futexWait, futexWake } from './futex.js';
import { mq_open, mq_receive, mq_send } from './mq.js';
import { pipe, read, write } from './pipe.js';
import type { Proc } from './proc.js';
import { sem_open, sem_post, sem_wait } from './sem.js';
import { ftruncate, mmap, shm_open } from './shm.js';
import { pause, sigaction, sigqueue } from './signal.js';
import { type Code, PosixSystem } from './system.js';
import { waitpid } from './wait.js';

export type SurveyMechanism = 'pipe' | 'signal' | 'mq' | 'sem' | 'shm' | 'endpoint' | 'notification';
export type SurveyWorkload = 'pingpong8' | '4k' | 'wake8';

export const SURVEY_MECHANISMS: readonly SurveyMechanism[] = ['pipe', 'signal', 'mq', 'sem', 'shm', 'endpoint', 'notification'];
/** The mechanisms that carry bytes (a 4 KiB workload exists for them). */
export const SURVEY_MOVES_BYTES: readonly SurveyMechanism[] = ['pipe', 'mq', 'shm', 'endpoint'];
/** The mechanisms with a one-to-eight wake-up workload. */
export const SURVEY_WAKES: readonly SurveyMechanism[] = ['sem', 'shm', 'notification'];
/** Waiters one waker wakes in the wake8 workload. */
export const WAKE_N = 8;

const CHUNK = 4096;
/** Bytes one seL4 message carries: 120 message registers of 8 bytes. */
const MSG_BYTES = L.seL4_MsgMaxLength * 8;
const WARMUP = 16;

/** What the workload tells the measuring harness. */
export interface SurveyHooks {
  /** The timed part begins (called once, after the warm-up). */
  start(): void;
  /** The timed part is over. */
  end(): void;
  /** Bytes a message carried through the kernel (message registers). */
  kernelBytes(n: number): void;
}

/** The root task of one workload: `rounds` round trips (or 4 KiB messages) after a warm-up. */
export function surveyRoot(mech: SurveyMechanism, workload: SurveyWorkload, rounds: number, hooks: SurveyHooks, clock?: () => number): L.ThreadFunction {
  if (workload === '4k' && !SURVEY_MOVES_BYTES.includes(mech)) throw new RangeError(`survey: ${mech} moves no bytes (no 4k workload)`);
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
    const [a, b] = workload === 'pingpong8' ? yield* pingpong(mech, sys, init, total, hooks) : yield* stream(mech, sys, init, total, hooks);
    const pb = yield* sys.spawn(b, { inherit: init, name: 'B' });
    const pa = yield* sys.spawn(a, { inherit: init, name: 'A' });
    yield* waitpid(init, pa);
    yield* waitpid(init, pb);
    yield* L.seL4_DebugHalt();
  } as L.ThreadFunction;
}

type ProcFn = (p: Proc) => Code<number | void>;

function must(r: number, what: string): number {
  if (r < 0) throw new Error(`survey: ${what} failed with errno ${-r}`);
  return r;
}

/** A = the side that starts each round trip and times it; B answers. */
function* pingpong(mech: SurveyMechanism, sys: PosixSystem, init: Proc, total: number, h: SurveyHooks): Code<[ProcFn, ProcFn]> {
  const timed = (i: number) => i === WARMUP && h.start();
  const buf = new Uint8Array(8);
  const eight = new Uint8Array(8);
  switch (mech) {
    case 'pipe': {
      const [r1, w1] = (yield* pipe(init)) as [number, number];
      const [r2, w2] = (yield* pipe(init)) as [number, number];
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* write(p, w1, eight), 'write');
            must(yield* read(p, r2, buf), 'read');
          }
          h.end();
        },
        function* (p) {
          const mine = new Uint8Array(8);
          for (let i = 0; i < total; i++) {
            must(yield* read(p, r1, mine), 'read');
            must(yield* write(p, w2, mine), 'write');
          }
        },
      ];
    }
    case 'signal': {
      const pids = { a: 0, b: 0 };
      const handler = { handler: function* () {} };
      yield* sigaction(init, SIGUSR1, handler);
      return [
        function* (p) {
          pids.a = p.pid;
          pids.b = p.pid - 1;
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* sigqueue(p, pids.b, SIGUSR1, i), 'sigqueue');
            yield* pause(p);
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            yield* pause(p);
            must(yield* sigqueue(p, p.pid + 1, SIGUSR1, i), 'sigqueue');
          }
        },
      ];
    }
    case 'mq': {
      const q1 = must(yield* mq_open(init, '/ping', O_CREAT | O_RDWR, { maxmsg: 10, msgsize: 8 }), 'mq_open');
      const q2 = must(yield* mq_open(init, '/pong', O_CREAT | O_RDWR, { maxmsg: 10, msgsize: 8 }), 'mq_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* mq_send(p, q1, eight, 0), 'mq_send');
            must(yield* mq_receive(p, q2, buf), 'mq_receive');
          }
          h.end();
        },
        function* (p) {
          const mine = new Uint8Array(8);
          for (let i = 0; i < total; i++) {
            const n = must(yield* mq_receive(p, q1, mine), 'mq_receive');
            must(yield* mq_send(p, q2, mine.subarray(0, n), 0), 'mq_send');
          }
        },
      ];
    }
    case 'sem': {
      const s1 = must(yield* sem_open(init, '/ping', O_CREAT, 0), 'sem_open');
      const s2 = must(yield* sem_open(init, '/pong', O_CREAT, 0), 'sem_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* sem_post(p, s1), 'sem_post');
            must(yield* sem_wait(p, s2), 'sem_wait');
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            must(yield* sem_wait(p, s1), 'sem_wait');
            must(yield* sem_post(p, s2), 'sem_post');
          }
        },
      ];
    }
    case 'shm':
      return yield* shmPair(sys, init, total, 8, h, timed, true);
    case 'endpoint': {
      const ep = yield* sys.alloc.allocObject(L.seL4_EndpointObject);
      return [
        function* () {
          for (let i = 0; i < total; i++) {
            timed(i);
            L.seL4_SetMR(0, i);
            yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, 1));
            h.kernelBytes(16);
          }
          h.end();
        },
        function* () {
          yield* L.seL4_Recv(ep, null);
          for (let i = 1; i < total; i++) yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), null);
          yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 1));
        },
      ];
    }
    case 'notification': {
      const n1 = yield* sys.alloc.allocObject(L.seL4_NotificationObject);
      const n2 = yield* sys.alloc.allocObject(L.seL4_NotificationObject);
      return [
        function* () {
          for (let i = 0; i < total; i++) {
            timed(i);
            yield* L.seL4_Signal(n1);
            yield* L.seL4_Wait(n2, null);
          }
          h.end();
        },
        function* () {
          for (let i = 0; i < total; i++) {
            yield* L.seL4_Wait(n1, null);
            yield* L.seL4_Signal(n2);
          }
        },
      ];
    }
  }
}

/**
 * Shared memory: a region mapped in both processes' own VSpaces; `ping` and `pong` are futex
 * words the sides count on, the data follows them. Ping-pong echoes `size` bytes back; the
 * one-way form (echo false) only acknowledges.
 */
function* shmPair(
  _sys: PosixSystem,
  init: Proc,
  total: number,
  size: number,
  h: SurveyHooks,
  timed: (i: number) => void,
  echo: boolean,
): Code<[ProcFn, ProcFn]> {
  const fd = must(yield* shm_open(init, '/survey', O_CREAT | O_RDWR), 'shm_open');
  must(yield* ftruncate(init, fd, 2 * CHUNK), 'ftruncate');
  const PING = 0;
  const PONG = 8;
  const DATA = 64;
  const map = function* (p: Proc) {
    return must(yield* mmap(p, null, 2 * CHUNK, PROT_READ | PROT_WRITE, fd), 'mmap');
  };
  const awaitValue = function* (p: Proc, w: number, want: number) {
    for (let v; (v = yield* L.tsel4_read32(w)) !== want; ) yield* futexWait(p, w, v);
  };
  const src = new Uint8Array(size).fill(7);
  return [
    function* (p) {
      const at = yield* map(p);
      for (let i = 0; i < total; i++) {
        timed(i);
        yield* L.tsel4_writeBytes(at + DATA, src);
        yield* L.tsel4_write32(at + PING, i + 1);
        yield* futexWake(p, at + PING, 1);
        yield* awaitValue(p, at + PONG, i + 1);
        if (echo) yield* L.tsel4_readBytes(at + DATA + size, size);
      }
      if (echo) h.end();
    },
    function* (p) {
      const at = yield* map(p);
      for (let i = 0; i < total; i++) {
        yield* awaitValue(p, at + PING, i + 1);
        const got = yield* L.tsel4_readBytes(at + DATA, size);
        if (echo) yield* L.tsel4_writeBytes(at + DATA + size, got);
        yield* L.tsel4_write32(at + PONG, i + 1);
        yield* futexWake(p, at + PONG, 1);
      }
      if (!echo) h.end();
    },
  ];
}

/** One-way 4 KiB messages: A sends, B receives (and ends the timing when it has them all). */
function* stream(mech: SurveyMechanism, sys: PosixSystem, init: Proc, total: number, h: SurveyHooks): Code<[ProcFn, ProcFn]> {
  const timed = (i: number) => i === WARMUP && h.start();
  const chunk = new Uint8Array(CHUNK).fill(5);
  switch (mech) {
    case 'pipe': {
      const [r, w] = (yield* pipe(init)) as [number, number];
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* write(p, w, chunk), 'write');
          }
        },
        function* (p) {
          const buf = new Uint8Array(CHUNK);
          for (let got = 0; got < total * CHUNK; ) got += must(yield* read(p, r, buf), 'read');
          h.end();
        },
      ];
    }
    case 'mq': {
      const q = must(yield* mq_open(init, '/stream', O_CREAT | O_RDWR, { maxmsg: 10, msgsize: CHUNK }), 'mq_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* mq_send(p, q, chunk, 0), 'mq_send');
          }
        },
        function* (p) {
          const buf = new Uint8Array(CHUNK);
          for (let i = 0; i < total; i++) must(yield* mq_receive(p, q, buf), 'mq_receive');
          h.end();
        },
      ];
    }
    case 'shm':
      return yield* shmPair(sys, init, total, CHUNK, h, timed, false);
    case 'endpoint': {
      // 4 KiB in Calls of up to 120 message registers, each acknowledged by an empty reply
      const ep = yield* sys.alloc.allocObject(L.seL4_EndpointObject);
      const parts: number[] = [];
      for (let off = 0; off < CHUNK; off += MSG_BYTES) parts.push(Math.min(MSG_BYTES, CHUNK - off) / 8);
      return [
        function* () {
          for (let i = 0; i < total; i++) {
            timed(i);
            const ipc = L.seL4_GetIPCBuffer();
            for (const words of parts) {
              for (let k = 0; k < words; k++) ipc.set(k + 1, k);
              h.kernelBytes(words * 8);
              yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, words));
            }
          }
        },
        function* () {
          yield* L.seL4_Recv(ep, null);
          const n = total * parts.length;
          for (let i = 1; i < n; i++) yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 0), null);
          yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
          h.end();
        },
      ];
    }
    default:
      throw new RangeError(`survey: ${mech} moves no bytes`);
  }
}

/**
 * One waker wakes WAKE_N waiters per round and waits until each has answered: sem (WAKE_N posts
 * of one semaphore, WAKE_N waits on a second), shm (a generation word woken with one futexWake of
 * everyone, an answer counter the last waiter wakes the waker on), notification (a Signal to each
 * waiter's notification; each answers on a shared one with a badge bit of its own).
 */
function* wakes(
  mech: SurveyMechanism,
  sys: PosixSystem,
  init: Proc,
  total: number,
  h: SurveyHooks,
): Code<[ProcFn, (p: Proc, k: number) => Code<void>]> {
  const timed = (i: number) => i === WARMUP && h.start();
  switch (mech) {
    case 'sem': {
      const go = must(yield* sem_open(init, '/go', O_CREAT, 0), 'sem_open');
      const done = must(yield* sem_open(init, '/done', O_CREAT, 0), 'sem_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            for (let k = 0; k < WAKE_N; k++) must(yield* sem_post(p, go), 'sem_post');
            for (let k = 0; k < WAKE_N; k++) must(yield* sem_wait(p, done), 'sem_wait');
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            must(yield* sem_wait(p, go), 'sem_wait');
            must(yield* sem_post(p, done), 'sem_post');
          }
        },
      ];
    }
    case 'shm': {
      const gen = yield* sys.allocArea(8, 8);
      const acks = yield* sys.allocArea(8, 8);
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            yield* L.tsel4_write32(gen, i + 1);
            yield* futexWake(p, gen, WAKE_N);
            for (let v; (v = yield* L.tsel4_read32(acks)) !== WAKE_N * (i + 1); ) yield* futexWait(p, acks, v);
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            for (let v; (v = yield* L.tsel4_read32(gen)) !== i + 1; ) yield* futexWait(p, gen, v);
            const n = (yield* L.tsel4_read32(acks)) + 1;
            yield* L.tsel4_write32(acks, n);
            if (n === WAKE_N * (i + 1)) yield* futexWake(p, acks, 1);
          }
        },
      ];
    }
    case 'notification': {
      const mine: number[] = [];
      for (let k = 0; k < WAKE_N; k++) mine.push(yield* sys.alloc.allocObject(L.seL4_NotificationObject));
      const answers = yield* sys.alloc.allocObject(L.seL4_NotificationObject);
      const answer: number[] = [];
      for (let k = 0; k < WAKE_N; k++) answer.push(yield* mint(sys.alloc, answers, 1 << k));
      const all = (1 << WAKE_N) - 1;
      return [
        function* () {
          const badge = { value: 0 as number | bigint };
          for (let i = 0; i < total; i++) {
            timed(i);
            for (let k = 0; k < WAKE_N; k++) yield* L.seL4_Signal(mine[k]!);
            for (let got = 0; got !== all; ) {
              yield* L.seL4_Wait(answers, badge);
              got |= Number(badge.value);
            }
          }
          h.end();
        },
        function* (_p, k) {
          for (let i = 0; i < total; i++) {
            yield* L.seL4_Wait(mine[k]!, null);
            yield* L.seL4_Signal(answer[k]!);
          }
        },
      ];
    }
    default:
      throw new RangeError(`survey: no wake8 workload for ${mech}`);
  }
}

/** What a machine must offer the harness (the Machine of @tsel4/syscalls does). */
export interface SurveyMachine {
  run(opts?: { maxSteps?: number }): { reason: string };
  stats(): { syscalls: Record<string, number>; contextSwitches: number; faults: number; interrupts: number; cycles: number };
}

/** One workload's figures, per round trip (pingpong8), per 4 KiB message (4k) or per round of wake-ups (wake8). */
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
  /** 4k only: payload MB/s (10^6 bytes per second of wall time). */
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
  const r = m.run({ maxSteps: 400 * (ops + 64) + 1_000_000 });
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
    mbPerS: workload === '4k' ? (CHUNK / ns) * 1e3 : Number.NaN,
  };
}
