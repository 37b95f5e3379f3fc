/*
 * Deterministic preemption of RISC-V threads: two threads at one priority that never make a
 * syscall (`loop: c.addi s0,1; c.j loop`) share the CPU by timeslices as seL4's round robin gives
 * them, because the hart stops at the board's timer tick (one retired instruction is one cycle)
 * and the kernel takes the interrupt; and the same run twice gives the same counts.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame } from '@tsel4/sel4utils';
import { Machine, Rv64Code } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';

const LOOP = new Uint8Array([5, 4, 253, 191]);
const CODE_VA = 0x2000_0000;
type Gen<T> = Generator<L.TrapToken, T, unknown>;

function run(): { counts: bigint[]; expiries: number; interrupts: number } {
  function* root(): Gen<void> {
    const alloc = new Allocator(L.seL4_GetBootInfo());
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const frame = yield* alloc.allocFrame();
    yield* mapFrame(alloc, frame, CODE_VA);
    yield* L.tsel4_writeBytes(CODE_VA, LOOP);
    for (let i = 0; i < 2; i++) {
      const t = yield* createThread(alloc, { priority: 200 });
      yield* L.seL4_TCB_WriteRegisters(t.tcb, 1, 0, 32, { pc: CODE_VA });
    }
    // block for ever: from here on only the two loops run
    yield* L.seL4_Recv(ep, null);
  }
  const code = new Rv64Code();
  const m = new Machine(root, { board: 'qemu-riscv-virt', foreignCode: [code] });
  code.attach(m);
  // the setup, one kernel entry at a time, until the root task waits on its endpoint; from then on
  // only the two loops run, and the measured window is 10^7 cycles of them alone
  const rootTcb = m.k.rootTcb!;
  let before = m.run({ maxSteps: 1 });
  while (!rootTcb.isStopped) before = m.run({ maxSteps: 1 });
  const r = m.run({ maxCycles: m.board.cpu.cycles + 200_000 * 50 });
  expect(r.reason).toBe('cycles');
  return {
    counts: code.threads.map((t) => t.cpu.getX(8)),
    expiries: r.stats.timesliceExpiries - before.stats.timesliceExpiries,
    interrupts: r.stats.interrupts - before.stats.interrupts,
  };
}

describe('RISC-V threads are preempted on the timer tick', () => {
  it('two busy loops at one priority both run, by timeslices; the run is deterministic', () => {
    const a = run();
    expect(a.counts.length).toBe(2);
    // 10^7 cycles = 500 ticks of 20 000 cycles (2 ms at 10 MHz), wherever the window starts (one
    // more when a tick fell due in the setup's last kernel entry and is taken in the window);
    // timeslices of 5 ticks: 100 expiries (99 when the window starts inside one), and each loop
    // (2 instructions an iteration) got about half of the cycles
    expect(a.interrupts).toBeGreaterThanOrEqual(500);
    expect(a.interrupts).toBeLessThanOrEqual(501);
    expect(a.expiries).toBeGreaterThanOrEqual(99);
    for (const c of a.counts) expect(c).toBeGreaterThan(2_000_000n);
    const diff = a.counts[0]! - a.counts[1]!;
    expect(diff < 0n ? -diff : diff).toBeLessThanOrEqual((5n * 20_000n) / 2n);
    expect(run()).toEqual(a);
  });
});
