/*
 * Kernel entry (seL4: src/api/syscall.c and the arch c_traps.c): the syscall handler with its
 * fastpath and slow path, the unknown-syscall handler (which serves the debug calls), user-level
 * and VM faults, and interrupts. Every entry ends with schedule() and activateThread(), as in
 * seL4.
 */

import { doubleHi, doubleLo, wordToHex } from '@tsel4/hal';
import {
  activateThread,
  clampedLength,
  deleteCallerCap,
  doReplyTransfer,
  handleFault,
  handleInterrupt,
  handleYield,
  type Kernel,
  lookupCap,
  lookupExtraCaps,
  lookupIPCBuffer,
  lookupSlot,
  NO_BUFFER,
  printPtr,
  receiveIPC,
  receiveSignal,
  regHi,
  regLo,
  replyFromKernelError,
  replyFromKernelSuccessEmpty,
  schedule,
  setReg,
  setThreadState,
  tcbPointer,
  threadName,
} from '@tsel4/kernel';
import {
  CAP_TAGS,
  msgInfoLabel,
  seL4_SysCall,
  seL4_SysDebugCapIdentify,
  seL4_SysDebugDumpScheduler,
  seL4_SysDebugHalt,
  seL4_SysDebugNameThread,
  seL4_SysDebugPutChar,
  seL4_SysDebugSnapshot,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysYield,
  SYSCALL_MAX,
  SYSCALL_MIN,
} from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
  capFault,
  unknownSyscallFault,
  userExceptionFault,
  vmFault,
  LookupFault,
  type Notification,
  type PagingObject,
  PREEMPTED,
  SyscallError,
  type Tcb,
  TCB_CALLER,
  ThreadState,
  threadStateName,
} from '@tsel4/object';
import { decodeInvocation } from './decode/index.js';
import { Invocation } from './invocation.js';

/** What the entry code needs from the machine around the kernel. */
export interface EntryContext {
  readonly k: Kernel;
  /** Stop the machine (DebugHalt). */
  halt(reason: string): void;
}

// --------------------------------------------------------------------------------------------

/** seL4's handleInvocation (classic). */
function handleInvocation(c: EntryContext, isCall: boolean, isBlocking: boolean): typeof PREEMPTED | null {
  const k = c.k;
  const thread = k.curThread;
  const sc = k.arch.syscall;
  const infoLo = regLo(thread, sc.infoReg);
  const cptrLo = regLo(thread, sc.capReg);
  const cptrHi = regHi(thread, sc.capReg);
  const slot = lookupSlot(k, thread, cptrLo, cptrHi);
  if (slot === null) {
    k.debug(`Invocation of invalid cap #${wordToHex(cptrLo, cptrHi)}.`);
    k.currentFault = capFault(cptrLo, cptrHi, 0);
    if (isBlocking) handleFault(k, thread);
    return null;
  }
  const buf = lookupIPCBuffer(false, thread);
  if (!lookupExtraCaps(k, thread, buf, infoLo)) {
    k.debug('Lookup of extra caps failed.');
    if (isBlocking) handleFault(k, thread);
    return null;
  }
  let length = clampedLength(infoLo);
  if (length > k.nMsgRegisters && buf === NO_BUFFER) length = k.nMsgRegisters;
  const label = msgInfoLabel(infoLo, regHi(thread, sc.infoReg));
  const inv = new Invocation(k, thread, label, length, buf, cptrLo, cptrHi, slot, slot.cap, isCall, isBlocking);
  const status = decodeInvocation(inv);
  if (status === PREEMPTED) return PREEMPTED;
  if (status instanceof SyscallError) {
    k.debug(`Invocation of ${describeCap(slot.cap)} #${wordToHex(cptrLo, cptrHi)} failed: ${status.toString()}`);
    if (isCall) replyFromKernelError(k, thread, status);
    return null;
  }
  if (thread.state === ThreadState.Restart) {
    if (isCall) replyFromKernelSuccessEmpty(k, thread);
    setThreadState(k, thread, ThreadState.Running);
  }
  return null;
}

function describeCap(cap: Cap): string {
  return cap.obj === null ? `cap type ${cap.type}` : `${cap.obj.kindName} cap`;
}

/** seL4's handleReply (classic). */
function handleReply(k: Kernel): void {
  const callerSlot = k.curThread.ctes[TCB_CALLER]!;
  const cap = callerSlot.cap;
  if (cap.type === CapType.Reply) {
    if (cap.isMaster) throw new Error('internal: a master reply cap in a caller slot');
    doReplyTransfer(k, k.curThread, cap.obj as Tcb, callerSlot, cap.canGrant);
    return;
  }
  if (cap.type !== CapType.Null) throw new Error('internal: handleReply found a non-reply cap in the caller slot');
}

