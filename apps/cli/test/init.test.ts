/*
 * `tsel4 init DIR`: a project outside the repository in which tsc (and so an editor) checks a
 * user's program against tsel4's packages, and `npm start` runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../../..');
const OUTSIDE = mkdtempSync(join(tmpdir(), 'tsel4-init-'));
afterAll(() => rmSync(OUTSIDE, { recursive: true, force: true }));

async function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) }, cwd);
  return { code, out, err };
}

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const tsc = (dir: string) => spawnSync(process.execPath, [TSC, '-p', '.'], { cwd: dir, encoding: 'utf8' });

describe('tsel4 init', () => {
  const dir = join(OUTSIDE, 'my-sel4');

  it('writes package.json, tsconfig.json and a starter main.ts', async () => {
    const r = await cli(['init', 'my-sel4'], OUTSIDE);
    expect(r).toEqual({
      code: 0,
      out: [
        'tsel4: wrote my-sel4/package.json and my-sel4/tsconfig.json',
        'tsel4: wrote my-sel4/main.ts, a root task to start from',
        'next: cd my-sel4 && npm start (runs main.ts), npm run check (type-checks it with tsc)',
        '',
      ].join('\n'),
      err: '',
    });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; type: string; scripts: Record<string, string> };
    expect(pkg.name).toBe('my-sel4');
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.scripts)).toEqual(['start', 'check']);
  });

  it('lets tsc check the program against the packages (npm run check): the starter passes, a mistake is reported at its line', () => {
    const ok = spawnSync('npm', ['run', '--silent', 'check'], { cwd: dir, encoding: 'utf8' });
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(
      join(dir, 'wrong.ts'),
      "import * as L from '@tsel4/libsel4';\n\nexport default function* main(): Generator<L.TrapToken, void, unknown> {\n  yield* L.seL4_Signal('seven');\n}\n",
    );
    const bad = tsc(dir);
    rmSync(join(dir, 'wrong.ts'));
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/^wrong\.ts\(4,24\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'WordInput'\.$/m);
  });

  it('runs the program with npm start', () => {
    const start = spawnSync('npm', ['start', '--silent'], { cwd: dir, encoding: 'utf8' });
    expect(start.stderr).toBe('');
    expect(start.status).toBe(0);
    expect(start.stdout).toMatch(/^tsel4: running main\.ts on pc99 \(x86_64\), fastpath on, seed 0\necho: 42 from badge 1\nmain: done\n/);
  });

  it('overwrites nothing, and refuses a folder inside the repository', async () => {
    expect(await cli(['init', 'my-sel4'], OUTSIDE)).toEqual({ code: 2, out: '', err: 'tsel4: init: my-sel4/package.json exists; init writes only into a folder without one\n' });
    mkdirSync(join(OUTSIDE, 'has-main'));
    writeFileSync(join(OUTSIDE, 'has-main/main.ts'), '// mine\n');
    const r = await cli(['init', 'has-main'], OUTSIDE);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('wrote has-main/main.ts');
    expect(readFileSync(join(OUTSIDE, 'has-main/main.ts'), 'utf8')).toBe('// mine\n');
    expect(await cli(['init', 'apps/mine'], ROOT)).toEqual({ code: 2, out: '', err: "tsel4: init: 'apps/mine' is inside the tsel4 repository; a project of your own goes outside it\n" });
    expect(await cli(['init'], OUTSIDE)).toEqual({ code: 2, out: '', err: 'tsel4: init needs a folder: tsel4 init DIR\n' });
  });
});
