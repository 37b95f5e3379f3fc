/*
 * What a debug seL4 16.0.0 prints on its console (kernel debugprint.ts): handleDoubleFault's
 * message with Arch_userStackTrace's words, debug_dumpScheduler's table, the debug halt line.
 * Pointers print as seL4's musl-style printf prints `%p` (16 hex digits, "0x" unless zero) and
 * thread pointers are tcb_t addresses in the kernel window (PPTR_BASE + object + TCB_OFFSET).
 */
import type { BoardName } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame } from '@tsel4/sel4utils';
import { Machine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

type Gen = Generator<L.TrapToken, void, unknown>;

const PPTR_BASE: Record<BoardName, bigint> = {
  pc99: 0xffffff8000000000n,
  'qemu-arm-virt': 0xffffff8000000000n,
  'qemu-riscv-virt': 0xffffffc000000000n,
};

function run(root: () => Gen, board: BoardName = 'pc99', made?: (m: Machine) => void): { m: Machine; printed: string[]; stopped: string[] } {
  const printed: string[] = [];
  const stopped: string[] = [];
  const m = new Machine(root as L.ThreadFunction, {
    board,
    checkInvariants: true,
    onKernelPrint: (l) => printed.push(l),
    onUnhandledFault: (t) => stopped.push(t.name),
  });
  made?.(m);
  m.run({ maxSteps: 10_000 });
  return { m, printed, stopped };
}

/** `%p` of a 64-bit value, computed independently of the kernel's formatter. */
function p(v: bigint): string {
  return v === 0n ? '0'.repeat(16) : '0x' + v.toString(16).padStart(16, '0');
}

function tcbPtr(m: Machine, tcbAddr: number): string {
  return p(PPTR_BASE[m.board.name as BoardName] + BigInt(tcbAddr) + BigInt(2 ** (m.board.arch.objects.tcbBits - 1)));
}

describe('the double-fault message (seL4: handleDoubleFault, print_fault, Arch_userStackTrace)', () => {
  it('a root task that reads an unmapped address: the VM fault, the missing handler, the thread, the stack', () => {
    const { m, printed, stopped } = run(function* () {
      yield* L.tsel4_read64(0xdead0000);
    });
    const rip = m.k.rootTcb!.ctx.get(m.board.arch.faultIP);
    expect(printed).toEqual([
      'Caught cap fault in send phase at address 0000000000000000',
      'while trying to handle:',
      'vm fault on data at address 0x00000000dead0000 with status 0x0000000000000004',
      `in thread ${tcbPtr(m, m.k.rootTcb!.addr)} "rootserver" at address ${p(BigInt(rip))}`,
      'With stack:',
      // the root task's stack pointer is 0 (a TypeScript root task never sets one), unmapped
      ...Array.from({ length: 16 }, (_, i) => `0x${(i * 8).toString(16)}: INVALID`),
    ]);
    expect(stopped).toEqual(['rootserver']);
  });

  it('the stack words are read through the thread\'s VSpace; unmapped ones are INVALID', () => {
    const { m, printed } = run(function* () {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      const frame = yield* alloc.allocFrame();
      yield* mapFrame(alloc, frame, 0x1000_0000);
      yield* L.tsel4_write64(0x1000_0ff0, 0x1111);
      yield* L.tsel4_write64(0x1000_0ff8, 0xdeadbeefcafen);
      const t = yield* createThread(alloc, { name: 'stacky' });
      const crash = function* (): Gen {
        yield* L.tsel4_read64(8);
      };
      yield* L.seL4_TCB_WriteRegisters(t.tcb, 1, 0, 2, { rip: L.tsel4_functionAddress(crash), rsp: 0x1000_0ff0 });
      yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
    });
    const lines = printed.slice(printed.indexOf('With stack:') + 1);
    expect(lines.slice(0, 3)).toEqual(['0x10000ff0: 0x1111', '0x10000ff8: 0xdeadbeefcafe', '0x10001000: INVALID']);
    expect(lines).toHaveLength(16);
    expect(printed[2]).toBe('vm fault on data at address 0x0000000000000008 with status 0x0000000000000004');
    expect(printed[3]).toMatch(/^in thread 0xffffff80[0-9a-f]{8} "stacky" at address 0x[0-9a-f]{16}$/);
    expect(m.stats().doubleFaults).toBe(1);
  });

  it('an unaligned stack pointer stops the trace with the arch\'s line', () => {
    const { printed } = run(function* () {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      const t = yield* createThread(alloc, { name: 'odd' });
      const crash = function* (): Gen {
        yield* L.tsel4_read64(8);
      };
      yield* L.seL4_TCB_WriteRegisters(t.tcb, 1, 0, 2, { rip: L.tsel4_functionAddress(crash), rsp: 0x1000_0ff3 });
      yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
    });
    expect(printed.slice(-2)).toEqual(['With stack:', 'RSP not aligned']);
  });

  for (const board of ['qemu-arm-virt', 'qemu-riscv-virt'] as const) {
    it(`${board}: the thread pointer is in that arch's kernel window`, () => {
      const { m, printed } = run(function* () {
        yield* L.tsel4_read64(0xdead0000);
      }, board);
      expect(printed[0]).toBe('Caught cap fault in send phase at address 0000000000000000');
      expect(printed[2]).toMatch(/^vm fault on data at address 0x00000000dead0000 with status 0x[0-9a-f]{16}$/);
      expect(printed[3]).toMatch(new RegExp(`^in thread ${tcbPtr(m, m.k.rootTcb!.addr)} "rootserver" at address 0x[0-9a-f]{16}$`));
    });
  }
});

describe('the other debug prints', () => {
  it('seL4_DebugDumpScheduler: the header, then the debug TCB list (newest first, idle, root task)', () => {
    const { printed } = run(function* () {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      yield* createThread(alloc, { name: 'worker' });
      yield* L.seL4_DebugDumpScheduler();
    });
    expect(printed.slice(0, 3)).toEqual([
      'Dumping all tcbs!',
      'Name                                    \tState          \tIP                  \t Prio \t Core',
      '--------------------------------------------------------------------------------------',
    ]);
    expect(printed.slice(3, 6)).toEqual([
      `${'worker'.padStart(40)}\t${'inactive'.padStart(15)}\t${'0'.repeat(16)}\t${'254'.padStart(20)}\t0`,
      `${'idle_thread'.padStart(40)}\t${'idle'.padStart(15)}\t${'0'.repeat(16)}\t${'0'.padStart(20)}\t0`,
      expect.stringMatching(new RegExp(`^ {30}rootserver\\t {8}running\\t0x[0-9a-f]{16}\\t {17}255\\t0$`)),
    ]);
  });

  it('an interrupt whose handler has no notification: "Undelivered IRQ: n" (seL4: handleInterrupt)', () => {
    let machine: Machine | null = null;
    const { printed } = run(function* () {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      const slot = alloc.allocSlot();
      const e = yield* L.seL4_IRQControl_Get(L.seL4_CapIRQControl, 40, L.seL4_CapInitThreadCNode, slot, 64);
      if (e !== 0) throw new Error(`IRQControl_Get: ${L.seL4_ErrorName(e)}`);
      machine!.board.irq.raise(40);
      yield* L.seL4_Yield();
      yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
    }, 'qemu-arm-virt', (m) => (machine = m));
    expect(printed).toEqual(['Undelivered IRQ: 40']);
  });

  it('seL4_DebugHalt: "Debug halt syscall from user thread %p "%s"" and the machine stops', () => {
    let addr = 0;
    const { m, printed } = run(function* () {
      yield* L.seL4_DebugHalt();
    });
    addr = m.k.rootTcb!.addr;
    expect(printed).toEqual([`Debug halt syscall from user thread ${tcbPtr(m, addr)} "rootserver"`]);
  });
});
