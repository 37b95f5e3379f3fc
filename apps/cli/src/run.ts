/*
 * `tsel4 run`: build a machine with the program as its root task, stream its console to stdout,
 * and end with a summary of the run (the Machine's statistics). With --trace, also write the run
 * as Chrome trace-event JSON.
 */
import { writeFileSync } from 'node:fs';
import { BOARDS } from '@tsel4/hal';
import { seL4_CapInitThreadTCB, seL4_TCB_Suspend, type ThreadFunction, type TrapToken, UserThread } from '@tsel4/libsel4';
import { Machine, type RunResult, threadDisplayName, toChromeTrace, Tracer } from '@tsel4/syscalls';
import type { RunOptions } from './args.js';
import type { Program } from './apps.js';
import { runSummary } from './summary.js';

/** Where the CLI writes (a process's streams, or a test's buffers). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/**
 * The root task as the CLI starts it: when the program's function returns, the root task
 * suspends itself, as sel4runtime's exit does for a C root task's main.
 */
export function asRootTask(fn: ThreadFunction): ThreadFunction {
  const name = fn.name || 'main';
  const wrapped = {
    [name]: function* (...args: number[]): Generator<TrapToken, void, unknown> {
      yield* fn(...args);
      yield* seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    },
  };
  return wrapped[name]!;
}

/** " at file:line" of the first stack frame outside tsel4's own packages, if any. */
function whereThrown(e: unknown): string {
  if (!(e instanceof Error) || e.stack === undefined) return '';
  for (const line of e.stack.split('\n').slice(1)) {
    if (/\/packages\/|node_modules|node:/.test(line)) continue;
    const m = /\(?((?:file:\/\/)?\/[^()]+:\d+:\d+)\)?\s*$/.exec(line);
    if (m !== null) return ` at ${m[1]!.replace(/^file:\/\//, '')}`;
  }
  return '';
}

/** Run `root` as `prog` with `opts`; returns the exit code (0 done, 1 the program failed or was cut off). */
export function runProgram(prog: Program, root: ThreadFunction, opts: RunOptions, io: Output): number {
  const tracer = opts.trace !== undefined ? new Tracer() : undefined;
  const machine = new Machine(asRootTask(root), {
    board: opts.board,
    fastpath: opts.fastpath,
    seed: opts.seed,
    onConsoleLine: (line) => io.out(line + '\n'),
    ...(opts.kernelLog ? { onKernelLog: (line: string) => io.err(`kernel: ${line}\n`) } : {}),
    ...(tracer !== undefined ? { tracer } : {}),
  });
  const spec = BOARDS[opts.board];
  io.out(`tsel4: running ${prog.name}${opts.target === undefined ? ' (the default app; tsel4 list shows the others)' : ''} on ${spec.name} (${spec.arch}), fastpath ${opts.fastpath ? 'on' : 'off'}, seed ${opts.seed}\n`);
  const result = machine.run({ maxSteps: opts.maxSteps });
  const tail = machine.board.console.getState().line;
  if (tail !== '') io.out(tail + '\n');

  let code = 0;
  for (const tcb of machine.k.tcbs) {
    const p = tcb.ctx.program;
    if (p instanceof UserThread && p.lastThrown !== undefined) {
      const e = p.lastThrown;
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      io.err(`tsel4: thread '${threadDisplayName(tcb)}' (${p.entryName || 'no function'}) threw ${msg}${whereThrown(e)}\n`);
      code = 1;
    }
  }
  if (result.reason === 'steps') {
    io.err(`tsel4: stopped after ${opts.maxSteps} steps (--max-steps); the program had not finished\n`);
    code = 1;
  }
  io.out('\n' + runSummary(prog.name, machine, result) + '\n');
  if (tracer !== undefined && opts.trace !== undefined) {
    const trace = toChromeTrace(tracer);
    writeFileSync(opts.trace, JSON.stringify(trace) + '\n');
    io.out(`tsel4: wrote ${trace.traceEvents.length} trace events to ${opts.trace} (open it in ui.perfetto.dev)\n`);
  }
  return code;
}

export type { RunResult };
