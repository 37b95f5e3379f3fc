/*
 * The JavaScript side of the shim (runtime/shim.c): one per process. It loads the shim through
 * koffi, views the shim's arena (control page and thread slots) as typed arrays without copying,
 * and hands out slots. Running a thread is one koffi call with no arguments: the slot and the
 * operation go through the control page, which is the cheapest call koffi makes.
 *
 * The layout constants restate runtime/bridge.h; a test compiles a C file that checks they agree.
 */

import { shimLibrary } from './build.js';
import { bridgeStatus, type Koffi, type KoffiLibrary, loadKoffi, type Toolchain } from './toolchain.js';

export const SLOT_BYTES = 4096;
export const CONTROL_BYTES = 4096;
/** u64 words of a slot (runtime/bridge.h TSEL4_W_*). */
export const W = {
  NREGS: 24,
  STOP: 24,
  SIGNAL: 25,
  TRAPNO: 26,
  ERR: 27,
  ADDR: 28,
  PC: 29,
  SP: 30,
  IPCBUF: 31,
} as const;
export const PRIVATE_IPC_OFFSET = 1024;
/** u32 words of the control page. */
export const C = { SLOT: 0, OP: 1, RC: 2 } as const;
export const OP = { CONTINUE: 0, START: 1 } as const;
export const STOP = { SYSCALL: 0, RETURNED: 1, SIGNAL: 2 } as const;

/** How many C threads can exist at once in one process, and each one's stack. */
export const MAX_C_THREADS = 1024;
export const STACK_BYTES = 512 * 1024;

/** The bridge could not do what was asked (no slot left, out of memory): one sentence. */
export class BridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

/** Every thread slot is taken: the program runs more C threads than MAX_C_THREADS at once. */
export class ThreadLimitError extends BridgeError {
  constructor() {
    super(`the native bridge runs at most ${MAX_C_THREADS} C threads at once`);
    this.name = 'ThreadLimitError';
  }
}

export class Shim {
  readonly koffi: Koffi;
  private readonly lib: KoffiLibrary;
  /** The control page as u32 words. */
  readonly control: Uint32Array;
  /** The whole arena as u32 words (slot s, u64 word i: index (CONTROL + s*SLOT)/4 + 2i). */
  readonly arena32: Uint32Array;
  readonly arenaAddress: number;
  /** Address of the C threads' syscall instruction. */
  readonly syscallInsn: number;
  readonly run: () => void;
  private readonly reserveFn: (bytes: number) => unknown;
  private readonly discardFn: (addr: number, bytes: number) => unknown;
  private readonly codeRangeFn: (addr: number) => unknown;
  private readonly freeSlots: number[] = [];
  private readonly u64: BigUint64Array;

  private constructor(tc: Toolchain, koffi: Koffi) {
    this.koffi = koffi;
    this.lib = koffi.load(shimLibrary(tc), { global: true });
    const init = this.lib.func('int tsel4_bridge_init(uint32_t slots, uint32_t stack_bytes)');
    if (init(MAX_C_THREADS, STACK_BYTES) !== 0) throw new BridgeError('the native bridge could not set up its memory and signal handlers');
    this.arenaAddress = Number(this.lib.func('uint64_t tsel4_bridge_arena(void)')());
    this.syscallInsn = Number(this.lib.func('uint64_t tsel4_bridge_syscall_insn(void)')());
    const buf = koffi.view(this.arenaAddress, CONTROL_BYTES + MAX_C_THREADS * SLOT_BYTES);
    this.arena32 = new Uint32Array(buf);
    this.control = new Uint32Array(buf, 0, 16);
    this.u64 = new BigUint64Array(buf, 0, 4);
    this.run = this.lib.func('void tsel4_bridge_run(void)') as () => void;
    this.reserveFn = this.lib.func('uint64_t tsel4_bridge_reserve(uint64_t bytes)');
    this.discardFn = this.lib.func('int tsel4_bridge_discard(uint64_t addr, uint64_t bytes)');
    this.codeRangeFn = this.lib.func('int tsel4_bridge_code_range(uint64_t addr)');
    for (let s = MAX_C_THREADS - 1; s >= 0; s--) this.freeSlots.push(s);
  }

  private static instance: Shim | undefined;

  /** The process's shim, loading it the first time. Throws when the bridge cannot run here. */
  static get(): Shim {
    if (Shim.instance === undefined) {
      const st = bridgeStatus();
      if (!st.ok) throw new BridgeError(st.reason);
      const k = loadKoffi();
      if (typeof k === 'string') throw new BridgeError(k);
      Shim.instance = new Shim(st.toolchain, k);
    }
    return Shim.instance;
  }

  /** A free thread slot, its registers and IPC buffer zeroed. */
  allocSlot(): number {
    const s = this.freeSlots.pop();
    if (s === undefined) throw new ThreadLimitError();
    const base = this.slotWord32(s, 0);
    this.arena32.fill(0, base, base + SLOT_BYTES / 4);
    return s;
  }

  freeSlot(s: number): void {
    this.freeSlots.push(s);
  }

  /** Index in arena32 of the low half of u64 word `w` of slot `s`. */
  slotWord32(s: number, w: number): number {
    return (CONTROL_BYTES + s * SLOT_BYTES) / 4 + 2 * w;
  }

  /** Host address of slot `s`'s private IPC buffer. */
  privateIpcBuffer(s: number): number {
    return this.arenaAddress + CONTROL_BYTES + s * SLOT_BYTES + PRIVATE_IPC_OFFSET;
  }

  /** Reserve `bytes` of zeroed memory, backed only where written; its address. */
  reserve(bytes: number): number {
    const a = Number(this.reserveFn(bytes));
    if (a === 0) throw new BridgeError(`the host refused to reserve ${bytes} bytes for board RAM`);
    return a;
  }

  /** Make whole pages at `addr` read as zeros again. */
  discard(addr: number, bytes: number): void {
    if (this.discardFn(addr, bytes) !== 0) throw new BridgeError(`could not discard ${bytes} bytes at 0x${addr.toString(16)}`);
  }

  /** The executable segment of the loaded object holding `addr`, or null. */
  codeRange(addr: number): [lo: number, hi: number] | null {
    if (this.codeRangeFn(addr) !== 0) return null;
    return [Number(this.u64[2]!), Number(this.u64[3]!)];
  }
}
