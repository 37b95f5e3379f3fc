/*
 * Loads and stores of a TypeScript program, through its thread's VSpace: what a C program does
 * with a pointer. libsel4's stubs (`const v = yield* tsel4_read64(addr)`,
 * `yield* tsel4_write32(addr, v)`) start an access on the thread's MemoryAccess; this module runs it.
 *
 * Each access is a point where the CPU can trap. When the address is mapped with the rights the
 * access needs it completes at once, without yielding: a one-entry cache per thread remembers the
 * last page translated and is dropped whenever the kernel changes any translation (its epoch).
 * When it is not, the access yields a memory fault: the kernel sends the thread's fault handler a
 * VMFault (seL4's message: IP, address, prefetch 0, the arch's fault status) with IP at
 * MEMORY_INSN_ADDR, and when the handler's reply restarts the thread, the access runs again from
 * the start, as a faulting instruction is re-executed. A multi-byte access that crosses into an
 * unmapped page faults before writing anything to it; re-executed, it rewrites the bytes before.
 *
 * Nothing here allocates on the path that hits the cache, except the bigint of tsel4_read64_big
 * and the array of tsel4_readBytes. Addresses are numbers (or bigints) below 2^53.
 */

import { type PhysicalMemory, type ThreadContext, TrapKind, wordToNumber } from '@tsel4/hal';
import { type MemoryPort, MemoryOp, type TrapToken } from '@tsel4/libsel4';
import { MEMORY_TRAP } from './trap.js';
import type { UserThread } from './thread.js';

/** Where a translated access lands (filled in by UserVM.translate). */
export interface UserTranslation {
  /** Physical address of the byte addressed. */
  paddr: number;
  /** Whether the mapping allows stores. */
  writable: boolean;
  /** Virtual address of the 4 KiB page holding it. */
  vpage: number;
}

/** Address translation for a machine's threads (the machine provides it; see kernel/translate.ts). */
export interface UserVM {
  /** Changes whenever any translation may have changed: a cached translation is good while it stays. */
  readonly epoch: number;
  readonly memory: PhysicalMemory;
  /**
   * Translate an access of the thread on `ctx` (0 a load, 1 a store, 2 an instruction fetch):
   * null and `out` filled on success; else the fault is recorded in `ctx` and the trap kind the
   * CPU raises is returned.
   */
  translate(ctx: ThreadContext, vaddr: number, access: 0 | 1 | 2, out: UserTranslation): TrapKind | null;
}

/** The kinds of access (libsel4's numbering), as a local constant: next() switches on them. */
const Op = { ...MemoryOp } as const;
type Op = MemoryOp;

const TRAP_RESULT: IteratorYieldResult<TrapToken> = Object.freeze({ value: MEMORY_TRAP, done: false });

/**
 * One thread's memory accesses: an iterator reused for every access (so `yield*` on it costs no
 * allocation), with the last translation cached.
 */
export class MemoryAccess implements Iterator<TrapToken, unknown, unknown>, Iterable<TrapToken>, MemoryPort {
  private op: Op = Op.Read8 as Op;
  private vaddr = 0;
  private lo = 0;
  private hi = 0;
  private bytes: Uint8Array | null = null;
  private len = 0;
  private readonly done: { value: unknown; done: true } = { value: undefined, done: true };
  // the cache: one 4 KiB page
  private epoch = -1;
  private vpage = -1;
  private page: Uint32Array = new Uint32Array(0);
  private writable = false;
  private readonly tr: UserTranslation = { paddr: 0, writable: false, vpage: 0 };

  constructor(private readonly thread: UserThread) {}

  /** Start an access (the stubs below); `yield*` on the result runs it. */
  begin(op: Op, vaddr: number | bigint, lo = 0, hi = 0, bytes: Uint8Array | null = null, len = 0): this {
    this.op = op;
    this.vaddr = toAddress(vaddr);
    this.lo = lo;
    this.hi = hi;
    this.bytes = bytes;
    this.len = len;
    return this;
  }

  [Symbol.iterator](): Iterator<TrapToken, unknown, unknown> {
    return this;
  }

  return(value?: unknown): IteratorResult<TrapToken, unknown> {
    return { value, done: true };
  }

