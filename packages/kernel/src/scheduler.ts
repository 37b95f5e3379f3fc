/*
 * Scheduling (seL4: src/kernel/thread.c and the queue functions of src/object/tcb.c, classic
 * configuration).
 *
 * One ready queue per (domain, priority), with a two-level bitmap for an O(1) choice of the
 * highest non-empty priority. Who runs next follows seL4 exactly: a woken thread becomes the
 * switch candidate (possibleSwitchTo); at the end of every kernel entry schedule() decides between
 * the current thread and the candidate; enqueueing on resume or preemption is at the head of the
 * queue, on IPC wake-ups of an equal priority at the tail (digest 3.9, appendix A 10).
 */

import { type Tcb, ThreadState } from '@tsel4/object';
import { BITMAP_WORD_BITS, type Kernel, L2_WORDS, SchedulerAction } from './kernel.js';
import { restartAtFaultIP } from './registers.js';

function queueIndex(k: Kernel, t: Tcb): number {
  return t.domain * k.config.numPriorities + t.priority;
}

function addToBitmap(k: Kernel, dom: number, prio: number): void {
  const l1 = prio >>> 5;
  k.l1Bitmap[dom] = k.l1Bitmap[dom]! | (1 << l1);
  const i = dom * L2_WORDS + l1;
  k.l2Bitmap[i] = k.l2Bitmap[i]! | (1 << (prio & (BITMAP_WORD_BITS - 1)));
}

function removeFromBitmap(k: Kernel, dom: number, prio: number): void {
  const l1 = prio >>> 5;
  const i = dom * L2_WORDS + l1;
  const w = (k.l2Bitmap[i] = k.l2Bitmap[i]! & ~(1 << (prio & (BITMAP_WORD_BITS - 1))));
  if (w === 0) k.l1Bitmap[dom] = k.l1Bitmap[dom]! & ~(1 << l1);
}

/** seL4's getHighestPrio: the highest priority with a ready thread in `dom` (needs one). */
export function getHighestPrio(k: Kernel, dom: number): number {
  const l1 = 31 - Math.clz32(k.l1Bitmap[dom]!);
  const w = k.l2Bitmap[dom * L2_WORDS + l1]!;
  return (l1 << 5) | (31 - Math.clz32(w));
}

/** seL4's isHighestPrio: no ready thread in `dom` outranks `prio`. */
export function isHighestPrio(k: Kernel, dom: number, prio: number): boolean {
  return k.l1Bitmap[dom] === 0 || prio >= getHighestPrio(k, dom);
}

/** seL4's tcbSchedEnqueue: put `t` at the head of its ready queue (if not queued). */
export function tcbSchedEnqueue(k: Kernel, t: Tcb): void {
  if (t.queued) return;
  const idx = queueIndex(k, t);
  const head = k.queueHead[idx]!;
  if (head === null) {
    addToBitmap(k, t.domain, t.priority);
    k.queueTail[idx] = t;
  } else {
    head.schedPrev = t;
  }
  t.schedNext = head;
  t.schedPrev = null;
  k.queueHead[idx] = t;
  t.queued = true;
}

/** seL4's tcbSchedAppend: put `t` at the tail of its ready queue (if not queued). */
export function tcbSchedAppend(k: Kernel, t: Tcb): void {
  if (t.queued) return;
  const idx = queueIndex(k, t);
  const tail = k.queueTail[idx]!;
  if (tail === null) {
    addToBitmap(k, t.domain, t.priority);
    k.queueHead[idx] = t;
  } else {
    tail.schedNext = t;
  }
  t.schedPrev = tail;
  t.schedNext = null;
  k.queueTail[idx] = t;
  t.queued = true;
}

