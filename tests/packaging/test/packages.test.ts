/*
 * The packages as someone else's project gets them: every workspace in packages/ is packed from
 * this working tree (`npm pack`, whose prepack builds it), the tarballs pass publint and
 * @arethetypeswrong/cli (profile esm-only: ESM importers under node16 and bundlers; CommonJS
 * require is not offered), and they are installed with plain `npm install ./x.tgz ...` into a
 * fresh project in a temporary folder outside the workspace. There, a plain Node ESM script uses
 * @tsel4/object alone (its invoke functions), a second one adds seL4's checks through
 * @tsel4/syscalls' invokeObject (the CNode and Untyped decoders with no kernel), and a TypeScript consumer is built with tsc (moduleResolution node16, and
 * bundler, both strict with exactOptionalPropertyTypes and the packages' declarations checked)
 * and run: it boots a Machine from @tsel4/syscalls with a root task written in TypeScript.
 *
 * The install needs no network and no npm cache: the packages' only outside dependency, the C
 * bridge's optional koffi, is left out (--omit=optional; the consumer uses the bridge's types
 * only), and the consumer installs no @types/node. publint and attw run on all the tarballs at
 * once (a process per tarball, as many at a time as there are cores).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../../..');
const BIN = join(ROOT, 'node_modules/.bin');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Manifest {
  name: string;
  private?: boolean;
  description?: string;
  keywords?: string[];
  repository?: { type: string; url: string; directory: string };
  engines?: { node?: string };
  type?: string;
  license?: string;
  scripts?: Record<string, string>;
}

/** Every publishable workspace under packages/ (read from the folder, not a list). */
const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
  .map((d) => ({ dir: `packages/${d}`, manifest: JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) as Manifest }))
  .filter((p) => p.manifest.private !== true);

const TMP = mkdtempSync(join(tmpdir(), 'tsel4-consumer-'));
const PROJECT = join(TMP, 'project');
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}
let packed: Packed[] = [];

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const execFileP = promisify(execFile);

/** Run a command; its exit code and everything it printed. */
async function settle(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await execFileP(cmd, args, { cwd: ROOT, encoding: 'utf8' });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

/** `f` over `items`, as many at a time as there are cores. */
async function eachParallel<T, R>(items: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(items.length, availableParallelism()) }, worker));
  return out;
}

