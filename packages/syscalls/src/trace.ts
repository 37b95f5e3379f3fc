/*
 * Tracing a machine's run (seL4 has no counterpart; its closest relative is the benchmark
 * tracepoint log). A Tracer given to a Machine records:
 *
 * - one slice per kernel entry on the entering thread's track: the syscall with its arguments
 *   (read from the registers at entry), and its result (read when the thread is no longer
 *   blocked, so a Recv's slice spans the time it waited). Faults and interrupts are slices too;
 *   consecutive seL4_DebugPutChar calls by one thread become one slice per line of text;
 * - one flow per message transfer (sender's slice to receiver's slice: a send, a call, a reply or
 *   a fault message) and per signal that wakes a waiter. The slow path reports its transfers
 *   through Kernel.tracer (doIPCTransfer, sendSignal); a fastpath hit is recognised after the
 *   entry by the machine's fastpath counter, and its receiver is the thread it switched to.
 *
 * Times are simulated cycles. Tracing is off unless a Tracer is passed in MachineOptions; the
 * slow path then pays one null check per transfer, and the trap entry and the fastpath nothing
 * (see machine.ts).
 * chrometrace.ts turns a trace into Chrome trace-event JSON.
 */

import { doubleHi, doubleLo, TrapKind, wordToHex } from '@tsel4/hal';
import type { KernelTracer } from '@tsel4/kernel';
import {
  methodByLabel,
  msgInfoCapsUnwrapped,
  msgInfoExtraCaps,
  msgInfoLabel,
  msgInfoLength,
  seL4_ErrorName,
  seL4_SysCall,
  seL4_SysDebugPutChar,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysYield,
  stubName,
  syscallName,
} from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
  capTypeName,
  type Endpoint,
  LookupResult,
  type Notification,
  resolveAddressBits,
  type Tcb,
  TCB_CTABLE,
  ThreadState,
  threadStateName,
} from '@tsel4/object';
import type { UserThread } from '@tsel4/runtime';
import { syscallNumber } from './entry.js';
import type { Machine } from './machine.js';

/** A value in a slice's arguments or result. */
export type TraceValue = number | string | boolean | readonly TraceValue[];
export type TraceArgs = Record<string, TraceValue>;

/** A thread that appears in the trace (one track). */
export interface TraceThread {
  /** 1, 2, ... in order of first appearance. */
  readonly id: number;
  readonly tcb: Tcb;
}

/** What a slice stands for, which decides how its result is read. */
export type SliceKind = 'call' | 'invocation' | 'send' | 'recv' | 'wait' | 'print' | 'fault' | 'interrupt' | 'other';

/** One kernel entry (or a run of DebugPutChar entries) on one thread's track. */
export interface TraceSlice {
  /** The thread, or null for an interrupt (the kernel's own track). */
  readonly thread: TraceThread | null;
  readonly kind: SliceKind;
  /** seL4_Call, seL4_CNode_Mint, seL4_Wait, VMFault, IRQ 0, ... */
  readonly name: string;
  /** Cycles at the trap, and when the thread could run again (or the trace ended). */
  readonly start: number;
  readonly end: number;
  readonly args: TraceArgs;
  readonly result: TraceArgs;
  /** True when the thread was still blocked when the trace ended. */
  readonly unfinished: boolean;
}

/** What a flow carried. */
export type FlowKind = 'call' | 'send' | 'reply' | 'fault' | 'signal';

/** A message or signal from one slice to another. */
export interface TraceFlow {
  readonly kind: FlowKind;
  readonly from: TraceSlice;
  readonly to: TraceSlice;
  /** Cycles: the start of the kernel entry that made the transfer (inside both slices). */
  readonly at: number;
  /** The badge delivered (0x0 for a reply). */
  readonly badge: string;
}

class Slice implements TraceSlice {
  end: number;
  result: TraceArgs = {};
  unfinished = false;
  /** A message (not only a badge) arrived in this slice. */
  gotMessage = false;
  /** Characters of a print slice. */
  text = '';

  constructor(
    readonly thread: TraceThread | null,
    readonly kind: SliceKind,
    readonly name: string,
    readonly start: number,
    readonly args: TraceArgs,
  ) {
    this.end = start;
  }
}

