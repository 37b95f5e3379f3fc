/*
 * The survey as data: each mechanism's figures on tsel4 (each workload on a fresh machine of its
 * own, measured by @tsel4/posix's measureSurvey) beside the Linux original's (@tsel4/posix/linux),
 * and how to print them as a table and draw them as an SVG chart per workload.
 */
import * as L from '@tsel4/libsel4';
import { isStream, measureSurvey, SURVEY_MECHANISMS, SURVEY_MOVES_BYTES, SURVEY_WAKES, type SurveyMechanism, type SurveyResult, type SurveyWorkload } from '@tsel4/posix';
import type { LinuxSurvey } from '@tsel4/posix/linux';
import { Machine } from '@tsel4/syscalls';

/** The Linux original each row is read against. */
export const LINUX_PEER: Record<SurveyMechanism, { name: string; what: string }> = {
  pipe: { name: 'pipe', what: 'pipe' },
  signal: { name: 'signal', what: 'sigqueue+handler' },
  mq: { name: 'mq', what: 'POSIX mq' },
  sem: { name: 'sem', what: 'POSIX sem' },
  shm: { name: 'shm', what: 'shm+futex' },
  endpoint: { name: 'socketpair', what: 'socketpair' },
  notification: { name: 'eventfd', what: 'eventfd' },
};

export interface SurveyRow {
  readonly tsel4: SurveyResult;
  /** The Linux figure (ns per round trip, or MB/s for 4k and 64k), or null. */
  readonly linux: number | null;
}

export interface SurveyTable {
  readonly pingpong8: SurveyRow[];
  readonly '4k': SurveyRow[];
  readonly '64k': SurveyRow[];
  readonly wake8: SurveyRow[];
  /** Why the Linux column is empty, or null. */
  readonly linuxAbsent: string | null;
}

/**
 * Measure every workload (`ops` round trips or 4 KiB messages each; a sixteenth as many 64 KiB
 * messages, the same bytes) and take `linux`'s figures.
 */
export function runSurvey(ops: number, wallNs: () => number, linux: LinuxSurvey): SurveyTable {
  const row = (m: SurveyMechanism, w: SurveyWorkload): SurveyRow => {
    const n = w === '64k' ? Math.max(1, Math.ceil(ops / 16)) : ops;
    const tsel4 = measureSurvey(m, w, n, (root) => new Machine(root as L.ThreadFunction), wallNs);
    const peer = LINUX_PEER[m].name;
    const v = w === 'pingpong8' ? linux.pingpong8[peer] : w === '4k' ? linux.mb4k[peer] : w === '64k' ? linux.mb64k[peer] : linux.wake8[peer];
    return { tsel4, linux: v ?? null };
  };
  return {
    pingpong8: SURVEY_MECHANISMS.map((m) => row(m, 'pingpong8')),
    '4k': SURVEY_MOVES_BYTES.map((m) => row(m, '4k')),
    '64k': SURVEY_MOVES_BYTES.map((m) => row(m, '64k')),
    wake8: SURVEY_WAKES.map((m) => row(m, 'wake8')),
    linuxAbsent: linux.absent,
  };
}

/** The workloads, in the order the table shows them. */
export const WORKLOADS: readonly SurveyWorkload[] = ['pingpong8', '4k', '64k', 'wake8'];
const TITLE: Record<SurveyWorkload, string> = {
  pingpong8: '8-byte ping-pong between two processes',
  '4k': '4 KiB messages',
  '64k': '64 KiB messages (POSIX mq: 8 messages of 8 KiB, its msgsize_max, each)',
  wake8: 'one process wakes 8 waiting processes and collects their answers',
};
const PER: Record<SurveyWorkload, string> = { pingpong8: 'per 8-byte round trip', '4k': 'per 4 KiB message, one way', '64k': 'per 64 KiB, one way', wake8: 'per round of 8 wake-ups' };

const num = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');

