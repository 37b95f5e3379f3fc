/*
 * The tsel4 command as a process: bin/tsel4.mjs from another folder running a user's file that
 * lives outside this repository (no build step, @tsel4/* found anyway), the root `npm start`
 * command line, and exit code 2 with one line and no stack trace for a mistake.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bridgeStatus } from '@tsel4/libsel4-native';
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

  it('stops a TypeScript thread that never enters the kernel after --timeout: one line, exit code 4', () => {
    const t0 = Date.now();
    const r = tsel4(['run', join(HERE, 'fixtures/busy.ts'), '--timeout', '0.5'], OUTSIDE);
    expect(r.code).toBe(4);
    expect(r.out).toContain('busy: spinning\n');
    expect(r.err).toBe("tsel4: thread 'rootserver' (busy) ran for 0.5 s without entering the kernel; stopped (--timeout 0.5)\n");
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it.skipIf(!bridgeStatus().ok)('stops a C thread in a loop with no syscall the same way', () => {
    const r = tsel4(['run', join(HERE, 'fixtures/c/spin.c'), '--timeout', '0.5'], OUTSIDE);
    expect(r.code).toBe(4);
    expect(r.err).toBe("tsel4: thread 'rootserver' (main) ran for 0.5 s without entering the kernel; stopped (--timeout 0.5)\n");
  });

  it('the watchdog does not stop a program that makes progress, and --timeout 0 turns it off', () => {
    const r = tsel4(['run', 'pingpong', '--timeout', '10'], OUTSIDE);
    expect(r.code).toBe(0);
    expect(tsel4(['run', 'pingpong', '--timeout', '0'], OUTSIDE).code).toBe(0);
  });

  it('a syntax error: file:line:col, the message and the line with a caret; exit code 2', () => {
    writeFileSync(join(OUTSIDE, 'syntax.ts'), "import type * as L from '@tsel4/libsel4';\n\nexport default function* main(): Generator<L.TrapToken, void, unknown> {\n  const x = ;\n}\n");
    // loading it (the check first, by default; its own message and frame)
    const r = tsel4(['run', 'syntax.ts', '--no-check'], OUTSIDE);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('tsel4: cannot load syntax.ts: syntax.ts:4:13: Unexpected ";"\n  4 |   const x = ;\n    |             ^\n');
    const c = tsel4(['run', 'syntax.ts'], OUTSIDE);
    expect(c.code).toBe(2);
    expect(c.err).toBe(
      'syntax.ts:4:13: TS1109: Expression expected.\n  4 |   const x = ;\n    |             ^\n' +
        'tsel4: syntax.ts did not pass tsel4 check (1 problem); not run (--no-check runs it anyway)\n',
    );
  });

  it("a typo in an import names the user's file, not the CLI's", () => {
    writeFileSync(join(OUTSIDE, 'typo.ts'), "import { println } from '@tsel4/sel4utilz';\n\nexport default function* main() {\n  yield* println('x');\n}\n");
    const r = tsel4(['run', 'typo.ts', '--no-check'], OUTSIDE);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tsel4: cannot load typo.ts: Cannot find package '@tsel4/sel4utilz' imported from ${join(OUTSIDE, 'typo.ts')}\n`);
    const c = tsel4(['run', 'typo.ts'], OUTSIDE);
    expect(c.code).toBe(2);
    expect(c.err.split('\n')[0]).toBe("typo.ts:1:25: TS2307: Cannot find module '@tsel4/sel4utilz' or its corresponding type declarations.");
  });

  it("a plain yield is reported at the program's own line", () => {
    writeFileSync(join(OUTSIDE, 'plain.ts'), "import * as L from '@tsel4/libsel4';\n\nexport default function* main(): Generator<L.TrapToken, void, unknown> {\n  yield* L.seL4_Yield();\n  yield L.seL4_Yield();\n}\n");
    const r = tsel4(['run', 'plain.ts', '--quiet-kernel', '--no-check'], OUTSIDE);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`tsel4: thread 'rootserver' (main) threw TypeError: a thread yielded something other than a syscall (use yield*, not yield) at ${join(OUTSIDE, 'plain.ts')}:5:3\n`);
  });

  it('runs other commands through npm start: npm start -- list', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
    const r = spawnSync(process.execPath, [...start.slice(1), 'list'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^apps \(tsel4 run APP\):\n {2}ipc-survey /);
  });
});
