/*
 * RISC-V CPU figures (issue 14): `rv64.mips`, millions of RV64 instructions retired per second on
 * a CPU-bound user loop (bitwise CRC-32 over 64 KiB, @tsel4/rv64's CRC32_LOOP: loads, ALU ops,
 * branches, a third of them compressed), run in budgets of 100 000 instructions as a kernel would
 * preempt it. Beside it the same loop with the decode cache off.
 *
 * `rv64.ipc.rt_per_s`: Call + ReplyRecv round trips per second between two RISC-V threads
 * (@tsel4/rv64's PINGPONG, one-word messages) on the qemu-riscv-virt machine: each round trip is
 * two ecalls through the kernel entry and its fastpath, with the registers moved between the
 * thread contexts and the harts. Measured as the difference of a long and a short run, so the
 * boot and the root task's setup cancel out.
 *
 * Anchors: published speeds of other JS/wasm emulators' interpreters, approximate and measured on
 * other machines: jor1k (JS, OpenRISC and RISC-V) ~30-40 MIPS in Chrome/Firefox as its users
 * reported in 2013; the issue's first aim for tsel4 is 50 MIPS.
 */
import * as L from '@tsel4/libsel4';
import { Cause, CRC32_LOOP, crc32LoopInstructions, FlatMemory, halfwordsToBytes, PINGPONG, PINGPONG_CLIENT, PINGPONG_SERVER, Rv64Cpu } from '@tsel4/rv64';
import { Allocator, createThread, mapFrame } from '@tsel4/sel4utils';
import { Machine, Rv64Code } from '@tsel4/syscalls';
import { type Figure, median } from '../figure.js';

const BYTES = 64 * 1024;
const BUDGET = 100_000;

function setup(decodeCache: boolean): () => number {
  const mem = new FlatMemory();
  mem.map(0x1000, 0x1000, 'rx');
  mem.map(0x100000, BYTES, 'rw');
  mem.write(0x1000, halfwordsToBytes(CRC32_LOOP));
  const data = new Uint8Array(BYTES);
  for (let i = 0; i < BYTES; i++) data[i] = (i * 131 + 7) & 255;
  mem.write(0x100000, data);
  const cpu = new Rv64Cpu(mem, { decodeCache });
  // One pass over the buffer; returns seconds.
  return () => {
    cpu.pc = 0x1000;
    cpu.setX(10, 0x100000);
    cpu.setX(11, BYTES);
    cpu.setX(12, 0xffffffffn);
    cpu.setX(5, 0xedb88320n);
    const before = cpu.instret;
    const t0 = process.hrtime.bigint();
    let r: number;
    do r = cpu.run(BUDGET);
    while (r === -1);
    const t1 = process.hrtime.bigint();
    if (r !== Cause.Breakpoint) throw new Error(`rv64.mips: the loop stopped with cause ${r}`);
    if (cpu.instret - before !== crc32LoopInstructions(BYTES)) throw new Error('rv64.mips: wrong instruction count');
    return Number(t1 - t0) / 1e9;
  };
}

function mips(decodeCache: boolean, runs: number): number {
  const pass = setup(decodeCache);
  for (let i = 0; i < 3; i++) pass(); // warm-up: let the loop reach its optimized code
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(crc32LoopInstructions(BYTES) / pass() / 1e6);
  return median(samples);
}

type Gen<T> = Generator<L.TrapToken, T, unknown>;
const CODE_VA = 0x2000_0000;

/** Seconds for a machine whose two RISC-V threads make `n` round trips; checks the fastpath took them. */
function pingpongSeconds(n: number): number {
  function* root(): Gen<void> {
    const alloc = new Allocator(L.seL4_GetBootInfo());
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const idle = yield* alloc.allocObject(L.seL4_EndpointObject);
    const frame = yield* alloc.allocFrame();
    yield* mapFrame(alloc, frame, CODE_VA);
    yield* L.tsel4_writeBytes(CODE_VA, PINGPONG);
    const server = yield* createThread(alloc, { priority: 200 });
    const client = yield* createThread(alloc, { priority: 200 });
    yield* L.seL4_TCB_WriteRegisters(server.tcb, 1, 0, 32, { pc: CODE_VA + PINGPONG_SERVER, a0: ep });
    yield* L.seL4_TCB_WriteRegisters(client.tcb, 1, 0, 32, { pc: CODE_VA + PINGPONG_CLIENT, a0: ep, a1: n });
    yield* L.seL4_Recv(idle, null);
  }
  const code = new Rv64Code();
  const m = new Machine(root, { board: 'qemu-riscv-virt', foreignCode: [code] });
  code.attach(m);
  const t0 = process.hrtime.bigint();
  const r = m.run();
  const t1 = process.hrtime.bigint();
  if (r.reason !== 'idle' || r.stats.fastpath.replyRecv.hits !== n) throw new Error(`rv64.ipc.rt_per_s: the ping-pong did not take the fastpath (${JSON.stringify(r.stats.fastpath)})`);
  return Number(t1 - t0) / 1e9;
}

export const rv64Figures: Figure[] = [
  {
    name: 'rv64.mips',
    unit: 'M instr/s',
    measure() {
      const v = mips(true, 7);
      const off = mips(false, 3);
      return {
        value: v,
        comparison: `decode cache off: ${off.toFixed(1)}; jor1k (JS) ~30-40 reported; aim 50`,
      };
    },
  },
  {
    name: 'rv64.ipc.rt_per_s',
    unit: 'round trips/s',
    measure() {
      const long = 200_000;
      const short = 1_000;
      pingpongSeconds(20_000); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) samples.push((long - short) / (pingpongSeconds(long) - pingpongSeconds(short)));
      return { value: median(samples), comparison: 'aim 300,000; TypeScript threads: ipc.fast.len1.rt_per_s' };
    },
  },
];
