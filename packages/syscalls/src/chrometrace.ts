/*
 * A trace (trace.ts) as Chrome trace-event JSON, the format chrome://tracing and ui.perfetto.dev
 * open: one process (the machine), one track per thread, a complete event ("X") per slice with
 * its arguments and result, and a flow ("s" then "f", bound to the enclosing slices) per message
 * or signal, from the sender's slice to the receiver's. Times are the simulated cycles converted
 * at the board's clock rate, in microseconds with nanosecond resolution.
 */

import type { TraceArgs, Tracer, TraceSlice } from './trace.js';

/** One event of the trace-event format (the fields this writer uses). */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M' | 's' | 'f';
  /** Microseconds. */
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly id?: number;
  readonly bp?: 'e';
  readonly args?: Readonly<Record<string, unknown>>;
}

/** The JSON object format of the trace-event format. */
export interface ChromeTrace {
  readonly traceEvents: ChromeTraceEvent[];
  readonly displayTimeUnit: 'ns';
  readonly otherData: Readonly<Record<string, string>>;
}

/** The process id of the machine, and the track of the kernel's own entries (interrupts). */
export const TRACE_PID = 1;
export const KERNEL_TID = 1;
/** Thread n of the trace is track n + 1. */
const THREAD_TID_BASE = 1;

/**
 * The trace `tracer` recorded, as trace-event JSON. Slices still open (threads blocked when the
 * run stopped) end at the current time, marked unfinished.
 */
export function toChromeTrace(tracer: Tracer): ChromeTrace {
  tracer.finish();
  const m = tracer.traced;
  const hz = m.board.spec.clockHz;
  /** Cycles to integer nanoseconds, then microseconds. */
  const ns = (cycles: number) => Math.round((cycles * 1e9) / hz);
  const us = (n: number) => n / 1000;
  const tidOf = (s: TraceSlice) => (s.thread === null ? KERNEL_TID : s.thread.id + THREAD_TID_BASE);
  const events: ChromeTraceEvent[] = [];

  events.push({ name: 'process_name', ph: 'M', ts: 0, pid: TRACE_PID, tid: KERNEL_TID, args: { name: `tsel4 ${m.board.name} (${m.board.arch.name})` } });
  events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: TRACE_PID, tid: KERNEL_TID, args: { name: 'kernel: interrupts' } });
  events.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: TRACE_PID, tid: KERNEL_TID, args: { sort_index: 1_000_000 } });
  for (const t of tracer.threads) {
    const tid = t.id + THREAD_TID_BASE;
    events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { name: tracer.threadName(t) } });
    events.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { sort_index: t.id } });
  }

  for (const s of tracer.slices) {
    const start = ns(s.start);
    const end = Math.max(ns(s.end), start + 2);
    const args: Record<string, unknown> = { ...s.args };
    if (Object.keys(s.result).length > 0) args['result'] = s.result as TraceArgs;
    if (s.unfinished) args['unfinished'] = true;
    events.push({ name: s.name, cat: s.kind, ph: 'X', ts: us(start), dur: us(end - start), pid: TRACE_PID, tid: tidOf(s), args });
  }

  tracer.flows.forEach((f, i) => {
    // 1 ns after the transfer started: strictly inside both slices, so each end binds to its slice
    const at = us(ns(f.at) + 1);
    const id = i + 1;
    const args = { badge: f.badge };
    events.push({ name: f.kind, cat: 'ipc', ph: 's', id, ts: at, pid: TRACE_PID, tid: tidOf(f.from), args });
    events.push({ name: f.kind, cat: 'ipc', ph: 'f', bp: 'e', id, ts: at, pid: TRACE_PID, tid: tidOf(f.to), args });
  });

  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    otherData: {
      generator: 'tsel4',
      board: m.board.name,
      arch: m.board.arch.name,
      clockHz: String(hz),
      time: 'simulated: each slice is one kernel entry, from the trap to when the thread can run again',
    },
  };
}
