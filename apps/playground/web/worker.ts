/*
 * The kernel's Web Worker: holds one Session (a booted machine and its program), runs it in slices
 * of wall time so that pause and step messages get in between, and posts the state after each
 * slice (at most every 100 ms while running) and when it stops.
 */
import { BOARD_NAMES } from '@tsel4/hal';
import type { FromWorker, ToWorker } from './protocol.js';
import { moduleNames, ProgramError, Session } from './session.js';

interface WorkerScope {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let session: Session | null = null;
let loadError: { config: Extract<ToWorker, { type: 'load' }>['config']; message: string } | null = null;
let running = false;
let perSecond: number | null = null;

function post(): void {
  if (session !== null) scope.postMessage({ type: 'state', state: session.state() });
  else if (loadError !== null) {
    scope.postMessage({
      type: 'state',
      state: {
        status: 'error',
        config: loadError.config,
        steps: 0,
        cycles: 0,
        console: '',
        summary: null,
        errors: [loadError.message],
        kernel: null,
        cspaces: {},
        flows: [],
        threadNames: {},
        workerMs: 0,
      },
    });
  }
}

function runSlice(): void {
  if (!running || session === null) return;
  const t0 = performance.now();
  if (perSecond === null) session.runFor(100, () => performance.now());
  else for (let i = Math.max(1, Math.round(perSecond / 20)); i > 0 && session.step(); i--);
  session.workerMs += performance.now() - t0;
  if (session.done) running = false;
  else session.status = 'running';
  post();
  // at a set speed, 20 batches a second so the views can be watched
  if (running) setTimeout(runSlice, perSecond === null ? 0 : 50);
}

scope.onmessage = (e) => {
  const msg = e.data;
  switch (msg.type) {
    case 'load': {
      running = false;
      loadError = null;
      const t0 = performance.now();
      try {
        session = new Session(msg.config);
      } catch (err) {
        session = null;
        loadError = { config: msg.config, message: err instanceof ProgramError ? err.message : `cannot load ${msg.config.name}: ${String(err)}` };
        post();
        return;
      }
      session.workerMs = performance.now() - t0;
      if (msg.run) {
        running = true;
        runSlice();
      } else post();
      return;
    }
    case 'run':
      if (session !== null && !session.done && !running) {
        running = true;
        runSlice();
      }
      return;
    case 'speed':
      perSecond = msg.perSecond;
      return;
    case 'pause':
      running = false;
      if (session !== null && !session.done) {
        session.status = 'paused';
        post();
      }
      return;
    case 'step':
      running = false;
      if (session !== null && !session.done) {
        session.step();
        if (!session.done) session.status = 'paused';
        post();
      }
      return;
    case 'goto': {
      running = false;
      if (session === null) return;
      const t0 = performance.now();
      // the machine cannot run backwards: going back boots the same program again (runs are deterministic)
      if (msg.step < session.steps) session = new Session(session.config);
      while (session.steps < msg.step && session.step()) {
        /* one kernel entry at a time */
      }
      session.workerMs = performance.now() - t0;
      if (!session.done) session.status = 'paused';
      post();
      return;
    }
    case 'derive': {
      const d = session?.derivation(msg.slot) ?? { tree: null, ancestors: [] };
      scope.postMessage({ type: 'derivation', slot: msg.slot, tree: d.tree, ancestors: d.ancestors });
      return;
    }
    case 'trace':
      if (session !== null) scope.postMessage({ type: 'trace', json: session.chromeTrace() });
      return;
  }
};

scope.postMessage({ type: 'names', modules: moduleNames(), boards: BOARD_NAMES });
