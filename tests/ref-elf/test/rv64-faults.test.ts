/*
 * A RISC-V thread and a TypeScript root task on one machine (qemu-riscv-virt), talking through an
 * endpoint that is also the RISC-V thread's fault endpoint. The thread's store to a page mapped
 * read-only is a VMFault with seL4's riscv64 message (IP, Addr, PrefetchFault 0, FSR 7); the
 * handler maps a writable frame there and replies, the store is restarted and completes into the
 * new frame; the thread then sends what it loaded back (ecall with seL4's riscv64 syscall ABI) and
 * runs into c.unimp, a UserException (FaultIP, SP, Number 2 = illegal instruction, Code 0).
 *
 * The thread's code (GNU as output, at 0x20000000):
 *   0x00 li t0,42      0x04 sw t0,0(a0)    0x08 c.lw a2,0(a0)   0x0a c.lui a1,1
 *   0x0c c.addiw a1,1  0x0e c.mv a0,a3     0x10 c.li a7,-3      0x12 ecall (seL4_Send)
 *   0x16 c.unimp
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame, unmapFrame } from '@tsel4/sel4utils';
import { Machine, Rv64Code } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

const CODE = new Uint8Array([147, 2, 160, 2, 35, 32, 85, 0, 16, 65, 133, 101, 133, 37, 54, 133, 245, 88, 115, 0, 0, 0, 0, 0]);
const CODE_VA = 0x2000_0000;
const DATA_VA = 0x3000_0000;

type Gen<T> = Generator<L.TrapToken, T, unknown>;

describe('a RISC-V thread beside a TypeScript root task', () => {
  it('VM fault on a read-only page, handler maps a frame and replies, the store completes; then a user exception', () => {
    const seen: Record<string, unknown> = {};
    function* root(): Gen<void> {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
      const codeFrame = yield* alloc.allocFrame();
      yield* mapFrame(alloc, codeFrame, CODE_VA);
      yield* L.tsel4_writeBytes(CODE_VA, CODE);
      const roFrame = yield* alloc.allocFrame();
      yield* mapFrame(alloc, roFrame, DATA_VA, { rights: L.seL4_CanRead as number });
      const t = yield* createThread(alloc, { faultEp: ep, priority: 254, name: 'rv' });
      const e = yield* L.seL4_TCB_WriteRegisters(t.tcb, 1, 0, 32, { pc: CODE_VA, a0: DATA_VA, a3: ep });
      expect(e).toBe(0);
      const badge = { value: 0 as L.seL4_Word };
      // 1. the store to the read-only page
      let info = yield* L.seL4_Recv(ep, badge);
      seen.fault = [L.seL4_MessageInfo_get_label(info), L.seL4_MessageInfo_get_length(info), ...[0, 1, 2, 3].map((i) => L.seL4_GetMR(i))];
      yield* unmapFrame(roFrame);
      const rwFrame = yield* alloc.allocFrame();
      yield* mapFrame(alloc, rwFrame, DATA_VA);
      yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
      // 2. the thread's Send of what it loaded back
      info = yield* L.seL4_Recv(ep, badge);
      seen.send = [L.seL4_MessageInfo_get_label(info), L.seL4_MessageInfo_get_length(info), L.seL4_GetMR(0)];
      seen.stored = yield* L.tsel4_read32(DATA_VA);
      // 3. c.unimp
      info = yield* L.seL4_Recv(ep, badge);
      seen.exception = [L.seL4_MessageInfo_get_label(info), L.seL4_MessageInfo_get_length(info), ...[0, 1, 2, 3].map((i) => L.seL4_GetMR(i))];
      yield* L.seL4_DebugHalt();
    }
    const code = new Rv64Code();
    const m = new Machine(root, { board: 'qemu-riscv-virt', foreignCode: [code], checkInvariants: true });
    code.attach(m);
    const r = m.run({ maxSteps: 10_000 });
    expect(r.reason).toBe('halted');
    // seL4_Fault_VMFault (5): IP, Addr, PrefetchFault, FSR (7: a store)
    expect(seen.fault).toEqual([L.seL4_Fault_VMFault, 4, CODE_VA + 4, DATA_VA, 0, 7]);
    expect(seen.send).toEqual([1, 1, 42]);
    expect(seen.stored).toBe(42);
    // seL4_Fault_UserException (3): FaultIP, SP (0: never set), Number 2 (illegal instruction), Code 0
    expect(seen.exception).toEqual([L.seL4_Fault_UserException, 4, CODE_VA + 0x16, 0, 2, 0]);
    expect(code.retired).toBe(7); // li, sw (after the restart), lw, lui, addiw, mv, li: the faulting sw and the ecall do not retire
  });
});
