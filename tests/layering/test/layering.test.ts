/*
 * The layering rule of docs/architecture.md, checked on every static import of every workspace,
 * and the package graph drawn there checked against the table below.
 *
 * Packages may import only the packages listed as below them here. apps/, tests/ and bench/ may
 * import any package but never an app or a test suite (apps are loaded as programs by path, never
 * imported as libraries). A relative import may not leave its own workspace.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What each package may import. Lowest first. */
const PACKAGE_DEPS: Record<string, readonly string[]> = {
  hal: [],
  rv64: [],
  libsel4: ['hal'],
  runtime: ['hal', 'libsel4'],
  object: ['hal', 'libsel4'],
  kernel: ['hal', 'libsel4', 'object'],
  syscalls: ['hal', 'libsel4', 'runtime', 'object', 'kernel', 'rv64'],
  sel4utils: ['hal', 'libsel4'],
  'libsel4-native': ['hal', 'libsel4', 'runtime'],
  posix: ['hal', 'libsel4', 'sel4utils'],
};

/** The arrows of the picture: A --> B when A may import B and may import nothing that may import B. */
export function reducedEdges(deps: Record<string, readonly string[]>): string[] {
  const edges: string[] = [];
  for (const [a, below] of Object.entries(deps)) {
    for (const b of below) {
      if (!below.some((c) => c !== b && (deps[c] ?? []).includes(b))) edges.push(`${a} --> ${b}`);
    }
  }
  return edges.sort();
}

interface Workspace {
  group: 'packages' | 'apps' | 'tests' | 'bench';
  name: string;
  dir: string;
}

function workspaces(): Workspace[] {
  const out: Workspace[] = [];
  for (const group of ['packages', 'apps', 'tests'] as const) {
    const g = join(ROOT, group);
    if (!existsSync(g)) continue;
    for (const d of readdirSync(g)) {
      if (existsSync(join(g, d, 'package.json'))) out.push({ group, name: d, dir: join(g, d) });
    }
  }
  out.push({ group: 'bench', name: 'bench', dir: join(ROOT, 'bench') });
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e === 'fixtures' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|js|mjs)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) specs.push((m[1] ?? m[2])!);
  return specs;
}

function violations(ws: Workspace): string[] {
  const bad: string[] = [];
  const allowed = ws.group === 'packages' ? PACKAGE_DEPS[ws.name] : undefined;
  for (const file of sourceFiles(ws.dir)) {
    const where = relative(ROOT, file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(ws.dir + '/')) bad.push(`${where}: relative import '${spec}' leaves ${ws.group}/${ws.name}`);
        continue;
      }
      const scoped = /^@tsel4\/([^/]+)/.exec(spec);
      if (scoped === null) continue;
      const dep = scoped[1]!;
      const depIsPackage = existsSync(join(ROOT, 'packages', dep, 'package.json'));
      if (!depIsPackage) {
        bad.push(`${where}: imports '${spec}', which is not a package (apps and tests are never imported)`);
      } else if (allowed !== undefined && !allowed.includes(dep) && dep !== ws.name) {
        bad.push(`${where}: package ${ws.name} imports ${dep}, which docs/architecture.md places above it`);
      }
    }
  }
  return bad;
}

describe('layering (docs/architecture.md)', () => {
  const all = workspaces();

  it('knows where every package sits', () => {
    const unknown = all.filter((w) => w.group === 'packages' && !(w.name in PACKAGE_DEPS)).map((w) => w.name);
    expect(unknown).toEqual([]);
  });

  it.each(all.map((w) => [`${w.group}/${w.name}`, w] as const))('%s imports only what it may', (_label, ws) => {
    expect(violations(ws)).toEqual([]);
  });

  it("draws the same graph in docs/architecture.md's picture: each package's arrows go to the packages it may import that none of those may import", () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(doc);
    expect(mermaid).not.toBeNull();
    const drawn = [...mermaid![1]!.matchAll(/^\s*([\w-]+) --> ([\w-]+)\s*$/gm)].map((m) => `${m[1]} --> ${m[2]}`).sort();
    expect(drawn).toEqual(reducedEdges(PACKAGE_DEPS));
  });

  it('catches a package importing one above it', () => {
    // The checker itself must be able to fail: run it on a fake hal that imports the kernel.
    const fake: Workspace = { group: 'packages', name: 'hal', dir: join(ROOT, 'tests/layering/fixtures/bad-hal') };
    expect(violations(fake)).toEqual([
      'tests/layering/fixtures/bad-hal/src/index.ts: package hal imports libsel4, which docs/architecture.md places above it',
      "tests/layering/fixtures/bad-hal/src/index.ts: imports '@tsel4/cli', which is not a package (apps and tests are never imported)",
    ]);
  });
});
