/*
 * Kernel objects as data: what a cap points at. Each object knows where it lives in physical
 * memory (`addr`) and how big it is, because untyped accounting, cap derivation (sameRegionAs)
 * and the invariant "no two live objects overlap" all work on addresses, as in seL4.
 *
 * Endpoints and notifications hold their FIFO queue of blocked threads as a head and tail (the
 * threads link to each other, seL4's tcbEPNext/tcbEPPrev), so enqueue, dequeue and removal from
 * the middle are O(1). Frames live in board memory; the paging structures and ASID pools are
 * here as objects with their sizes (their mapping operations belong to the address-space work).
 */

import type { Tcb } from './tcb.js';

/** Every kernel object. */
export abstract class KObject {
  constructor(
    /** Physical address of the object's first byte. */
    readonly addr: number,
    /** log2 of the object's size in bytes. */
    readonly sizeBits: number,
  ) {}
  /** Short name of the object's kind, for traces and errors. */
  abstract get kindName(): string;
}

/** An intrusive FIFO of threads (seL4's tcb_queue_t). */
export interface TcbQueue {
  head: Tcb | null;
  tail: Tcb | null;
}

/** seL4's EPState. */
export const EPState = { Idle: 0, Send: 1, Recv: 2 } as const;
export type EPState = (typeof EPState)[keyof typeof EPState];

export class Endpoint extends KObject implements TcbQueue {
  state: EPState = EPState.Idle;
  head: Tcb | null = null;
  tail: Tcb | null = null;
  get kindName(): string {
    return 'endpoint';
  }
}

/** seL4's NtfnState. */
export const NtfnState = { Idle: 0, Waiting: 1, Active: 2 } as const;
export type NtfnState = (typeof NtfnState)[keyof typeof NtfnState];

export class Notification extends KObject implements TcbQueue {
  state: NtfnState = NtfnState.Idle;
  head: Tcb | null = null;
  tail: Tcb | null = null;
  /** The notification word (badges OR-ed together while Active), as two halves. */
  wordLo = 0;
  wordHi = 0;
  /** The TCB this notification is bound to, if any. */
  boundTcb: Tcb | null = null;
  get kindName(): string {
    return 'notification';
  }
}

/** A frame of user memory: bytes at `addr` in board memory. */
export class Frame extends KObject {
  constructor(
    addr: number,
    sizeBits: number,
    readonly isDevice: boolean,
  ) {
    super(addr, sizeBits);
  }
  get kindName(): string {
    return 'frame';
  }
}

/** The kinds of paging structure across the arches tsel4 has. */
export type PagingKind = 'pml4' | 'pdpt' | 'pd' | 'pt' | 'vspace' | 'iopt';

/** A paging structure (page table, directory, VSpace root). */
export class PagingObject extends KObject {
  constructor(
    addr: number,
    sizeBits: number,
    readonly kind: PagingKind,
  ) {
    super(addr, sizeBits);
  }
  get kindName(): string {
    return this.kind;
  }
}

/** An ASID pool. */
export class AsidPool extends KObject {
  get kindName(): string {
    return 'asid_pool';
  }
}

/** Append `t` to the tail of `q` (seL4: tcbEPAppend). */
export function queueAppend(q: TcbQueue, t: Tcb): void {
  t.epPrev = q.tail;
  t.epNext = null;
  if (q.tail === null) q.head = t;
  else q.tail.epNext = t;
  q.tail = t;
}

/** Remove `t` from `q`, wherever it is (seL4: tcbEPDequeue). */
export function queueRemove(q: TcbQueue, t: Tcb): void {
  if (t.epPrev === null) q.head = t.epNext;
  else t.epPrev.epNext = t.epNext;
  if (t.epNext === null) q.tail = t.epPrev;
  else t.epNext.epPrev = t.epPrev;
  t.epPrev = null;
  t.epNext = null;
}

/** The threads of `q` in order (for tests, traces and the invariant checker). */
export function queueToArray(q: TcbQueue): Tcb[] {
  const out: Tcb[] = [];
  for (let t = q.head; t !== null; t = t.epNext) out.push(t);
  return out;
}
