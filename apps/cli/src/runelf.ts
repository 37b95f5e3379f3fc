/*
 * `tsel4 run prog.elf [--board qemu-riscv-virt]`: run a RISC-V root-task ELF built for seL4 on
 * riscv64 (seL4's build system, sel4runtime, musl) unchanged, on tsel4's RISC-V CPU: the image
 * placed as seL4's boot places it, every thread it starts on the CPU too. Reports as for any other
 * program: the console, then the summary table. Exit codes as for `run`; a file that is not a
 * RISC-V executable, or another board, is exit code 2 with the reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ElfError } from '@tsel4/rv64';
import { ElfBootError, elfMachine, toChromeTrace, Tracer } from '@tsel4/syscalls';
import { type RunOptions, UsageError } from './args.js';
import type { Output } from './run.js';
import { runSummary } from './summary.js';

/** The ELF file among the arguments of `run`, if any. */
export function elfFile(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-') && a.endsWith('.elf'));
}

/** Run a RISC-V ELF as the root task; returns the exit code. `boardGiven`: --board was on the command line. */
export function runElfFile(file: string, opts: RunOptions, boardGiven: boolean, io: Output, cwd: string): number {
  const board = boardGiven ? opts.board : 'qemu-riscv-virt';
  if (board !== 'qemu-riscv-virt') throw new UsageError(`a RISC-V ELF runs on the qemu-riscv-virt board, not '${board}'`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(resolve(cwd, file)));
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  const tracer = opts.trace !== undefined ? new Tracer() : undefined;
  let machine;
  try {
    machine = elfMachine(bytes, {
      board,
      fastpath: opts.fastpath,
      seed: opts.seed,
      onConsoleLine: (line) => io.out(line + '\n'),
      ...(opts.kernelLog ? { onKernelLog: (line: string) => io.err(`kernel: ${line}\n`) } : {}),
      ...(tracer !== undefined ? { tracer } : {}),
    }).machine;
  } catch (e) {
    if (e instanceof ElfError || e instanceof ElfBootError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
  io.out(`tsel4: running ${file} (RISC-V ELF, rv64 CPU) on ${board} (riscv64), fastpath ${opts.fastpath ? 'on' : 'off'}, seed ${opts.seed}\n`);
  const result = machine.run({ maxSteps: opts.maxSteps });
  const tail = machine.board.console.getState().line;
  if (tail !== '') io.out(tail + '\n');
  let code = 0;
  if (result.reason === 'steps') {
    io.err(`tsel4: stopped after ${opts.maxSteps} steps (--max-steps); the program had not finished\n`);
    code = 1;
  }
  io.out('\n' + runSummary(file, machine, result) + '\n');
  if (tracer !== undefined && opts.trace !== undefined) {
    const trace = toChromeTrace(tracer);
    writeFileSync(opts.trace, JSON.stringify(trace) + '\n');
    io.out(`tsel4: wrote ${trace.traceEvents.length} trace events to ${opts.trace} (open it in ui.perfetto.dev)\n`);
  }
  return code;
}
