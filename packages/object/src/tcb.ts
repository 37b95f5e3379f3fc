/*
 * Thread control blocks as data (seL4's tcb_t), without any scheduling behaviour: that belongs to
 * the kernel package.
 *
 * A TCB holds its register context (a hal ThreadContext), its thread state with the details of
 * what it is blocked on, its links in endpoint/notification queues and in the ready queues, its
 * bound notification, its pending fault, priority, MCP, domain and timeslice, its fault handler
 * cptr and IPC buffer address, and five internal slots (CSpace root, VSpace root, reply master,
 * caller, IPC buffer frame) that take part in the derivation tree but no cptr can address.
 */

import type { Arch, ThreadContext } from '@tsel4/hal';
import { seL4_Fault_CapFault, seL4_Fault_UnknownSyscall, seL4_Fault_UserException, seL4_Fault_VMFault } from '@tsel4/libsel4';
import type { Cap } from './cap.js';
import { Cte, type CteOwner } from './cte.js';
import type { LookupFault } from './errors.js';
import { KObject, type Endpoint, type Notification } from './kobject.js';

/** seL4's _thread_state values. */
export const ThreadState = {
  Inactive: 0,
  Running: 1,
  Restart: 2,
  BlockedOnReceive: 3,
  BlockedOnSend: 4,
  BlockedOnReply: 5,
  BlockedOnNotification: 6,
  /** seL4's IdleThreadState (a separate constant there; only the idle thread has it). */
  Idle: 7,
} as const;
export type ThreadState = (typeof ThreadState)[keyof typeof ThreadState];

const STATE_NAMES = [
  'Inactive', 'Running', 'Restart', 'BlockedOnReceive', 'BlockedOnSend', 'BlockedOnReply',
  'BlockedOnNotification', 'Idle',
] as const;

export function threadStateName(s: ThreadState): string {
  return STATE_NAMES[s];
}

/** Index of each internal slot (seL4's tcb_cnode_index). */
export const TCB_CTABLE = 0;
export const TCB_VTABLE = 1;
export const TCB_REPLY = 2;
export const TCB_CALLER = 3;
export const TCB_BUFFER = 4;
/** seL4's tcbCNodeEntries. */
export const TCB_CNODE_ENTRIES = 5;

/**
 * A pending fault (seL4's seL4_Fault_t); `type` is the libsel4 seL4_Fault_* label. Made by the
 * constructors below, named after structures.bf's seL4_Fault_*_new, and read through the getters
 * named after its fields (address, inReceivePhase, syscallNumber, number, code, FSR,
 * instructionFault); the generic slots behind them are this file's business only.
 */
export class Fault {
  constructor(
    readonly type: number,
    /** CapFault/VMFault: the address (cptr or virtual address), as halves. */
    readonly addrLo: number = 0,
    readonly addrHi: number = 0,
    private readonly flag: number = 0,
    private readonly w0: number = 0,
    private readonly w1: number = 0,
  ) {}

  /** seL4_Fault_CapFault: the fault happened in the receive phase (1) or the send phase (0). */
  get inReceivePhase(): number {
    return this.flag;
  }
  /** seL4_Fault_VMFault: an instruction fetch (prefetch abort) rather than a data access. */
  get instructionFault(): number {
    return this.flag;
  }
  /** seL4_Fault_VMFault: the fault status (FSR / error code / scause). */
  get fsr(): number {
    return this.w0;
  }
  /** seL4_Fault_UnknownSyscall: the syscall number as halves. */
  get syscallNumberLo(): number {
    return this.w0;
  }
  get syscallNumberHi(): number {
    return this.w1;
  }
  /** seL4_Fault_UserException: the exception number and code. */
  get number(): number {
    return this.w0;
  }
  get code(): number {
    return this.w1;
  }
}

/** seL4_Fault_CapFault_new: a cap lookup at `addr` failed in the send or receive phase. */
export function capFault(addrLo: number, addrHi: number, inReceivePhase: number): Fault {
  return new Fault(seL4_Fault_CapFault, addrLo, addrHi, inReceivePhase);
}

