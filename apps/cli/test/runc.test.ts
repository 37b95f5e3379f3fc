/*
 * `tsel4 run FILE.c`: a C root task runs through the native bridge from the command line; bad
 * input gives one clear line (or the compiler's own message) and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bridgeStatus } from '@tsel4/libsel4-native';
import { describe, expect, it, vi } from 'vitest';
import { runCFiles } from '../src/runc.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'apps/cli/bin/tsel4.mjs');
const status = bridgeStatus();

function tsel4(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });
}

/** `tsel4 run ARGS` in this process: its exit code and what it wrote to stderr. */
function runInProcess(...args: string[]): { status: number; stderr: string } {
  let stderr = '';
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    stderr += `${a.join(' ')}\n`;
  });
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const status = runCFiles(args.map((a) => (a.endsWith('.c') && !a.startsWith('/') && a !== 'nothing.c' ? join(ROOT, a) : a)));
    return { status, stderr };
  } finally {
    err.mockRestore();
    write.mockRestore();
  }
}

describe.skipIf(!status.ok)(status.ok ? 'tsel4 run FILE.c' : `tsel4 run FILE.c — SKIPPED: ${status.reason}`, () => {
  it('runs a reference scenario unchanged and prints what the program printed', () => {
    const r = tsel4('run', 'tests/ref/c/pingpong.c');
    expect(r.status).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toContain('client: call 3 -> reply label=9 len=2 mr0=6 server_saw_badge=0x42');
    expect(out).toContain('root: fault addr(cptr)=65536 inRecvPhase=0 lookupFailureType=4 bitsLeft=64 mr5=0 mr6=52');
    expect(out.at(-2)).toBe('SCENARIO DONE');
    // kernel debug messages are on stderr, not mixed into the program's output
    expect(r.stderr).toMatch(/^kernel: /m);
    expect(r.stdout).not.toMatch(/kernel: /);
  });

  it('shows the compiler\'s message for a file that does not build', () => {
    const r = runInProcess('tests/cbridge/test/fixtures/broken.c');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.c:6:12: error: .undeclared_variable. undeclared/);
    expect(r.stderr).toContain('tsel4: the C program did not build');
  });

  it('names a missing file, a board C cannot run on and a bad flag, in one line each', () => {
    expect(runInProcess('nothing.c').stderr).toBe('tsel4: no such C source file: nothing.c\n');
    const board = runInProcess('tests/ref/c/pingpong.c', '--board', 'qemu-riscv-virt');
    expect(board.status).toBe(2);
    expect(board.stderr.split('\n')[0]).toBe("tsel4: C programs run on the pc99 board (x86_64, the host's arch), not 'qemu-riscv-virt'");
    const steps = runInProcess('tests/ref/c/pingpong.c', '--max-steps', 'many');
    expect(steps.status).toBe(2);
    expect(steps.stderr.split('\n')[0]).toBe("tsel4: --max-steps takes a positive integer, not 'many'");
  });
});
