// A TypeScript consumer of the installed packages: a root task written against libsel4 and
// sel4utils, run on a Machine from @tsel4/syscalls. It also names a type or value of every other
// package, so that `tsc` checks all their declarations under this project's settings.
import { BOARD_NAMES, type BoardName } from '@tsel4/hal';
import type { Kernel } from '@tsel4/kernel';
import * as L from '@tsel4/libsel4';
import type { CProgram } from '@tsel4/libsel4-native';
import type { ObjectSpace } from '@tsel4/object';
import { Allocator, mint, println, spawn } from '@tsel4/sel4utils';
import { Machine, type RunResult } from '@tsel4/syscalls';

type Code = Generator<L.TrapToken, void, unknown>;

function* doubler(ep: number): Code {
  const badge = { value: 0 as L.seL4_Word };
  yield* L.seL4_Recv(ep, badge);
  for (;;) {
    L.seL4_SetMR(0, 2 * L.seL4_GetMR(0));
    yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), badge);
  }
}

function* main(): Code {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  const client = yield* mint(alloc, ep, 3);
  yield* spawn(alloc, doubler, [ep]);
  L.seL4_SetMR(0, 21);
  yield* L.seL4_Call(client, L.seL4_MessageInfo_new(1, 0, 0, 1));
  yield* println(`21 doubled is ${L.seL4_GetMR(0)}`);
  yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
}

const board: BoardName = 'qemu-riscv-virt';
if (!BOARD_NAMES.includes(board)) throw new Error(`no board ${board}`);
const machine = new Machine(main, { board });
const result: RunResult = machine.run({ maxSteps: 100_000 });
const k: Kernel = machine.k;
const space: ObjectSpace = k.space;
const c: typeof CProgram | undefined = undefined;
console.log(`${result.console.trimEnd()} (on ${board}, ${result.reason}, ${result.stats.faults} faults, ${space.wordBits}-bit words${c === undefined ? '' : ''})`);
