/*
 * Loads and stores of a TypeScript program, through its thread's VSpace: what a C program does
 * with a pointer. `const v = yield* tsel4_read64(addr)` and `yield* tsel4_write32(addr, v)` are
 * the program's memory instructions.
 *
 * Each stub starts an access on the running thread's MemoryPort (thread.ts); the user-thread
 * runtime (@tsel4/runtime, memory.ts) runs it: at once when the address is mapped with the rights
 * the access needs, else as a VM fault to the thread's fault handler, the access running again
 * from the start when the handler's reply restarts the thread (IP = MEMORY_INSN_ADDR). Addresses
 * are numbers (or bigints) below 2^53.
 */

import { doubleHi, doubleLo } from '@tsel4/hal';
import { currentThread, MemoryOp, type MemoryPort, type Syscall } from './thread.js';

function access(): MemoryPort {
  const t = currentThread();
  // the field first: no call on the path every access takes once the thread has its port
  return t.memory ?? t.memoryAccess();
}

function halves(v: number | bigint, bits: 8 | 16 | 32 | 64): [number, number] {
  const b = BigInt.asUintN(bits, typeof v === 'bigint' ? v : BigInt(checkInteger(v)));
  return [Number(b & 0xffffffffn), Number(b >> 32n)];
}

function checkInteger(v: number): number {
  if (!Number.isInteger(v)) throw new RangeError(`value ${v} is not an integer`);
  return v;
}

/** Load the byte at `vaddr`. */
export function tsel4_read8(vaddr: number | bigint): Syscall<number> {
  return access().begin(MemoryOp.Read8, vaddr) as Syscall<number>;
}

/** Load the 16-bit little-endian value at `vaddr`. */
export function tsel4_read16(vaddr: number | bigint): Syscall<number> {
  return access().begin(MemoryOp.Read16, vaddr) as Syscall<number>;
}

/** Load the 32-bit little-endian value at `vaddr` (unsigned). */
export function tsel4_read32(vaddr: number | bigint): Syscall<number> {
  return access().begin(MemoryOp.Read32, vaddr) as Syscall<number>;
}

/**
 * Load the 64-bit value at `vaddr` as a number: exact below 2^53, negative for words within 2^53
 * of 2^64 (-1 reads back as -1); any other word throws a RangeError (use tsel4_read64_big).
 */
export function tsel4_read64(vaddr: number | bigint): Syscall<number> {
  return access().begin(MemoryOp.Read64, vaddr) as Syscall<number>;
}

/** Load the 64-bit value at `vaddr` as an unsigned bigint. */
export function tsel4_read64_big(vaddr: number | bigint): Syscall<bigint> {
  return access().begin(MemoryOp.Read64Big, vaddr) as Syscall<bigint>;
}

/** Store the low 8 bits of `value` at `vaddr`. */
export function tsel4_write8(vaddr: number | bigint, value: number | bigint): Syscall<void> {
  const [lo] = halves(value, 8);
  return access().begin(MemoryOp.Write8, vaddr, lo) as Syscall<void>;
}

/** Store the low 16 bits of `value` at `vaddr`. */
export function tsel4_write16(vaddr: number | bigint, value: number | bigint): Syscall<void> {
  const [lo] = halves(value, 16);
  return access().begin(MemoryOp.Write16, vaddr, lo) as Syscall<void>;
}

/** Store the low 32 bits of `value` at `vaddr`. */
export function tsel4_write32(vaddr: number | bigint, value: number | bigint): Syscall<void> {
  const lo = typeof value === 'number' && value >= 0 && value <= 0xffffffff && Number.isInteger(value) ? value : halves(value, 32)[0];
  return access().begin(MemoryOp.Write32, vaddr, lo) as Syscall<void>;
}

/** Store `value` (taken modulo 2^64; -1 is all ones) as a 64-bit word at `vaddr`. */
export function tsel4_write64(vaddr: number | bigint, value: number | bigint): Syscall<void> {
  if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
    return access().begin(MemoryOp.Write64, vaddr, doubleLo(value), doubleHi(value)) as Syscall<void>;
  }
  const [lo, hi] = halves(value, 64);
  return access().begin(MemoryOp.Write64, vaddr, lo, hi) as Syscall<void>;
}

/** Load `length` bytes starting at `vaddr`. */
export function tsel4_readBytes(vaddr: number | bigint, length: number): Syscall<Uint8Array> {
  return access().begin(MemoryOp.ReadBytes, vaddr, 0, 0, null, checkInteger(length)) as Syscall<Uint8Array>;
}

/** Store `data` starting at `vaddr`. */
export function tsel4_writeBytes(vaddr: number | bigint, data: Uint8Array): Syscall<void> {
  return access().begin(MemoryOp.WriteBytes, vaddr, 0, 0, data) as Syscall<void>;
}
