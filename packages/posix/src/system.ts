/*
 * The POSIX personality's system state: the processes, the memory its objects live in, the
 * timer server, and the name tables.
 *
 * A process is a thread with its own notification, bound to its TCB: every blocking point of the
 * library waits on that one notification, and whoever wakes a process signals it through one of
 * three badged copies of its cap (WAKE: a futex wake-up, SIG: a signal was sent, TIMEOUT: the
 * timer server's deadline passed). Binding it to the TCB means a process blocked in a plain
 * endpoint Recv is woken by a signal too (seL4 delivers a bound notification to a receiving
 * thread).
 *
 * Objects (pipes, message queues, semaphores, the process and signal tables) live in "the
 * area": frames mapped read-write at AREA_BASE in the root VSpace and, at the same address, in
 * every process VSpace the library makes. All state the mechanisms share is in those frames and
 * is read and written with loads and stores; a read-modify-write with no kernel entry between is
 * atomic here, because a thread is only preempted at a kernel entry (single core: on a multicore
 * this would be an atomic instruction). Shared-memory regions (shm.ts) are frames of their own,
 * mapped only where a process maps them.
 *
 * Processes share the root task's CSpace (they are threads of one program, as in sel4utils), so
 * the cptrs of everyone's wake-up caps are known to all; a stricter personality would give each
 * process only the caps it needs. Names (mq, sem, shm) are kept in this object, the library's
 * setup state that every process reaches: in a personality built of separate programs they
 * would be a name server's.
 *
 * Time for timed waits is simulated time: the `clock` option reads the board's cycle counter
 * (like rdtsc); deadlines are absolute in those cycles. The timer server is a thread at a low
 * priority that, while any deadline is pending, polls its endpoint, fires expired deadlines and
 * yields; with no deadline pending it blocks, so an idle system stays idle. A timed wait costs a
 * Call to it (and one to cancel); a deadline fires only when the timer thread gets the CPU.
 */
import * as L from '@tsel4/libsel4';
import { type Allocator, copy, createThread, mapFrame, mint, newVSpace, startThread } from '@tsel4/sel4utils';
import { Proc, type ProcCode } from './proc.js';

export type Code<R = void> = Generator<L.TrapToken, R, unknown>;

import { AREA_BASE, AREA_LIMIT, MAX_PROCS, PROC_ENTRY, PROC_TABLE, TABLES_END, TIMEOUT, WAKE, SIG } from './layout.js';

const PAGE = 4096;
/** Timer server request labels. */
const TIMER_SET = 1;
const TIMER_CANCEL = 2;

export interface PosixOptions {
  /** Simulated time (cycles) for timed waits; e.g. `() => machine.board.cpu.cycles`. */
  readonly clock?: () => number;
  /** Priority of the timer server (default 1). */
  readonly timerPriority?: number;
}

export interface SpawnOptions {
  /** Default 200. */
  readonly priority?: number;
  readonly name?: string;
  /** Run in a VSpace of its own (the area mapped in it) instead of the root task's. */
  readonly ownVSpace?: boolean;
  /** Inherit this process's descriptors, as a forked child does. */
  readonly inherit?: Proc;
}

/** A named object of a kind. */
export interface Named<T> {
  readonly names: Map<string, T>;
}

export class PosixSystem {
  readonly procs: Proc[] = [];
  /** Frame caps of the area, in order. */
  private readonly areaFrames: number[] = [];
  /** VSpace roots besides the root task's that map the area. */
  private readonly vspaces: number[] = [];
  private top = TABLES_END;
  /** Per-kind name tables (mq.ts, sem.ts, shm.ts keep what they need). */
  readonly names = new Map<string, Map<string, unknown>>();
  private spins = 0;
  private timerEp = 0;

  private constructor(
    readonly alloc: Allocator,
    readonly opts: PosixOptions,
  ) {}

  /** Set the personality up from the root task: the area's tables, the timer, pid 0 (the root). */
  static *create(alloc: Allocator, opts: PosixOptions = {}): Code<PosixSystem> {
    const sys = new PosixSystem(alloc, opts);
    yield* sys.grow(TABLES_END);
    sys.timerEp = yield* alloc.allocObject(L.seL4_EndpointObject);
    const prio = opts.timerPriority ?? 1;
    const t = yield* createThread(alloc, { priority: prio, name: 'posix-timer' });
    yield* startThread(t, timerServer(sys, sys.timerEp) as L.ThreadFunction, []);
    yield* sys.addProc(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadVSpace);
    return sys;
  }

  /** The root task's process (pid 0). */
  get init(): Proc {
    return this.procs[0]!;
  }

  /** Simulated time in cycles (the clock option), or the timer's own loop count x 1000 without one. */
  now(): number {
    return this.opts.clock !== undefined ? this.opts.clock() : this.spins * 1000;
  }

  /** A kind's name table. */
  table<T>(kind: string): Map<string, T> {
    let t = this.names.get(kind);
    if (t === undefined) this.names.set(kind, (t = new Map()));
    return t as Map<string, T>;
  }

