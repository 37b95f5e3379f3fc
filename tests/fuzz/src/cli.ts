/*
 * `npm run fuzz -- --steps N [--seed S] [--board B] [--threads T] [--no-invariants] [--json]`:
 * a long fuzz campaign. Runs of 20,000 steps with seeds S, S+1, ... (boards in turn unless one is
 * given) until N steps have run. Progress (the run, steps so far, steps/s) goes to stderr: one line
 * rewritten in place on a terminal, a line per run elsewhere. At the end, a table of the runs per
 * board, steps/s and the error codes seen. A failure prints its seed and the command that replays
 * it, and exits 1.
 */
import type { BoardName } from '@tsel4/hal';
import { BOARD_NAMES } from '@tsel4/hal';
import { FuzzFailure, runFuzz } from './fuzzer.js';
import { Progress, table } from './progress.js';

function usage(msg: string): never {
  console.error(`fuzz: ${msg}\nusage: npm run fuzz -- --steps N [--seed S] [--board ${BOARD_NAMES.join('|')}] [--threads T] [--no-invariants] [--json]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let steps = 100_000;
let seed = 1;
let board: BoardName | undefined;
let threads = 3;
let invariants = true;
let json = false;
const num = (v: string | undefined, what: string): number => {
  const n = Number(v);
  if (v === undefined || !Number.isSafeInteger(n) || n < 0) usage(`${what} needs a non-negative integer`);
  return n;
};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--steps') steps = num(args[++i], '--steps');
  else if (a === '--seed') seed = num(args[++i], '--seed');
  else if (a === '--threads') threads = Math.max(1, num(args[++i], '--threads'));
  else if (a === '--board') {
    const b = args[++i];
    if (b === undefined || !(BOARD_NAMES as readonly string[]).includes(b)) usage(`--board takes one of ${BOARD_NAMES.join(', ')}`);
    board = b as BoardName;
  } else if (a === '--no-invariants') invariants = false;
  else if (a === '--json') json = true;
  else usage(`unknown argument '${String(a)}'`);
}

const RUN = 20_000;
const replies: Record<string, number> = {};
/** Per board: runs, steps, faults handled, double faults, kernel messages. */
const perBoard = new Map<string, [number, number, number, number, number]>();
let total = 0;
let runs = 0;
const progress = new Progress(process.stderr);
const t0 = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
try {
  for (let s = seed; total < steps; s++, runs++) {
    const b = board ?? BOARD_NAMES[runs % BOARD_NAMES.length]!;
    const pct = Math.floor((100 * total) / steps);
    progress.update(`fuzz: ${total.toLocaleString('en-US')}/${steps.toLocaleString('en-US')} steps (${pct}%), run ${runs + 1}: seed ${s} on ${b}, ${elapsed().toFixed(0)} s`);
    const r = runFuzz({ seed: s, steps: Math.min(RUN, steps - total), board: b, threads, checkInvariants: invariants });
    total += r.steps;
    for (const [k, v] of Object.entries(r.replies)) replies[k] = (replies[k] ?? 0) + v;
    const row = perBoard.get(b) ?? [0, 0, 0, 0, 0];
    perBoard.set(b, [row[0] + 1, row[1] + r.steps, row[2] + r.faultsHandled, row[3] + r.stats.doubleFaults, row[4] + r.kernelMessages]);
  }
} catch (e) {
  progress.done();
  if (e instanceof FuzzFailure) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
progress.done();
const seconds = elapsed();
const perS = total / seconds;
if (json) {
  console.log(JSON.stringify({ steps: total, runs, seconds, stepsPerS: perS, invariants, replies }));
} else {
  const rows = [...perBoard].map(([b, r]) => [b, ...r]);
  const sum = (c: number) => [...perBoard.values()].reduce((x, r) => x + r[c]!, 0);
  if (perBoard.size > 1) rows.push(['total', sum(0), sum(1), sum(2), sum(3), sum(4)]);
  console.log(table(['board', 'runs', 'steps', 'faults handled', 'double faults', 'kernel messages'], rows));
  console.log(`\n${total} steps in ${runs} runs, ${seconds.toFixed(1)} s: ${Math.round(perS)} steps/s (invariants ${invariants ? 'checked after every kernel entry' : 'off'}); no failures`);
  console.log(`answers to kernel-object Calls: ${Object.entries(replies).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
