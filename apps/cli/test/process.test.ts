/*
 * The tsel4 command as a process: bin/tsel4.mjs from another folder running a user's file that
 * lives outside this repository (no build step, @tsel4/* found anyway), the root `npm start`
 * command line, and exit code 2 with one line and no stack trace for a mistake.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '../bin/tsel4.mjs');
const ROOT = join(HERE, '../../..');
const OUTSIDE = mkdtempSync(join(tmpdir(), 'tsel4-user-'));
afterAll(() => rmSync(OUTSIDE, { recursive: true, force: true }));

function tsel4(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, INIT_CWD: cwd } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the tsel4 process', () => {
  it("runs a user's .ts file from a folder outside the repository", () => {
    copyFileSync(join(HERE, 'fixtures/hello.ts'), join(OUTSIDE, 'hello.ts'));
    const r = tsel4(['run', 'hello.ts', '--seed', '7'], OUTSIDE);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('hello: seed 7\nhello: the root task returns\ngreeter: hello 7\n');
    expect(r.out).toMatch(/^\| simulated cycles +\| +[0-9,]+ \|$/m);
  });

  it('answers a mistake with exit code 2 and one line, without a stack trace', () => {
    copyFileSync(join(HERE, 'fixtures/async-default.ts'), join(OUTSIDE, 'async-default.ts'));
    for (const args of [['run', 'async-default.ts'], ['run', 'pingpong', '--board', 'nope']]) {
      const r = tsel4(args, OUTSIDE);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^tsel4: [^\n]+\n$/);
    }
  });

  it('runs the npm start command line: the default system and its summary', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
    expect(start[0]).toBe('node');
    const r = spawnSync(process.execPath, start.slice(1), { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^tsel4: running pingpong \(the default app/);
    expect(r.stdout).toMatch(/\| simulated cycles +\| +[0-9,]+ \|\n\+-+\+-+\+\n$/);
  });

  it('runs other commands through npm start: npm start -- list', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
    const r = spawnSync(process.execPath, [...start.slice(1), 'list'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^apps \(tsel4 run APP\):\n {2}ipc-tour /);
  });
});
