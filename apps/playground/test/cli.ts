/*
 * What `tsel4 run` prints for an example: the CLI run as a process (apps are never imported, only
 * run), its output split into the console and the summary table, for comparing with the
 * playground's. Topic examples and wrapped apps are written to a temporary file first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Example } from '../src/examples.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(ROOT, 'apps/cli/src/main.ts');
const TMP = mkdtempSync(join(tmpdir(), 'tsel4-playground-'));

export interface CliOutput {
  readonly console: string;
  readonly summary: string;
  readonly stderr: string;
  readonly code: number;
}

function run(args: string[], cwd: string): Promise<{ out: string; err: string; code: number }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => res({ out, err, code: code ?? 1 }));
    void cwd;
  });
}

/** `tsel4 run` on an example (an app by its name, anything else from a file named after it), with the playground's name in the summary. */
export async function cliOutput(ex: Example, opts: { board?: string; fastpath?: boolean; seed?: number } = {}): Promise<CliOutput> {
  const byName = ex.kind === 'app' && !ex.source.includes('// the playground runs the demo');
  let target = ex.name;
  if (!byName) {
    target = join(TMP, `${ex.name}.ts`);
    writeFileSync(target, ex.source);
  }
  const args = ['run', target, '--board', opts.board ?? 'pc99', '--fastpath', opts.fastpath === false ? 'off' : 'on', '--seed', String(opts.seed ?? 0)];
  const r = await run(args, ROOT);
  const rest = r.out.slice(r.out.indexOf('\n') + 1);
  const at = rest.lastIndexOf(`\n${target} stopped (`);
  if (at < 0) throw new Error(`no summary in the CLI's output for ${ex.name}:\n${r.out}\n${r.err}`);
  return {
    console: rest.slice(0, at),
    summary: (ex.name + rest.slice(at + 1 + target.length)).trimEnd(),
    stderr: r.err,
    code: r.code,
  };
}

/** Run `f` over `xs`, `n` at a time. */
export async function pool<T, R>(xs: readonly T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, xs.length) }, async () => {
      while (next < xs.length) {
        const i = next++;
        out[i] = await f(xs[i]!);
      }
    }),
  );
  return out;
}
