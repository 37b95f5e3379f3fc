/*
 * `tsel4 run FILE.c`: a C root task runs through the native bridge from the command line and is
 * reported like any program; a file that does not build shows the compiler's own message; other
 * mistakes are one line and exit code 2. (In-process, as test/cli.test.ts drives the CLI.)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bridgeStatus } from '@tsel4/libsel4-native';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const status = bridgeStatus();

async function tsel4(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) }, ROOT);
  return { code, out, err };
}

describe.skipIf(!status.ok)(status.ok ? 'tsel4 run FILE.c' : `tsel4 run FILE.c — SKIPPED: ${status.reason}`, () => {
  it('runs a reference scenario unchanged: its console, then the summary', async () => {
    const r = await tsel4('run', 'tests/ref/c/pingpong.c', '--kernel-log');
    expect(r.code).toBe(0);
    const out = r.out.split('\n');
    expect(out[0]).toBe('tsel4: running tests/ref/c/pingpong.c (C, native bridge) on pc99 (x86_64), fastpath on, seed 0');
    expect(out).toContain('client: call 3 -> reply label=9 len=2 mr0=6 server_saw_badge=0x42');
    expect(out).toContain('root: fault addr(cptr)=65536 inRecvPhase=0 lookupFailureType=4 bitsLeft=64 mr5=0 mr6=52');
    expect(out.indexOf('SCENARIO DONE')).toBeGreaterThan(0);
    expect(r.out).toMatch(/fastpath hits: Call/);
    // the kernel's messages go to stderr with --kernel-log
    expect(r.err).toMatch(/^kernel: /m);
  });

  it('shows the compiler\'s message for a file that does not build', async () => {
    const r = await tsel4('run', 'tests/cbridge/test/fixtures/broken.c');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/broken\.c:6:12: error: .undeclared_variable. undeclared/);
    expect(r.err.trimEnd().split('\n').at(-1)).toBe('tsel4: the C program did not build');
  });

  it('names a missing file, a board C cannot run on and a bad flag, in one line each', async () => {
    expect(await tsel4('run', 'nothing.c')).toEqual({ code: 2, out: '', err: 'tsel4: no such C source file: nothing.c\n' });
    expect(await tsel4('run', 'tests/ref/c/pingpong.c', '--board', 'qemu-riscv-virt')).toEqual({
      code: 2,
      out: '',
      err: "tsel4: C programs run on the pc99 board (x86_64, the host's arch), not 'qemu-riscv-virt'\n",
    });
    const steps = await tsel4('run', 'tests/ref/c/pingpong.c', '--max-steps', 'many');
    expect(steps.code).toBe(2);
    expect(steps.err).toBe("tsel4: --max-steps takes a whole number above 0, not 'many'\n");
  });

  describe('a C root task that dies: seL4\'s message on stdout, one line naming the thread, exit code 3', () => {
    const P = '0x[0-9a-f]{16}';
    const stopped = (what: string) => new RegExp(`^tsel4: thread 'rootserver' \\(main\\) stopped by an unhandled fault: ${what}\n$`);
    const cases: [string, string, RegExp][] = [
      ['nullderef.c', 'vm fault on data at address 0000000000000000 with status 0x0000000000000004', stopped('vm fault on data at address 0000000000000000 with status 0x0000000000000004')],
      ['abort.c', 'user exception 0x000000000000000d code 0000000000000000', stopped('user exception 0x000000000000000d code 0000000000000000')],
      ['assert.c', 'user exception 0x000000000000000d code 0000000000000000', stopped('user exception 0x000000000000000d code 0000000000000000')],
      ['divzero.c', 'user exception 0000000000000000 code 0000000000000000', stopped('user exception 0000000000000000 code 0000000000000000')],
      // the stack runs into its guard page: a write fault (status 6: write, user) at a host address
      ['overflow.c', '', stopped(`vm fault on data at address ${P} with status 0x0000000000000006`)],
    ];
    it.each(cases)('%s', async (file, fault, line) => {
      const r = await tsel4('run', `apps/cli/test/fixtures/c/${file}`);
      expect(r.code).toBe(3);
      expect(r.err).toMatch(line);
      const out = r.out.split('\n');
      const at = out.indexOf('Caught cap fault in send phase at address 0000000000000000');
      expect(at).toBeGreaterThan(0);
      expect(out[at + 1]).toBe('while trying to handle:');
      if (fault !== '') expect(out[at + 2]).toBe(fault);
      expect(out[at + 3]).toMatch(new RegExp(`^in thread ${P} "rootserver" at address ${P}$`));
      expect(out[at + 4]).toBe('With stack:');
      // C runs on a host stack that the thread's VSpace does not map
      expect(out.slice(at + 5, at + 21).every((l) => /^0x[0-9a-f]+: INVALID$/.test(l))).toBe(true);
    });

    it('a failed assert() prints musl\'s message first', async () => {
      const r = await tsel4('run', 'apps/cli/test/fixtures/c/assert.c');
      expect(r.out).toMatch(/^Assertion failed: answer == 42 \(.*assert\.c: main: 8\)$/m);
    });
  });

  it('libsel4\'s debug assert in a bitfield constructor stops the thread (a length of 1000)', async () => {
    const r = await tsel4('run', 'apps/cli/test/fixtures/c/badinfo.c', '--quiet-kernel');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^Assertion failed: \(length & ~0x7full\) == 0 \(.*sel4\/shared_types\.h: seL4_MessageInfo_new: \d+\)$/m);
    expect(r.out).not.toContain('not reached');
    expect(r.err).toBe("tsel4: thread 'rootserver' (main) stopped by an unhandled fault: user exception 0x000000000000000d code 0000000000000000\n");
  });

  it('more C threads than the bridge holds: one line, exit code 5, no stack trace', async () => {
    const r = await tsel4('run', 'apps/cli/test/fixtures/c/toomany.c');
    expect(r.code).toBe(5);
    expect(r.err).toBe('tsel4: the native bridge runs at most 1024 C threads at once; the program started one more (a limit of the bridge, not of seL4)\n');
  });
});
