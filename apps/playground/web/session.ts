/*
 * One run of a program in the playground: transpile its TypeScript (sucrase: types stripped,
 * imports turned into calls to a fixed table of the tsel4 packages), boot a Machine with it as the
 * root task exactly as `tsel4 run` does (same options, same root-task wrapper, same step limit,
 * same console and summary table), and step it one kernel entry at a time, recording which entry
 * each IPC transfer happened in. `state()` is the picture the page draws, through the kernel
 * packages' inspection API.
 *
 * No DOM and no Node API: the worker runs this, and so do the Node tests that compare it with the
 * CLI.
 */
import * as hal from '@tsel4/hal';
import { inspectKernel, threadsOf } from '@tsel4/kernel';
import * as L from '@tsel4/libsel4';
import { type Cte, cspaceTree, derivationAncestors, derivationTree, objectId, reachableSlots, slotId, TCB_CTABLE } from '@tsel4/object';
import { UserThread } from '@tsel4/runtime';
import * as sel4utils from '@tsel4/sel4utils';
import { Machine, type RunResult, runSummary, toChromeTrace, Tracer } from '@tsel4/syscalls';
import { transform } from 'sucrase';
import type { FlowInfo, RunConfig, RunStatus, WorldState } from './protocol.js';

/** The CLI's default step limit (`--max-steps`). */
export const MAX_STEPS = 10_000_000;

/** What a program may import. */
const MODULES: Record<string, unknown> = {
  '@tsel4/libsel4': L,
  '@tsel4/sel4utils': sel4utils,
  '@tsel4/hal': hal,
};

/** The names each importable module exports (for the editor's completion). */
export function moduleNames(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(MODULES).map(([k, m]) => [k, Object.keys(m as object).sort()]));
}

/** A program that cannot be turned into a root task; the message says why, in one line. */
export class ProgramError extends Error {}

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as new () => unknown;