/** The word in register-array index i (low half) as a number, or hex when it has high bits. */
function regWord(regs: Uint32Array, i: number): number | string {
  const hi = regs[i + 1]!;
  return hi === 0 ? regs[i]! : wordToHex(regs[i]!, hi);
}

/**
 * A thread's name for people: its seL4_DebugNameThread name, else the function it runs, else its
 * TCB's address. seL4 debug builds name a new thread "child of: '<creator>'" until it is named;
 * that placeholder gives way to the function's name.
 */
export function threadDisplayName(tcb: Tcb): string {
  const program = tcb.ctx.program as UserThread | null;
  const fn = program !== null && 'entryName' in program ? program.entryName : '';
  if (tcb.name !== '' && !tcb.name.startsWith('child of:')) return tcb.name;
  return fn !== '' ? fn : `tcb@0x${tcb.addr.toString(16)}`;
}

/** The object a cap names ("endpoint@0x400000"), or its type when it names none. */
function objectName(cap: Cap): string {
  return cap.obj === null ? capTypeName(cap.type) : `${cap.obj.kindName}@0x${cap.obj.addr.toString(16)}`;
}

function hexWord(lo: number, hi: number): string {
  return wordToHex(lo, hi);
}

function isBlocked(s: ThreadState): boolean {
  return s >= ThreadState.BlockedOnReceive && s <= ThreadState.BlockedOnNotification;
}

export class Tracer implements KernelTracer {
  private readonly sliceList: Slice[] = [];
  private readonly flowList: TraceFlow[] = [];
  private readonly threadMap = new Map<Tcb, TraceThread>();
  /** Each thread's slice that has not ended (it is in the kernel or blocked). */
  private readonly open = new Map<Tcb, Slice>();
  private machine: Machine | null = null;
  /** The slice of the kernel entry being handled, and when that entry started. */
  private current: Slice | null = null;
  private entryStart = 0;
  private fastpathBefore = 0;
  /** The thread that entered the kernel, and its syscall number (0 for other entries). */
  private entering: Tcb | null = null;
  private enteringSysno = 0;
  /** The previous entry's slice (to join consecutive DebugPutChar calls). */
  private previous: Slice | null = null;
  private readonly lookup = new LookupResult();

  /** Every slice so far, in order of their start. */
  get slices(): readonly TraceSlice[] {
    return this.sliceList;
  }

  get flows(): readonly TraceFlow[] {
    return this.flowList;
  }

  /** Every thread that has a slice, in order of first appearance. */
  get threads(): readonly TraceThread[] {
    return [...this.threadMap.values()];
  }

  /** The machine being traced (set when the machine is built). */
  get traced(): Machine {
    if (this.machine === null) throw new Error('this tracer is not attached to a machine');
    return this.machine;
  }

  /** Called by the Machine that records into this tracer. */
  attach(m: Machine): void {
    if (this.machine !== null && this.machine !== m) throw new Error('a Tracer records one machine');
    this.machine = m;
  }

  /** A thread's name for its track: its seL4_DebugNameThread name, else its entry function's. */
  threadName(t: TraceThread): string {
    return this.nameOf(t.tcb);
  }

  private nameOf(tcb: Tcb): string {
    return threadDisplayName(tcb);
  }

  private threadOf(tcb: Tcb): TraceThread {
    let t = this.threadMap.get(tcb);
    if (t === undefined) {
      t = { id: this.threadMap.size + 1, tcb };
      this.threadMap.set(tcb, t);
    }
    return t;
  }

  // ------------------------------------------------------------------------------------------
  // kernel entries (called by the Machine)

