/*
 * The inspection API for threads and IPC objects: plain, JSON-serialisable pictures of every
 * thread (state, priority, what it blocks on, its fault), of the ready queues in the order the
 * scheduler takes them, and of every endpoint and notification with its queue and word. Tests
 * state scheduler and IPC facts with these; the playground draws them after each kernel entry.
 * Nothing here changes state.
 *
 * Ids are the object layer's ("tcb@0x421000", "endpoint@0x412000"), so a thread's `blockedOn`
 * names the same endpoint as a cap's `object` in a CSpace tree.
 */

import { wordToHex } from '@tsel4/hal';
import { faultName } from '@tsel4/libsel4';
import {
  Endpoint,
  EPState,
  Notification,
  NtfnState,
  objectId,
  queueToArray,
  reachableSlots,
  type Tcb,
  TCB_CTABLE,
  ThreadState,
  threadStateName,
} from '@tsel4/object';
import type { Kernel } from './kernel.js';

/** A thread as data. */
export interface ThreadInfo {
  /** "tcb@0x421000" */
  readonly id: string;
  /** Its debug name (seL4_DebugNameThread; sel4utils names the threads it spawns), or "". */
  readonly name: string;
  /** seL4's thread state: "Running", "BlockedOnReceive", ... ("Idle" for the idle thread). */
  readonly state: string;
  readonly priority: number;
  readonly mcp: number;
  readonly domain: number;
  /** The endpoint or notification it is blocked on, or null. */
  readonly blockedOn: string | null;
  /** A blocked sender: the badge it sends with and whether it is in a Call. */
  readonly sendBadge?: string;
  readonly isCall?: boolean;
  /** The bound notification, or null. */
  readonly boundNotification: string | null;
  /** The pending fault's C name ("seL4_Fault_CapFault"), or null. */
  readonly fault: string | null;
  /** The thread the CPU runs now (seL4's ksCurThread). */
  readonly current: boolean;
  /** In a ready queue (seL4's tcbQueued). */
  readonly queued: boolean;
  readonly isIdle: boolean;
  /** The slot holding its CSpace root cap (feed its cap to cspaceTree), as a slot id. */
  readonly cspaceRoot: string;
}

/** One non-empty ready queue: the threads in the order the scheduler takes them (head first). */
export interface ReadyQueueInfo {
  readonly domain: number;
  readonly priority: number;
  readonly threads: readonly string[];
}

/** An endpoint as data: seL4's state and its queue of blocked threads, head first. */
export interface EndpointInfo {
  readonly id: string;
  readonly state: 'Idle' | 'Send' | 'Recv';
  readonly queue: readonly string[];
}

/** A notification as data: state, word (hex), bound thread and the threads waiting, head first. */
export interface NotificationInfo {
  readonly id: string;
  readonly state: 'Idle' | 'Waiting' | 'Active';
  readonly word: string;
  readonly boundTcb: string | null;
  readonly queue: readonly string[];
}

/** Everything the views show about scheduling and IPC at one moment. */
export interface KernelInfo {
  /** The current thread's id (ksCurThread). */
  readonly current: string;
  readonly domain: number;
  /** Every live thread, the root task first, then in order of creation; the idle thread last. */
  readonly threads: readonly ThreadInfo[];
  readonly readyQueues: readonly ReadyQueueInfo[];
  readonly endpoints: readonly EndpointInfo[];
  readonly notifications: readonly NotificationInfo[];
}

const EP_STATES = ['Idle', 'Send', 'Recv'] as const;
const NTFN_STATES = ['Idle', 'Waiting', 'Active'] as const;

