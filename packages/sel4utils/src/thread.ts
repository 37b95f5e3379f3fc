/*
 * Threads for a root task (like sel4utils' thread helpers): a TCB with its own IPC buffer frame,
 * configured in the root task's CSpace and VSpace (or another VSpace), started at a thread function with up to the
 * arch's argument registers as arguments. Made the seL4 way: Retype, Configure, SetSchedParams,
 * WriteRegisters, Resume.
 */

import {
  currentThread,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_DebugNameThread,
  seL4_TCB_Configure,
  seL4_TCB_Resume,
  seL4_TCB_Suspend,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  type seL4_UserContext,
  type seL4_Word,
  type ThreadFunction,
  type TrapToken,
  tsel4_functionAddress,
} from '@tsel4/libsel4';
import type { Allocator } from './alloc.js';
import { Sel4Error } from './errors.js';

/** How to make a thread. */
export interface ThreadOptions {
  /** Priority and MCP (default 254: below the root task's 255). */
  readonly priority?: number;
  /** Fault handler cptr in the thread's (the root's) CSpace; 0 = none. */
  readonly faultEp?: seL4_Word;
  /** Give the thread an IPC buffer the kernel knows about (default true). */
  readonly ipcBuffer?: boolean;
  /** seL4_DebugNameThread name. */
  readonly name?: string;
  /** The VSpace root it runs in (default the root task's). */
  readonly vspace?: seL4_Word;
  /**
   * What happens when the thread function returns: 'suspend' (default) suspends the thread with
   * seL4_TCB_Suspend on its own TCB cap, as sel4utils' and the reference scenarios' trampolines
   * do; 'fault' lets it return into nothing, which seL4 reports as a VM fault at address 0.
   */
  readonly onReturn?: 'suspend' | 'fault';
}

/** A thread made by createThread. */
export interface Thread {
  readonly tcb: number;
  /** The IPC buffer frame's cptr (0 without one). */
  readonly ipcFrame: number;
  /** The IPC buffer's virtual address as configured (0 without one). */
  readonly ipcVaddr: number;
  /** What happens when its function returns. */
  readonly onReturn: 'suspend' | 'fault';
}

/** Where thread IPC buffers appear in the root VSpace (as the reference helper places them). */
const IPC_VBASE = 0x1000_0000;

function check(call: string, object: string, err: number): void {
  if (err !== 0) throw new Sel4Error(call, object, err);
}

/** Make a thread (not started): TCB, IPC buffer frame, Configure, priority, name. */
export function* createThread(alloc: Allocator, opts: ThreadOptions = {}): Generator<TrapToken, Thread, unknown> {
  const tcb = yield* alloc.allocObject(seL4_TCBObject);
  const withBuffer = opts.ipcBuffer ?? true;
  const ipcFrame = withBuffer ? yield* alloc.allocFrame() : 0;
  const ipcVaddr = withBuffer ? IPC_VBASE + alloc.nextThreadIndex() * 0x2000 : 0;
  check(
    'seL4_TCB_Configure',
    `thread ${tcb}`,
    yield* seL4_TCB_Configure(tcb, opts.faultEp ?? 0, seL4_CapInitThreadCNode, 0, opts.vspace ?? seL4_CapInitThreadVSpace, 0, ipcVaddr, ipcFrame),
  );
  const prio = opts.priority ?? 254;
  check('seL4_TCB_SetSchedParams', `thread ${tcb}`, yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, prio, prio));
  if (opts.name !== undefined) yield* seL4_DebugNameThread(tcb, opts.name);
  return { tcb, ipcFrame, ipcVaddr, onReturn: opts.onReturn ?? 'suspend' };
}

/**
 * Point a thread at `fn` with `args` in its argument registers (TCB_WriteRegisters), and resume
 * it if `resume` (default true).
 */
export function* startThread(
  t: Thread,
  fn: ThreadFunction,
  args: readonly seL4_Word[] = [],
  resume = true,
): Generator<TrapToken, void, unknown> {
  const arch = currentThread().arch;
  if (args.length > arch.argRegs.length) {
    throw new RangeError(`${arch.name} passes at most ${arch.argRegs.length} arguments in registers`);
  }
  // the trampoline takes the function's name, so traces and error reports name the thread by it
  const name = fn.name || 'thread';
  const trampoline = {
    [name]: function* (...a: number[]) {
      yield* fn(...a);
      yield* seL4_TCB_Suspend(t.tcb);
    },
  };
  const entry: ThreadFunction = t.onReturn === 'suspend' ? trampoline[name]! : fn;
  const regs: seL4_UserContext = { [arch.userContextNames[0]!]: tsel4_functionAddress(entry) };
  args.forEach((v, i) => {
    const idx = arch.userContext.indexOf(arch.argRegs[i]!);
    regs[arch.userContextNames[idx]!] = v;
  });
  check('seL4_TCB_WriteRegisters', `thread ${t.tcb}`, yield* seL4_TCB_WriteRegisters(t.tcb, 0, 0, arch.userContext.length, regs));
  if (resume) check('seL4_TCB_Resume', `thread ${t.tcb}`, yield* seL4_TCB_Resume(t.tcb));
}

/** createThread then startThread. */
export function* spawn(
  alloc: Allocator,
  fn: ThreadFunction,
  args: readonly seL4_Word[] = [],
  opts: ThreadOptions = {},
): Generator<TrapToken, Thread, unknown> {
  const t = yield* createThread(alloc, opts);
  yield* startThread(t, fn, args);
  return t;
}
