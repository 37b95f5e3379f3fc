/*
 * `npm run bench`: measure every figure and print one table (name, value, unit, comparison).
 * `npm run bench -- --json FILE` also writes the figures as [{name, value, unit}].
 * `npm run bench -- --only PREFIX` measures only figures whose name starts with PREFIX.
 * Progress (which figure is being measured, how many are done) goes to stderr: one line rewritten
 * in place on a terminal, a line per figure elsewhere; the table goes to stdout at the end.
 */
import { writeFileSync } from 'node:fs';
import type { Figure } from './figure.js';
import { fmt } from './figure.js';
import { fuzzFigures } from './figures/fuzz.js';
import { halFigures } from './figures/hal.js';
import { ipcFigures } from './figures/ipc.js';
import { objectFigures } from './figures/object.js';
import { vspaceFigures } from './figures/vspace.js';
import { cbridgeFigures } from './figures/cbridge.js';
import { rv64Figures } from './figures/rv64.js';
import { surveyFigures } from './figures/survey.js';

const FIGURES: Figure[] = [...halFigures, ...objectFigures, ...ipcFigures, ...vspaceFigures, ...fuzzFigures, ...cbridgeFigures, ...rv64Figures, ...surveyFigures];

function usage(msg: string): never {
  console.error(`bench: ${msg}\nusage: npm run bench [-- --json FILE] [--only PREFIX]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let jsonFile: string | undefined;
let only = '';
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--json') jsonFile = args[++i] ?? usage('--json needs a file name');
  else if (a === '--only') only = args[++i] ?? usage('--only needs a prefix');
  else usage(`unknown argument '${a}'`);
}

const rows: { name: string; value: number; unit: string; comparison: string }[] = [];
const chosen = FIGURES.filter((x) => x.name.startsWith(only));
const tty = process.stderr.isTTY === true;
const t0 = performance.now();
for (const [i, f] of chosen.entries()) {
  const status = `bench: [${i + 1}/${chosen.length}] measuring ${f.name} (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`;
  process.stderr.write(tty ? `\r\x1b[2K${status}` : `${status}\n`);
  const m = await f.measure();
  rows.push({ name: f.name, value: m.value, unit: f.unit, comparison: m.comparison });
}
if (tty) process.stderr.write('\r\x1b[2K');
process.stderr.write(`bench: measured ${rows.length} figures in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

const header = ['figure', 'value', 'unit', 'compared with'];
const table = rows.map((r) => [r.name, fmt(r.value), r.unit, r.comparison]);
const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
const line = (cells: string[]) => cells.map((x, c) => (c === 1 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));

if (jsonFile !== undefined) {
  writeFileSync(jsonFile, JSON.stringify(rows.map(({ name, value, unit }) => ({ name, value, unit })), null, 2) + '\n');
  console.log(`\nwrote ${rows.length} figures to ${jsonFile}`);
}
