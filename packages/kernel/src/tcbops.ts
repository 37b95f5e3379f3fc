/*
 * Performing the TCB invocations (seL4: the invokeTCB_* functions of src/object/tcb.c, classic).
 * The checks that come before (decodeTCBInvocation) are the syscalls package's; these functions
 * do what seL4 does once the arguments are known good. Only the CSpace/VSpace/buffer updates can
 * stop part-way (preempted while deleting the old caps), like seL4's.
 */

import { msgInfoLo } from '@tsel4/libsel4';
import {
  type Cap,
  type Cte,
  cteDelete,
  cteInsert,
  type Notification,
  type Preempted,
  PREEMPTED,
  sameObjectAs,
  threadCap,
  type Tcb,
  TCB_BUFFER,
  TCB_CTABLE,
  TCB_VTABLE,
  ThreadState,
  bindNotification,
  unbindNotification,
} from '@tsel4/object';
import { lookupIPCBuffer, setMR } from './ipcbuffer.js';
import type { Kernel } from './kernel.js';
import { copyReg, regHi, regLo, restartAtFaultIP, setReg } from './registers.js';
import { rescheduleRequired, setMCPriority, setPriority, setThreadState } from './scheduler.js';
import { restart, suspend } from './threads.js';

/** A new root or buffer cap and the slot it is derived from. */
export interface CapSource {
  readonly cap: Cap;
  readonly srcSlot: Cte;
}

/** What invokeTCB_ThreadControl changes: each part is optional (seL4's thread_control flags). */
export interface ThreadControl {
  /** New fault handler cptr (set with the space, as seL4 does). */
  readonly faultEP?: { lo: number; hi: number };
  readonly mcp?: number;
  readonly priority?: number;
  readonly cRoot?: CapSource;
  readonly vRoot?: CapSource;
  /** New IPC buffer: address halves and the frame (null when the address is 0). */
  readonly buffer?: { lo: number; hi: number; source: CapSource | null };
}

/**
 * seL4's invokeTCB_ThreadControl. `slot` holds the TCB cap invoked: new root caps are installed
 * only if it and their source caps are still in place after the old ones were deleted.
 */
export function invokeTCB_ThreadControl(k: Kernel, target: Tcb, slot: Cte | null, tc: ThreadControl): Preempted | null {
  const tCap = threadCap(target);
  const stillThere = (src: CapSource) => sameObjectAs(src.cap, src.srcSlot.cap) && slot !== null && sameObjectAs(tCap, slot.cap);
  if (tc.faultEP !== undefined) {
    target.faultHandlerLo = tc.faultEP.lo;
    target.faultHandlerHi = tc.faultEP.hi;
  }
  if (tc.mcp !== undefined) setMCPriority(target, tc.mcp);
  if (tc.cRoot !== undefined) {
    const rootSlot = target.ctes[TCB_CTABLE]!;
    if (cteDelete(k.space, rootSlot, true) === PREEMPTED) return PREEMPTED;
    if (stillThere(tc.cRoot)) cteInsert(tc.cRoot.cap, tc.cRoot.srcSlot, rootSlot);
  }
  if (tc.vRoot !== undefined) {
    const rootSlot = target.ctes[TCB_VTABLE]!;
    if (cteDelete(k.space, rootSlot, true) === PREEMPTED) return PREEMPTED;
    if (stillThere(tc.vRoot)) cteInsert(tc.vRoot.cap, tc.vRoot.srcSlot, rootSlot);
  }
  if (tc.buffer !== undefined) {
    const bufferSlot = target.ctes[TCB_BUFFER]!;
    if (cteDelete(k.space, bufferSlot, true) === PREEMPTED) return PREEMPTED;
    target.ipcBufferLo = tc.buffer.lo;
    target.ipcBufferHi = tc.buffer.hi;
    const src = tc.buffer.source;
    if (src !== null && stillThere(src)) cteInsert(src.cap, src.srcSlot, bufferSlot);
    if (target === k.curThread) rescheduleRequired(k);
  }
  if (tc.priority !== undefined) setPriority(k, target, tc.priority);
  return null;
}

