/*
 * `tsel4 run`: build a machine with the program as its root task, stream its console (and what a
 * debug seL4 prints: unhandled faults, the scheduler dump, debug halt) to stdout, and end with a
 * summary of the run (the Machine's statistics). With --trace, also write the run as Chrome
 * trace-event JSON. TypeScript programs (runProgram) and C programs (runc.ts) share runLaunch.
 *
 * A run that did not end well says so in one line on stderr per cause and a non-zero exit code
 * (EXIT): a thread that threw, a thread stopped by a fault nobody handles, the step limit, the
 * watchdog (watchdog.ts).
 */
import { writeFileSync } from 'node:fs';
import { BOARDS } from '@tsel4/hal';
import { seL4_CapInitThreadTCB, seL4_TCB_Suspend, type ThreadFunction, type TrapToken } from '@tsel4/libsel4';
import { UserThread } from '@tsel4/runtime';
import { Machine, type MachineOptions, type RootTask, type RunResult, threadDisplayName, toChromeTrace, Tracer } from '@tsel4/syscalls';
import type { RunOptions } from './args.js';
import type { Program } from './apps.js';
import { runSummary } from './summary.js';
import { WATCHDOG_EXIT, type Watchdog } from './watchdog.js';
import { whereThrown } from './where.js';

/** Where the CLI writes (a process's streams, or a test's buffers). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** The exit codes of `tsel4` (the README's CLI section lists them). */
export const EXIT = {
  /** The program ran to its end (every thread blocked or stopped, or seL4_DebugHalt). */
  ok: 0,
  /** A thread threw, or --max-steps stopped the run. */
  failed: 1,
  /** A usage mistake, or a C program that does not build. */
  usage: 2,
  /** A thread (the root task or any other) stopped in a fault nobody handles. */
  fault: 3,
  /** The watchdog stopped a run that made no kernel progress for --timeout seconds. */
  timeout: WATCHDOG_EXIT,
  /** The simulator cannot go on: more C threads than the native bridge holds. */
  limit: 5,
} as const;

/** What the tsel4 process gives a run besides its options (in-process callers give nothing). */
export interface RunHooks {
  /** Starts the watchdog for a limit in milliseconds. */
  readonly startWatchdog?: (timeoutMs: number) => Watchdog;
}

type Tcb = NonNullable<Machine['k']['rootTcb']>;
type Fault = Parameters<NonNullable<MachineOptions['onUnhandledFault']>>[1];

/** A program ready to run: how to name it, its root task and what its machine needs. */
export interface Launch {
  readonly name: string;
  /** The first line printed ("tsel4: running ..."). */
  readonly header: string;
  readonly root: RootTask;
  readonly machine: MachineOptions;
  /** The function a thread runs when it is not TypeScript (C); undefined when unknown. */
  readonly functionOf?: (tcb: Tcb) => string | undefined;
}

/**
 * The root task's run as the CLI starts it: the program's generator, then, when it returns, the
 * root task suspends itself, as sel4runtime's exit does for a C root task's main. Not a generator
 * of its own but a forwarding iterator, so the program's generator stays reachable (`inner`: a
 * plain `yield` is reported at the program's own line, where.ts).
 */
class RootTaskRun {
  private suspend: Iterator<TrapToken, unknown, unknown> | null = null;
  constructor(readonly inner: Generator<TrapToken, unknown, unknown>) {}
  next(v?: unknown): IteratorResult<TrapToken, void> {
    if (this.suspend === null) {
      const r = this.inner.next(v);
      if (r.done !== true) return r;
      this.suspend = seL4_TCB_Suspend(seL4_CapInitThreadTCB)[Symbol.iterator]();
      v = undefined;
    }
    const r = this.suspend.next(v);
    return r.done === true ? { done: true, value: undefined } : r;
  }
  return(v?: unknown): IteratorResult<TrapToken, void> {
    this.inner.return(v);
    return { done: true, value: undefined };
  }
  throw(e: unknown): IteratorResult<TrapToken, void> {
    const r = this.inner.throw(e);
    return r.done === true ? this.next() : r;
  }
  [Symbol.iterator](): this {
    return this;
  }
}

/** The root task as the CLI starts it (RootTaskRun), under the program's function's name. */
export function asRootTask(fn: ThreadFunction): ThreadFunction {
  const name = fn.name || 'main';
  const wrapped = {
    [name]: (...args: number[]) => new RootTaskRun(fn(...args)) as unknown as Generator<TrapToken, void, unknown>,
  };
  return wrapped[name]!;
}

