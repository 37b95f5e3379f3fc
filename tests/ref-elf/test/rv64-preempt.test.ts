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
  const r = m.run({ maxCycles: 200_000 * 50 });
  expect(r.reason).toBe('cycles');
  return { counts: code.threads.map((t) => t.cpu.getX(8)), expiries: r.stats.timesliceExpiries, interrupts: r.stats.interrupts };
}

describe('RISC-V threads are preempted on the timer tick', () => {
  it('two busy loops at one priority both run, by timeslices; the run is deterministic', () => {
    const a = run();
    expect(a.counts.length).toBe(2);
    // 10^7 cycles = 500 ticks of 20 000 cycles (2 ms at 10 MHz); timeslices of 5 ticks: 100 expiries,
    // and each loop (2 instructions an iteration) got about half of the cycles. The root task's
    // setup is kernel work too: its first Retype clears the boot untyped 256 bytes at a time (as
    // seL4's resetUntypedCap does), and ticks that fall due while one kernel entry runs are taken
    // as one interrupt, so a few of the 500 are never counted
    expect(a.interrupts).toBeGreaterThanOrEqual(470);
    expect(a.interrupts).toBeLessThanOrEqual(500);
    // the setup (about a million cycles of clearing) comes off the loops' share: 100 expiries at most
    expect(a.expiries).toBeGreaterThanOrEqual(80);
    expect(a.expiries).toBeLessThanOrEqual(100);
    // each loop had close to half of what the setup left: 2 instructions an iteration
    for (const c of a.counts) expect(c).toBeGreaterThan(1_800_000n);
    const diff = a.counts[0]! - a.counts[1]!;
    expect(diff < 0n ? -diff : diff).toBeLessThanOrEqual((5n * 20_000n) / 2n);
    expect(run()).toEqual(a);
  });
});
