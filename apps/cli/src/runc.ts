/*
 * `tsel4 run main.c [more.c ...]`: compile C files written for libsel4 with tsel4's headers, run
 * them as the root task of a pc99 machine through the native C bridge (@tsel4/libsel4-native),
 * and report as for any other program: the console, then the summary table. Compiler and linker
 * messages are passed on as printed. Exit codes as for `run`; a program that does not build, or a
 * host without the bridge, is exit code 2 with the reason.
 */
import { resolve } from 'node:path';
import { BridgeError, CompileError, CProgram, SourceNotFoundError } from '@tsel4/libsel4-native';
import { Machine, toChromeTrace, Tracer } from '@tsel4/syscalls';
import { writeFileSync } from 'node:fs';
import { type RunOptions, UsageError } from './args.js';
import type { Output } from './run.js';
import { runSummary } from './summary.js';

/** The C files among the arguments of `run` (empty when it runs an app or a .ts/.js file). */
export function cSources(args: readonly string[]): string[] {
  return args.filter((a) => !a.startsWith('-') && a.endsWith('.c'));
}

/** Run C files as the root task; returns the exit code. */
export function runCFiles(files: readonly string[], opts: RunOptions, io: Output, cwd: string): number {
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
      return 2;
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
    const tracer = opts.trace !== undefined ? new Tracer() : undefined;
    const machine = new Machine(entry, {
      ...prog.machineOptions(),
      fastpath: opts.fastpath,
      seed: opts.seed,
      onConsoleLine: (line) => io.out(line + '\n'),
      ...(opts.kernelLog ? { onKernelLog: (line: string) => io.err(`kernel: ${line}\n`) } : {}),
      ...(tracer !== undefined ? { tracer } : {}),
    });
    const name = files.join(' ');
    io.out(`tsel4: running ${name} (C, native bridge) on pc99 (x86_64), fastpath ${opts.fastpath ? 'on' : 'off'}, seed ${opts.seed}\n`);
    const result = machine.run({ maxSteps: opts.maxSteps });
    const tail = machine.board.console.getState().line;
    if (tail !== '') io.out(tail + '\n');
    let code = 0;
    if (result.reason === 'steps') {
      io.err(`tsel4: stopped after ${opts.maxSteps} steps (--max-steps); the program had not finished\n`);
      code = 1;
    }
    io.out('\n' + runSummary(name, machine, result) + '\n');
    if (tracer !== undefined && opts.trace !== undefined) {
      const trace = toChromeTrace(tracer);
      writeFileSync(opts.trace, JSON.stringify(trace) + '\n');
      io.out(`tsel4: wrote ${trace.traceEvents.length} trace events to ${opts.trace} (open it in ui.perfetto.dev)\n`);
    }
    return code;
  } finally {
    prog.dispose();
  }
}
