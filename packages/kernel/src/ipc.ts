/*
 * IPC (seL4: src/object/endpoint.c, and the transfer functions of src/kernel/thread.c and
 * src/object/tcb.c, classic configuration).
 *
 * sendIPC and receiveIPC implement the endpoint protocol: a thread that finds no partner queues
 * (FIFO, never reordered by priority); one that finds a partner transfers the message and wakes it.
 * A Call through a cap with Grant or GrantReply leaves the caller BlockedOnReply with a reply cap
 * in the receiver's caller slot; without either right the caller becomes Inactive. A transfer
 * copies the message registers (registers to registers, the rest buffer to buffer, truncated to
 * the registers when either side has no buffer), the badge, and with Grant up to three caps, of
 * which caps to the endpoint the message travels on are unwrapped into their badges.
 */

import { wordToDouble } from '@tsel4/hal';
import {
  IPCBUF_CAPS_OR_BADGES,
  IPCBUF_RECEIVE_CNODE,
  IPCBUF_RECEIVE_DEPTH,
  IPCBUF_RECEIVE_INDEX,
  msgInfoExtraCaps,
  msgInfoLabel,
  msgInfoHi,
  msgInfoLength,
  msgInfoLo,
  seL4_MsgMaxExtraCaps,
  seL4_MsgMaxLength,
} from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
  cteDeleteOne,
  cteInsert,
  type Cte,
  deriveCap,
  type Endpoint,
  EPState,
  capFault,
  lookupTargetSlot,
  type Notification,
  NtfnState,
  queueAppend,
  queueRemove,
  replyCap,
  SyscallError,
  type Tcb,
  TCB_CALLER,
  TCB_REPLY,
  type TcbQueue,
  ThreadState,
  writeSlot,
} from '@tsel4/object';
import { lookupCap, lookupSlot } from './cspace.js';
import { doFaultTransfer, handleFaultReply } from './faults.js';
import { bufHi, bufLo, lookupIPCBuffer, NO_BUFFER, setBuf, setMR } from './ipcbuffer.js';
import type { Kernel } from './kernel.js';
import { regHi, regLo, setReg } from './registers.js';
import { possibleSwitchTo, rescheduleRequired, scheduleTCB, setThreadState, tcbSchedEnqueue } from './scheduler.js';
import { cancelSignal, completeSignal } from './signal.js';

/** The sender's message length as the kernel reads it: clamped to seL4_MsgMaxLength. */
export function clampedLength(infoLo: number): number {
  const n = msgInfoLength(infoLo);
  return n > seL4_MsgMaxLength ? seL4_MsgMaxLength : n;
}

/**
 * seL4's lookupExtraCaps: look up the extra-cap cptrs of the sender's buffer into
 * Kernel.extraCaps. False (with a CapFault in Kernel.currentFault) if one does not resolve.
 */
export function lookupExtraCaps(k: Kernel, thread: Tcb, buf: number, infoLo: number): boolean {
  const ex = k.extraCaps;
  if (buf === NO_BUFFER) {
    ex[0] = null;
    return true;
  }
  const n = msgInfoExtraCaps(infoLo);
  let i = 0;
  for (; i < n; i++) {
    const lo = bufLo(k, buf, IPCBUF_CAPS_OR_BADGES + i);
    const hi = bufHi(k, buf, IPCBUF_CAPS_OR_BADGES + i);
    const slot = lookupSlot(k, thread, lo, hi);
    if (slot === null) {
      k.currentFault = capFault(lo, hi, 0);
      return false;
    }
    ex[i] = slot;
  }
  if (i < seL4_MsgMaxExtraCaps) ex[i] = null;
  return true;
}

/** seL4's copyMRs: returns how many words were transferred. */
export function copyMRs(k: Kernel, sender: Tcb, sendBuf: number, receiver: Tcb, recvBuf: number, n: number): number {
  const msgRegs = k.arch.syscall.msgRegs;
  const s = sender.ctx.regs;
  const r = receiver.ctx.regs;
  let i = 0;
  for (; i < n && i < msgRegs.length; i++) {
    const reg = 2 * msgRegs[i]!;
    r[reg] = s[reg]!;
    r[reg + 1] = s[reg + 1]!;
  }
  if (recvBuf === NO_BUFFER || sendBuf === NO_BUFFER) return i;
  for (; i < n; i++) setBuf(k, recvBuf, i + 1, bufLo(k, sendBuf, i + 1), bufHi(k, sendBuf, i + 1));
  return i;
}

