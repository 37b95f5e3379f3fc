/*
 * IPC figures (issue: syscalls): Call + ReplyRecv round trips per second between two TypeScript
 * threads on a pc99 machine, message length 1 and 4 with the fastpath on and off and length 10
 * (slow path either way); the same ping-pong between JS peers (worker_threads MessageChannel, an
 * OS pipe to a second Node process) for scale; and the heap the fastpath round trip allocates,
 * estimated from young-generation GC activity over 10^6 round trips.
 *
 * Each timing is the median of several fresh machines; the client times only its loop of Calls.
 */
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import * as L from '@tsel4/libsel4';
import { Machine } from '@tsel4/syscalls';
import { type Figure, fmt, gc, median } from '../figure.js';
import { messageChannelRtPerS, pipeRtPerS } from '../peers/peers.js';

const { seL4_CapInitThreadCNode: CNODE, seL4_CapInitThreadTCB: TCB, seL4_CapInitThreadVSpace: VSPACE } = L;

/** seL4's own fastpath round trip (sel4.systems: non-MCS Skylake 718 + 576 cycles at 3.4 GHz). */
const SEL4_FAST_RT_NS = (718 + 576) / 3.4;
/** seL4's slow path for the same (sel4bench-results PC99_64_nofastpath_skylake: 1469 + 1291). */
const SEL4_SLOW_RT_NS = (1469 + 1291) / 3.4;

interface RoundTrips {
  nsPerRt: number;
  fastpathHits: number;
}

/** One machine: a server looping in ReplyRecv, the root calling it `n` times with `len` words. */
function roundTrips(n: number, len: number, fastpath: boolean, during?: () => void): RoundTrips {
  let t0 = 0n;
  let t1 = 0n;
  function* server(ep: number) {
    yield* L.seL4_Recv(ep, null);
    const info = L.seL4_MessageInfo_new(0, 0, 0, len);
    for (;;) yield* L.seL4_ReplyRecv(ep, info, null);
  }
  function* root() {
    const bi = L.seL4_GetBootInfo();
    let free = bi.empty.start;
    const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
    const make = function* (type: number) {
      const slot = free++;
      const e = yield* L.seL4_Untyped_Retype(ut, type, 0, CNODE, 0, 0, slot, 1);
      if (e !== 0) throw new Error(`bench setup: retype failed (${L.seL4_ErrorName(e)})`);
      return slot;
    };
    const ep = yield* make(L.seL4_EndpointObject);
    const tcb = yield* make(L.seL4_TCBObject);
    const frame = yield* make(L.smallPageObject('x86_64'));
    yield* L.seL4_TCB_Configure(tcb, 0, CNODE, 0, VSPACE, 0, 0x90_0000, frame);
    yield* L.seL4_TCB_SetSchedParams(tcb, TCB, 255, 255);
    yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, 20, { rip: L.tsel4_functionAddress(server as L.ThreadFunction), rdi: ep });
    const info = L.seL4_MessageInfo_new(0, 0, 0, len);
    for (let i = 0; i < 1000; i++) yield* L.seL4_Call(ep, info);
    during?.();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) yield* L.seL4_Call(ep, info);
    t1 = process.hrtime.bigint();
    during?.();
    yield* L.seL4_DebugHalt();
  }
  const m = new Machine(root as L.ThreadFunction, { fastpath });
  const r = m.run();
  if (r.reason !== 'halted') throw new Error(`bench machine stopped: ${r.reason}`);
  const fp = r.stats.fastpath;
  return { nsPerRt: Number(t1 - t0) / n, fastpathHits: fp.call.hits + fp.replyRecv.hits };
}

function rtPerS(len: number, fastpath: boolean, runs = 5, n = 400_000): number {
  roundTrips(50_000, len, fastpath);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const rt = roundTrips(n, len, fastpath);
    const expectFast = fastpath && len <= 4;
    // every Call and ReplyRecv of the loop must have taken the path the figure is named for
    if (expectFast ? rt.fastpathHits < 2 * n : rt.fastpathHits !== 0) throw new Error(`len ${len}: fastpath hits ${rt.fastpathHits}`);
    samples.push(1e9 / rt.nsPerRt);
  }
  return median(samples);
}

function once<T>(f: () => T): () => T {
  let v: { value: T } | null = null;
  return () => (v ??= { value: f() }).value;
}

const fast1 = once(() => rtPerS(1, true));
const fast4 = once(() => rtPerS(4, true));
const slow1 = once(() => rtPerS(1, false));
const slow4 = once(() => rtPerS(4, false));
const mc = once(() => messageChannelRtPerS());

const ns = (rtps: number) => `${fmt(1e9 / rtps)} ns/rt`;

/**
 * Young-generation bytes allocated per round trip: the new-space bytes each scavenge found
 * (used before minus used after) plus the growth since the last one, over `n` round trips.
 */