  /** A trap from the current thread. */
  enter(kind: TrapKind): void {
    const m = this.traced;
    const tcb = m.k.curThread;
    const now = m.board.cpu.cycles + m.costs.userStep;
    this.entryStart = now;
    this.fastpathBefore = m.fastpathHits;
    this.entering = tcb;
    this.enteringSysno = 0;
    const stale = this.open.get(tcb);
    if (stale !== undefined) this.close(tcb, stale, now);
    const regs = tcb.ctx.regs;
    let s: Slice;
    if (kind === TrapKind.Syscall) {
      const sc = m.board.arch.syscall;
      const sysno = syscallNumber(regs[2 * sc.syscallReg]!, regs[2 * sc.syscallReg + 1]!);
      this.enteringSysno = sysno;
      const prev = this.previous;
      if (sysno === seL4_SysDebugPutChar && prev !== null && prev.kind === 'print' && prev.thread?.tcb === tcb && !prev.text.endsWith('\n')) {
        // one more character of the same line: extend its slice
        prev.text += String.fromCharCode(regs[2 * sc.capReg]! & 0xff);
        prev.args['text'] = prev.text;
        this.current = prev;
        this.previous = prev;
        return;
      }
      s = this.syscallSlice(tcb, sysno, now);
    } else if (kind === TrapKind.UserException) {
      s = new Slice(this.threadOf(tcb), 'fault', 'fault: UserException', now, {
        number: tcb.ctx.exceptionNumber,
        code: tcb.ctx.exceptionCode,
      });
    } else {
      s = new Slice(this.threadOf(tcb), 'fault', 'fault: VMFault', now, {
        addr: hexWord(doubleLo(tcb.ctx.vmFaultAddr), doubleHi(tcb.ctx.vmFaultAddr)),
        fsr: tcb.ctx.vmFaultFsr,
        instruction: tcb.ctx.vmFaultPrefetch !== 0,
      });
    }
    this.sliceList.push(s);
    this.open.set(tcb, s);
    this.current = s;
    this.previous = s;
  }

  /** An interrupt on line `irq`. */
  enterInterrupt(irq: number): void {
    const m = this.traced;
    const now = m.board.cpu.cycles;
    this.entryStart = now;
    this.fastpathBefore = m.fastpathHits;
    this.entering = null;
    const name = irq === m.board.irq.timerIrq ? `IRQ ${irq} (timer)` : `IRQ ${irq}`;
    const s = new Slice(null, 'interrupt', name, now, { irq, interrupted: this.nameOf(m.k.curThread) });
    this.sliceList.push(s);
    this.current = s;
    this.previous = s;
  }

  /** The kernel is about to return to user level. */
  exit(): void {
    const m = this.traced;
    const now = m.board.cpu.cycles;
    const s = this.current;
    if (s !== null) {
      s.end = now;
      if (s.kind === 'print') s.args['calls'] = s.text.length;
    }
    if (m.fastpathHits !== this.fastpathBefore && this.entering !== null) {
      // The fastpath did the whole transfer and switched to its receiver (fastpath_call: the
      // waiting receiver; fastpath_reply_recv: the caller), which is now the current thread.
      // Recording it here keeps every check off the fastpath itself.
      if (s !== null) s.args['fastpath'] = true;
      const receiver = m.k.curThread;
      const badge = regWord(receiver.ctx.regs, 2 * m.board.arch.syscall.badgeReg);
      this.transfer(this.entering, receiver, this.enteringSysno === seL4_SysCall ? 'call' : 'reply', typeof badge === 'number' ? hexWord(badge, 0) : badge);
    }
    // every thread that is no longer blocked has finished its syscall
    for (const [tcb, open] of this.open) if (!isBlocked(tcb.state)) this.close(tcb, open, now);
    this.current = null;
  }

  /** End the trace: close the slices of threads still blocked (or running) now. */
  finish(): void {
    const now = this.traced.board.cpu.cycles;
    for (const [tcb, s] of this.open) {
      s.end = Math.max(now, s.start + 1);
      s.unfinished = true;
      s.result = { state: threadStateName(tcb.state) };
    }
    this.open.clear();
  }

  private close(tcb: Tcb, s: Slice, now: number): void {
    this.open.delete(tcb);
    s.end = now;
    s.result = this.resultOf(tcb, s);
  }

  // ------------------------------------------------------------------------------------------
  // the kernel's hooks

