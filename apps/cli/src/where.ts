/*
 * Where a thread stopped, for the CLI's one-line reports: the first stack frame of an error
 * outside tsel4's own code, or, for a plain `yield` (which throws nothing in the user's code),
 * the suspended generator's own location, which V8 gives through the inspector protocol
 * ([[GeneratorLocation]]) and the source map of the transpiled file turns back into the user's
 * line and column.
 */
import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PlainYieldError } from '@tsel4/libsel4';

/** "file:line:col" of the first stack frame outside tsel4's packages and this CLI, if any. */
function firstUserFrame(e: Error): string | undefined {
  for (const line of (e.stack ?? '').split('\n').slice(1)) {
    if (/\/packages\/|\/apps\/cli\/src\/|node_modules|node:/.test(line)) continue;
    const m = /\(?((?:file:\/\/)?\/[^()]+:\d+:\d+)\)?\s*$/.exec(line);
    if (m !== null) return m[1]!.replace(/^file:\/\//, '');
  }
  return undefined;
}

interface Location {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

/** The suspended generator's location (0-based line and column in the script V8 ran). */
function generatorLocation(gen: object): { url: string; line: number; column: number } | undefined {
  const s = new Session();
  s.connect();
  const scripts = new Map<string, string>();
  s.on('Debugger.scriptParsed', (m) => scripts.set(m.params.scriptId, m.params.url));
  const g = globalThis as { __tsel4_generator?: object };
  g.__tsel4_generator = gen;
  let loc: Location | undefined;
  try {
    // a session in the same thread answers synchronously
    s.post('Debugger.enable');
    s.post('Runtime.evaluate', { expression: 'globalThis.__tsel4_generator' }, (err, r) => {
      if (err !== null || r.result.objectId === undefined) return;
      s.post('Runtime.getProperties', { objectId: r.result.objectId, ownProperties: true }, (e2, p) => {
        if (e2 !== null) return;
        const v = p.internalProperties?.find((x) => x.name === '[[GeneratorLocation]]')?.value?.value as Location | undefined;
        loc = v;
      });
    });
  } finally {
    delete g.__tsel4_generator;
    s.post('Debugger.disable');
    s.disconnect();
  }
  if (loc === undefined) return undefined;
  const url = scripts.get(loc.scriptId);
  return url === undefined ? undefined : { url, line: loc.lineNumber, column: loc.columnNumber };
}

/** " at file:line:col" for a thread's uncaught error, or "" when it cannot be told. */
export function whereThrown(e: unknown): string {
  if (e instanceof PlainYieldError) {
    // the CLI's root-task run forwards to the program's generator (run.ts's RootTaskRun)
    const g = e.generator as object & { inner?: object };
    const loc = generatorLocation(g.inner ?? g);
    if (loc !== undefined && loc.url.startsWith('file:')) {
      let file = fileURLToPath(loc.url);
      let line = loc.line;
      let column = loc.column;
      const entry = findSourceMap(loc.url)?.findEntry(line, column);
      if (entry !== undefined && 'originalLine' in entry) {
        line = entry.originalLine;
        column = entry.originalColumn;
        if (entry.originalSource.startsWith('file:')) file = fileURLToPath(entry.originalSource);
      }
      return ` at ${file}:${line + 1}:${column + 1}`;
    }
    return '';
  }
  if (!(e instanceof Error)) return '';
  const f = firstUserFrame(e);
  return f === undefined ? '' : ` at ${f}`;
}
