/*
 * Every RISC-V thread's translation cache sees a remap, whichever thread runs first after it: A
 * (priority 253) reads a word through its VSpace and sends it; the root task replaces the frame at
 * that address; B (254, same VSpace) runs first and sends; then A's next read must come from the
 * new frame.
 *
 *   A (0x00): c.mv s1,a0; loop: c.lw a2,0(a3); c.mv a0,s1; c.li a1,1; c.li a7,-3; ecall; c.j loop
 *   B (0x10): c.mv s1,a0; c.mv s2,a1; loop: c.mv a0,s2; c.li a7,-5; ecall; c.mv a0,s1; c.li a1,1;
 *             li a2,55; c.li a7,-3; ecall; c.j loop
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame, unmapFrame } from '@tsel4/sel4utils';
import { Machine, Rv64Code } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

const CODE = new Uint8Array([
  170, 132, 144, 66, 38, 133, 133, 69, 245, 88, 115, 0, 0, 0, 213, 191, 170, 132, 46, 137, 74, 133, 237, 88, 115, 0, 0,
  0, 38, 133, 133, 69, 19, 6, 112, 3, 245, 88, 115, 0, 0, 0, 237, 183,
]);
const CODE_VA = 0x2000_0000;
const DATA_VA = 0x3000_0000;
type Gen<T> = Generator<L.TrapToken, T, unknown>;

describe('RISC-V translation caches after a remap', () => {
  it('a thread that did not run first after the remap still reads the new frame', () => {
    const got: number[] = [];
    function* root(): Gen<void> {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
      const ep2 = yield* alloc.allocObject(L.seL4_EndpointObject);
      const code = yield* alloc.allocFrame();
      yield* mapFrame(alloc, code, CODE_VA);
      yield* L.tsel4_writeBytes(CODE_VA, CODE);
      const f1 = yield* alloc.allocFrame();
      yield* mapFrame(alloc, f1, DATA_VA);
      yield* L.tsel4_write32(DATA_VA, 1);
      const a = yield* createThread(alloc, { priority: 253 });
      const b = yield* createThread(alloc, { priority: 254 });
      yield* L.seL4_TCB_WriteRegisters(b.tcb, 1, 0, 32, { pc: CODE_VA + 0x10, a0: ep, a1: ep2 });
      yield* L.seL4_TCB_WriteRegisters(a.tcb, 1, 0, 32, { pc: CODE_VA, a0: ep, a3: DATA_VA });
      yield* L.seL4_Recv(ep, null); // A: the word in f1
      got.push(L.seL4_GetMR(0));
      yield* unmapFrame(f1);
      const f2 = yield* alloc.allocFrame();
      yield* mapFrame(alloc, f2, DATA_VA);
      yield* L.tsel4_write32(DATA_VA, 2);
      yield* L.seL4_Send(ep2, L.seL4_MessageInfo_new(0, 0, 0, 0)); // wake B
      yield* L.seL4_Recv(ep, null); // B runs first: 55
      got.push(L.seL4_GetMR(0));
      yield* L.seL4_Recv(ep, null); // A again: the word in f2
      got.push(L.seL4_GetMR(0));
      yield* L.seL4_DebugHalt();
    }
    const code = new Rv64Code();
    const m = new Machine(root, { board: 'qemu-riscv-virt', foreignCode: [code], checkInvariants: true });
    code.attach(m);
    expect(m.run({ maxSteps: 10_000 }).reason).toBe('halted');
    expect(got).toEqual([1, 55, 2]);
  });
});