/** seL4's handleRecv (classic). */
function handleRecv(k: Kernel, isBlocking: boolean): void {
  const t = k.curThread;
  const sc = k.arch.syscall;
  const lo = regLo(t, sc.capReg);
  const hi = regHi(t, sc.capReg);
  const cap = lookupCap(k, t, lo, hi);
  if (cap === null) {
    k.currentFault = capFault(lo, hi, 1);
    handleFault(k, t);
    return;
  }
  switch (cap.type) {
    case CapType.Endpoint:
      if (!cap.canReceive) break;
      deleteCallerCap(k, t);
      receiveIPC(k, t, cap, isBlocking);
      return;
    case CapType.Notification: {
      const bound = (cap.obj as Notification).boundTcb;
      if (!cap.canReceive || (bound !== null && bound !== t)) break;
      receiveSignal(k, t, cap, isBlocking);
      return;
    }
  }
  k.currentLookupFault = LookupFault.missingCapability(0);
  k.currentFault = capFault(lo, hi, 1);
  handleFault(k, t);
}

/** The pending interrupt, if any, after a preempted operation (seL4: checkInterrupt). */
function checkInterrupt(k: Kernel): void {
  const irq = k.board.irq.active();
  if (irq >= 0) handleInterrupt(k, irq);
}

/** seL4's handleSyscall for the API block (-1..-8). */
export function handleSyscall(c: EntryContext, sysno: number): void {
  const k = c.k;
  switch (sysno) {
    case seL4_SysSend:
      if (handleInvocation(c, false, true) === PREEMPTED) checkInterrupt(k);
      break;
    case seL4_SysNBSend:
      if (handleInvocation(c, false, false) === PREEMPTED) checkInterrupt(k);
      break;
    case seL4_SysCall:
      if (handleInvocation(c, true, true) === PREEMPTED) checkInterrupt(k);
      break;
    case seL4_SysRecv:
      handleRecv(k, true);
      break;
    case seL4_SysReply:
      handleReply(k);
      break;
    case seL4_SysReplyRecv:
      handleReply(k);
      handleRecv(k, true);
      break;
    case seL4_SysNBRecv:
      handleRecv(k, false);
      break;
    case seL4_SysYield:
      handleYield(k);
      break;
  }
  schedule(k);
  activateThread(k);
}

/** seL4_DebugCapIdentify's answer: the kernel's tag for the cap's type on this arch. */
function capTag(k: Kernel, cap: Cap): number {
  const tags = CAP_TAGS[k.arch.name];
  switch (cap.type) {
    case CapType.Null:
      return tags['null_cap']!;
    case CapType.Untyped:
      return tags['untyped_cap']!;
    case CapType.Endpoint:
      return tags['endpoint_cap']!;
    case CapType.Notification:
      return tags['notification_cap']!;
    case CapType.Reply:
      return tags['reply_cap']!;
    case CapType.CNode:
      return tags['cnode_cap']!;
    case CapType.Thread:
      return tags['thread_cap']!;
    case CapType.IrqControl:
      return tags['irq_control_cap']!;
    case CapType.IrqHandler:
      return tags['irq_handler_cap']!;
    case CapType.Zombie:
      return tags['zombie_cap']!;
    case CapType.Domain:
      return tags['domain_cap']!;
    case CapType.Frame:
      return tags['frame_cap']!;
    case CapType.PageTable: {
      const kind = (cap.obj as PagingObject).kind;
      const name = { pml4: 'pml4_cap', pdpt: 'pdpt_cap', pd: 'page_directory_cap', pt: 'page_table_cap', vspace: 'vspace_cap', iopt: 'io_page_table_cap' }[kind];
      return tags[name] ?? tags['page_table_cap']!;
    }
    case CapType.ASIDControl:
      return tags['asid_control_cap']!;
    case CapType.ASIDPool:
      return tags['asid_pool_cap']!;
    case CapType.IOPortControl:
      return tags['io_port_control_cap'] ?? 0;
    case CapType.IOPort:
      return tags['io_port_cap'] ?? 0;
    case CapType.SGISignal:
      return tags['sgi_signal_cap'] ?? 0;
  }
}

/** seL4's debug_printTCB state names. */
const DEBUG_STATE_NAMES = ['inactive', 'running', 'restart', 'blocked on recv', 'blocked on send', 'blocked on reply', 'blocked on ntfn', 'idle'];

/**
 * seL4_DebugDumpScheduler's table (seL4: debug_dumpScheduler), printed. The debug TCB list is
 * prepended to: the newest TCB first, then the idle thread, then the root task (boot appends the
 * root task, then the idle thread).
 */