/** The table as text lines. */
export function renderTable(t: SurveyTable): string[] {
  const out: string[] = [];
  for (const w of WORKLOADS) {
    const bytes = isStream(w);
    out.push(`IPC survey: ${TITLE[w]}`);
    const header = ['mechanism', 'entries', 'switches', 'cycles', 'kernel B', bytes ? 'tsel4 MB/s' : 'tsel4 ns', 'Linux original', bytes ? 'Linux MB/s' : 'Linux ns'];
    const rows = t[w].map((r) => [
      r.tsel4.mechanism,
      num(r.tsel4.kernelEntries, 2),
      num(r.tsel4.contextSwitches, 2),
      num(r.tsel4.cycles),
      num(r.tsel4.kernelBytes),
      bytes ? num(r.tsel4.mbPerS, 1) : num(r.tsel4.ns),
      w === 'wake8' && r.linux === null ? '-' : LINUX_PEER[r.tsel4.mechanism].what,
      r.linux === null ? '-' : num(r.linux, bytes ? 1 : 0),
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]) => cells.map((x, c) => (c === 0 || c === 6 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
    out.push(`(${PER[w]}; entries, switches, cycles and kernel bytes are tsel4's, per operation)`);
    out.push(line(header));
    for (const r of rows) out.push(line(r));
    out.push('');
  }
  if (t.linuxAbsent !== null) out.push(`Linux column: not measured (${t.linuxAbsent})`);
  out.push('seL4 itself: fastpath Call + ReplyRecv 1294 cycles on Skylake (sel4.systems); tsel4 charges 900 simulated cycles for it.');
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * One workload as an SVG: left, tsel4's kernel entries and context switches per operation (the
 * structural figures); right, time per round trip (or MB/s) of tsel4 and of the Linux original,
 * on a log scale.
 */
export function renderSvg(t: SurveyTable, w: SurveyWorkload): string {
  const rows = t[w];
  const rowH = 34;
  const top = 56;
  const width = 980;
  const height = top + rows.length * rowH + 40;
  const leftX = 110;
  const panelW = 300;
  const rightX = leftX + panelW + 90;
  const maxEntries = Math.max(1, ...rows.map((r) => Math.max(r.tsel4.kernelEntries, r.tsel4.contextSwitches)));
  const bytes = isStream(w);
  const values = rows.flatMap((r) => [bytes ? r.tsel4.mbPerS : r.tsel4.ns, r.linux ?? Number.NaN]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.log10(Math.min(...values, 1)) - 0.1;
  const hi = Math.log10(Math.max(...values, 10)) + 0.1;
  const logX = (v: number) => ((Math.log10(v) - lo) / (hi - lo)) * panelW;
  const unit = bytes ? 'MB/s (log)' : w === 'wake8' ? 'ns per round (log)' : 'ns per round trip (log)';
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="10" y="20" font-size="15" font-weight="bold">${esc(`IPC survey: ${TITLE[w]}`)}</text>`);
  parts.push(`<text x="${leftX}" y="44">kernel entries (dark) and context switches (light) per op, tsel4</text>`);
  parts.push(`<text x="${rightX}" y="44">${esc(unit)}: tsel4 (blue), Linux original (orange)</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="10" y="${y + 16}">${esc(r.tsel4.mechanism)}</text>`);
    const e = (r.tsel4.kernelEntries / maxEntries) * panelW;
    const s = (r.tsel4.contextSwitches / maxEntries) * panelW;
    parts.push(`<rect x="${leftX}" y="${y + 2}" width="${e.toFixed(1)}" height="12" fill="#34495e"/>`);
    parts.push(`<text x="${(leftX + e + 4).toFixed(1)}" y="${y + 12}">${r.tsel4.kernelEntries.toFixed(2)}</text>`);
    parts.push(`<rect x="${leftX}" y="${y + 16}" width="${s.toFixed(1)}" height="12" fill="#95a5a6"/>`);
    parts.push(`<text x="${(leftX + s + 4).toFixed(1)}" y="${y + 26}">${r.tsel4.contextSwitches.toFixed(2)}</text>`);
    const tv = bytes ? r.tsel4.mbPerS : r.tsel4.ns;
    if (Number.isFinite(tv) && tv > 0) {
      parts.push(`<rect x="${rightX}" y="${y + 2}" width="${logX(tv).toFixed(1)}" height="12" fill="#2e86c1"/>`);
      parts.push(`<text x="${(rightX + logX(tv) + 4).toFixed(1)}" y="${y + 12}">${num(tv, bytes ? 1 : 0)}</text>`);
    }
    if (r.linux !== null && r.linux > 0) {
      parts.push(`<rect x="${rightX}" y="${y + 16}" width="${logX(r.linux).toFixed(1)}" height="12" fill="#e67e22"/>`);
      parts.push(`<text x="${(rightX + logX(r.linux) + 4).toFixed(1)}" y="${y + 26}">${num(r.linux, bytes ? 1 : 0)} (${esc(LINUX_PEER[r.tsel4.mechanism].what)})</text>`);
    }
  });
  const foot = t.linuxAbsent !== null ? `Linux: not measured (${t.linuxAbsent})` : 'tsel4: a simulated kernel in TypeScript; Linux: native, one core. Read the counts, not the times.';
  parts.push(`<text x="10" y="${height - 12}" fill="#555">${esc(foot)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
