import { describe, expect, it } from 'vitest';
import { createBoard, type ThreadContext, TrapKind, type UserProgram, wordLo } from '../src/index.js';

describe('cpu', () => {
  it('runs the current program to its trap and calls the installed trap entry', () => {
    const b = createBoard('pc99');
    const seen: number[] = [];
    b.cpu.installTrapEntry((k) => seen.push(k));
    const prog: UserProgram = {
      run(ctx: ThreadContext) {
        ctx.set(b.arch.syscall.syscallReg, wordLo(-1), 0xffffffff);
        return TrapKind.Syscall;
      },
    };
    const ctx = b.cpu.newContext();
    ctx.program = prog;
    b.cpu.current = ctx;
    b.cpu.runUser();
    expect(seen).toEqual([TrapKind.Syscall]);
    expect(ctx.get(b.arch.syscall.syscallReg)).toBe(-1);
  });

  it('a context without a program takes an instruction-fetch VM fault at its next PC', () => {
    const b = createBoard('qemu-arm-virt');
    const seen: number[] = [];
    b.cpu.installTrapEntry((k) => seen.push(k));
    const ctx = b.cpu.newContext();
    ctx.set(b.arch.nextIP, 0x400000);
    b.cpu.current = ctx;
    b.cpu.runUser();
    expect(seen).toEqual([TrapKind.VMFault]);
    expect([ctx.vmFaultAddr, ctx.vmFaultPrefetch]).toEqual([0x400000, 1]);
  });

  it('fresh contexts carry the arch initial values (seL4 Arch_initContext)', () => {
    const x = createBoard('pc99').cpu.newContext();
    expect(x.get(x.arch.statusReg)).toBe(0x202);
    const a = createBoard('qemu-arm-virt').cpu.newContext();
    expect(a.get(a.arch.statusReg)).toBe(0x40);
    const r = createBoard('qemu-riscv-virt').cpu.newContext();
    expect(r.get(r.arch.statusReg)).toBe(0x20);
  });

  it('raises the timer line every tick of simulated cycles', () => {
    const b = createBoard('pc99', { tickCycles: 1000 });
    b.cpu.advance(999);
    expect(b.irq.active()).toBe(-1);
    b.cpu.advance(1);
    expect(b.irq.active()).toBe(b.irq.timerIrq);
    b.irq.clear(b.irq.timerIrq);
    b.cpu.advance(2500);
    expect(b.irq.isPending(b.irq.timerIrq)).toBe(true);
    expect(b.cpu.nextTick).toBe(4000);
    b.irq.clear(b.irq.timerIrq);
    b.cpu.idleUntilTick();
    expect(b.cpu.cycles).toBe(4000);
    expect(b.cpu.nextTick).toBe(5000);
  });

  it('masked lines are not active; lines out of range throw', () => {
    const b = createBoard('qemu-arm-virt');
    b.irq.raise(40);
    b.irq.setMasked(40, true);
    expect(b.irq.active()).toBe(-1);
    b.irq.setMasked(40, false);
    expect(b.irq.active()).toBe(40);
    expect(() => b.irq.raise(160)).toThrow(/0..159/);
  });

  it('collects console output and reports whole lines', () => {
    const b = createBoard('pc99');
    const lines: string[] = [];
    b.console.onLine = (l) => lines.push(l);
    for (const c of 'hi\nthere') b.console.putChar(c.charCodeAt(0));
    expect(b.console.output).toBe('hi\nthere');
    expect(lines).toEqual(['hi']);
  });

  it('snapshots the clock, interrupts and console', () => {
    const b = createBoard('pc99', { tickCycles: 100 });
    b.cpu.advance(150);
    b.console.putChar(65);
    const s = b.getState();
    b.cpu.advance(1000);
    b.console.putChar(66);
    b.setState(s);
    expect(b.cpu.cycles).toBe(150);
    expect(b.console.output).toBe('A');
    expect(b.irq.isPending(b.irq.timerIrq)).toBe(true);
  });
});