/** "thread 'name' (function)": how every message of the CLI names a thread. */
export function threadLabel(m: Machine, launch: Launch, tcb: Tcb): string {
  const p = tcb.ctx.program;
  let fn: string | undefined;
  if (p instanceof UserThread) {
    const a = m.board.arch;
    const next = tcb.ctx.getLo(a.nextIP) + tcb.ctx.getHi(a.nextIP) * 4294967296;
    fn = m.code.at(next)?.name || p.entryName || launch.functionOf?.(tcb);
  } else fn = launch.functionOf?.(tcb);
  return `thread '${threadDisplayName(tcb)}' (${fn || 'no function'})`;
}

/** Run `launch` with `opts`; returns the exit code. */
export function runLaunch(launch: Launch, opts: RunOptions, io: Output, hooks: RunHooks = {}): number {
  const tracer = opts.trace !== undefined ? new Tracer() : undefined;
  const faulted = new Map<Tcb, string>();
  let describeFault: ((t: Tcb, first: Fault) => void) | null = null;
  const watchdog = opts.timeoutMs > 0 ? hooks.startWatchdog?.(opts.timeoutMs) : undefined;
  let onUserRun: ((tcb: Tcb) => void) | undefined;
  const machine: Machine = new Machine(launch.root, {
    ...launch.machine,
    fastpath: opts.fastpath,
    seed: opts.seed,
    onConsoleLine: (line) => io.out(line + '\n'),
    ...(opts.quietKernel ? {} : { onKernelPrint: (line: string) => io.out(line + '\n') }),
    ...(opts.kernelLog ? { onKernelLog: (line: string) => io.err(`kernel: ${line}\n`) } : {}),
    onUnhandledFault: (t, first) => describeFault?.(t, first),
    ...(watchdog !== undefined ? { onUserRun: (tcb: Tcb) => onUserRun?.(tcb) } : {}),
    ...(tracer !== undefined ? { tracer } : {}),
  });
  describeFault = (t, first) => faulted.set(t, machine.faultText(first));
  io.out(launch.header + '\n');
  let result: RunResult;
  if (watchdog !== undefined) onUserRun = watchdog.begin((tcb) => threadLabel(machine, launch, tcb));
  try {
    result = machine.run({ maxSteps: opts.maxSteps });
  } finally {
    watchdog?.end();
  }
  const tail = machine.board.console.getState().line;
  if (tail !== '') io.out(tail + '\n');

  let code: number = EXIT.ok;
  const threw = new Set<Tcb>();
  for (const tcb of machine.k.tcbs) {
    const p = tcb.ctx.program;
    if (p instanceof UserThread && p.lastThrown !== undefined) {
      const e = p.lastThrown;
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      io.err(`tsel4: ${threadLabel(machine, launch, tcb)} threw ${msg}${whereThrown(e)}\n`);
      threw.add(tcb);
      code = EXIT.failed;
    }
  }
  for (const [tcb, what] of faulted) {
    // restarted since (a TCB_Resume, WriteRegisters) or already reported as a throw
    if (threw.has(tcb) || tcb.state !== 0) continue;
    io.err(`tsel4: ${threadLabel(machine, launch, tcb)} stopped by an unhandled fault: ${what}\n`);
    if (code === EXIT.ok) code = EXIT.fault;
  }
  if (result.reason === 'steps') {
    io.err(`tsel4: stopped after ${opts.maxSteps} steps (--max-steps); the program had not finished\n`);
    if (code === EXIT.ok) code = EXIT.failed;
  }
  io.out('\n' + runSummary(launch.name, machine, result) + '\n');
  if (tracer !== undefined && opts.trace !== undefined) {
    const trace = toChromeTrace(tracer);
    writeFileSync(opts.trace, JSON.stringify(trace) + '\n');
    io.out(`tsel4: wrote ${trace.traceEvents.length} trace events to ${opts.trace} (open it in ui.perfetto.dev)\n`);
  }
  return code;
}

/** Run `root` as `prog` with `opts`; returns the exit code (EXIT). */
export function runProgram(prog: Program, root: ThreadFunction, opts: RunOptions, io: Output, hooks: RunHooks = {}): number {
  const spec = BOARDS[opts.board];
  return runLaunch(
    {
      name: prog.name,
      header: `tsel4: running ${prog.name}${opts.target === undefined ? ' (the default app; tsel4 list shows the others)' : ''} on ${spec.name} (${spec.arch}), fastpath ${opts.fastpath ? 'on' : 'off'}, seed ${opts.seed}`,
      root: asRootTask(root),
      machine: { board: opts.board },
    },
    opts,
    io,
    hooks,
  );
}

export type { RunResult };