/** A thread as data. */
export function threadInfo(k: Kernel, t: Tcb): ThreadInfo {
  // seL4 leaves tcbBlockingObject stale once a thread stops blocking: report it only while blocked on it
  const st = t.state;
  const blocked = st === ThreadState.BlockedOnSend || st === ThreadState.BlockedOnReceive || st === ThreadState.BlockedOnNotification ? t.blockingObject : null;
  const sending = blocked instanceof Endpoint && t.state === ThreadState.BlockedOnSend;
  return {
    id: objectId(t),
    name: t.name,
    state: threadStateName(t.state),
    priority: t.priority,
    mcp: t.mcp,
    domain: t.domain,
    blockedOn: blocked === null ? null : objectId(blocked),
    ...(sending ? { sendBadge: wordToHex(t.blockingBadgeLo, t.blockingBadgeHi), isCall: t.blockingIsCall } : {}),
    boundNotification: t.boundNotification === null ? null : objectId(t.boundNotification),
    fault: t.fault === null ? null : (faultName(t.fault.type) ?? `fault ${t.fault.type}`),
    current: k.curThread === t,
    queued: t.queued,
    isIdle: t === k.idleThread,
    cspaceRoot: `${objectId(t)}[${TCB_CTABLE}]`,
  };
}

/** Every live thread: the root task, the others in order of creation, the idle thread last. */
export function threadsOf(k: Kernel): Tcb[] {
  const live = [...k.tcbs].filter((t) => t !== k.idleThread);
  return k.idleThread === undefined ? live : [...live, k.idleThread];
}

/** The non-empty ready queues, highest priority first within each domain (seL4's ksReadyQueues). */
export function readyQueues(k: Kernel): ReadyQueueInfo[] {
  const out: ReadyQueueInfo[] = [];
  const n = k.config.numPriorities;
  for (let d = 0; d < k.config.numDomains; d++) {
    for (let p = n - 1; p >= 0; p--) {
      const threads: string[] = [];
      for (let t = k.queueHead[d * n + p] ?? null; t !== null; t = t.schedNext) threads.push(objectId(t));
      if (threads.length > 0) out.push({ domain: d, priority: p, threads });
    }
  }
  return out;
}

/** An endpoint as data. */
export function endpointInfo(ep: Endpoint): EndpointInfo {
  return { id: objectId(ep), state: EP_STATES[ep.state as EPState], queue: queueToArray(ep).map(objectId) };
}

/** A notification as data. */
export function notificationInfo(n: Notification): NotificationInfo {
  return {
    id: objectId(n),
    state: NTFN_STATES[n.state as NtfnState],
    word: wordToHex(n.wordLo, n.wordHi),
    boundTcb: n.boundTcb === null ? null : objectId(n.boundTcb),
    queue: queueToArray(n).map(objectId),
  };
}

/**
 * The whole picture: threads, ready queues, and every endpoint and notification some cap still
 * names (found through the derivation list, which links every cap of the system), by address.
 */
export function inspectKernel(k: Kernel): KernelInfo {
  const tcbs = threadsOf(k);
  const roots = tcbs.flatMap((t) => t.ctes.filter((c) => !c.isEmpty));
  if (k.rootCNodeSlot !== null) roots.push(k.rootCNodeSlot);
  const eps = new Set<Endpoint>();
  const ntfns = new Set<Notification>();
  for (const s of reachableSlots(roots)) {
    const o = s.cap.obj;
    if (o instanceof Endpoint) eps.add(o);
    else if (o instanceof Notification) ntfns.add(o);
  }
  // objects a thread is blocked on or bound to, even when no cap names them any more
  for (const t of tcbs) {
    const blocked = threadInfo(k, t).blockedOn !== null ? t.blockingObject : null;
    if (blocked instanceof Endpoint) eps.add(blocked);
    else if (blocked instanceof Notification) ntfns.add(blocked);
    if (t.boundNotification !== null) ntfns.add(t.boundNotification);
  }
  const byAddr = <T extends { addr: number }>(xs: Set<T>) => [...xs].sort((a, b) => a.addr - b.addr);
  return {
    current: objectId(k.curThread),
    domain: k.curDomain,
    threads: tcbs.map((t) => threadInfo(k, t)),
    readyQueues: readyQueues(k),
    endpoints: byAddr(eps).map(endpointInfo),
    notifications: byAddr(ntfns).map(notificationInfo),
  };
}
