/*
 * `tsel4 run main.c [more.c ...]`: compile C files written for libsel4 with tsel4's headers, run
 * them as the root task of a pc99 machine through the native C bridge, and print what the program
 * prints on the kernel console. Kernel debug messages go to stderr, so stdout is the program's own
 * output. Compiler messages are shown as the compiler printed them. Exit codes: 0 after a run, 2
 * for anything that stopped it from running (a bad flag, a file that does not build, no bridge).
 */
import { BridgeError, CompileError, CProgram, SourceNotFoundError } from '@tsel4/libsel4-native';
import { Machine } from '@tsel4/syscalls';

const USAGE = 'usage: tsel4 run FILE.c [FILE.c ...] [--max-steps N] [--fastpath on|off] [--board pc99]';

/** True when the arguments of `run` name C sources. */
export function isCRun(args: readonly string[]): boolean {
  return args.some((a) => a.endsWith('.c'));
}

/** Run C files (the arguments after `run`); returns the exit code. */
export function runCFiles(args: readonly string[]): number {
  const files: string[] = [];
  let maxSteps = 50_000_000;
  let fastpath = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--max-steps') {
        const v = value();
        maxSteps = Number(v);
        if (!Number.isInteger(maxSteps) || maxSteps <= 0) throw new UsageError(`--max-steps takes a positive integer, not '${v}'`);
      } else if (a === '--fastpath') {
        const v = value();
        if (v !== 'on' && v !== 'off') throw new UsageError(`--fastpath takes on or off, not '${v}'`);
        fastpath = v === 'on';
      } else if (a === '--board') {
        const v = value();
        if (v !== 'pc99') throw new UsageError(`C programs run on the pc99 board (x86_64, the host's arch), not '${v}'`);
      } else if (a.endsWith('.c')) {
        files.push(a);
      } else {
        throw new UsageError(`'${a}' is not a C file or a flag for running C`);
      }
    } catch (e) {
      if (e instanceof UsageError) {
        console.error(`tsel4: ${e.message}\n${USAGE}`);
        return 2;
      }
      throw e;
    }
  }
  let prog: CProgram;
  try {
    prog = CProgram.build(files);
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.output.endsWith('\n') ? e.output : `${e.output}\n`);
      console.error('tsel4: the C program did not build');
      return 2;
    }
    if (e instanceof SourceNotFoundError || e instanceof BridgeError) {
      console.error(`tsel4: ${e.message}`);
      return 2;
    }
    throw e;
  }
  try {
    if (prog.diagnostics !== '') process.stderr.write(prog.diagnostics);
    let entry: number;
    try {
      entry = prog.rootEntry();
    } catch (e) {
      if (e instanceof BridgeError) {
        console.error(`tsel4: ${e.message}`);
        return 2;
      }
      throw e;
    }
    const m = new Machine(entry, {
      ...prog.machineOptions(),
      fastpath,
      onConsoleLine: (l) => process.stdout.write(`${l}\n`),
      onKernelLog: (l) => process.stderr.write(`kernel: ${l}\n`),
    });
    const r = m.run({ maxSteps });
    const rest = r.console.slice(r.console.lastIndexOf('\n') + 1);
    if (rest !== '') process.stdout.write(`${rest}\n`);
    if (r.reason === 'steps') console.error(`tsel4: stopped after ${maxSteps} steps (--max-steps)`);
    if (r.reason === 'halted') console.error(`tsel4: halted: ${r.haltReason ?? ''}`);
    return 0;
  } finally {
    prog.dispose();
  }
}

class UsageError extends Error {}
