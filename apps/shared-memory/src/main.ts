/*
 * Run the shared-memory demo on a simulated board and print what it printed, then the
 * machine's counts: `npm start -w @tsel4/app-shared-memory [-- --board NAME] [--bytes N]`.
 */
import type { BoardName } from '@tsel4/hal';
import { runMachine } from '@tsel4/syscalls';
import { sharedMemoryDemo } from './shared-memory.js';

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function main(argv: readonly string[]): number {
  const board = (arg(argv, '--board') ?? 'pc99') as BoardName;
  const bytes = Number(arg(argv, '--bytes') ?? 64 * 1024);
  if (!Number.isInteger(bytes) || bytes < 1) {
    console.error('shared-memory: --bytes needs a whole number of bytes');
    return 2;
  }
  const r = runMachine(sharedMemoryDemo({ bytes }), { board, onConsoleLine: (l) => console.log(l), maxSteps: 10_000_000 });
  const s = r.stats;
  console.log(
    `\n[${board}] ${r.reason}: ${s.steps} returns to user code, ${Object.values(s.syscalls).reduce((x, y) => x + y, 0)} syscalls, ` +
      `${s.contextSwitches} context switches, ${s.faults} faults, ${s.cycles} simulated cycles`,
  );
  return r.reason === 'idle' ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