/** seL4's tcbSchedDequeue: take `t` out of its ready queue (if queued). */
export function tcbSchedDequeue(k: Kernel, t: Tcb): void {
  if (!t.queued) return;
  const idx = queueIndex(k, t);
  const prev = t.schedPrev;
  const next = t.schedNext;
  if (prev === null) k.queueHead[idx] = next;
  else prev.schedNext = next;
  if (next === null) k.queueTail[idx] = prev;
  else next.schedPrev = prev;
  t.schedPrev = null;
  t.schedNext = null;
  t.queued = false;
  if (k.queueHead[idx] === null) removeFromBitmap(k, t.domain, t.priority);
}

/** seL4's rescheduleRequired. */
export function rescheduleRequired(k: Kernel): void {
  if (k.action === SchedulerAction.SwitchToThread) tcbSchedEnqueue(k, k.candidate!);
  k.action = SchedulerAction.ChooseNewThread;
  k.candidate = null;
}

/** seL4's possibleSwitchTo: `t` was woken; maybe run it at the end of this kernel entry. */
export function possibleSwitchTo(k: Kernel, t: Tcb): void {
  if (k.curDomain !== t.domain) {
    tcbSchedEnqueue(k, t);
  } else if (k.action !== SchedulerAction.ResumeCurrentThread) {
    rescheduleRequired(k);
    tcbSchedEnqueue(k, t);
  } else {
    k.action = SchedulerAction.SwitchToThread;
    k.candidate = t;
  }
}

/** seL4's scheduleTCB: the current thread stopped being runnable; a new one must be chosen. */
export function scheduleTCB(k: Kernel, t: Tcb): void {
  if (t === k.curThread && k.action === SchedulerAction.ResumeCurrentThread && !t.isRunnable) {
    k.action = SchedulerAction.ChooseNewThread;
  }
}

/** seL4's setThreadState. */
export function setThreadState(k: Kernel, t: Tcb, s: ThreadState): void {
  t.state = s;
  scheduleTCB(k, t);
}

/** seL4's switchToThread. */
export function switchToThread(k: Kernel, t: Tcb): void {
  tcbSchedDequeue(k, t);
  if (t !== k.curThread) k.counters.contextSwitches++;
  k.curThread = t;
  k.board.cpu.current = t.ctx;
}

/** seL4's switchToIdleThread. */
export function switchToIdleThread(k: Kernel): void {
  if (k.curThread !== k.idleThread) k.counters.contextSwitches++;
  k.curThread = k.idleThread;
  k.board.cpu.current = k.idleThread.ctx;
}

/** seL4's chooseThread: the head of the highest non-empty queue of the current domain, or idle. */
export function chooseThread(k: Kernel): void {
  const dom = k.config.numDomains > 1 ? k.curDomain : 0;
  if (k.l1Bitmap[dom] !== 0) {
    const prio = getHighestPrio(k, dom);
    switchToThread(k, k.queueHead[dom * k.config.numPriorities + prio]!);
  } else {
    switchToIdleThread(k);
  }
}

/** seL4's nextDomain. */
function nextDomain(k: Kernel): void {
  k.domScheduleIdx++;
  // an entry of duration 0 is an end marker (the last entry always is): wrap to the start
  if (k.domainSchedule[k.domScheduleIdx]!.length === 0) k.domScheduleIdx = k.domScheduleStart;
  k.workUnitsCompleted = 0;
  const e = k.domainSchedule[k.domScheduleIdx]!;
  k.curDomain = e.domain;
  k.domainTime = e.length;
}

function scheduleChooseNewThread(k: Kernel): void {
  if (k.domainTime === 0) nextDomain(k);
  chooseThread(k);
}

