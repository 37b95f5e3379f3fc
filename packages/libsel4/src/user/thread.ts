/*
 * What a libsel4 stub reaches in the thread that calls it: C libsel4's thread-local
 * `__sel4_ipc_buffer`, widened to what a TypeScript thread needs (its registers, its IPC buffer,
 * its trap, its loads and stores).
 *
 * As in C, libsel4 declares this state and the user-thread runtime provides it: C libsel4 declares
 * the TLS variable and sel4runtime sets it when a thread starts; here libsel4 declares
 * `RunningThread` and the slot holding the running one, and `@tsel4/runtime` (which depends on
 * libsel4, never the other way round) implements `RunningThread` with its `UserThread` and sets
 * the slot each time the CPU resumes a TypeScript thread. So the stubs trap through the runtime
 * without importing it, and the kernel, which imports libsel4 for the ABI, never loads the
 * runtime.
 *
 * Also here: the few facts of the TypeScript "instruction set" a program can see (the values a
 * thread yields, the pseudo addresses of the syscall, crash and memory instructions).
 */

import type { Arch, ThreadContext } from '@tsel4/hal';
import type { seL4_BootInfo } from '../bootinfo.js';
import type { KernelConfig } from '../interface.js';

declare const trapBrand: unique symbol;
/**
 * The type of the values a thread yields to trap into the kernel. A branded symbol rather than a
 * `unique symbol` so that generator types inferred for function expressions
 * (`const f = function* () {...}`) keep it instead of widening it to `symbol`.
 */
export type TrapToken = symbol & { readonly [trapBrand]: true };

/** A syscall as `yield*` sees it: it yields traps and returns R. */
export type Syscall<R> = Iterable<TrapToken, R, unknown>;

/**
 * A thread's code: a generator function of its entry arguments (the argument registers, as
 * numbers). Syscalls are `yield* seL4_...()`.
 */
export type ThreadFunction = (...args: number[]) => Generator<TrapToken, unknown, unknown>;

/** Pseudo addresses of the user text segment. */
export const USER_TEXT_BASE = 0x40_0000;
/** Every TypeScript syscall stub traps from this address (the "syscall instruction"). */
export const SYSCALL_INSN_ADDR = USER_TEXT_BASE + 0x10;
/** An uncaught exception in a TypeScript thread happens here (like abort()'s trapping instruction). */
export const CRASH_INSN_ADDR = USER_TEXT_BASE + 0x20;
/** Every TypeScript load or store (memory.ts) faults at this address, and restarts there. */
export const MEMORY_INSN_ADDR = USER_TEXT_BASE + 0x30;

/** How a syscall's result is read back when the thread resumes. */
export const Finish = {
  /** Nothing (Send, NBSend, Reply, Yield, Signal, debug calls without a result). */
  None: 0,
  /** Message info, MR0-3 copied back to the buffer (Call). */
  Info: 1,
  /** Message info, MR0-3 back, badge into the out parameter (Recv, NBRecv, ReplyRecv, Wait, Poll). */
  InfoBadge: 2,
  /** The cap register as a word (DebugCapIdentify). */
  CapReg: 3,
  /** A kernel invocation: the reply label, MR0-3 back to the buffer only on error (generated stubs). */
  Invocation: 4,
} as const;
/** How a syscall stub reads its results back (one of Finish's values). */
export type Finish = (typeof Finish)[keyof typeof Finish];

/** An out parameter for a word (C's `seL4_Word *sender`). */
export interface WordOut {
  value: number | bigint;
}

/** The kinds of load and store a program makes (memory.ts). */
export const MemoryOp = {
  Read8: 0,
  Read16: 1,
  Read32: 2,
  Read64: 3,
  Read64Big: 4,
  Write8: 5,
  Write16: 6,
  Write32: 7,
  Write64: 8,
  ReadBytes: 9,
  WriteBytes: 10,
} as const;
/** One of MemoryOp's values. */
export type MemoryOp = (typeof MemoryOp)[keyof typeof MemoryOp];

/** A thread's loads and stores: one reusable iterator, started by a stub and run by `yield*`. */
export interface MemoryPort {
  /** Start an access of kind `op` at `vaddr` (values in `lo`/`hi`, or `bytes`, or `len` bytes to read). */
  begin(op: MemoryOp, vaddr: number | bigint, lo?: number, hi?: number, bytes?: Uint8Array | null, len?: number): Syscall<unknown>;
}

/** A thread's trap, as a stub arms it: how the result is read back, and where the badge goes. */
export interface ArmedTrap extends Syscall<unknown> {
  kind: Finish;
  badgeOut: WordOut | null;
}

/** What a program can ask of the machine it runs on. */
export interface ProgramEnvironment {
  readonly arch: Arch;
  /** The build options of the kernel the program runs on (label numbers follow them; absent: seL4's default build). */
  readonly config?: KernelConfig;
  /** The machine's code: the address a thread function starts at. */
  readonly code: { addressOf(fn: ThreadFunction): number };
  /** The root task's boot information (seL4_GetBootInfo), read when the machine booted. */
  bootInfo(): seL4_BootInfo | null;
}

/** The running thread as the stubs see it (implemented by @tsel4/runtime's UserThread). */
export interface RunningThread {
  readonly ctx: ThreadContext;
  readonly arch: Arch;
  readonly env: ProgramEnvironment;
  /** The thread's one trap, reused by every syscall. */
  readonly trap: ArmedTrap;
  /** The IPC buffer's memory and the index of its word 0. */
  readonly ipcPage: Uint32Array;
  readonly ipcBase: number;
  /** 32-bit words per machine word (1 or 2). */
  readonly stride: 1 | 2;
  /** Register-array indices (low halves) of the cap, info, badge and syscall registers. */
  readonly capIdx: number;
  readonly infoIdx: number;
  readonly badgeIdx: number;
  readonly sysIdx: number;
  /** Load MR0..n-1 from the buffer into the message registers (before a send). */
  copyMRBufferToRegs(): void;
  /** The thread's loads and stores, once made (memoryAccess() makes them on first use). */
  readonly memory: MemoryPort | null;
  /** The thread's loads and stores, made on first use. */
  memoryAccess(): MemoryPort;
}

/** The thread whose code is running (set by the runtime each time the CPU resumes a TypeScript thread). */
let current: RunningThread | null = null;

/**
 * The running thread. Throws when called outside a thread: libsel4 calls only make sense inside
 * a program running on a machine.
 */
export function currentThread(): RunningThread {
  if (current === null) throw new Error('libsel4: called outside a thread running on a tsel4 machine');
  return current;
}

/** The running thread or null. */
export function currentThreadOrNull(): RunningThread | null {
  return current;
}

/** The runtime's side of the slot: the thread about to run (C: sel4runtime setting the TLS). */
export function setCurrentThread(t: RunningThread | null): void {
  current = t;
}

/**
 * What a thread that yields anything but a syscall throws (a plain `yield`). It keeps the
 * suspended generator, so a tool can say where it stopped (V8 knows a generator's location).
 */
export class PlainYieldError extends TypeError {
  constructor(readonly generator: Generator<TrapToken, unknown, unknown>) {
    super('a thread yielded something other than a syscall (use yield*, not yield)');
    this.name = 'TypeError';
  }
}
