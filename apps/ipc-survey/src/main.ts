/*
 * `npx tsel4 run ipc-survey`: the IPC survey. Loading this module measures the survey on the
 * host: every workload on a fresh machine of its own (the counts need each machine's
 * statistics, which a program cannot read from inside) and the Linux originals built with the
 * host's cc; it writes one SVG chart per workload. The root task then prints the table on the
 * debug console of the machine `tsel4 run` made.
 *
 * Environment: IPC_SURVEY_OPS (round trips per workload, default 2000), IPC_SURVEY_OUT (the
 * folder the charts go to, default the current one), IPC_SURVEY_LINUX=off to skip Linux.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runLinuxSurvey } from '@tsel4/posix/linux';
import { println } from '@tsel4/sel4utils';
import { renderSvg, renderTable, runSurvey, WORKLOADS } from './survey.js';

const ops = Number(process.env['IPC_SURVEY_OPS'] ?? 2000);
if (!Number.isInteger(ops) || ops < 1) throw new Error('ipc-survey: IPC_SURVEY_OPS must be a whole number above 0');
const outDir = resolve(process.env['IPC_SURVEY_OUT'] ?? '.');
const linux = process.env['IPC_SURVEY_LINUX'] === 'off' ? { pingpong8: {}, mb4k: {}, mb64k: {}, wake8: {}, absent: 'IPC_SURVEY_LINUX=off' } : runLinuxSurvey();
const table = runSurvey(ops, () => Number(process.hrtime.bigint()), linux);
const lines = renderTable(table);
for (const w of WORKLOADS) {
  const file = join(outDir, `ipc-survey-${w}.svg`);
  writeFileSync(file, renderSvg(table, w));
  lines.push(`chart: ${file}`);
}

export default function* main() {
  for (const l of lines) yield* println(l);
}