/** seL4's getReceiveSlots: the empty slot named by the receiver's buffer, or null. */
function getReceiveSlot(k: Kernel, receiver: Tcb, buf: number): Cte | null {
  if (buf === NO_BUFFER) return null;
  const cnode = lookupCap(k, receiver, bufLo(k, buf, IPCBUF_RECEIVE_CNODE), bufHi(k, buf, IPCBUF_RECEIVE_CNODE));
  if (cnode === null) return null;
  const depthLo = bufLo(k, buf, IPCBUF_RECEIVE_DEPTH);
  const depthHi = bufHi(k, buf, IPCBUF_RECEIVE_DEPTH);
  const depth = wordToDouble(depthLo, depthHi);
  const r = lookupTargetSlot(
    cnode,
    bufLo(k, buf, IPCBUF_RECEIVE_INDEX),
    bufHi(k, buf, IPCBUF_RECEIVE_INDEX),
    depth,
    k.wordBits,
    k.space.lookup,
  );
  if (r instanceof SyscallError) return null;
  return r.isEmpty ? r : null;
}

/**
 * seL4's transferCaps: move the looked-up extra caps to the receiver. Returns the receiver's
 * extraCaps count and capsUnwrapped bits as (extraCaps | capsUnwrapped << 2).
 */
function transferCaps(k: Kernel, ep: Endpoint | null, receiver: Tcb, recvBuf: number): number {
  const ex = k.extraCaps;
  if (ex[0] === null || recvBuf === NO_BUFFER) return 0;
  let destSlot = getReceiveSlot(k, receiver, recvBuf);
  let unwrapped = 0;
  let i = 0;
  for (; i < seL4_MsgMaxExtraCaps; i++) {
    const slot = ex[i];
    if (slot === null || slot === undefined) break;
    const cap = slot.cap;
    if (cap.type === CapType.Endpoint && cap.obj === ep) {
      // A cap to the endpoint the message travels on: transfer its badge, not the cap.
      setBuf(k, recvBuf, IPCBUF_CAPS_OR_BADGES + i, cap.badgeLo, cap.badgeHi);
      unwrapped |= 1 << i;
    } else {
      if (destSlot === null) break;
      const d = deriveCap(slot, cap);
      if (d instanceof SyscallError || d.type === CapType.Null) break;
      cteInsert(d, slot, destSlot);
      destSlot = null;
    }
  }
  return i | (unwrapped << 2);
}

/** seL4's doNormalTransfer. */
function doNormalTransfer(
  k: Kernel,
  sender: Tcb,
  sendBuf: number,
  ep: Endpoint | null,
  badgeLo: number,
  badgeHi: number,
  canGrant: boolean,
  receiver: Tcb,
  recvBuf: number,
): void {
  const infoReg = k.arch.syscall.infoReg;
  const tagLo = regLo(sender, infoReg);
  const tagHi = regHi(sender, infoReg);
  if (canGrant) {
    if (!lookupExtraCaps(k, sender, sendBuf, tagLo)) k.extraCaps[0] = null;
  } else {
    k.extraCaps[0] = null;
  }
  const transferred = copyMRs(k, sender, sendBuf, receiver, recvBuf, clampedLength(tagLo));
  const caps = transferCaps(k, ep, receiver, recvBuf);
  // label kept; capsUnwrapped, extraCaps and length recomputed
  const lo = msgInfoLo(msgInfoLabel(tagLo, tagHi), caps >>> 2, caps & 3, transferred);
  setReg(receiver, infoReg, lo, tagHi);
  setReg(receiver, k.arch.syscall.badgeReg, badgeLo, badgeHi);
}

/** seL4's doIPCTransfer: a normal message, or the sender's fault message if it has one. */
export function doIPCTransfer(
  k: Kernel,
  sender: Tcb,
  ep: Endpoint | null,
  badgeLo: number,
  badgeHi: number,
  grant: boolean,
  receiver: Tcb,
): void {
  const recvBuf = lookupIPCBuffer(true, receiver);
  if (sender.fault === null) {
    doNormalTransfer(k, sender, lookupIPCBuffer(false, sender), ep, badgeLo, badgeHi, grant, receiver, recvBuf);
  } else {
    doFaultTransfer(k, badgeLo, badgeHi, sender, receiver, recvBuf);
  }
  if (k.tracer !== null) k.tracer.ipcTransfer(sender, receiver, ep, badgeLo, badgeHi);
}

/** seL4's doNBRecvFailedTransfer: nothing was there; only the badge register is written (0). */
export function doNBRecvFailedTransfer(k: Kernel, t: Tcb): void {
  setReg(t, k.arch.syscall.badgeReg, 0, 0);
}

/**
 * The reply cap naming `caller` (one shared immutable object per thread and grant right), as
 * setupCallerCap and the fastpath put it in the receiver's caller slot.
 */
