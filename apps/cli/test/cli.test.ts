/*
 * The tsel4 command line, driven in-process through main(): help, version, list, running apps and
 * files with every option, the summary table, and one clear line with exit code 2 for each kind
 * of mistake.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listApps } from '../src/apps.js';
import { HELP, main, npmStartArgs, VERSION } from '../src/cli.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIX = join(HERE, 'fixtures');
const APPS = join(HERE, '../..');
/** The apps as usage errors list them (every app in apps/ with a root task, by name). */
const NAMES = listApps()
  .map((a) => a.name)
  .join(', ');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) }, FIX);
  return { code, out, err };
}

/** A usage mistake: exit 2, nothing on stdout, exactly one line on stderr, no stack trace. */
async function mistake(argv: string[], line: string): Promise<void> {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toBe(`tsel4: ${line}\n`);
}

describe('tsel4 --help, --version, list, board', () => {
  it('prints the usage for --help, -h, help and no arguments', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], [], ['run', '--help']]) {
      const r = await cli(...argv);
      expect(r).toEqual({ code: 0, out: HELP, err: '' });
    }
    expect(HELP).toContain('tsel4 run [APP|FILE] [options]');
    for (const opt of ['--board', '--fastpath', '--trace', '--max-steps', '--seed']) expect(HELP).toContain(opt);
  });

  it('prints the version of the CLI package', async () => {
    const pkg = JSON.parse(readFileSync(join(HERE, '../package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(await cli('--version')).toEqual({ code: 0, out: `tsel4 ${pkg.version}\n`, err: '' });
  });

  it('lists every app in apps/ and every board', async () => {
    expect(NAMES.split(', ')).toEqual(expect.arrayContaining(['ipc-tour', 'notifications', 'pingpong']));
    const r = await cli('list');
    expect(r.code).toBe(0);
    for (const app of ['pingpong', 'notifications', 'ipc-tour']) expect(r.out).toMatch(new RegExp(`^  ${app} +\\S`, 'm'));
    expect(r.out).not.toMatch(/^ {2}cli /m);
    for (const board of ['pc99', 'qemu-arm-virt', 'qemu-riscv-virt']) expect(r.out).toMatch(new RegExp(`^  ${board} +\\S`, 'm'));
  });

  it('prints a board and its ABI', async () => {
    const r = await cli('board', 'qemu-riscv-virt');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^board qemu-riscv-virt: /);
  });
});