/** seL4's invokeTCB_ReadRegisters: reply with `n` registers of `src` (seL4_UserContext order). */
export function invokeTCB_ReadRegisters(k: Kernel, src: Tcb, suspendSource: boolean, n: number, isCall: boolean): void {
  const thread = k.curThread;
  if (suspendSource) suspend(k, src);
  if (isCall) {
    const a = k.arch;
    const buf = lookupIPCBuffer(true, thread);
    const ctx = a.userContext;
    const nFrame = a.frameRegisterCount;
    const nGp = ctx.length - nFrame;
    const nMsg = k.nMsgRegisters;
    setReg(thread, a.syscall.badgeReg, 0, 0);
    let i = 0;
    for (; i < n && i < nFrame && i < nMsg; i++) copyReg(src, ctx[i]!, thread, a.syscall.msgRegs[i]!);
    if (buf >= 0 && i < n && i < nFrame) {
      for (; i < n && i < nFrame; i++) setMR(k, thread, buf, i, regLo(src, ctx[i]!), regHi(src, ctx[i]!));
    }
    const j = i;
    for (i = 0; i < nGp && i + nFrame < n && i + nFrame < nMsg; i++) {
      copyReg(src, ctx[nFrame + i]!, thread, a.syscall.msgRegs[i + nFrame]!);
    }
    if (buf >= 0 && i < nGp && i + nFrame < n) {
      for (; i < nGp && i + nFrame < n; i++) {
        setMR(k, thread, buf, i + nFrame, regLo(src, ctx[nFrame + i]!), regHi(src, ctx[nFrame + i]!));
      }
    }
    setReg(thread, a.syscall.infoReg, msgInfoLo(0, 0, 0, i + j), 0);
  }
  setThreadState(k, thread, ThreadState.Running);
}

/**
 * seL4's invokeTCB_WriteRegisters: write `n` registers (seL4_UserContext order, sanitised) taken
 * from the invocation's arguments 2.. by `arg(i)` as [lo, hi].
 */
export function invokeTCB_WriteRegisters(
  k: Kernel,
  dest: Tcb,
  resumeTarget: boolean,
  n: number,
  arg: (i: number) => readonly [number, number],
): void {
  const a = k.arch;
  const ctx = a.userContext;
  if (n > ctx.length) n = ctx.length;
  for (let i = 0; i < n; i++) {
    const r = ctx[i]!;
    const [lo, hi] = arg(i + 2);
    const [slo, shi] = a.sanitise(r, lo, hi);
    setReg(dest, r, slo, shi);
  }
  restartAtFaultIP(dest);
  if (resumeTarget) restart(k, dest);
  if (dest === k.curThread) rescheduleRequired(k);
}

/** seL4's invokeTCB_CopyRegisters. */
export function invokeTCB_CopyRegisters(
  k: Kernel,
  dest: Tcb,
  src: Tcb,
  suspendSource: boolean,
  resumeTarget: boolean,
  transferFrame: boolean,
  transferInteger: boolean,
): void {
  const a = k.arch;
  if (suspendSource) suspend(k, src);
  if (resumeTarget) restart(k, dest);
  if (transferFrame) {
    for (let i = 0; i < a.frameRegisterCount; i++) copyReg(src, a.userContext[i]!, dest, a.userContext[i]!);
    restartAtFaultIP(dest);
  }
  if (transferInteger) {
    for (let i = a.frameRegisterCount; i < a.userContext.length; i++) copyReg(src, a.userContext[i]!, dest, a.userContext[i]!);
  }
  if (dest === k.curThread) rescheduleRequired(k);
}

/** seL4's invokeSetTLSBase. */
export function invokeSetTLSBase(k: Kernel, t: Tcb, lo: number, hi: number): void {
  setReg(t, k.arch.tlsBase, lo, hi);
  if (t === k.curThread) rescheduleRequired(k);
}

/** seL4_TCBFlag_MASK on the arches tsel4 has (all have an FPU): fpuDisabled. */
export const TCB_FLAG_MASK = 1;

/** seL4's invokeSetFlags: returns the new flags in MR0 when called. */
export function invokeSetFlags(k: Kernel, t: Tcb, clear: number, set: number, isCall: boolean): void {
  const cur = k.curThread;
  t.flags = ((t.flags & ~clear) | (set & TCB_FLAG_MASK)) >>> 0;
  if (isCall) {
    const buf = lookupIPCBuffer(true, cur);
    setReg(cur, k.arch.syscall.badgeReg, 0, 0);
    const len = setMR(k, cur, buf, 0, t.flags, 0);
    setReg(cur, k.arch.syscall.infoReg, len, 0);
  }
  setThreadState(k, cur, ThreadState.Running);
}

/** seL4's invokeTCB_NotificationControl: bind `ntfn`, or unbind when null. */
export function invokeTCB_NotificationControl(t: Tcb, ntfn: Notification | null): void {
  if (ntfn !== null) bindNotification(t, ntfn);
  else unbindNotification(t);
}

/** seL4's invokeTCB_Suspend. */
export function invokeTCB_Suspend(k: Kernel, t: Tcb): void {
  suspend(k, t);
}

/** seL4's invokeTCB_Resume. */
export function invokeTCB_Resume(k: Kernel, t: Tcb): void {
  restart(k, t);
}