/** Transpile `source` and return its default export, checked to be a root task (as the CLI checks it). */
export function compile(source: string, name: string): L.ThreadFunction {
  let code: string;
  try {
    code = transform(source, { transforms: ['typescript', 'imports'], filePath: `${name}.ts`, production: true }).code;
  } catch (e) {
    throw new ProgramError(`cannot load ${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  const require = (spec: string): unknown => {
    const m = MODULES[spec];
    if (m === undefined) throw new ProgramError(`cannot load ${name}: the playground has no module '${spec}' (it has ${Object.keys(MODULES).join(', ')})`);
    return m;
  };
  try {
    // the program's own top-level code runs here, as an import would run it
    new Function('require', 'exports', 'module', code)(require, mod.exports, mod);
  } catch (e) {
    if (e instanceof ProgramError) throw e;
    throw new ProgramError(`cannot load ${name}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  const root = mod.exports['default'];
  const hint = 'export default function* main() { ... }';
  if (root === undefined) throw new ProgramError(`${name} has no default export; a root task is a default-exported generator function (${hint})`);
  if (typeof root !== 'function' || !(root instanceof GeneratorFunction)) {
    throw new ProgramError(`${name}'s default export is not a generator function (${hint})`);
  }
  return root as L.ThreadFunction;
}

/**
 * The root task as `tsel4 run` starts it (apps/cli's asRootTask): when `main` returns, the root
 * task suspends itself, as sel4runtime's exit does for a C root task.
 */
function asRootTask(fn: L.ThreadFunction): L.ThreadFunction {
  const name = fn.name || 'main';
  const wrapped = {
    [name]: function* (...args: number[]): Generator<L.TrapToken, void, unknown> {
      yield* fn(...args);
      yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
    },
  };
  return wrapped[name]!;
}

export class Session {
  readonly machine: Machine;
  readonly tracer = new Tracer();
  private out = '';
  private result: RunResult | null = null;
  private summaryText: string | null = null;
  private errorLines: string[] = [];
  /** cycles at the start of each kernel entry, for placing a transfer in its entry */
  private readonly entryCycles: number[] = [];
  status: RunStatus = 'loaded';
  workerMs = 0;

  constructor(readonly config: RunConfig) {
    const root = compile(config.source, config.name);
    this.machine = new Machine(asRootTask(root), {
      board: config.board,
      fastpath: config.fastpath,
      seed: config.seed,
      onConsoleLine: (line) => {
        this.out += line + '\n';
      },
      tracer: this.tracer,
    });
  }

  get done(): boolean {
    return this.result !== null;
  }

  get steps(): number {
    return this.entryCycles.length;
  }

  /** Run one kernel entry (the current thread runs to its next trap, the kernel handles it). False once stopped. */
  step(): boolean {
    if (this.result !== null) return false;
    if (this.entryCycles.length >= MAX_STEPS) {
      this.finish(this.machine.run({ maxSteps: 0 }));
      return false;
    }
    this.entryCycles.push(this.machine.board.cpu.cycles);
    const r = this.machine.run({ maxSteps: 1 });
    if (r.reason !== 'steps') {
      // nothing ran: the machine is idle or halted
      if (this.machine.stats().steps < this.entryCycles.length) this.entryCycles.pop();
      this.finish(r);
      return false;
    }
    return true;
  }

  /** Step until stopped or `budgetMs` of wall time has gone (checked every 256 entries). */
  runFor(budgetMs: number, now: () => number): void {
    const t0 = now();
    for (let i = 1; this.step(); i++) {
      if ((i & 255) === 0 && now() - t0 > budgetMs) return;
    }
  }

  private finish(r: RunResult): void {
    this.result = r;
    this.tracer.finish();
    const tail = this.machine.board.console.getState().line;
    if (tail !== '') this.out += tail + '\n';
    for (const tcb of this.machine.k.tcbs) {
      const p = tcb.ctx.program;
      if (p instanceof UserThread && p.lastThrown !== undefined) {
        const e = p.lastThrown;
        const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        this.errorLines.push(`tsel4: thread '${tcb.name}' (${p.entryName || 'no function'}) threw ${msg}`);
      }
    }
    if (r.reason === 'steps') this.errorLines.push(`tsel4: stopped after ${MAX_STEPS} steps (--max-steps); the program had not finished`);
    this.summaryText = runSummary(this.config.name, this.machine, r);
    this.status = 'done';
  }

  /** The slot a view names by its id ("cnode@0x400000[12]"), among every slot holding a cap. */
  findSlot(id: string): Cte | undefined {
    return reachableSlots(this.roots()).find((s) => slotId(s) === id);
  }

  private roots(): Cte[] {
    const k = this.machine.k;
    const roots = threadsOf(k).flatMap((t) => t.ctes.filter((c) => !c.isEmpty));
    if (k.rootCNodeSlot !== null) roots.push(k.rootCNodeSlot);
    return roots;
  }

  derivation(id: string) {
    const s = this.findSlot(id);
    return s === undefined ? { tree: null, ancestors: [] } : { tree: derivationTree(s), ancestors: derivationAncestors(s) };
  }

  /** The run as Chrome trace-event JSON (what `tsel4 run --trace` writes). */
  chromeTrace(): string {
    return JSON.stringify(toChromeTrace(this.tracer)) + '\n';
  }

  private flows(limit: number): FlowInfo[] {
    const flows = this.tracer.flows;
    const out: FlowInfo[] = [];
    for (const f of flows.slice(Math.max(0, flows.length - limit))) {
      if (f.from.thread === null || f.to.thread === null) continue;
      const a = f.from.args;
      out.push({
        kind: f.kind,
        from: objectId(f.from.thread.tcb),
        to: objectId(f.to.thread.tcb),
        syscall: f.from.name,
        fastpath: a['fastpath'] === true,
        badge: f.badge,
        ...(typeof a['label'] === 'number' ? { label: a['label'] } : {}),
        ...(typeof a['length'] === 'number' ? { length: a['length'] } : {}),
        step: this.entryOf(f.at),
        at: f.at,
      });
    }
    return out;
  }

  /** The kernel entry (1-based) that started at or before `cycles`. */
  private entryOf(cycles: number): number {
    const c = this.entryCycles;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! <= cycles) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  state(): WorldState {
    const k = this.machine.k;
    const kernel = k.curThread === undefined ? null : inspectKernel(k);
    const cspaces: Record<string, ReturnType<typeof cspaceTree>> = {};
    const names: Record<string, string> = {};
    for (const t of threadsOf(k)) {
      const id = objectId(t);
      cspaces[id] = t === k.idleThread ? null : cspaceTree(t.ctes[TCB_CTABLE]!);
      names[id] = t.name !== '' ? t.name : id;
    }
    return {
      status: this.status,
      config: this.config,
      steps: this.steps,
      cycles: this.machine.board.cpu.cycles,
      console: this.out,
      summary: this.summaryText,
      errors: this.errorLines,
      kernel,
      cspaces,
      flows: this.flows(2000),
      threadNames: names,
      workerMs: this.workerMs,
    };
  }
}