  /** `bytes` of zeroed area memory (aligned to `align`), mapped in every VSpace of the system. */
  *allocArea(bytes: number, align = 64): Code<number> {
    const at = Math.ceil(this.top / align) * align;
    if (at + bytes > AREA_BASE + AREA_LIMIT) throw new RangeError('posix: the object area is full');
    yield* this.grow(at + bytes);
    this.top = at + bytes;
    return at;
  }

  /** Map frames until the area covers addresses below `end`. */
  private *grow(end: number): Code {
    while (AREA_BASE + this.areaFrames.length * PAGE < end) {
      const va = AREA_BASE + this.areaFrames.length * PAGE;
      const frame = yield* this.alloc.allocFrame();
      yield* mapFrame(this.alloc, frame, va);
      for (const vs of this.vspaces) yield* mapFrame(this.alloc, yield* copy(this.alloc, frame), va, { vspace: vs });
      this.areaFrames.push(frame);
    }
  }

  private *addProc(tcb: number, vspace: number): Code<Proc> {
    const pid = this.procs.length;
    if (pid >= MAX_PROCS) throw new RangeError(`posix: at most ${MAX_PROCS} processes`);
    const a = this.alloc;
    const ntfn = yield* a.allocObject(L.seL4_NotificationObject);
    const caps = { ntfn, wake: yield* mint(a, ntfn, WAKE), sig: yield* mint(a, ntfn, SIG), timeout: yield* mint(a, ntfn, TIMEOUT), timer: yield* mint(a, this.timerEp, pid + 1) };
    const e = yield* L.seL4_TCB_BindNotification(tcb, ntfn);
    if (e !== 0) throw new Error(`posix: seL4_TCB_BindNotification failed: ${L.seL4_ErrorName(e)}`);
    const p = new Proc(this, pid, tcb, vspace, caps);
    this.procs.push(p);
    yield* L.tsel4_write32(PROC_TABLE + pid * PROC_ENTRY, 1);
    yield* p.initSignals();
    return p;
  }

  /**
   * Start `fn` as a new process; returns its pid. What `fn` returns is its exit status; a process
   * ends when `fn` returns, on `exit`, or when a signal's default action terminates it.
   */
  *spawn(fn: ProcCode, opts: SpawnOptions = {}): Code<number> {
    const a = this.alloc;
    let vspace = L.seL4_CapInitThreadVSpace as number;
    if (opts.ownVSpace === true) {
      vspace = yield* newVSpace(a);
      for (let i = 0; i < this.areaFrames.length; i++) {
        yield* mapFrame(a, yield* copy(a, this.areaFrames[i]!), AREA_BASE + i * PAGE, { vspace });
      }
      this.vspaces.push(vspace);
    }
    const t = yield* createThread(a, { priority: opts.priority ?? 200, ...(opts.name !== undefined ? { name: opts.name } : {}), vspace });
    if (opts.ownVSpace === true) yield* mapFrame(a, t.ipcFrame, t.ipcVaddr, { vspace });
    const p = yield* this.addProc(t.tcb, vspace);
    if (opts.inherit !== undefined) yield* p.inheritFrom(opts.inherit);
    const sys = this;
    const entry = function* (pid: number) {
      const me = sys.procs[pid]!;
      const r = yield* fn(me);
      yield* me.exit(typeof r === 'number' ? r : 0);
    };
    yield* startThread(t, entry as L.ThreadFunction, [p.pid]);
    return p.pid;
  }

  /** Ask the timer server to signal `p`'s TIMEOUT badge at `deadline` (replacing any earlier one). */
  *timerSet(p: Proc, deadline: number): Code {
    L.seL4_SetMR(0, deadline);
    yield* L.seL4_Call(p.caps.timer, L.seL4_MessageInfo_new(TIMER_SET, 0, 0, 1));
  }

  /** Cancel `p`'s deadline; a TIMEOUT that fired before is left in its notification. */
  *timerCancel(p: Proc): Code {
    yield* L.seL4_Call(p.caps.timer, L.seL4_MessageInfo_new(TIMER_CANCEL, 0, 0, 0));
  }

  /** The timer loop's count (the clock without a clock option). */
  tickSpin(): void {
    this.spins++;
  }
}

/** The timer server: deadlines by pid; polls and yields while any is pending. */
function timerServer(sys: PosixSystem, ep: number) {
  return function* timer(): Code {
    const deadlines = new Map<number, number>();
    const badge = { value: 0 as number | bigint };
    for (;;) {
      badge.value = 0;
      const info = deadlines.size === 0 ? yield* L.seL4_Recv(ep, badge) : yield* L.seL4_NBRecv(ep, badge);
      const b = Number(badge.value);
      if (b !== 0) {
        const label = L.seL4_MessageInfo_get_label(info);
        if (label === TIMER_SET) deadlines.set(b - 1, L.seL4_GetMR(0));
        else deadlines.delete(b - 1);
        yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
        continue;
      }
      sys.tickSpin();
      const now = sys.now();
      for (const [pid, d] of deadlines) {
        if (d > now) continue;
        deadlines.delete(pid);
        yield* L.seL4_Signal(sys.procs[pid]!.caps.timeout);
      }
      if (deadlines.size > 0) yield* L.seL4_Yield();
    }
  };
}