export function replyCapFor(caller: Tcb, canGrant: boolean): Cap {
  if (canGrant) return (caller.replyCapGrant ??= replyCap(caller, false, true));
  return (caller.replyCapNoGrant ??= replyCap(caller, false, false));
}

/** seL4's setupCallerCap: `sender` waits for a reply through a cap in `receiver`'s caller slot. */
export function setupCallerCap(k: Kernel, sender: Tcb, receiver: Tcb, canGrant: boolean): void {
  setThreadState(k, sender, ThreadState.BlockedOnReply);
  cteInsert(replyCapFor(sender, canGrant), sender.ctes[TCB_REPLY]!, receiver.ctes[TCB_CALLER]!);
}

/** seL4's deleteCallerCap: drop an unanswered reply cap from `receiver`'s caller slot. */
export function deleteCallerCap(k: Kernel, receiver: Tcb): void {
  cteDeleteOne(k.space, receiver.ctes[TCB_CALLER]!);
}

/** seL4's setupReplyMaster: give a thread its master reply cap (when it first starts). */
export function setupReplyMaster(t: Tcb): void {
  const slot = t.ctes[TCB_REPLY]!;
  if (slot.cap.type === CapType.Null) writeSlot(slot, replyCap(t, true, true));
}

/** seL4's sendIPC (classic). */
export function sendIPC(
  k: Kernel,
  blocking: boolean,
  doCall: boolean,
  badgeLo: number,
  badgeHi: number,
  canGrant: boolean,
  canGrantReply: boolean,
  thread: Tcb,
  ep: Endpoint,
): void {
  switch (ep.state) {
    case EPState.Idle:
    case EPState.Send:
      if (blocking) {
        thread.state = ThreadState.BlockedOnSend;
        thread.blockingObject = ep;
        thread.blockingBadgeLo = badgeLo;
        thread.blockingBadgeHi = badgeHi;
        thread.blockingCanGrant = canGrant;
        thread.blockingCanGrantReply = canGrantReply;
        thread.blockingIsCall = doCall;
        scheduleTCB(k, thread);
        queueAppend(ep, thread);
        ep.state = EPState.Send;
      }
      return;
    case EPState.Recv: {
      const dest = ep.head!;
      queueRemove(ep, dest);
      if (ep.head === null) ep.state = EPState.Idle;
      doIPCTransfer(k, thread, ep, badgeLo, badgeHi, canGrant, dest);
      const replyCanGrant = dest.blockingCanGrant;
      setThreadState(k, dest, ThreadState.Running);
      possibleSwitchTo(k, dest);
      if (doCall) {
        if (canGrant || canGrantReply) setupCallerCap(k, thread, dest, replyCanGrant);
        else setThreadState(k, thread, ThreadState.Inactive);
      }
      return;
    }
  }
}

/** seL4's receiveIPC (classic): `cap` is an endpoint cap with Read. */
export function receiveIPC(k: Kernel, thread: Tcb, cap: Cap, isBlocking: boolean): void {
  const ep = cap.obj as Endpoint;
  const ntfn = thread.boundNotification;
  if (ntfn !== null && ntfn.state === NtfnState.Active) {
    completeSignal(k, ntfn, thread);
    return;
  }
  switch (ep.state) {
    case EPState.Idle:
    case EPState.Recv:
      if (isBlocking) {
        thread.state = ThreadState.BlockedOnReceive;
        thread.blockingObject = ep;
        thread.blockingCanGrant = cap.canGrant;
        scheduleTCB(k, thread);
        queueAppend(ep, thread);
        ep.state = EPState.Recv;
      } else {
        doNBRecvFailedTransfer(k, thread);
      }
      return;
    case EPState.Send: {
      const sender = ep.head!;
      queueRemove(ep, sender);
      if (ep.head === null) ep.state = EPState.Idle;
      const canGrant = sender.blockingCanGrant;
      const canGrantReply = sender.blockingCanGrantReply;
      doIPCTransfer(k, sender, ep, sender.blockingBadgeLo, sender.blockingBadgeHi, canGrant, thread);
      if (sender.blockingIsCall) {
        if (canGrant || canGrantReply) setupCallerCap(k, sender, thread, cap.canGrant);
        else setThreadState(k, sender, ThreadState.Inactive);
      } else {
        setThreadState(k, sender, ThreadState.Running);
        possibleSwitchTo(k, sender);
      }
      return;
    }
  }
}

