/*
 * `tsel4 run FILE.elf`: seL4's riscv64 pingpong root task (fixtures/pingpong.elf, built by seL4's
 * build system) runs on the RISC-V CPU, on qemu-riscv-virt by default; another board, or a file
 * that is not a RISC-V executable, is one line and exit code 2.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) }, FIX);
  return { code, out, err };
}

describe('tsel4 run FILE.elf', () => {
  it('runs the ELF to its DebugHalt and prints its output and the summary', async () => {
    for (const argv of [['run', 'pingpong.elf'], ['run', 'pingpong.elf', '--board', 'qemu-riscv-virt']]) {
      const r = await cli(...argv);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain('tsel4: running pingpong.elf (RISC-V ELF, rv64 CPU) on qemu-riscv-virt (riscv64)');
      expect(r.out).toContain('client: call 3 -> reply label=9 len=2 mr0=6 server_saw_badge=0x42\n');
      expect(r.out).toContain('SCENARIO DONE\n');
      expect(r.out).toContain('stopped (seL4_DebugHalt: DebugHalt from rootserver)');
    }
  });

  it('refuses another board and a file that is not a RISC-V executable', async () => {
    expect(await cli('run', 'pingpong.elf', '--board', 'pc99')).toEqual({
      code: 2, out: '', err: "tsel4: a RISC-V ELF runs on the qemu-riscv-virt board, not 'pc99'\n",
    });
    expect(await cli('run', 'garbage.elf')).toEqual({ code: 2, out: '', err: 'tsel4: garbage.elf: not an ELF file\n' });
    expect(await cli('run', 'missing.elf')).toEqual({ code: 2, out: '', err: 'tsel4: cannot read missing.elf\n' });
  });
});
