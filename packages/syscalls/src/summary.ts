/*
 * The run summary: the table `tsel4 run` and the playground end every run with (syscalls by their
 * C names, fastpath hits, context switches, faults, interrupts, simulated cycles), from the
 * Machine's statistics. Plain text, no Node API.
 */
import type { Machine, RunResult } from './machine.js';

const REASONS: Record<RunResult['reason'], string> = {
  idle: 'every thread is blocked or stopped',
  halted: 'seL4_DebugHalt',
  steps: 'the step limit',
  cycles: 'the cycle limit',
};

/** The table `tsel4 run` ends with: syscalls by type, fastpath hits, switches, faults, cycles. */
export function runSummary(name: string, m: Machine, r: RunResult): string {
  const s = r.stats;
  const hz = m.board.spec.clockHz;
  const rows: [string, string][] = [];
  let total = 0;
  for (const [sys, n] of Object.entries(s.syscalls)) {
    rows.push([sys, n.toLocaleString('en-US')]);
    total += n;
  }
  const body: [string, string][] = [
    ['fastpath hits: Call', m.fastpathEnabled ? `${s.fastpath.call.hits} of ${s.fastpath.call.hits + s.fastpath.call.misses}` : 'off'],
    ['fastpath hits: ReplyRecv', m.fastpathEnabled ? `${s.fastpath.replyRecv.hits} of ${s.fastpath.replyRecv.hits + s.fastpath.replyRecv.misses}` : 'off'],
    ['context switches', s.contextSwitches.toLocaleString('en-US')],
    ['faults', String(s.faults)],
    ...(s.doubleFaults > 0 ? [['double faults', String(s.doubleFaults)] as [string, string]] : []),
    ['interrupts', String(s.interrupts)],
    ...(s.preemptions > 0 ? [['preemptions', String(s.preemptions)] as [string, string]] : []),
    ['simulated cycles', s.cycles.toLocaleString('en-US')],
  ];
  const all: [string, string][] = [['syscalls by type', 'count'], ...rows, ['all syscalls', total.toLocaleString('en-US')], ...body];
  const w0 = Math.max(...all.map((r) => r[0].length));
  const w1 = Math.max(...all.map((r) => r[1].length));
  const rule = `+-${'-'.repeat(w0)}-+-${'-'.repeat(w1)}-+`;
  const line = ([a, b]: [string, string]) => `| ${a.padEnd(w0)} | ${b.padStart(w1)} |`;
  const us = (s.cycles / hz) * 1e6;
  const time = us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
  return [
    `${name} stopped (${REASONS[r.reason]}${r.haltReason !== undefined && r.reason === 'halted' ? `: ${r.haltReason}` : ''}) after ${s.steps.toLocaleString('en-US')} steps, ${time} of simulated time at ${hz / 1e6} MHz`,
    rule,
    line(all[0]!),
    rule,
    ...rows.map(line),
    line(['all syscalls', total.toLocaleString('en-US')]),
    rule,
    ...body.map(line),
    rule,
  ].join('\n');
}
