/*
 * Parsing `tsel4 run` options. Every mistake is a UsageError: one line saying what is wrong and
 * what is accepted, which the CLI prints and answers with exit code 2.
 */
import { BOARD_NAMES, type BoardName } from '@tsel4/hal';

/** A mistake on the command line (exit code 2, no stack trace). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface RunOptions {
  /** The app name or file; undefined runs the default app. */
  readonly target: string | undefined;
  readonly board: BoardName;
  readonly fastpath: boolean;
  readonly trace: string | undefined;
  readonly maxSteps: number;
  readonly seed: number;
  readonly kernelLog: boolean;
}

/** The step limit when none is given: far beyond any app here, short of running forever. */
export const DEFAULT_MAX_STEPS = 10_000_000;

const OPTIONS = ['--board', '--fastpath', '--trace', '--max-steps', '--seed', '--kernel-log'] as const;

const ACCEPTS: Record<string, string> = {
  '--board': BOARD_NAMES.join(', '),
  '--fastpath': 'on or off',
  '--trace': 'a file name for the trace JSON',
  '--max-steps': 'a whole number above 0',
  '--seed': 'a whole number from 0 to 4294967295',
};

function wholeNumber(flag: string, v: string, min: number, max: number): number {
  const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} takes ${ACCEPTS[flag]}, not '${v}'`);
  return n;
}

/** Parse the arguments after `run`. */
export function parseRunArgs(args: readonly string[]): RunOptions {
  let target: string | undefined;
  let board: BoardName = 'pc99';
  let fastpath = true;
  let trace: string | undefined;
  let maxSteps = DEFAULT_MAX_STEPS;
  let seed = 0;
  let kernelLog = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      if (target !== undefined) throw new UsageError(`run takes one app or file, got '${target}' and '${arg}'`);
      target = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(OPTIONS as readonly string[]).includes(flag)) {
      throw new UsageError(`unknown option '${flag}' for run (options: ${OPTIONS.join(', ')})`);
    }
    if (flag === '--kernel-log') {
      if (eq > 0) throw new UsageError('--kernel-log takes no value');
      kernelLog = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value !== undefined && value.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value (${ACCEPTS[flag]})`);
    switch (flag) {
      case '--board':
        if (!(BOARD_NAMES as readonly string[]).includes(value)) {
          throw new UsageError(`unknown board '${value}' (boards: ${BOARD_NAMES.join(', ')})`);
        }
        board = value as BoardName;
        break;
      case '--fastpath':
        if (value !== 'on' && value !== 'off') throw new UsageError(`--fastpath takes on or off, not '${value}'`);
        fastpath = value === 'on';
        break;
      case '--trace':
        trace = value;
        break;
      case '--max-steps':
        maxSteps = wholeNumber(flag, value, 1, Number.MAX_SAFE_INTEGER);
        break;
      case '--seed':
        seed = wholeNumber(flag, value, 0, 0xffffffff);
        break;
    }
  }
  return { target, board, fastpath, trace, maxSteps, seed, kernelLog };
}
