/*
 * seL4's own riscv64 root-task ELFs (fixtures/, built by seL4's build system with the real
 * libsel4, sel4runtime and musl; copies of /work/shared/ref-elf/riscv64) run unchanged on tsel4's
 * RISC-V CPU on the qemu-riscv-virt board and print what they printed on the real seL4 16.0.0
 * kernel under QEMU, byte for byte: slot numbers, the empty-slot range and the untyped count
 * included (the board boots with seL4's memory plan for QEMU virt with 3 GiB). The kernel's
 * invariants are checked after every entry.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { elfMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

describe('the real seL4 riscv64 ELFs print their real-kernel output', () => {
  for (const name of ['pingpong', 'ipc_misc']) {
    it(name, () => {
      const kernelLog: string[] = [];
      const { machine, code } = elfMachine(new Uint8Array(readFileSync(join(FIXTURES, `${name}.elf`))), {
        checkInvariants: true,
        onKernelLog: (l) => kernelLog.push(l),
      });
      const result = machine.run({ maxSteps: 200_000 });
      expect(result.reason).toBe('halted');
      expect(result.haltReason).toContain('DebugHalt');
      const want = readFileSync(join(FIXTURES, `${name}.expected.txt`), 'utf8');
      expect(result.console.split('\n')).toEqual(want.split('\n'));
      // The run really went through the CPU: hundreds of thousands of instructions, fastpath hits.
      expect(code.retired).toBeGreaterThan(100_000);
      expect(machine.fastpathHits).toBeGreaterThan(0);
      expect(kernelLog.at(-1)).toContain('Debug halt syscall from user thread');
    });
  }
});
