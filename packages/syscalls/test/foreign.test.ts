/*
 * Foreign code (what the native C bridge plugs in): a thread whose PC is written to an address of
 * foreign code runs that code's program; leaving that code hands the thread back to TypeScript; a
 * root task can start at a foreign address. Here the foreign "program" is a small JS state machine
 * that makes syscalls by loading the x86_64 syscall registers, as a C stub would.
 */
import { type ThreadContext, TrapKind, type UserProgram, x86_64 } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import type { ForeignCode, UserThread } from '@tsel4/runtime';
import { describe, expect, it } from 'vitest';
import { Machine, runMachine } from '../src/index.js';

const { seL4_CapInitThreadCNode: CNODE, seL4_CapInitThreadTCB: TCB, seL4_CapInitThreadVSpace: VSPACE } = L;
const R = (n: string) => x86_64.registers.indexOf(n);
const FOREIGN_BASE = 0x7000_0000;
const TRAP_AT = FOREIGN_BASE + 0x100;

/** Prints its text with DebugPutChar, one syscall per character, then jumps to `then`. */
class Printer implements UserProgram {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly thread: UserThread,
    private readonly then: number,
  ) {}
  run(ctx: ThreadContext): TrapKind {
    if (this.i === this.text.length) {
      // jump to `then`: outside this code, so the TypeScript runtime takes the thread back
      ctx.set(x86_64.nextIP, this.then);
      ctx.program = this.thread;
      return this.thread.run(ctx);
    }
    ctx.set(R('RDX'), L.seL4_SysDebugPutChar >>> 0, 0xffffffff);
    ctx.set(R('RDI'), this.text.charCodeAt(this.i++));
    ctx.set(x86_64.nextIP, TRAP_AT + 2);
    return TrapKind.Syscall;
  }
}

class FakeForeign implements ForeignCode {
  readonly started: number[] = [];
  constructor(private readonly then: () => number) {}
  programAt(addr: number, thread: UserThread): UserProgram | null {
    if (addr < FOREIGN_BASE || addr >= FOREIGN_BASE + 0x1000) return null;
    this.started.push(addr);
    return new Printer(`[foreign ${addr.toString(16)}]`, thread, this.then());
  }
}

function* after() {
  for (const ch of ' back in TS\n') yield* L.seL4_DebugPutChar(ch);
  // returning faults at address 0; with no fault handler the thread just stops
}

function* root() {
  const bi = L.seL4_GetBootInfo();
  let free = bi.empty.start;
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
  const tcb = free++;
  expect(yield* L.seL4_Untyped_Retype(ut, L.seL4_TCBObject, 0, CNODE, 0, 0, tcb, 1)).toBe(0);
  expect(yield* L.seL4_TCB_Configure(tcb, 0, CNODE, 0, VSPACE, 0, 0, 0)).toBe(0);
  expect(yield* L.seL4_TCB_SetSchedParams(tcb, TCB, 254, 254)).toBe(0);
  expect(yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, 1, { rip: FOREIGN_BASE + 0x40 })).toBe(0);
  // lower our priority so the new thread runs to its end
  expect(yield* L.seL4_TCB_SetPriority(TCB, TCB, 0)).toBe(0);
  for (const ch of 'root done\n') yield* L.seL4_DebugPutChar(ch);
}

describe('foreign code', () => {
  it('runs a thread whose PC is a foreign address, and takes it back when it leaves', () => {
    let afterAddr = 0;
    const foreign = new FakeForeign(() => afterAddr);
    const m = new Machine(root as L.ThreadFunction, { foreignCode: [foreign], checkInvariants: true });
    afterAddr = m.code.addressOf(after as L.ThreadFunction);
    const r = m.run({ maxSteps: 1000 });
    expect(r.reason).toBe('idle');
    expect(r.console).toBe('[foreign 70000040] back in TS\nroot done\n');
    expect(foreign.started).toEqual([FOREIGN_BASE + 0x40]);
  });

  it('starts the root task at a foreign address', () => {
    const foreign = new FakeForeign(() => 0);
    const r = runMachine(FOREIGN_BASE, { foreignCode: [foreign], maxSteps: 1000 });
    // the printer ends by jumping to 0: an instruction fetch fault with no handler, so the root stops
    expect(r.console).toBe('[foreign 70000000]');
    expect(r.stats.faults).toBe(1);
  });

  it('still faults on an address that no code claims', () => {
    const r = runMachine(0x6000_0000, { foreignCode: [new FakeForeign(() => 0)], maxSteps: 10 });
    expect(r.console).toBe('');
    expect(r.stats.faults).toBe(1);
  });
});