  /** Run the access (again): done with its value, or the memory trap. */
  next(): IteratorResult<TrapToken, unknown> {
    const v = this.vaddr;
    const off = v % 4096;
    switch (this.op) {
      case Op.Read8:
        if (!this.at(v, false)) return TRAP_RESULT;
        return this.result(byteOf(this.page, off));
      case Op.Read16:
      case Op.Read32: {
        const n = this.op === Op.Read16 ? 2 : 4;
        if (off % n === 0) {
          if (!this.at(v, false)) return TRAP_RESULT;
          const w = this.page[off >>> 2]!;
          return this.result(n === 4 ? w : (w >>> ((off & 3) * 8)) & 0xffff);
        }
        if (!this.gather(v, n)) return TRAP_RESULT;
        return this.result(this.lo);
      }
      case Op.Read64:
      case Op.Read64Big: {
        if (off % 8 === 0) {
          if (!this.at(v, false)) return TRAP_RESULT;
          this.lo = this.page[off >>> 2]!;
          this.hi = this.page[(off >>> 2) + 1]!;
        } else if (!this.gather(v, 8)) {
          return TRAP_RESULT;
        }
        return this.result(this.op === Op.Read64 ? wordToNumber(this.lo, this.hi) : (BigInt(this.hi) << 32n) | BigInt(this.lo));
      }
      case Op.Write8:
      case Op.Write16:
      case Op.Write32:
      case Op.Write64: {
        const n = this.op === Op.Write8 ? 1 : this.op === Op.Write16 ? 2 : this.op === Op.Write32 ? 4 : 8;
        if (n >= 4 && off % n === 0) {
          if (!this.at(v, true)) return TRAP_RESULT;
          this.page[off >>> 2] = this.lo;
          if (n === 8) this.page[(off >>> 2) + 1] = this.hi;
          return this.result(undefined);
        }
        for (let i = 0; i < n; i++) {
          if (!this.at(v + i, true)) return TRAP_RESULT;
          const b = i < 4 ? (this.lo >>> (8 * i)) & 0xff : (this.hi >>> (8 * (i - 4))) & 0xff;
          setByte(this.page, (v + i) % 4096, b);
        }
        return this.result(undefined);
      }
      case Op.ReadBytes: {
        const out = new Uint8Array(this.len);
        // page by page: one translation, one copy
        for (let done = 0; done < this.len; ) {
          const a = v + done;
          if (!this.at(a, false)) return TRAP_RESULT;
          const o = a % 4096;
          const n = Math.min(this.len - done, 4096 - o);
          out.set(new Uint8Array(this.page.buffer, this.page.byteOffset + o, n), done);
          done += n;
        }
        return this.result(out);
      }
      case Op.WriteBytes: {
        const data = this.bytes!;
        // check every page first: nothing is written to a page before one that faults
        for (let p = v - off; p < v + data.length; p += 4096) if (!this.at(Math.max(p, v), true)) return TRAP_RESULT;
        for (let done = 0; done < data.length; ) {
          const a = v + done;
          if (!this.at(a, true)) return TRAP_RESULT;
          const o = a % 4096;
          const n = Math.min(data.length - done, 4096 - o);
          new Uint8Array(this.page.buffer, this.page.byteOffset + o, n).set(data.subarray(done, done + n));
          done += n;
        }
        return this.result(undefined);
      }
    }
  }

  private result(value: unknown): IteratorResult<TrapToken, unknown> {
    this.bytes = null;
    this.done.value = value;
    return this.done;
  }

  /** Read n bytes at v (little-endian) into lo/hi, byte by byte. False when one faults. */
  private gather(v: number, n: number): boolean {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      if (!this.at(v + i, false)) return false;
      const b = byteOf(this.page, (v + i) % 4096);
      if (i < 4) lo |= b << (8 * i);
      else hi |= b << (8 * (i - 4));
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return true;
  }

  /**
   * Make the page holding `v` current (this.page), translating it unless the cache has it with the
   * rights needed. False when the access faults (the fault is recorded for the trap).
   */
  private at(v: number, write: boolean): boolean {
    const t = this.thread;
    const vm = t.env.vm;
    if (vm === undefined) {
      t.ctx.vmFaultAddr = v;
      t.ctx.vmFaultFsr = 0;
      t.ctx.vmFaultPrefetch = 0;
      t.memoryTrapKind = TrapKind.VMFault;
      return false;
    }
    if (vm.epoch === this.epoch && v - this.vpage < 4096 && v >= this.vpage && (!write || this.writable)) return true;
    const tr = this.tr;
    const kind = vm.translate(t.ctx, v, write ? 1 : 0, tr);
    if (kind !== null) {
      t.memoryTrapKind = kind;
      return false;
    }
    this.epoch = vm.epoch;
    this.vpage = tr.vpage;
    this.writable = tr.writable;
    this.page = vm.memory.page(tr.paddr);
    return true;
  }
}

function byteOf(page: Uint32Array, off: number): number {
  return (page[off >>> 2]! >>> ((off & 3) * 8)) & 0xff;
}

function setByte(page: Uint32Array, off: number, b: number): void {
  const i = off >>> 2;
  const shift = (off & 3) * 8;
  page[i] = ((page[i]! & ~(0xff << shift)) | (b << shift)) >>> 0;
}

function toAddress(v: number | bigint): number {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
  } else if (v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  throw new RangeError(`address ${String(v)} is not a whole number from 0 to 2^53 - 1`);
}
