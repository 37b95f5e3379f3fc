/*
 * Kernel objects as data: what a cap points at. Each object knows where it lives in physical
 * memory (`addr`) and how big it is, because untyped accounting, cap derivation (sameRegionAs)
 * and the invariant "no two live objects overlap" all work on addresses, as in seL4.
 *
 * Endpoints and notifications hold their FIFO queue of blocked threads as a head and tail (the
 * threads link to each other, seL4's tcbEPNext/tcbEPPrev), so enqueue, dequeue and removal from
 * the middle are O(1). Frames live in board memory; paging structures hold their entries (the
 * next-level structure or a page) and ASID pools their VSpace roots; the operations on them are
 * the kernel's (packages/kernel/src/vspace.ts).
 */

import type { PagingKind } from '@tsel4/hal';
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

/** The kinds of paging structure across the arches tsel4 has (hal's Arch.pagingKinds). */
export type { PagingKind } from '@tsel4/hal';

/**
 * A page as a paging structure's entry names it (a leaf of the walk): what seL4 writes into a PTE
 * (or a large-page PDE/PDPTE). Like a hardware entry it records the frame's physical address, not
 * the frame object: unmapping compares addresses, as seL4 does.
 */
export class PageEntry {
  constructor(
    /** Physical address of the page. */
    readonly paddr: number,
    /** log2 of the page size (12, 21 or 30 on the 64-bit arches). */
    readonly sizeBits: number,
    /** The mapping's rights (VMKernelOnly, VMReadOnly or VMReadWrite). */
    readonly rights: number,
    /** The VM attributes word the mapping was made with. */
    readonly attr: number,
  ) {}
}

/** What one entry of a paging structure holds: nothing, the next-level structure, or a page. */
export type PagingEntry = PagingObject | PageEntry | null;

/**
 * A paging structure (page table, directory, VSpace root). Its entries are kept as objects rather
 * than as hardware descriptors in board memory: a walk reads `entries` and never decodes bits.
 * Nothing user-visible depends on the encoding; the memory the structure occupies is still
 * accounted for in its untyped and zeroed when it is made.
 */
export class PagingObject extends KObject {
  readonly entries: PagingEntry[];
  constructor(
    addr: number,
    sizeBits: number,
    readonly kind: PagingKind,
    /** How many entries the structure has (its size over the entry size). */
    entryCount: number,
  ) {
    super(addr, sizeBits);
    this.entries = new Array<PagingEntry>(entryCount).fill(null);
  }
  get kindName(): string {
    return this.kind;
  }
  /** seL4's clearMemory of an unmapped table: every entry becomes invalid. */
  clear(): void {
    this.entries.fill(null);
  }
}

/** An ASID pool: the VSpace root assigned to each of its ASIDs (seL4's asid_pool_t). */
export class AsidPool extends KObject {
  readonly entries: (PagingObject | null)[];
  constructor(addr: number, sizeBits: number, entryCount: number) {
    super(addr, sizeBits);
    this.entries = new Array<PagingObject | null>(entryCount).fill(null);
  }
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
