/*
 * fuzz.steps_per_s (issue: conformance and fuzz): the fuzz campaign's speed, with the invariant
 * checker after every kernel entry as CI runs it, beside the same campaign without the checker.
 * The fuzzer is a test suite (tests/fuzz), which the bench may not import: it runs the fuzz CLI as
 * a program and reads its JSON summary.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Figure, fmt } from '../figure.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function campaign(steps: number, invariants: boolean): number {
  const args = ['--conditions=source', '--import', 'tsx', join(ROOT, 'tests/fuzz/src/cli.ts'), '--steps', String(steps), '--board', 'pc99', '--json'];
  if (!invariants) args.push('--no-invariants');
  const out = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const summary = JSON.parse(out.trim().split('\n').pop()!) as { stepsPerS: number };
  return summary.stepsPerS;
}

export const fuzzFigures: Figure[] = [
  {
    name: 'fuzz.steps_per_s',
    unit: 'steps/s',
    measure: () => {
      const checked = campaign(20_000, true);
      const unchecked = campaign(40_000, false);
      return { value: checked, comparison: `with the invariant checker after every kernel entry; without it: ${fmt(unchecked)} steps/s` };
    },
  },
];