/** seL4's schedule: decide who runs when this kernel entry returns. */
export function schedule(k: Kernel): void {
  if (k.action !== SchedulerAction.ResumeCurrentThread) {
    const cur = k.curThread;
    const wasRunnable = cur.isRunnable;
    if (wasRunnable) tcbSchedEnqueue(k, cur);
    if (k.action === SchedulerAction.ChooseNewThread) {
      scheduleChooseNewThread(k);
    } else {
      const candidate = k.candidate!;
      // Avoid the bitmap when the current thread outranks the candidate (as the fastpath does).
      const fastfail = cur === k.idleThread || candidate.priority < cur.priority;
      if (fastfail && !isHighestPrio(k, k.curDomain, candidate.priority)) {
        tcbSchedEnqueue(k, candidate);
        k.action = SchedulerAction.ChooseNewThread;
        scheduleChooseNewThread(k);
      } else if (wasRunnable && candidate.priority === cur.priority) {
        // The current thread is at the head of the queue: it keeps running, the candidate waits.
        tcbSchedAppend(k, candidate);
        k.action = SchedulerAction.ChooseNewThread;
        scheduleChooseNewThread(k);
      } else {
        switchToThread(k, candidate);
      }
    }
  }
  k.action = SchedulerAction.ResumeCurrentThread;
  k.candidate = null;
}

/**
 * seL4's activateThread: make the chosen thread ready to return to user level. A thread in
 * Restart resumes at its restart PC (its syscall runs again).
 */
export function activateThread(k: Kernel): void {
  const t = k.curThread;
  switch (t.state) {
    case ThreadState.Running:
    case ThreadState.Idle:
      return;
    case ThreadState.Restart:
      restartAtFaultIP(t);
      t.state = ThreadState.Running;
      return;
    default:
      throw new Error(`internal: activateThread on a blocked thread (${t.describe()}, state ${t.state})`);
  }
}

/** seL4's timerTick (classic): charge the tick to the running thread's timeslice and domain. */
export function timerTick(k: Kernel): void {
  const cur = k.curThread;
  if (cur.state === ThreadState.Running) {
    if (cur.timeSlice > 1) {
      cur.timeSlice--;
    } else {
      cur.timeSlice = k.config.timeSlice;
      k.counters.timesliceExpiries++;
      tcbSchedAppend(k, cur);
      rescheduleRequired(k);
    }
  }
  if (k.config.numDomains > 1) {
    k.domainTime--;
    if (k.domainTime === 0) rescheduleRequired(k);
  }
}

/** seL4's handleYield (classic): to the tail of its queue, keeping the rest of its timeslice. */
export function handleYield(k: Kernel): void {
  tcbSchedDequeue(k, k.curThread);
  tcbSchedAppend(k, k.curThread);
  rescheduleRequired(k);
}

/** seL4's setPriority (classic). */
export function setPriority(k: Kernel, t: Tcb, prio: number): void {
  tcbSchedDequeue(k, t);
  t.priority = prio;
  if (t.isRunnable) {
    if (t === k.curThread) rescheduleRequired(k);
    else possibleSwitchTo(k, t);
  }
}

/** seL4's setMCPriority. */
export function setMCPriority(t: Tcb, mcp: number): void {
  t.mcp = mcp;
}

/** seL4's setDomain. */
export function setDomain(k: Kernel, t: Tcb, dom: number): void {
  tcbSchedDequeue(k, t);
  t.domain = dom;
  if (t.isRunnable) tcbSchedEnqueue(k, t);
  if (t === k.curThread) rescheduleRequired(k);
}

/** seL4's DomainSet_ScheduleConfigure once decoded: entry `index` of the domain schedule. */
export function invokeDomainScheduleConfigure(k: Kernel, index: number, domain: number, duration: number): void {
  k.domainSchedule[index] = { domain, length: duration };
}

/** seL4's DomainSet_ScheduleSetStart once decoded: the schedule restarts from `index`. */
export function invokeDomainScheduleSetStart(k: Kernel, index: number): void {
  k.domScheduleStart = index;
  k.domainTime = 0;
  // the current entry ends now; nextDomain steps onto the last entry (always an end marker) and
  // so wraps to the new start
  k.domScheduleIdx = k.config.numDomainSchedules - 2;
  rescheduleRequired(k);
}
