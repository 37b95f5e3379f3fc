/*
 * Register access on a TCB (seL4: getRegister, setRegister, getRestartPC, setNextPC), on word
 * halves so that no word loses bits.
 */

import { wordToDouble } from '@tsel4/hal';
import type { Tcb } from '@tsel4/object';

/** Low half of register r. */
export function regLo(t: Tcb, r: number): number {
  return t.ctx.regs[2 * r]!;
}

/** High half of register r. */
export function regHi(t: Tcb, r: number): number {
  return t.ctx.regs[2 * r + 1]!;
}

/** Set register r to the word hi:lo (hi is dropped on 32-bit arches). */
export function setReg(t: Tcb, r: number, lo: number, hi: number): void {
  const regs = t.ctx.regs;
  regs[2 * r] = lo;
  regs[2 * r + 1] = t.ctx.arch.wordBits === 64 ? hi : 0;
}

/** Copy register r of `from` into register r2 of `to`. */
export function copyReg(from: Tcb, r: number, to: Tcb, r2: number): void {
  const a = from.ctx.regs;
  const b = to.ctx.regs;
  b[2 * r2] = a[2 * r]!;
  b[2 * r2 + 1] = a[2 * r + 1]!;
}

/** Register r as a number: exact for the values kernel logic compares (the high half folded in). */
export function regNumber(t: Tcb, r: number): number {
  return wordToDouble(t.ctx.regs[2 * r]!, t.ctx.regs[2 * r + 1]!);
}

/** seL4's getRestartPC: FaultIP. */
export function restartPCLo(t: Tcb): number {
  return regLo(t, t.ctx.arch.faultIP);
}
export function restartPCHi(t: Tcb): number {
  return regHi(t, t.ctx.arch.faultIP);
}

/** seL4's setNextPC from the restart PC (what activateThread does for a Restart thread). */
export function restartAtFaultIP(t: Tcb): void {
  const a = t.ctx.arch;
  copyReg(t, a.faultIP, t, a.nextIP);
}

/** seL4's updateRestartPC: FaultIP := NextIP. */
export function updateRestartPC(t: Tcb): void {
  const a = t.ctx.arch;
  copyReg(t, a.nextIP, t, a.faultIP);
}