/** seL4's replyFromKernel_success_empty. */
export function replyFromKernelSuccessEmpty(k: Kernel, t: Tcb): void {
  setReg(t, k.arch.syscall.badgeReg, 0, 0);
  setReg(t, k.arch.syscall.infoReg, 0, 0);
}

/** seL4's replyFromKernel_error with setMRs_syscall_error: the error label and its words. */
export function replyFromKernelError(k: Kernel, t: Tcb, err: SyscallError): void {
  const buf = lookupIPCBuffer(true, t);
  setReg(t, k.arch.syscall.badgeReg, 0, 0);
  let len = 0;
  const words = err.extra;
  for (let i = 0; i < words.length; i++) len = setMR(k, t, buf, i, words[i]![0], words[i]![1]);
  setReg(t, k.arch.syscall.infoReg, msgInfoLo(err.type, 0, 0, len), msgInfoHi(k.wordBits, err.type));
}

/** seL4's doReplyTransfer (classic): answer the thread blocked on the reply cap in `slot`. */
export function doReplyTransfer(k: Kernel, sender: Tcb, receiver: Tcb, slot: Cte, grant: boolean): void {
  if (receiver.state !== ThreadState.BlockedOnReply) {
    throw new Error(`internal: reply to ${receiver.describe()}, which is not waiting for one`);
  }
  if (receiver.fault === null) {
    doIPCTransfer(k, sender, null, 0, 0, grant, receiver);
    cteDeleteOne(k.space, slot);
    setThreadState(k, receiver, ThreadState.Running);
    possibleSwitchTo(k, receiver);
  } else {
    cteDeleteOne(k.space, slot);
    const restart = handleFaultReply(k, receiver, sender);
    receiver.fault = null;
    if (restart) {
      setThreadState(k, receiver, ThreadState.Restart);
      possibleSwitchTo(k, receiver);
    } else {
      setThreadState(k, receiver, ThreadState.Inactive);
    }
  }
}

/** seL4's cancelIPC: take `t` out of whatever IPC it is blocked in. */
export function cancelIPC(k: Kernel, t: Tcb): void {
  switch (t.state) {
    case ThreadState.BlockedOnSend:
    case ThreadState.BlockedOnReceive: {
      const ep = t.blockingObject as Endpoint;
      queueRemove(ep, t);
      if (ep.head === null) ep.state = EPState.Idle;
      setThreadState(k, t, ThreadState.Inactive);
      return;
    }
    case ThreadState.BlockedOnNotification:
      cancelSignal(k, t, t.blockingObject as Notification);
      return;
    case ThreadState.BlockedOnReply: {
      t.fault = null;
      // the caller cap (if any) follows the master reply cap in the derivation tree
      const callerCap = t.ctes[TCB_REPLY]!.mdbNext;
      if (callerCap !== null) cteDeleteOne(k.space, callerCap);
      return;
    }
  }
}

/**
 * Empty the queue of an endpoint or notification that is going away: each thread, head first,
 * restarts its syscall and goes to the head of its ready queue (the loop of seL4's cancelAllIPC
 * and cancelAllSignals). The caller sets the object's state.
 */
export function restartAllQueued(k: Kernel, q: TcbQueue): void {
  let t = q.head;
  q.head = null;
  q.tail = null;
  while (t !== null) {
    const next = t.epNext;
    t.epNext = null;
    t.epPrev = null;
    setThreadState(k, t, ThreadState.Restart);
    tcbSchedEnqueue(k, t);
    t = next;
  }
  rescheduleRequired(k);
}

/** seL4's cancelAllIPC: the endpoint is going away; every queued thread restarts its syscall. */
export function cancelAllIPC(k: Kernel, ep: Endpoint): void {
  if (ep.state === EPState.Idle) return;
  ep.state = EPState.Idle;
  restartAllQueued(k, ep);
}

/** seL4's cancelBadgedSends: restart every sender queued with this badge. */
export function cancelBadgedSends(k: Kernel, ep: Endpoint, badgeLo: number, badgeHi: number): void {
  if (ep.state !== EPState.Send) return;
  let t = ep.head;
  while (t !== null) {
    const next = t.epNext;
    if (t.blockingBadgeLo === badgeLo && t.blockingBadgeHi === badgeHi) {
      setThreadState(k, t, ThreadState.Restart);
      tcbSchedEnqueue(k, t);
      queueRemove(ep, t);
    }
    t = next;
  }
  ep.state = ep.head === null ? EPState.Idle : EPState.Send;
  rescheduleRequired(k);
}

/** The label of a thread's message info register (for decoders). */
export function infoLabel(k: Kernel, t: Tcb): number {
  const r = k.arch.syscall.infoReg;
  return msgInfoLabel(regLo(t, r), regHi(t, r));
}
