/*
 * One thread, two kinds of code: a thread running RISC-V code (`c.li a7,-3; ecall; c.j .`, a
 * seL4_Send of its a2) is moved by TCB_WriteRegisters to a TypeScript function, which then runs
 * on the same registers through the TypeScript runtime; both messages reach the root task.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame } from '@tsel4/sel4utils';
import { Machine, Rv64Code } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

const CODE = new Uint8Array([0xf5, 0x58, 0x73, 0x00, 0x00, 0x00, 0x01, 0xa0]);
const CODE_VA = 0x2000_0000;
type Gen<T> = Generator<L.TrapToken, T, unknown>;

function* tsCode(ep: number): Gen<void> {
  L.seL4_SetMR(0, 99);
  yield* L.seL4_Send(ep, L.seL4_MessageInfo_new(2, 0, 0, 1));
  for (;;) yield* L.seL4_Yield();
}

describe('a thread moved from RISC-V code to TypeScript code', () => {
  it('runs each on the same registers', () => {
    const got: number[][] = [];
    function* root(): Gen<void> {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
      const frame = yield* alloc.allocFrame();
      yield* mapFrame(alloc, frame, CODE_VA);
      yield* L.tsel4_writeBytes(CODE_VA, CODE);
      const t = yield* createThread(alloc, { priority: 254 });
      const info1 = L.seL4_MessageInfo_new(1, 0, 0, 1);
      yield* L.seL4_TCB_WriteRegisters(t.tcb, 1, 0, 32, { pc: CODE_VA, a0: ep, a1: Number(info1), a2: 7 });
      let info = yield* L.seL4_Recv(ep, null);
      got.push([L.seL4_MessageInfo_get_label(info), L.seL4_GetMR(0)]);
      yield* L.seL4_TCB_WriteRegisters(t.tcb, 1, 0, 32, { pc: L.tsel4_functionAddress(tsCode), a0: ep });
      info = yield* L.seL4_Recv(ep, null);
      got.push([L.seL4_MessageInfo_get_label(info), L.seL4_GetMR(0)]);
      yield* L.seL4_DebugHalt();
    }
    const code = new Rv64Code();
    const m = new Machine(root, { board: 'qemu-riscv-virt', foreignCode: [code], checkInvariants: true });
    code.attach(m);
    expect(m.run({ maxSteps: 10_000 }).reason).toBe('halted');
    expect(got).toEqual([
      [1, 7],
      [2, 99],
    ]);
    expect(code.threads.length).toBe(1);
  });
});