beforeAll(() => {
  const out = run(NPM, ['pack', '--json', '--pack-destination', TMP, ...PACKAGES.flatMap((p) => ['-w', p.dir])], ROOT);
  packed = JSON.parse(out.slice(out.indexOf('['))) as Packed[];
  cpSync(join(ROOT, 'tests/packaging/consumer'), PROJECT, { recursive: true });
  writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  run(
    NPM,
    ['install', '--offline', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', ...packed.map((p) => join(TMP, p.filename))],
    PROJECT,
  );
}, 120_000);

describe('the packages, packed and installed elsewhere', () => {
  it('packs every package in packages/', () => {
    expect(PACKAGES.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@tsel4/hal', '@tsel4/libsel4', '@tsel4/object', '@tsel4/syscalls']));
    expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => p.manifest.name).sort());
  });

  it.each(PACKAGES.map((p) => [p.manifest.name, p] as const))('%s: package.json says what it is, where it comes from, and that it is ESM only', (_name, p) => {
    const m = p.manifest;
    expect(m.description).toMatch(/ESM only\.$/);
    expect(m.type).toBe('module');
    expect(m.license).toBe('BSD-2-Clause');
    expect(m.keywords).toEqual(expect.arrayContaining(['seL4']));
    expect(m.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) as string, directory: p.dir });
    expect(m.engines?.node).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest).engines?.node);
    // packing builds first
    expect(m.scripts?.['prepack']).toBe('tsc -b');
    expect(readFileSync(join(ROOT, p.dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
  });

  it('puts the built JavaScript, its declarations and maps, the README and the LICENSE in each tarball, and no build info', () => {
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/index.d.ts.map']));
      expect(files.filter((f) => f.includes('tsbuildinfo')), p.name).toEqual([]);
      expect(files.filter((f) => /\.test\.ts$/.test(f)), p.name).toEqual([]);
    }
  });

  it('passes publint --strict on every tarball', async () => {
    const results = await eachParallel(packed, (p) => settle(join(BIN, 'publint'), ['run', '--strict', join(TMP, p.filename)]));
    results.forEach((r, i) => {
      expect(r.code, `${packed[i]!.name}:\n${r.out}`).toBe(0);
      expect(r.out, packed[i]!.name).toContain('All good!');
    });
  });

  it('passes @arethetypeswrong/cli on every tarball (profile esm-only)', async () => {
    const results = await eachParallel(packed, (p) => settle(join(BIN, 'attw'), ['--profile', 'esm-only', '--format', 'ascii', join(TMP, p.filename)]));
    results.forEach((r, i) => expect(r.code, `${packed[i]!.name}:\n${r.out}`).toBe(0));
  });

  it('runs a plain Node ESM script that uses @tsel4/object alone: CNodes, Retype and Mint with no kernel (the invoke functions)', () => {
    const out = execFileSync(process.execPath, ['object-alone.mjs'], { cwd: PROJECT, encoding: 'utf8' });
    expect(out).toBe(
      [
        'retype 2 endpoints: seL4_NoError',
        'retype a CNode of 2^4 slots: seL4_NoError',
        'mint badge 7: seL4_NoError',
        'slot 10: endpoint_cap badge 0',
        'slot 11: endpoint_cap badge 0',
        'slot 12: cnode_cap',
        'slot 13: endpoint_cap badge 7',
        'a retype into a full slot: seL4_DeleteFirst',
        'derivation tree: consistent',
        '',
      ].join('\n'),
    );
  });

  it("runs a plain Node ESM script that calls CNode and Untyped methods with seL4's checks and no kernel (invokeObject)", () => {
    const out = execFileSync(process.execPath, ['object-checked.mjs'], { cwd: PROJECT, encoding: 'utf8' });
    expect(out).toBe(
      [
        'retype 2 endpoints: seL4_NoError',
        'mint badge 7: seL4_NoError',
        'slot 13: endpoint_cap badge 7',
        'mint from an empty slot: seL4_FailedLookup [1,2,64]',
        'retype 300 objects: seL4_RangeError [1,256]',
        'a retype into a full slot: seL4_DeleteFirst',
        'delete at depth 0: seL4_RangeError [1,64]',
        '',
      ].join('\n'),
    );
  });

  it('builds a TypeScript consumer with tsc (node16, strict, exactOptionalPropertyTypes) and runs it: a Machine boots its root task', () => {
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], PROJECT);
    const out = execFileSync(process.execPath, ['dist/main.js'], { cwd: PROJECT, encoding: 'utf8' });
    expect(out).toBe('21 doubled is 42 (on qemu-riscv-virt, idle, 0 faults, 64-bit words)\n');
  });

  it('type-checks the same consumer with moduleResolution bundler', () => {
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bundler.json'], PROJECT);
  });

  it('a consumer with a type error fails the build (the check can fail)', () => {
    mkdirSync(join(PROJECT, 'wrong'));
    writeFileSync(join(PROJECT, 'wrong/wrong.ts'), "import { seL4_MessageInfo_new } from '@tsel4/libsel4';\nexport const x: string = seL4_MessageInfo_new(0, 0, 0, 1);\n");
    writeFileSync(
      join(PROJECT, 'wrong/tsconfig.json'),
      JSON.stringify({ extends: '../tsconfig.bundler.json', compilerOptions: { rootDir: '.', skipLibCheck: true }, include: ['wrong.ts'] }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'wrong'], { cwd: PROJECT, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/wrong\/wrong\.ts\(2,14\): error TS2322/);
  });
});
