/*
 * The kernel packages run in a browser (the playground bundles them): bundle each for the browser
 * with esbuild, as a web bundler would, and fail on any import of a Node builtin (`node:fs`, `fs`,
 * ...) and on any use of a Node-only global (`Buffer`, `process`, `require`, `__dirname`, ...).
 *
 * Every package under packages/ is checked except the ones listed as Node-only below, and so is
 * every app's program (the root task the CLI and the playground run).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Packages that are Node-only by design, and why. */
const NODE_ONLY: Record<string, string> = {
  'libsel4-native': 'the native C bridge: runs a C compiler and loads shared objects (koffi)',
};

const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));

/** Node globals a browser lacks; after minification a free reference keeps its name. */
const NODE_GLOBALS = /(?<![\w$.'"`])(Buffer|process|require|__dirname|__filename|setImmediate|global)\s*(?=[.([])/g;

/** What a browser bundle of `entry` would need from Node: builtin imports and globals. */
async function nodeUses(contents: string, label: string, globals = true): Promise<string[]> {
  const found: string[] = [];
  const catchBuiltins: Plugin = {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (a) => {
        const bare = a.path.replace(/^node:/, '').split('/')[0]!;
        if (a.path.startsWith('node:') || BUILTINS.has(bare)) {
          found.push(`${a.importer.replace(ROOT + '/', '')} imports '${a.path}'`);
          return { path: a.path, external: true };
        }
        return undefined;
      });
    },
  };
  const r = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: label },
    bundle: true,
    write: false,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['source'],
    logLevel: 'silent',
    plugins: [catchBuiltins],
  });
  const text = r.outputFiles[0]!.text;
  for (const m of globals ? text.matchAll(NODE_GLOBALS) : []) {
    const at = m.index;
    found.push(`uses the Node global '${m[1]}' (…${text.slice(Math.max(0, at - 40), at + 40)}…)`);
  }
  return found;
}

function browserPackages(): string[] {
  return readdirSync(join(ROOT, 'packages'))
    .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')) && !(d in NODE_ONLY))
    .sort();
}

/** Each app's root-task program (package.json's tsel4.root), or its src/ modules minus main.ts when it has none. */
function appPrograms(): [string, string][] {
  const out: [string, string][] = [];
  for (const d of readdirSync(join(ROOT, 'apps')).sort()) {
    const pkgFile = join(ROOT, 'apps', d, 'package.json');
    // the CLI and ipc-survey (it builds and runs the Linux originals, writes SVG files) are Node
    // programs by design; the playground is checked through its worker below
    if (!existsSync(pkgFile) || d === 'cli' || d === 'playground' || d === 'ipc-survey') continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { tsel4?: { root?: string } };
    if (pkg.tsel4?.root !== undefined) out.push([d, join(ROOT, 'apps', d, pkg.tsel4.root)]);
    else {
      // an app whose main.ts is a Node script (shared-memory): its program modules are the rest of src/
      for (const f of readdirSync(join(ROOT, 'apps', d, 'src')).filter((f) => f.endsWith('.ts') && f !== 'main.ts' && !f.endsWith('.test.ts'))) {
        out.push([`${d}/${f}`, join(ROOT, 'apps', d, 'src', f)]);
      }
    }
  }
  return out;
}

describe('the kernel packages bundle for a browser', () => {
  it('finds the packages and programs to check', () => {
    expect(browserPackages()).toEqual(expect.arrayContaining(['hal', 'libsel4', 'object', 'kernel', 'syscalls', 'sel4utils']));
    expect(appPrograms().map(([n]) => n)).toEqual(expect.arrayContaining(['pingpong', 'notifications', 'ipc-tour', 'shared-memory']));
  });

  it.each(browserPackages())('@tsel4/%s uses no Node builtin or global', async (name) => {
    expect(await nodeUses(`export * from '@tsel4/${name}';`, name)).toEqual([]);
  });

  it.each(appPrograms())('the app program %s uses none', async (name, path) => {
    expect(await nodeUses(`export * from ${JSON.stringify(path)};`, name)).toEqual([]);
  });

  it("the playground's Web Worker (the kernel, the transpiler and the session) imports no Node builtin", async () => {
    // imports only: the transpiler (sucrase) guards its uses of Node globals (typeof Buffer), which
    // the text scan cannot tell from real uses; the Chromium tests run this worker
    const worker = join(ROOT, 'apps/playground/web/worker.ts');
    expect(await nodeUses(`export * from ${JSON.stringify(worker)};`, 'playground worker', false)).toEqual([]);
  });

  it('catches a Node import and a Node global (the check can fail)', async () => {
    const uses = await nodeUses(`import { readFileSync } from 'node:fs'; import 'path'; export const f = () => [readFileSync, Buffer.from('x'), process.env];`, 'bad');
    expect(uses.filter((u) => u.includes("imports 'node:fs'")).length).toBe(1);
    expect(uses.filter((u) => u.includes("imports 'path'")).length).toBe(1);
    expect(uses.some((u) => u.includes("'Buffer'"))).toBe(true);
    expect(uses.some((u) => u.includes("'process'"))).toBe(true);
  });
});