function heapBytesPerRt(n: number): { perRt: number; scavenges: number } {
  gc();
  const profiler = new GCProfiler();
  let startUsed = 0;
  let endUsed = 0;
  roundTrips(n, 1, true, () => {
    if (startUsed === 0) {
      profiler.start();
      startUsed = newSpace();
    } else {
      endUsed = newSpace();
    }
  });
  const { freed, scavenges } = scavenged(profiler.stop());
  return { perRt: Math.max(0, (freed + endUsed - startUsed) / n), scavenges };
}

/** Bytes in use in V8's young generation (new space) now. */
function newSpace(): number {
  return getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_used_size ?? 0;
}

/** Young-generation bytes the scavenges in `stats` found in use and did not keep. */
function scavenged(stats: ReturnType<GCProfiler['stop']>): { freed: number; scavenges: number } {
  let freed = 0;
  let scavenges = 0;
  for (const s of stats?.statistics ?? []) {
    if (!/scavenge/i.test(s.gcType)) continue;
    scavenges++;
    const before = s.beforeGC.heapSpaceStatistics.find((x) => x.spaceName === 'new_space');
    const after = s.afterGC.heapSpaceStatistics.find((x) => x.spaceName === 'new_space');
    if (before !== undefined && after !== undefined) freed += before.spaceUsedSize - after.spaceUsedSize;
  }
  return { freed, scavenges };
}

/** The same allocation estimate for a bare generator ping-pong making the same number of yields. */
function generatorBaselineBytesPerRt(n: number): number {
  const token = Symbol('trap');
  const step = { value: token, done: false } as const;
  class Trap implements Iterator<symbol, number>, Iterable<symbol> {
    phase = 0;
    next(): IteratorResult<symbol, number> {
      if (this.phase === 0) {
        this.phase = 1;
        return step;
      }
      this.phase = 0;
      return { value: 1, done: true };
    }
    [Symbol.iterator]() {
      return this;
    }
  }
  const ta = new Trap();
  const tb = new Trap();
  function* side(t: Trap): Generator<symbol, void, unknown> {
    for (;;) yield* t;
  }
  const a = side(ta);
  const b = side(tb);
  gc();
  const profiler = new GCProfiler();
  profiler.start();
  const start = newSpace();
  for (let i = 0; i < n; i++) {
    a.next();
    b.next();
    a.next();
    b.next();
  }
  const end = newSpace();
  const { freed } = scavenged(profiler.stop());
  return Math.max(0, (freed + end - start) / n);
}

export const ipcFigures: Figure[] = [
  {
    name: 'ipc.fast.len1.rt_per_s',
    unit: 'rt/s',
    measure: () => {
      const v = fast1();
      return { value: v, comparison: `${ns(v)}; seL4 fastpath on Skylake ≈ ${fmt(SEL4_FAST_RT_NS)} ns/rt (${fmt(1e9 / SEL4_FAST_RT_NS)} rt/s); aim ≥ 3,000,000` };
    },
  },
  {
    name: 'ipc.fast.len4.rt_per_s',
    unit: 'rt/s',
    measure: () => {
      const v = fast4();
      return { value: v, comparison: `${ns(v)}; len 1: ${fmt(fast1())} rt/s` };
    },
  },
  {
    name: 'ipc.slow.len1.rt_per_s',
    unit: 'rt/s',
    measure: () => {
      const v = slow1();
      return { value: v, comparison: `${ns(v)}; fastpath ${(fast1() / v).toFixed(2)}x faster (seL4 Skylake: ${(SEL4_SLOW_RT_NS / SEL4_FAST_RT_NS).toFixed(2)}x, range 1.3-2.4x)` };
    },
  },
  {
    name: 'ipc.slow.len4.rt_per_s',
    unit: 'rt/s',
    measure: () => {
      const v = slow4();
      return { value: v, comparison: `${ns(v)}; fastpath ${(fast4() / v).toFixed(2)}x faster` };
    },
  },
  {
    name: 'ipc.len10.rt_per_s',
    unit: 'rt/s',
    measure: () => {
      const on = rtPerS(10, true);
      const off = rtPerS(10, false);
      return { value: on, comparison: `${ns(on)}; slow path either way (fastpath off: ${fmt(off)} rt/s)` };
    },
  },
  {
    name: 'peer.messagechannel.rt_per_s',
    unit: 'rt/s',
    measure: async () => {
      const v = await mc();
      return { value: v, comparison: `${ns(v)}; tsel4 fastpath is ${fmt(fast1() / v)}x this (aim ≥ 50x)` };
    },
  },
  {
    name: 'peer.pipe.rt_per_s',
    unit: 'rt/s',
    measure: async () => {
      const v = await pipeRtPerS();
      return { value: v, comparison: `${ns(v)}; tsel4 fastpath is ${fmt(fast1() / v)}x this` };
    },
  },
  {
    name: 'ipc.fast.heap_bytes_per_rt',
    unit: 'B/rt',
    measure: () => {
      const n = 1_000_000;
      const { perRt, scavenges } = heapBytesPerRt(n);
      const base = generatorBaselineBytesPerRt(n);
      return { value: perRt, comparison: `over ${fmt(n)} rt, ${scavenges} scavenges; a bare generator ping-pong: ${fmt(base)} B/rt` };
    },
  },
];