describe('tsel4 run', () => {
  const expected = (app: string) => readFileSync(join(APPS, app, 'test/expected.txt'), 'utf8');

  it('runs the default app (pingpong) and ends with the summary table', async () => {
    const r = await cli('run');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const [header, ...rest] = r.out.split('\n');
    expect(header).toBe('tsel4: running pingpong (the default app; tsel4 list shows the others) on pc99 (x86_64), fastpath on, seed 0');
    expect(rest.join('\n').startsWith(expected('pingpong') + '\n')).toBe(true);
    const table = r.out.slice(r.out.indexOf(expected('pingpong')) + expected('pingpong').length + 1);
    expect(table).toMatch(/^pingpong stopped \(every thread is blocked or stopped\) after \d+ steps/);
    const row = (name: string) => {
      const m = new RegExp(`^\\| ${name} +\\| +([0-9,]+(?: of [0-9,]+)?) \\|$`, 'm').exec(table);
      expect(m, name).not.toBeNull();
      return m![1]!;
    };
    const counts = ['seL4_SysCall', 'seL4_SysReplyRecv', 'seL4_SysRecv', 'seL4_SysYield', 'seL4_SysDebugPutChar'].map((s) => Number(row(s).replace(/,/g, '')));
    expect(Number(row('all syscalls').replace(/,/g, ''))).toBeGreaterThanOrEqual(counts.reduce((a, b) => a + b));
    expect(row('fastpath hits: ReplyRecv')).toBe('6 of 6');
    expect(row('fastpath hits: Call')).toMatch(/^6 of \d+$/);
    expect(row('faults')).toBe('0');
    expect(Number(row('context switches').replace(/,/g, ''))).toBeGreaterThan(12);
    expect(Number(row('simulated cycles').replace(/,/g, ''))).toBeGreaterThan(0);
    expect(row('interrupts')).toMatch(/^\d+$/);
  });

  it.each(['notifications', 'ipc-tour'])('runs %s by name', async (app) => {
    const r = await cli('run', app);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`\n${expected(app)}\n`);
  });

  it.each(['pc99', 'qemu-arm-virt', 'qemu-riscv-virt'])('runs on --board %s', async (board) => {
    const r = await cli('run', 'pingpong', '--board', board);
    expect(r.code).toBe(0);
    expect(r.out).toContain(` on ${board} (`);
    expect(r.out).toContain(`\n${expected('pingpong')}\n`);
  });

  it('runs shared-memory by name, with the seed choosing its data', async () => {
    const r = await cli('run', 'shared-memory', '--seed', '5');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('shared-memory: 65536 bytes from a producer in one VSpace to a consumer in another\n');
    expect(r.out).toContain('same bytes both ways: yes\n');
  });

  it("runs every app in the README's workspace table by name", () => {
    const readme = readFileSync(join(APPS, '../README.md'), 'utf8');
    const inTable = [...readme.matchAll(/\[`apps\/([\w-]+)`\]/g)].map((m) => m[1]!).filter((a) => a !== 'cli' && a !== 'playground'); // the CLI and the browser site are not programs
    expect(inTable.length).toBeGreaterThanOrEqual(4);
    for (const app of new Set(inTable)) expect(NAMES.split(', '), app).toContain(app);
  });

  it('runs without the fastpath with --fastpath off (and --board=NAME works too)', async () => {
    const r = await cli('run', 'pingpong', '--fastpath=off', '--board=qemu-arm-virt');
    expect(r.code).toBe(0);
    expect(r.out).toContain('fastpath off');
    expect(r.out).toMatch(/^\| fastpath hits: Call +\| +off \|$/m);
    expect(r.out).toMatch(/^\| fastpath hits: ReplyRecv +\| +off \|$/m);
    expect(r.out).toContain(`\n${expected('pingpong')}\n`);
  });

  it("runs a user's file, gives the root task the seed, and suspends it when it returns", async () => {
    const r = await cli('run', 'hello.ts', '--seed', '1234');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('hello: seed 1234\nhello: the root task returns\ngreeter: hello 7\n');
    expect(r.out).toMatch(/^\| faults +\| +0 \|$/m);
  });

  it('reports a thread that threw with exit code 1', async () => {
    const r = await cli('run', 'throws.ts');
    expect(r.code).toBe(1);
    expect(r.out).toContain('throws: about to throw\n');
    expect(r.err).toMatch(/^tsel4: thread 'rootserver' \(throws\) threw Error: something went wrong at .*throws\.ts:\d+:\d+\n$/);
  });

  it("names a thread spawned by sel4utils that threw by its function, not seL4's placeholder name", async () => {
    const r = await cli('run', 'spawned-throws.ts');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tsel4: thread 'worker' \(worker\) threw Error: the worker gave up at .*spawned-throws\.ts:\d+:\d+\n$/);
  });

  it('stops at --max-steps with exit code 1', async () => {
    const r = await cli('run', 'spins.ts', '--max-steps', '500');
    expect(r.code).toBe(1);
    expect(r.err).toBe('tsel4: stopped after 500 steps (--max-steps); the program had not finished\n');
    expect(r.out).toMatch(/spins\.ts stopped \(the step limit\) after 500 steps/);
  });

  it('prints userError\'s messages on stderr with --kernel-log; the debug prints stay on stdout, once', async () => {
    const r = await cli('run', 'badcptr.ts', '--kernel-log');
    expect(r.err).toMatch(/^kernel: Invocation of invalid cap #/m);
    expect(r.err).not.toContain('Caught');
    expect(r.out.match(/^Caught /gm)).toHaveLength(1);
  });
});

describe('the npm start command line (main.ts --npm-start ARGS)', () => {
  it('runs a command given first (npm start -- list), else run with the arguments', async () => {
    expect(npmStartArgs(['list'])).toEqual(['list']);
    expect(npmStartArgs(['board', 'pc99'])).toEqual(['board', 'pc99']);
    expect(npmStartArgs(['--help'])).toEqual(['--help']);
    expect(npmStartArgs(['run', 'ipc-tour'])).toEqual(['run', 'ipc-tour']);
    expect(npmStartArgs([])).toEqual(['run']);
    expect(npmStartArgs(['ipc-tour', '--board', 'pc99'])).toEqual(['run', 'ipc-tour', '--board', 'pc99']);
    expect(npmStartArgs(['--seed', '3'])).toEqual(['run', '--seed', '3']);
    expect(await cli('--npm-start', 'list')).toEqual(await cli('list'));
    expect(await cli('--npm-start', '--version')).toEqual(await cli('--version'));
  });
});

