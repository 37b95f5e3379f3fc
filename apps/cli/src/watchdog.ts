/*
 * The watchdog of `tsel4 run`: stops a run whose threads make no kernel progress for a wall-clock
 * limit (`--timeout`), such as a TypeScript thread in `for (;;) {}` or a C thread in a loop with
 * no syscall. Neither can be interrupted from the JS thread that runs them (a generator is not
 * preemptible; the C code runs on that thread's stack), so the watching happens on a worker
 * thread:
 *
 * - the run loop calls `step(tcb)` before each return to user level (Machine's onUserRun): it
 *   counts the step in shared memory and, when another thread is about to run, stores which one;
 *   a thread's label ("thread 'name' (function)") is posted to the worker the first time it runs
 *   and whenever it changes, so the worker knows it before that thread can hang;
 * - the worker looks at the count every 50 ms; when it has not moved for the limit, it writes one
 *   line to stderr and ends the whole process with exit code 4 (through libc's `_exit`, via
 *   koffi, loaded only then; where koffi is missing, with SIGKILL).
 *
 * The machine is unchanged and deterministic: the watchdog only ever ends the run. It is started
 * only by the tsel4 process (main.ts), never by in-process callers such as the tests of main().
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Machine } from '@tsel4/syscalls';

type Tcb = NonNullable<Machine['k']['rootTcb']>;

/** The exit code of a run the watchdog stopped. */
export const WATCHDOG_EXIT = 4;

/** What the run loop talks to. */
export interface Watchdog {
  /** Arm it: `label` names a thread the way the CLI's messages do. Returns the per-step hook. */
  begin(label: (tcb: Tcb) => string): (tcb: Tcb) => void;
  /** Disarm it (the run returned). */
  end(): void;
}

// Runs on the worker (CommonJS, from a string: no file to find at run time).
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { sab, timeoutMs, exitCode, koffiPath } = workerData;
const hb = new Int32Array(sab);
const labels = new Map();
parentPort.on('message', (m) => labels.set(m.id, m.label));
// koffi is loaded only when the watchdog fires (the main thread is then stuck in user code): loading
// a native addon on this thread while the main thread exits the process aborts Node
function exitNow(code) {
  try {
    if (koffiPath) {
      const koffi = require(koffiPath);
      const lib = koffi.load(process.platform === 'darwin' ? 'libSystem.dylib' : 'libc.so.6');
      lib.func('void _exit(int)')(code);
    }
  } catch {}
}
let last = -1;
let since = Date.now();
setInterval(() => {
  const now = Date.now();
  const count = Atomics.load(hb, 0);
  if (Atomics.load(hb, 2) === 0 || count !== last) {
    last = count;
    since = now;
    return;
  }
  if (now - since < timeoutMs) return;
  const label = labels.get(Atomics.load(hb, 1)) ?? 'a thread';
  const secs = timeoutMs / 1000;
  fs.writeSync(2, 'tsel4: ' + label + ' ran for ' + secs + ' s without entering the kernel; stopped (--timeout ' + secs + ')\\n');
  exitNow(exitCode);
  process.kill(process.pid, 'SIGKILL');
}, 50);
`;

/** koffi (the native bridge's optional dependency), where npm put it. */
function koffiPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('koffi');
  } catch {
    return null;
  }
}

/** Start the watchdog thread with a limit of `timeoutMs` without kernel progress. */
export function startWatchdog(timeoutMs: number): Watchdog {
  const sab = new SharedArrayBuffer(12);
  const hb = new Int32Array(sab);
  const worker = new Worker(WORKER, { eval: true, workerData: { sab, timeoutMs, exitCode: WATCHDOG_EXIT, koffiPath: koffiPath() } });
  worker.unref();
  return {
    begin(label) {
      const ids = new Map<Tcb, { id: number; label: string }>();
      let current: Tcb | null = null;
      Atomics.store(hb, 2, 1);
      return (tcb) => {
        hb[0] = (hb[0]! + 1) | 0;
        if (tcb === current) return;
        current = tcb;
        let known = ids.get(tcb);
        const l = label(tcb);
        if (known === undefined) {
          known = { id: ids.size, label: '' };
          ids.set(tcb, known);
        }
        if (known.label !== l) {
          known.label = l;
          worker.postMessage({ id: known.id, label: l });
        }
        hb[1] = known.id;
      };
    },
    end() {
      Atomics.store(hb, 2, 0);
      void worker.terminate();
    },
  };
}
