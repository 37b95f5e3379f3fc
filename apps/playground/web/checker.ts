/*
 * The type-check's Web Worker (started after the first run is drawn, so it never delays it): it
 * fetches the TypeScript compiler as a file, evaluates it on first use, and checks each program
 * the page sends (typecheck.ts), one at a time.
 */
import type * as TS from 'typescript';
import tsUrl from 'typescript/lib/typescript.js?url';
import files from 'virtual:typecheck-files';
import { type Diagnostic, TypeCheck } from './typecheck.js';

export type { Diagnostic };

export interface CheckRequest {
  readonly id: number;
  readonly source: string;
}

export interface CheckResult {
  readonly id: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly ms: number;
}

interface WorkerScope {
  postMessage(m: CheckResult): void;
  onmessage: ((e: MessageEvent<CheckRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let checker: TypeCheck | null = null;

async function loadCompiler(): Promise<typeof TS> {
  const text = await (await fetch(tsUrl)).text();
  const module = { exports: {} as unknown };
  // typescript.js is a CommonJS file: it fills module.exports
  new Function('module', 'exports', text)(module, module.exports);
  return module.exports as typeof TS;
}

let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e) => {
  const req = e.data;
  queue = queue.then(async () => {
    checker ??= new TypeCheck(await loadCompiler(), files);
    const t0 = performance.now();
    let diagnostics: Diagnostic[];
    try {
      diagnostics = checker.check(req.source);
    } catch (err) {
      diagnostics = [{ from: 0, to: 0, severity: 'warning', message: `the type-check failed: ${String(err)}` }];
    }
    scope.postMessage({ id: req.id, diagnostics, ms: performance.now() - t0 });
  });
};
