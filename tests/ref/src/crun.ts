/*
 * Running a C root task on a pc99 machine through the native bridge, for the tests.
 */
import { CProgram } from '@tsel4/libsel4-native';
import { Machine, type MachineOptions, type RunOptions, type RunResult } from '@tsel4/syscalls';

/** What a C run gives back: the machine's result and the kernel's debug messages. */
export interface CRun {
  readonly result: RunResult;
  readonly kernelLog: readonly string[];
}

/** Build `sources` into a root task, run it to the end (or a limit), and unload it. */
export function runC(sources: readonly string[], opts: MachineOptions & RunOptions = {}): CRun {
  const prog = CProgram.build(sources);
  const kernelLog: string[] = [];
  try {
    const m = new Machine(prog.rootEntry(), { onKernelLog: (l) => kernelLog.push(l), ...opts, ...prog.machineOptions() });
    return { result: m.run(opts), kernelLog };
  } finally {
    prog.dispose();
  }
}
