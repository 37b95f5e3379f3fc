/*
 * Stopping and starting threads (seL4: suspend and restart in src/kernel/thread.c, classic).
 */

import { type Tcb, ThreadState } from '@tsel4/object';
import { cancelIPC, setupReplyMaster } from './ipc.js';
import type { Kernel } from './kernel.js';
import { updateRestartPC } from './registers.js';
import { possibleSwitchTo, setThreadState, tcbSchedDequeue, tcbSchedEnqueue } from './scheduler.js';

/**
 * seL4's suspend: cancel whatever `t` is blocked in and make it Inactive. A running thread's
 * restart PC becomes its next PC, so that a later Resume continues after its last syscall.
 */
export function suspend(k: Kernel, t: Tcb): void {
  cancelIPC(k, t);
  if (t.state === ThreadState.Running) updateRestartPC(t);
  tcbSchedDequeue(k, t);
  setThreadState(k, t, ThreadState.Inactive);
}

/**
 * seL4's restart (TCB_Resume): a stopped thread gets its master reply cap, restarts at its
 * restart PC, goes to the head of its ready queue and may run at once.
 */
export function restart(k: Kernel, t: Tcb): void {
  if (!t.isStopped) return;
  cancelIPC(k, t);
  setupReplyMaster(t);
  setThreadState(k, t, ThreadState.Restart);
  tcbSchedEnqueue(k, t);
  possibleSwitchTo(k, t);
}