describe('tsel4 usage mistakes: one line, exit code 2', () => {
  it('an unknown app', () => mistake(['run', 'pingpnog'], `no app named 'pingpnog' (apps: ${NAMES}; or give a .ts or .js file)`));
  it('a missing file', () => mistake(['run', 'missing.ts'], `no file 'missing.ts' (apps: ${NAMES})`));
  it('a file that is not a program', () => mistake(['run', '../trace-format.ts.txt'], `no file '../trace-format.ts.txt' (apps: ${NAMES})`));
  it('a file of another kind', () => mistake(['run', '../../README.md'], "'../../README.md' is not a program: give a .ts, .mts, .js, .mjs file"));
  it('an async function as the default export', () =>
    mistake(['run', 'async-default.ts'], 'async-default.ts default-exports an async function, not a root task; a root task is a generator function (export default function* main() { ... })'));
  it('no default export', () =>
    mistake(['run', 'no-default.ts'], 'no-default.ts has no default export; a root task is a default-exported generator function (export default function* main() { ... })'));
  it('a number as the default export', () =>
    mistake(['run', 'number-default.js'], 'number-default.js default-exports a number, not a root task; a root task is a generator function (export default function* main() { ... })'));
  it('an unknown board', () => mistake(['run', 'pingpong', '--board', 'pc98'], "unknown board 'pc98' (boards: pc99, qemu-arm-virt, qemu-riscv-virt)"));
  it('an unknown board for board', () => mistake(['board', 'vax'], "unknown board 'vax' (boards: pc99, qemu-arm-virt, qemu-riscv-virt)"));
  it('an unknown option', () =>
    mistake(['run', '--fast'], "unknown option '--fast' for run (options: --board, --fastpath, --trace, --max-steps, --seed, --timeout, --kernel-log, --quiet-kernel, --no-check)"));
  it('an option without its value', () => mistake(['run', '--board'], '--board needs a value (pc99, qemu-arm-virt, qemu-riscv-virt)'));
  it('an option followed by another', () => mistake(['run', '--trace', '--seed', '1'], '--trace needs a value (a file name for the trace JSON)'));
  it('a bad --fastpath', () => mistake(['run', '--fastpath', 'yes'], "--fastpath takes on or off, not 'yes'"));
  it('a bad --max-steps', () => mistake(['run', '--max-steps', '0'], "--max-steps takes a whole number above 0, not '0'"));
  it('a bad --seed', () => mistake(['run', '--seed', '-1'], "--seed takes a whole number from 0 to 4294967295, not '-1'"));
  it('a seed too large', () => mistake(['run', '--seed=4294967296'], "--seed takes a whole number from 0 to 4294967295, not '4294967296'"));
  it('two programs', () => mistake(['run', 'pingpong', 'ipc-tour'], "run takes one app or file, got 'pingpong' and 'ipc-tour'"));
  it('a trace in a missing folder', async () => {
    const r = await cli('run', '--trace', 'nowhere/out.json');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tsel4: --trace nowhere/out.json: the folder ${join(FIX, 'nowhere')} does not exist\n`);
  });
  it('an unknown command', () => mistake(['start'], "unknown command 'start' (commands: run, check, list, init, board, help)"));
  it('an option before the command', () => mistake(['--board', 'pc99'], "unknown option '--board' (options before a command: --help, --version; run options go after 'run')"));
  it('arguments to list', () => mistake(['list', 'apps'], "list takes no arguments, got 'apps'"));
});

describe('tsel4 run: a program that dies does not look like one that finished', () => {
  const stack = Array.from({ length: 16 }, (_, i) => `0x${(i * 8).toString(16)}: INVALID`).join('\n');

  it('a TypeScript root task that reads an unmapped address: seL4\'s message, one line, exit code 3', async () => {
    const r = await cli('run', 'unmapped.ts');
    expect(r.code).toBe(3);
    expect(r.err).toBe("tsel4: thread 'rootserver' (unmapped) stopped by an unhandled fault: vm fault on data at address 0x00000000dead0000 with status 0x0000000000000004\n");
    expect(r.out).toContain(
      'unmapped: reading 0xdead0000\n' +
        'Caught cap fault in send phase at address 0000000000000000\n' +
        'while trying to handle:\n' +
        'vm fault on data at address 0x00000000dead0000 with status 0x0000000000000004\n' +
        'in thread 0xffffff8000347400 "rootserver" at address 0x0000000000400030\n' +
        `With stack:\n${stack}\n\n`,
    );
    expect(r.out).not.toContain('not reached');
  });

  it('a Call on a cptr the root CNode cannot resolve is a cap fault (seL4: handleInvocation), unhandled: exit code 3', async () => {
    const r = await cli('run', 'badcptr.ts');
    expect(r.code).toBe(3);
    expect(r.err).toBe("tsel4: thread 'rootserver' (badcptr) stopped by an unhandled fault: cap fault in send phase at address 0x0000000000010000\n");
    expect(r.out).toContain('Caught cap fault in send phase at address 0000000000000000\nwhile trying to handle:\ncap fault in send phase at address 0x0000000000010000\n');
  });

  it('--quiet-kernel leaves out the kernel\'s print, not the line or the exit code', async () => {
    const r = await cli('run', 'unmapped.ts', '--quiet-kernel');
    expect(r.code).toBe(3);
    expect(r.out).not.toContain('Caught');
    expect(r.err).toMatch(/^tsel4: thread 'rootserver' \(unmapped\) stopped by an unhandled fault: vm fault on data/);
  });

  it('a thread that threw is reported once, as a throw (exit code 1), with the kernel\'s print on stdout', async () => {
    const r = await cli('run', 'throws.ts');
    expect(r.code).toBe(1);
    expect(r.out).toContain('while trying to handle:\nuser exception 0x000000000000000d code 0000000000000000\n');
    expect(r.err.split('\n')).toHaveLength(2);
  });

  it('names --timeout, --quiet-kernel and --no-check among the options; rejects a bad --timeout', async () => {
    expect(HELP).toContain('--timeout S');
    expect(HELP).toContain('--quiet-kernel');
    await mistake(['run', '--timeout', 'soon'], "--timeout takes seconds without kernel progress, 0 for none (default 5), not 'soon'");
    await mistake(['run', '--quiet-kernel=yes'], '--quiet-kernel takes no value');
  });

  it('a word that does not fit: the thread throws, one line naming the function, the argument and the value', async () => {
    const r = await cli('run', 'badbadge.ts', '--quiet-kernel');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tsel4: thread 'rootserver' \(badbadge\) threw RangeError: seL4_CNode_Mint: badge = 18446744073709551616n does not fit a 64-bit word at .*badbadge\.ts:9:\d+\n$/);
  });
});

describe('tsel4 check: type errors, syscalls that are never made, plain yields', () => {
  it('reports each with file:line:col and a code frame; exit code 1; run refuses the file (exit 2) unless --no-check', async () => {
    const r = await cli('check', 'unchecked.ts');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "unchecked.ts:10:3: this syscall is never made: 'L.seL4_Signal(ntfn)' only makes a generator; write 'yield* L.seL4_Signal(ntfn)'\n" +
        '  10 |   L.seL4_Signal(ntfn);\n' +
        '     |   ^\n' +
        "unchecked.ts:11:3: this syscall is never made: 'println('after')' only makes a generator; write 'yield* println('after')'\n" +
        "  11 |   println('after');\n" +
        '     |   ^\n' +
        "unchecked.ts:12:3: a plain 'yield' in a thread stops it with a user exception; a syscall is 'yield*'\n" +
        '  12 |   yield;\n' +
        '     |   ^\n' +
        'tsel4: 3 problems\n',
    );
    const run = await cli('run', 'unchecked.ts');
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err.trimEnd().split('\n').at(-1)).toBe('tsel4: unchecked.ts did not pass tsel4 check (3 problems); not run (--no-check runs it anyway)');
    expect((await cli('run', 'unchecked.ts', '--no-check', '--quiet-kernel')).code).toBe(1);
  });

  it('passes a correct program', async () => {
    expect(await cli('check', 'hello.ts')).toEqual({ code: 0, out: 'tsel4: hello.ts: no problems\n', err: '' });
  });
});
