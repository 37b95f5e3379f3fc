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
  /** Do not show what a debug seL4 prints (unhandled faults, the scheduler dump, debug halt). */
  readonly quietKernel: boolean;
  /** Wall-clock milliseconds without kernel progress before the watchdog stops the run; 0 = never. */
  readonly timeoutMs: number;
  /** Type-check a .ts program before running it (tsel4 check). */
  readonly check: boolean;
}

/** The watchdog's limit when none is given (--timeout), in seconds. */
export const DEFAULT_TIMEOUT_S = 5;

/** The step limit when none is given: far beyond any app here, short of running forever. */
export const DEFAULT_MAX_STEPS = 10_000_000;

const OPTIONS = ['--board', '--fastpath', '--trace', '--max-steps', '--seed', '--timeout', '--kernel-log', '--quiet-kernel', '--no-check'] as const;
const SWITCHES = ['--kernel-log', '--quiet-kernel', '--no-check'];

const ACCEPTS: Record<string, string> = {
  '--board': BOARD_NAMES.join(', '),
  '--fastpath': 'on or off',
  '--trace': 'a file name for the trace JSON',
  '--max-steps': 'a whole number above 0',
  '--seed': 'a whole number from 0 to 4294967295',
  '--timeout': 'seconds without kernel progress, 0 for none (default 5)',
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
  let quietKernel = false;
  let check = true;
  let timeoutMs = DEFAULT_TIMEOUT_S * 1000;
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
    if (SWITCHES.includes(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      if (flag === '--kernel-log') kernelLog = true;
      else if (flag === '--quiet-kernel') quietKernel = true;
      else check = false;
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
      case '--timeout': {
        const t = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isFinite(t) || t > 86400) throw new UsageError(`--timeout takes ${ACCEPTS[flag]}, not '${value}'`);
        timeoutMs = Math.round(t * 1000);
        break;
      }
    }
  }
  return { target, board, fastpath, trace, maxSteps, seed, kernelLog, quietKernel, timeoutMs, check };
}
