/*
 * `tsel4 run main.c [more.c ...]`: compile C files written for libsel4 with tsel4's headers, run
 * them as the root task of a pc99 machine through the native C bridge (@tsel4/libsel4-native),
 * and report as for any other program (run.ts's runLaunch). Compiler and linker messages are
 * passed on as printed. Exit codes as for `run`; a program that does not build, or a host without
 * the bridge, is exit code 2 with the reason; more C threads than the bridge holds is one line
 * and exit code 5.
 */
import { resolve } from 'node:path';
import { BridgeError, CompileError, CProgram, SourceNotFoundError, ThreadLimitError } from '@tsel4/libsel4-native';
import { type RunOptions, UsageError } from './args.js';
import { EXIT, type Output, type RunHooks, runLaunch } from './run.js';

/** The C files among the arguments of `run` (empty when it runs an app or a .ts/.js file). */
export function cSources(args: readonly string[]): string[] {
  return args.filter((a) => !a.startsWith('-') && a.endsWith('.c'));
}

/** Run C files as the root task; returns the exit code. */
export function runCFiles(files: readonly string[], opts: RunOptions, io: Output, cwd: string, hooks: RunHooks = {}): number {
  if (opts.board !== 'pc99') {
    throw new UsageError(`C programs run on the pc99 board (x86_64, the host's arch), not '${opts.board}'`);
  }
  let prog: CProgram;
  try {
    prog = CProgram.build(files.map((f) => resolve(cwd, f)));
  } catch (e) {
    if (e instanceof CompileError) {
      io.err(e.output.endsWith('\n') ? e.output : `${e.output}\n`);
      io.err('tsel4: the C program did not build\n');
      return EXIT.usage;
    }
    if (e instanceof SourceNotFoundError) throw new UsageError(`no such C source file: ${files.find((f) => resolve(cwd, f) === e.path) ?? e.path}`);
    if (e instanceof BridgeError) throw new UsageError(e.message);
    throw e;
  }
  try {
    if (prog.diagnostics !== '') io.err(prog.diagnostics);
    let entry: number;
    try {
      entry = prog.rootEntry();
    } catch (e) {
      if (e instanceof BridgeError) throw new UsageError(e.message);
      throw e;
    }
    const name = files.join(' ');
    try {
      return runLaunch(
        {
          name,
          header: `tsel4: running ${name} (C, native bridge) on pc99 (x86_64), fastpath ${opts.fastpath ? 'on' : 'off'}, seed ${opts.seed}`,
          root: entry,
          machine: prog.machineOptions(),
          functionOf: (tcb) => prog.functionOf(tcb.ctx),
        },
        opts,
        io,
        hooks,
      );
    } catch (e) {
      if (e instanceof ThreadLimitError) {
        io.err(`tsel4: ${e.message}; the program started one more (a limit of the bridge, not of seL4)\n`);
        return EXIT.limit;
      }
      throw e;
    }
  } finally {
    prog.dispose();
  }
}