function dumpScheduler(k: Kernel): void {
  k.print('Dumping all tcbs!');
  k.print('Name                                    \tState          \tIP                  \t Prio \t Core');
  k.print('--------------------------------------------------------------------------------------');
  const list = [...k.tcbs].reverse();
  const root = list.indexOf(k.rootTcb!);
  list.splice(root < 0 ? list.length : root, 0, k.idleThread);
  for (const t of list) {
    const ip = printPtr(regLo(t, k.arch.faultIP), regHi(t, k.arch.faultIP), k.wordBits);
    const name = t === k.idleThread && t.name === '' ? 'idle_thread' : t.name;
    k.print(`${name.padStart(40)}\t${DEBUG_STATE_NAMES[t.state]!.padStart(15)}\t${ip}\t${String(t.priority).padStart(20)}\t0`);
  }
}

/** `user thread %p "%s"` as seL4's debug syscalls print the current thread. */
function userThread(k: Kernel, t: Tcb): string {
  const [lo, hi] = tcbPointer(k, t);
  return `user thread ${printPtr(lo, hi, k.wordBits)} "${t.name}"`;
}

/** seL4's handleUnknownSyscall: the debug calls, else an UnknownSyscall fault. */
export function handleUnknownSyscall(c: EntryContext, sysno: number, wLo: number, wHi: number): void {
  const k = c.k;
  const t = k.curThread;
  const sc = k.arch.syscall;
  switch (sysno) {
    case seL4_SysDebugPutChar:
      k.board.console.putChar(regLo(t, sc.capReg) & 0xff);
      return;
    case seL4_SysDebugDumpScheduler:
      dumpScheduler(k);
      return;
    case seL4_SysDebugHalt:
      k.print(`Debug halt syscall from ${userThread(k, t)}`);
      c.halt(`DebugHalt from ${t.name}`);
      return;
    case seL4_SysDebugSnapshot:
      k.print(`Debug snapshot syscall from ${userThread(k, t)}`);
      return;
    case seL4_SysDebugCapIdentify: {
      const slot = lookupSlot(k, t, regLo(t, sc.capReg), regHi(t, sc.capReg));
      setReg(t, sc.capReg, slot === null ? 0 : capTag(k, slot.cap), 0);
      return;
    }
    case seL4_SysDebugNameThread: {
      const slot = lookupSlot(k, t, regLo(t, sc.capReg), regHi(t, sc.capReg));
      if (slot === null || slot.cap.type !== CapType.Thread) {
        k.debug('SysDebugNameThread: cap is not a TCB, halting');
        c.halt('SysDebugNameThread: cap is not a TCB');
        return;
      }
      const buf = lookupIPCBuffer(true, t);
      if (buf === NO_BUFFER) {
        k.debug('SysDebugNameThread: Failed to lookup IPC buffer, halting');
        c.halt('SysDebugNameThread: no IPC buffer');
        return;
      }
      const name = threadName(k, buf, 120 * (k.wordBits / 8));
      if (name === null) {
        k.debug('SysDebugNameThread: Name too long, halting');
        c.halt('SysDebugNameThread: name too long');
        return;
      }
      (slot.cap.obj as Tcb).name = name;
      return;
    }
  }
  k.currentFault = unknownSyscallFault(wLo, wHi);
  handleFault(k, t);
  schedule(k);
  activateThread(k);
}

/** seL4's handleUserLevelFault. */
export function handleUserLevelFault(c: EntryContext, number: number, code: number): void {
  const k = c.k;
  k.currentFault = userExceptionFault(number, code);
  handleFault(k, k.curThread);
  schedule(k);
  activateThread(k);
}

/** seL4's handleVMFaultEvent. */
export function handleVMFaultEvent(c: EntryContext, addr: number, fsr: number, prefetch: number): void {
  const k = c.k;
  k.currentFault = vmFault(doubleLo(addr), doubleHi(addr), fsr, prefetch);
  handleFault(k, k.curThread);
  schedule(k);
  activateThread(k);
}

/** seL4's handleInterruptEntry. */
export function handleInterruptEntry(c: EntryContext): void {
  const k = c.k;
  checkInterrupt(k);
  schedule(k);
  activateThread(k);
}

/**
 * The syscall register as seL4's syscall_t (a signed word); NaN-free: large words map outside the
 * API. On a 32-bit arch the word is the low half.
 */
export function syscallNumber(lo: number, hi: number, wordBits: 32 | 64 = 64): number {
  if (wordBits === 32) return lo | 0;
  if (hi === 0xffffffff && lo >= 0x80000000) return lo | 0;
  if (hi === 0 && lo < 0x80000000) return lo;
  return hi >= 0x80000000 ? -0x80000001 : 0x80000000;
}

/** The slow path (seL4: slowpath): the syscall handler, or the unknown-syscall handler. */
export function slowpath(c: EntryContext, sysno: number, wLo: number, wHi: number): void {
  if (sysno < SYSCALL_MIN || sysno > SYSCALL_MAX) handleUnknownSyscall(c, sysno, wLo, wHi);
  else handleSyscall(c, sysno);
}