  ipcTransfer(sender: Tcb, receiver: Tcb, ep: Endpoint | null, badgeLo: number, badgeHi: number): void {
    const from = this.open.get(sender);
    const kind: FlowKind = sender.fault !== null ? 'fault' : ep === null ? 'reply' : from?.kind === 'call' ? 'call' : 'send';
    this.transfer(sender, receiver, kind, hexWord(badgeLo, badgeHi));
  }

  /** A message from `sender` to `receiver` (from the slow path's hook or a fastpath hit). */
  private transfer(sender: Tcb, receiver: Tcb, kind: FlowKind, badge: string): void {
    const from = this.open.get(sender);
    const to = this.open.get(receiver);
    if (to !== undefined) to.gotMessage = true;
    if (from === undefined || to === undefined) return;
    if (kind === 'call' || kind === 'send') to.args['sender'] = this.nameOf(sender);
    this.flowList.push({ kind, from, to, at: this.entryStart, badge });
  }

  signal(receiver: Tcb, _ntfn: Notification, badgeLo: number, badgeHi: number): void {
    const from = this.current;
    const to = this.open.get(receiver);
    if (from === null || to === undefined) return;
    this.flowList.push({ kind: 'signal', from, to, at: this.entryStart, badge: hexWord(badgeLo, badgeHi) });
  }

  // ------------------------------------------------------------------------------------------
  // decoding

  private capAt(tcb: Tcb, lo: number, hi: number): Cap | null {
    const k = this.traced.k;
    return resolveAddressBits(tcb.ctes[TCB_CTABLE]!.cap, lo, hi, k.wordBits, this.lookup) ? this.lookup.slot!.cap : null;
  }

  private messageArgs(tcb: Tcb, args: TraceArgs): TraceArgs {
    const sc = this.traced.board.arch.syscall;
    const regs = tcb.ctx.regs;
    const infoLo = regs[2 * sc.infoReg]!;
    const len = msgInfoLength(infoLo);
    args['label'] = msgInfoLabel(infoLo, regs[2 * sc.infoReg + 1]!);
    args['length'] = len;
    const extra = msgInfoExtraCaps(infoLo);
    if (extra > 0) args['extraCaps'] = extra;
    const mrs: TraceValue[] = [];
    for (let i = 0; i < Math.min(len, sc.msgRegs.length); i++) mrs.push(regWord(regs, 2 * sc.msgRegs[i]!));
    if (mrs.length > 0) args['mr'] = mrs;
    return args;
  }

