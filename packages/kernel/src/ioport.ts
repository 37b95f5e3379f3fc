/*
 * x86 I/O ports (seL4: src/arch/x86/object/ioport.c, the operations; decoding is in
 * @tsel4/syscalls). IOPortControl_Issue hands out a range of ports once: the kernel keeps a bitmap
 * of the ports some I/O port cap covers, and deleting the last cap to a range frees it
 * (seL4's Arch_postCapDeletion). In and Out reach the board's I/O port bus.
 */
import type { IoPortSize } from '@tsel4/hal';
import { cteInsert, type Cte, ioPortCap, type Tcb, ThreadState } from '@tsel4/object';
import { lookupIPCBuffer, setMR } from './ipcbuffer.js';
import type { Kernel } from './kernel.js';
import { setReg } from './registers.js';
import { setThreadState } from './scheduler.js';

/** seL4's setIOPortMask: mark ports low..high as allocated or free. */
export function setIOPortMask(k: Kernel, low: number, high: number, set: boolean): void {
  const bits = k.allocatedIOPorts;
  for (let p = low; p <= high; p++) {
    const bit = 1 << (p & 31);
    if (set) bits[p >>> 5]! |= bit;
    else bits[p >>> 5]! &= ~bit;
  }
}

/** seL4's isIOPortRangeFree. */
export function isIOPortRangeFree(k: Kernel, low: number, high: number): boolean {
  const bits = k.allocatedIOPorts;
  for (let p = low; p <= high; p++) if ((bits[p >>> 5]! >>> (p & 31)) & 1) return false;
  return true;
}

/** seL4's freeIOPortRange (when the last cap to a range is deleted). */
export function freeIOPortRange(k: Kernel, first: number, last: number): void {
  setIOPortMask(k, first, last, false);
}

/** seL4's invokeX86PortControl: an I/O port cap for first..last, a child of the control cap. */
export function invokeX86PortControl(k: Kernel, first: number, last: number, dest: Cte, control: Cte): void {
  setIOPortMask(k, first, last, true);
  cteInsert(ioPortCap(first, last), control, dest);
}

/** seL4's invokeX86PortIn: read the port and, for a Call, reply with the value in MR0. */
export function invokeX86PortIn(k: Kernel, port: number, size: IoPortSize, isCall: boolean): void {
  const cur: Tcb = k.curThread;
  const value = k.board.ioPorts?.in(port, size) ?? 0;
  if (isCall) {
    const buf = lookupIPCBuffer(true, cur);
    setReg(cur, k.arch.syscall.badgeReg, 0, 0);
    const len = setMR(k, cur, buf, 0, value, 0);
    setReg(cur, k.arch.syscall.infoReg, len, 0);
  }
  setThreadState(k, cur, ThreadState.Running);
}

/** seL4's invokeX86PortOut. */
export function invokeX86PortOut(k: Kernel, port: number, size: IoPortSize, data: number): void {
  k.board.ioPorts?.out(port, size, data);
}