/** seL4_Fault_UnknownSyscall_new. */
export function unknownSyscallFault(numberLo: number, numberHi: number): Fault {
  return new Fault(seL4_Fault_UnknownSyscall, 0, 0, 0, numberLo, numberHi);
}

/** seL4_Fault_UserException_new. */
export function userExceptionFault(number: number, code: number): Fault {
  return new Fault(seL4_Fault_UserException, 0, 0, 0, number, code);
}

/** seL4_Fault_VMFault_new: `addr` as halves, the status word, and whether it was a fetch. */
export function vmFault(addrLo: number, addrHi: number, fsr: number, instructionFault: number): Fault {
  return new Fault(seL4_Fault_VMFault, addrLo, addrHi, instructionFault, fsr, 0);
}

export class Tcb extends KObject implements CteOwner {
  state: ThreadState = ThreadState.Inactive;
  /** What the thread is blocked on (endpoint or notification). */
  blockingObject: Endpoint | Notification | null = null;
  /** For a blocked sender: the badge of the cap it sent through, and its rights. */
  blockingBadgeLo = 0;
  blockingBadgeHi = 0;
  blockingCanGrant = false;
  blockingCanGrantReply = false;
  blockingIsCall = false;

  /** Links in an endpoint or notification queue (seL4's tcbEPNext/tcbEPPrev). */
  epNext: Tcb | null = null;
  epPrev: Tcb | null = null;
  /** Links in a ready queue (tcbSchedNext/tcbSchedPrev) and whether it is in one (tcbQueued). */
  schedNext: Tcb | null = null;
  schedPrev: Tcb | null = null;
  queued = false;

  boundNotification: Notification | null = null;
  /** The pending fault, or null (seL4's NullFault). */
  fault: Fault | null = null;
  /** Details of a CapFault's lookup failure (seL4's tcbLookupFailure). */
  lookupFailure: LookupFault | null = null;

  priority = 0;
  mcp = 0;
  domain = 0;
  timeSlice: number;
  /** Fault handler cptr, kept verbatim and looked up at fault time (non-MCS). */
  faultHandlerLo = 0;
  faultHandlerHi = 0;
  /** IPC buffer virtual address (seL4's tcbIPCBuffer). */
  ipcBufferLo = 0;
  ipcBufferHi = 0;
  /** seL4's tcbFlags (seL4_TCBFlag_fpuDisabled). */
  flags = 0;
  /** Debug name (seL4_DebugNameThread). */
  name: string;
  /** The five internal slots. */
  readonly ctes: readonly Cte[];
  /**
   * The two reply caps naming this thread (without and with Grant), made once: caps are immutable,
   * so every Call from this thread can put the same object in its receiver's caller slot.
   */
  replyCapNoGrant: Cap | null = null;
  replyCapGrant: Cap | null = null;

  constructor(
    addr: number,
    sizeBits: number,
    /** Registers and the program running on them. */
    readonly ctx: ThreadContext,
    timeSlice: number,
    name = '',
  ) {
    super(addr, sizeBits);
    this.timeSlice = timeSlice;
    this.name = name;
    const ctes: Cte[] = [];
    for (let i = 0; i < TCB_CNODE_ENTRIES; i++) ctes.push(new Cte(this, i));
    this.ctes = ctes;
  }

  get kindName(): string {
    return 'tcb';
  }

  get arch(): Arch {
    return this.ctx.arch;
  }

  slotAt(i: number): Cte {
    const s = this.ctes[i];
    if (s === undefined) throw new RangeError(`internal: TCB slot ${i} does not exist`);
    return s;
  }

  describe(): string {
    return this.name !== '' ? `tcb '${this.name}'` : `tcb@0x${this.addr.toString(16)}`;
  }

  /** True when the thread can run (seL4: isRunnable): Running or Restart. */
  get isRunnable(): boolean {
    return this.state === ThreadState.Running || this.state === ThreadState.Restart;
  }

  /** True when the thread is Inactive or blocked (seL4: isStopped). */
  get isStopped(): boolean {
    const s = this.state;
    return s === ThreadState.Inactive || (s >= ThreadState.BlockedOnReceive && s <= ThreadState.BlockedOnNotification);
  }
}