  private syscallSlice(tcb: Tcb, sysno: number, now: number): Slice {
    const m = this.traced;
    const sc = m.board.arch.syscall;
    const regs = tcb.ctx.regs;
    const cLo = regs[2 * sc.capReg]!;
    const cHi = regs[2 * sc.capReg + 1]!;
    const thread = this.threadOf(tcb);
    const cptr = hexWord(cLo, cHi);
    const make = (kind: SliceKind, name: string, args: TraceArgs) => new Slice(thread, kind, name, now, args);
    switch (sysno) {
      case seL4_SysCall:
      case seL4_SysSend:
      case seL4_SysNBSend: {
        const base = sysno === seL4_SysCall ? 'seL4_Call' : sysno === seL4_SysSend ? 'seL4_Send' : 'seL4_NBSend';
        const cap = this.capAt(tcb, cLo, cHi);
        if (cap === null || cap.type === CapType.Null) {
          return make(sysno === seL4_SysCall ? 'invocation' : 'send', base, this.messageArgs(tcb, { cptr, cap: cap === null ? 'lookup fails' : 'empty slot' }));
        }
        const object = objectName(cap);
        if (cap.type === CapType.Endpoint) {
          const args = this.messageArgs(tcb, { cptr, endpoint: object, capBadge: hexWord(cap.badgeLo, cap.badgeHi) });
          return make(sysno === seL4_SysCall ? 'call' : 'send', base, args);
        }
        if (cap.type === CapType.Notification) {
          const name = sysno === seL4_SysSend ? 'seL4_Signal' : base;
          return make(sysno === seL4_SysCall ? 'call' : 'send', name, { cptr, notification: object, capBadge: hexWord(cap.badgeLo, cap.badgeHi) });
        }
        if (cap.type === CapType.Reply) {
          return make(sysno === seL4_SysCall ? 'call' : 'send', base, this.messageArgs(tcb, { cptr, cap: 'reply' }));
        }
        // a kernel object: name the libsel4 stub for the label
        const label = msgInfoLabel(regs[2 * sc.infoReg]!, regs[2 * sc.infoReg + 1]!);
        const method = methodByLabel(m.board.arch.name, label, { iommu: m.board.iommu });
        const name = method !== undefined ? stubName(method) : `${base} (label ${label})`;
        const args = this.messageArgs(tcb, { cptr, object });
        return make(sysno === seL4_SysCall ? 'invocation' : 'send', sysno === seL4_SysCall ? name : `${base} ${name}`, args);
      }
      case seL4_SysRecv:
      case seL4_SysNBRecv: {
        const cap = this.capAt(tcb, cLo, cHi);
        const blocking = sysno === seL4_SysRecv;
        if (cap !== null && cap.type === CapType.Notification) {
          const object = objectName(cap);
          return make('wait', blocking ? 'seL4_Wait' : 'seL4_Poll', { cptr, notification: object });
        }
        const args: TraceArgs = { cptr };
        if (cap !== null) args['endpoint'] = objectName(cap);
        return make('recv', blocking ? 'seL4_Recv' : 'seL4_NBRecv', args);
      }
      case seL4_SysReplyRecv: {
        const cap = this.capAt(tcb, cLo, cHi);
        const args = this.messageArgs(tcb, { cptr });
        if (cap !== null) args['endpoint'] = objectName(cap);
        return make('recv', 'seL4_ReplyRecv', args);
      }
      case seL4_SysReply:
        return make('send', 'seL4_Reply', this.messageArgs(tcb, {}));
      case seL4_SysYield:
        return make('other', 'seL4_Yield', {});
      case seL4_SysDebugPutChar: {
        const s = make('print', 'seL4_DebugPutChar', {});
        s.text = String.fromCharCode(cLo & 0xff);
        s.args['text'] = s.text;
        return s;
      }
      default: {
        const name = syscallName(sysno);
        return make('other', name !== undefined ? name.replace('seL4_Sys', 'seL4_') : `syscall ${sysno}`, { cptr });
      }
    }
  }

  private resultOf(tcb: Tcb, s: Slice): TraceArgs {
    if (tcb.state === ThreadState.Inactive) return { state: 'Inactive' };
    if (tcb.state === ThreadState.Restart) return { state: 'Restart' };
    const sc = this.traced.board.arch.syscall;
    const regs = tcb.ctx.regs;
    const badge = regWord(regs, 2 * sc.badgeReg);
    const infoLo = regs[2 * sc.infoReg]!;
    const infoHi = regs[2 * sc.infoReg + 1]!;
    switch (s.kind) {
      case 'invocation': {
        const label = msgInfoLabel(infoLo, infoHi);
        const r: TraceArgs = { error: seL4_ErrorName(label) };
        const n = Math.min(msgInfoLength(infoLo), sc.msgRegs.length);
        if (label !== 0 && n > 0) r['mr'] = Array.from({ length: n }, (_, i) => regWord(regs, 2 * sc.msgRegs[i]!));
        return r;
      }
      case 'call':
      case 'recv': {
        if (s.kind === 'recv' && !s.gotMessage) return { badge: typeof badge === 'number' ? wordToHex(badge, 0) : badge };
        const len = msgInfoLength(infoLo);
        const r: TraceArgs = {
          label: msgInfoLabel(infoLo, infoHi),
          length: len,
          extraCaps: msgInfoExtraCaps(infoLo),
          capsUnwrapped: msgInfoCapsUnwrapped(infoLo),
          badge: typeof badge === 'number' ? wordToHex(badge, 0) : badge,
        };
        const n = Math.min(len, sc.msgRegs.length);
        if (n > 0) r['mr'] = Array.from({ length: n }, (_, i) => regWord(regs, 2 * sc.msgRegs[i]!));
        return r;
      }
      case 'wait':
        return { badge: typeof badge === 'number' ? wordToHex(badge, 0) : badge };
      default:
        return {};
    }
  }
}
