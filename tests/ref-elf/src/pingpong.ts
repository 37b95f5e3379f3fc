/*
 * Two RISC-V threads in a Call / ReplyRecv ping-pong (@tsel4/rv64's PINGPONG), started by a
 * TypeScript root task that then blocks: the machine of the rv64-ipc test (and of the bench's
 * rv64.ipc.rt_per_s, which builds the same machine).
 */
import * as L from '@tsel4/libsel4';
import { PINGPONG, PINGPONG_CLIENT, PINGPONG_SERVER } from '@tsel4/rv64';
import { Allocator, createThread, mapFrame } from '@tsel4/sel4utils';
import { Machine, Rv64Code } from '@tsel4/syscalls';

const CODE_VA = 0x2000_0000;
type Gen<T> = Generator<L.TrapToken, T, unknown>;

export function pingpongMachine(roundTrips: number): { machine: Machine; code: Rv64Code } {
  function* root(): Gen<void> {
    const alloc = new Allocator(L.seL4_GetBootInfo());
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const idle = yield* alloc.allocObject(L.seL4_EndpointObject);
    const frame = yield* alloc.allocFrame();
    yield* mapFrame(alloc, frame, CODE_VA);
    yield* L.tsel4_writeBytes(CODE_VA, PINGPONG);
    const server = yield* createThread(alloc, { priority: 200, name: 'server' });
    const client = yield* createThread(alloc, { priority: 200, name: 'client' });
    yield* L.seL4_TCB_WriteRegisters(server.tcb, 1, 0, 32, { pc: CODE_VA + PINGPONG_SERVER, a0: ep });
    yield* L.seL4_TCB_WriteRegisters(client.tcb, 1, 0, 32, { pc: CODE_VA + PINGPONG_CLIENT, a0: ep, a1: roundTrips });
    yield* L.seL4_Recv(idle, null);
  }
  const code = new Rv64Code();
  const machine = new Machine(root, { board: 'qemu-riscv-virt', foreignCode: [code] });
  code.attach(machine);
  return { machine, code };
}
