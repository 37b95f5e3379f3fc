/*
 * Plain-text summaries: a board and the ABI it runs (`tsel4 board`), and the table that ends
 * every `tsel4 run` (from the Machine's statistics).
 */
import { type Board, wordToHex } from '@tsel4/hal';
import { archConstants, methodsOf, OBJECT_TYPES, SYSCALLS } from '@tsel4/libsel4';
import type { Machine, RunResult } from '@tsel4/syscalls';

const MiB = 1024 * 1024;

export function boardSummary(board: Board): string {
  const a = board.arch;
  const c = archConstants(a);
  const reg = (r: number) => a.registers[r];
  const lines = [
    `board ${board.name}: ${board.spec.description}`,
    `  arch ${a.name}, ${a.wordBits}-bit words, ${board.spec.clockHz / 1e6} MHz clock, timer tick every ${board.spec.tickMs} ms (IRQ ${board.spec.timerIrq})`,
    ...board.ram.map((r) => `  RAM    ${wordToHex(r.base % 2 ** 32, Math.floor(r.base / 2 ** 32)).padEnd(12)} ${(r.size / MiB).toFixed(0)} MiB`),
    ...board.devices.map((d) => `  device ${wordToHex(d.base % 2 ** 32, Math.floor(d.base / 2 ** 32)).padEnd(12)} ${d.name} (${d.size / 1024} KiB)`),
    `syscall convention: number in ${reg(a.syscall.syscallReg)}, cptr/badge in ${reg(a.syscall.capReg)}, info in ${reg(a.syscall.infoReg)}, MR0-${a.syscall.msgRegs.length - 1} in ${a.syscall.msgRegs.map(reg).join(', ')}`,
    `object sizes (bits): slot ${c.seL4_SlotBits}, endpoint ${c.seL4_EndpointBits}, notification ${c.seL4_NotificationBits}, TCB ${c.seL4_TCBBits}, page ${c.seL4_PageBits}, untyped ${c.seL4_MinUntypedBits}..${c.seL4_MaxUntypedBits}, IPC buffer ${c.seL4_IPCBufferSizeBits}`,
    `ABI: ${Object.keys(SYSCALLS).length} syscalls, ${OBJECT_TYPES[a.name].length} object types, ${methodsOf(a.name).length} object invocations (labels 1..${methodsOf(a.name).length})`,
  ];
  return lines.join('\n');
}

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
