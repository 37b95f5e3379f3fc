/*
 * Notifications (seL4: src/object/notification.c, classic configuration).
 *
 * A signal ORs its badge into an active notification, wakes the first waiter, or wakes a bound
 * thread blocked in an endpoint receive. Delivery writes only the badge register (appendix A 8).
 */

import { queueAppend, queueRemove, type Notification, NtfnState, type Tcb, ThreadState, type Cap } from '@tsel4/object';
import { cancelIPC, doNBRecvFailedTransfer, restartAllQueued } from './ipc.js';
import type { Kernel } from './kernel.js';
import { setReg } from './registers.js';
import { possibleSwitchTo, scheduleTCB, setThreadState } from './scheduler.js';

/** seL4's completeSignal (notification.c): deliver an active notification to `tcb` (badge register only). */
export function completeSignal(k: Kernel, ntfn: Notification, tcb: Tcb): void {
  setReg(tcb, k.arch.syscall.badgeReg, ntfn.wordLo, ntfn.wordHi);
  ntfn.state = NtfnState.Idle;
}

function setActive(ntfn: Notification, badgeLo: number, badgeHi: number): void {
  ntfn.state = NtfnState.Active;
  ntfn.wordLo = badgeLo;
  ntfn.wordHi = badgeHi;
}

/** seL4's sendSignal. */
export function sendSignal(k: Kernel, ntfn: Notification, badgeLo: number, badgeHi: number): void {
  switch (ntfn.state) {
    case NtfnState.Idle: {
      const tcb = ntfn.boundTcb;
      if (tcb !== null && tcb.state === ThreadState.BlockedOnReceive) {
        cancelIPC(k, tcb);
        setThreadState(k, tcb, ThreadState.Running);
        setReg(tcb, k.arch.syscall.badgeReg, badgeLo, badgeHi);
        if (k.tracer !== null) k.tracer.signal(tcb, ntfn, badgeLo, badgeHi);
        possibleSwitchTo(k, tcb);
      } else {
        // no bound thread, or it is not waiting in a receive (e.g. in the middle of a Call)
        setActive(ntfn, badgeLo, badgeHi);
      }
      return;
    }
    case NtfnState.Waiting: {
      const dest = ntfn.head!;
      queueRemove(ntfn, dest);
      if (ntfn.head === null) ntfn.state = NtfnState.Idle;
      setThreadState(k, dest, ThreadState.Running);
      setReg(dest, k.arch.syscall.badgeReg, badgeLo, badgeHi);
      if (k.tracer !== null) k.tracer.signal(dest, ntfn, badgeLo, badgeHi);
      possibleSwitchTo(k, dest);
      return;
    }
    case NtfnState.Active:
      ntfn.wordLo = (ntfn.wordLo | badgeLo) >>> 0;
      ntfn.wordHi = (ntfn.wordHi | badgeHi) >>> 0;
      return;
  }
}

/** seL4's receiveSignal: Wait (blocking) or Poll on a notification cap with Read. */
export function receiveSignal(k: Kernel, thread: Tcb, cap: Cap, isBlocking: boolean): void {
  const ntfn = cap.obj as Notification;
  switch (ntfn.state) {
    case NtfnState.Idle:
    case NtfnState.Waiting:
      if (isBlocking) {
        thread.state = ThreadState.BlockedOnNotification;
        thread.blockingObject = ntfn;
        scheduleTCB(k, thread);
        queueAppend(ntfn, thread);
        ntfn.state = NtfnState.Waiting;
      } else {
        doNBRecvFailedTransfer(k, thread);
      }
      return;
    case NtfnState.Active:
      completeSignal(k, ntfn, thread);
      return;
  }
}

/** seL4's cancelSignal: take a waiter off the notification; it becomes Inactive. */
export function cancelSignal(k: Kernel, t: Tcb, ntfn: Notification): void {
  queueRemove(ntfn, t);
  if (ntfn.head === null) ntfn.state = NtfnState.Idle;
  setThreadState(k, t, ThreadState.Inactive);
}

/** seL4's cancelAllSignals: the notification is going away; its waiters restart their syscall. */
export function cancelAllSignals(k: Kernel, ntfn: Notification): void {
  if (ntfn.state !== NtfnState.Waiting) return;
  ntfn.state = NtfnState.Idle;
  restartAllQueued(k, ntfn);
}
