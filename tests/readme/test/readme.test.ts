/*
 * Every ```ts block of README.md runs as written and prints the ```text block after it. A block
 * with a default export is a root task, run on a machine (its output is the debug console); a
 * block without one is a plain module (the package examples), run by importing it (its output is
 * what it console.logs).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as L from '@tsel4/libsel4';
import { runMachine } from '@tsel4/syscalls';
import { afterAll, describe, expect, it, vi } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const README = readFileSync(join(HERE, '../../../README.md'), 'utf8');
// the blocks import @tsel4/*, so they are written inside this workspace
const DIR = mkdtempSync(join(HERE, '.blocks-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

interface Block {
  line: number;
  code: string;
  output: string | undefined;
}

export function programs(markdown: string): Block[] {
  const out: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  const all = [...markdown.matchAll(fence)].map((m) => ({ lang: m[1]!, body: m[2]!, line: markdown.slice(0, m.index).split('\n').length }));
  all.forEach((b, i) => {
    if (b.lang !== 'ts') return;
    const next = all[i + 1];
    out.push({ line: b.line, code: b.body, output: next?.lang === 'text' ? next.body : undefined });
  });
  return out;
}

function* asRootTask(fn: L.ThreadFunction): Generator<L.TrapToken, void, unknown> {
  yield* fn();
  yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
}

describe('README.md', () => {
  const blocks = programs(README);

  it('has programs, each followed by its output', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) expect(b.output, `the ts block at line ${b.line}`).toBeDefined();
  });

  it.each(blocks.map((b) => [b.line, b] as const))('the program at line %i prints what the README says', async (line, b) => {
    const file = join(DIR, `block-${line}.ts`);
    writeFileSync(file, b.code);
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' ') + '\n');
    });
    let mod: { default?: L.ThreadFunction };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: L.ThreadFunction };
    } finally {
      log.mockRestore();
    }
    if (!/^export default /m.test(b.code)) {
      expect(mod.default).toBeUndefined();
      expect(logged.join('')).toBe(b.output);
      return;
    }
    expect(typeof mod.default).toBe('function');
    const root = mod.default!;
    const r = runMachine(function* main() {
      yield* asRootTask(root);
    } as L.ThreadFunction, { checkInvariants: true, maxSteps: 100_000 });
    expect(r.reason).toBe('idle');
    expect(r.stats.faults).toBe(0);
    expect(r.console).toBe(b.output);
  });

  it('finds blocks and their outputs', () => {
    const md = '# x\n```ts\nexport default 1;\n```\n\n```text\nhi\n```\n```sh\nnpm test\n```\n```ts\nlet a;\n```\n';
    expect(programs(md)).toEqual([
      { line: 2, code: 'export default 1;\n', output: 'hi\n' },
      { line: 12, code: 'let a;\n', output: undefined },
    ]);
  });
});
