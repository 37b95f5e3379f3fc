/*
 * Test harness: a machine whose root task sets the personality up (with the board's cycle
 * counter as its clock), runs `main` as pid 0, and halts.
 */
import * as L from '@tsel4/libsel4';
import { Allocator } from '@tsel4/sel4utils';
import { Machine, type RunResult } from '@tsel4/syscalls';
import { type Code, PosixSystem, type Proc } from '@tsel4/posix';

export interface Run {
  readonly result: RunResult;
  readonly machine: Machine;
}

export function runPosix(main: (sys: PosixSystem, init: Proc) => Code<void>, opts: { checkInvariants?: boolean; maxSteps?: number } = {}): Run {
  let m: Machine | null = null;
  const root = function* () {
    const sys = yield* PosixSystem.create(new Allocator(L.seL4_GetBootInfo()), { clock: () => m!.board.cpu.cycles });
    yield* main(sys, sys.init);
    yield* L.seL4_DebugHalt();
  };
  m = new Machine(root as L.ThreadFunction, { checkInvariants: opts.checkInvariants ?? true });
  const result = m.run({ maxSteps: opts.maxSteps ?? 2_000_000 });
  return { result, machine: m };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
