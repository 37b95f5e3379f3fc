/*
 * The kernel's view of a thread's IPC buffer (seL4: lookupIPCBuffer, setMR, getSyscallArg).
 *
 * Like seL4, the kernel reaches the buffer through the frame cap in the TCB's buffer slot and the
 * offset of tcbIPCBuffer in that frame, not through the thread's page tables. The buffer is absent
 * when the slot holds no frame cap, when the frame is device memory, or, for a receiver, when the
 * cap is not read-write. A buffer is 1 KiB (512 B) aligned, so it never crosses a 4 KiB page: the
 * kernel reads it as words of one backing page.
 */

import { CapType, type Frame, type Tcb, TCB_BUFFER, VMReadOnly, VMReadWrite } from '@tsel4/object';
import type { Kernel } from './kernel.js';
import { setReg } from './registers.js';

/** No IPC buffer. */
export const NO_BUFFER = -1;

/** seL4's lookupIPCBuffer: the buffer's physical address, or NO_BUFFER. */
export function lookupIPCBuffer(isReceiver: boolean, t: Tcb): number {
  const cap = t.ctes[TCB_BUFFER]!.cap;
  if (cap.type !== CapType.Frame) return NO_BUFFER;
  const frame = cap.obj as Frame;
  if (frame.isDevice) return NO_BUFFER;
  const r = cap.vmRights;
  if (r === VMReadWrite || (!isReceiver && r === VMReadOnly)) {
    // the buffer's offset in its frame; frames are at most 2^30 bytes, so the low half holds it
    return frame.addr + ((t.ipcBufferLo & ((1 << frame.sizeBits) - 1)) >>> 0);
  }
  return NO_BUFFER;
}

/** Low half of word i of the buffer at `addr`. */
export function bufLo(k: Kernel, addr: number, i: number): number {
  return k.memory.page(addr)[((addr & 0xfff) >>> 2) + i * (k.wordBits >>> 5)]!;
}

/** High half of word i of the buffer at `addr` (0 on 32-bit boards). */
export function bufHi(k: Kernel, addr: number, i: number): number {
  return k.wordBits === 64 ? k.memory.page(addr)[((addr & 0xfff) >>> 2) + 2 * i + 1]! : 0;
}

/** Set word i of the buffer at `addr`. */
export function setBuf(k: Kernel, addr: number, i: number, lo: number, hi: number): void {
  const page = k.memory.page(addr);
  if (k.wordBits === 64) {
    const j = ((addr & 0xfff) >>> 2) + 2 * i;
    page[j] = lo;
    page[j + 1] = hi;
  } else {
    page[((addr & 0xfff) >>> 2) + i] = lo;
  }
}

/**
 * seL4's setMR: message register `offset` of `receiver` := hi:lo, in a register or its buffer.
 * Returns the message length so far (n_msgRegisters when the word could not be written).
 */
export function setMR(k: Kernel, receiver: Tcb, buf: number, offset: number, lo: number, hi: number): number {
  if (offset < k.nMsgRegisters) {
    setReg(receiver, k.arch.syscall.msgRegs[offset]!, lo, hi);
    return offset + 1;
  }
  if (buf === NO_BUFFER) return k.nMsgRegisters;
  setBuf(k, buf, offset + 1, lo, hi);
  return offset + 1;
}

/** seL4's getSyscallArg: argument i of the current invocation (register or buffer word), low half. */
export function argLo(k: Kernel, t: Tcb, buf: number, i: number): number {
  if (i < k.nMsgRegisters) return t.ctx.regs[2 * k.arch.syscall.msgRegs[i]!]!;
  return buf === NO_BUFFER ? 0 : bufLo(k, buf, i + 1);
}

/** High half of argument i. */
export function argHi(k: Kernel, t: Tcb, buf: number, i: number): number {
  if (i < k.nMsgRegisters) return t.ctx.regs[2 * k.arch.syscall.msgRegs[i]! + 1]!;
  return buf === NO_BUFFER ? 0 : bufHi(k, buf, i + 1);
}

/**
 * The NUL-terminated string starting at msg[0] of the buffer at `addr` (seL4_DebugNameThread's
 * name), or null if no NUL comes within `maxLen` bytes.
 */
export function threadName(k: Kernel, addr: number, maxLen: number): string | null {
  const start = addr + (k.wordBits / 8);
  let s = '';
  for (let i = 0; i < maxLen; i++) {
    const c = k.memory.readU8(start + i);
    if (c === 0) return s;
    s += String.fromCharCode(c);
  }
  return null;
}
