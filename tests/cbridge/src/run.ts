/*
 * Running C programs on pc99 machines through the native bridge, for the tests.
 */
import { CProgram } from '@tsel4/libsel4-native';
import { Machine, type MachineOptions, type RunOptions, type RunResult } from '@tsel4/syscalls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The test programs' directory. */
export const C_DIR = join(dirname(fileURLToPath(import.meta.url)), '../c');

/** What a C run gives back: the machine's result and the kernel's debug messages. */
export interface CRun {
  readonly result: RunResult;
  readonly kernelLog: readonly string[];
}

/** Build the test program `name` (c/NAME.c) into a root task, run it, and unload it. */
export function runC(name: string, opts: MachineOptions & RunOptions = {}): CRun {
  const prog = CProgram.build([join(C_DIR, `${name}.c`)]);
  const kernelLog: string[] = [];
  try {
    const m = new Machine(prog.rootEntry(), { onKernelLog: (l) => kernelLog.push(l), ...opts, ...prog.machineOptions() });
    return { result: m.run(opts), kernelLog };
  } finally {
    prog.dispose();
  }
}
