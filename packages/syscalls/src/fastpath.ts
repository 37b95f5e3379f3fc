/*
 * The IPC fastpath (seL4: src/fastpath/fastpath.c, classic configuration): fastpath_call and
 * fastpath_reply_recv. Each checks seL4's conditions (digest 9) and, if any fails, returns false
 * so the caller runs the slow path; the fastpath is an optimisation of a path that exists, never
 * a second semantics. When every condition holds it does the whole IPC and switch without
 * allocating: the register copies, the queue and derivation-tree pointer updates, the switch.
 */

import { wordBits as wordField, wordBitsEqual } from '@tsel4/hal';
import { msgInfoExtraCaps, msgInfoLength, msgInfoSetCapsUnwrapped } from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
  type CNodeObj,
  type Endpoint,
  EPState,
  NtfnState,
  NULL_CAP,
  type PagingObject,
  type Tcb,
  TCB_CALLER,
  TCB_CTABLE,
  TCB_REPLY,
  TCB_VTABLE,
  ThreadState,
} from '@tsel4/object';
import { isHighestPrio, type Kernel, replyCapFor } from '@tsel4/kernel';

/**
 * seL4's lookup_fp: a simplified cptr walk (no guard check for guard size 0; stops at a non-CNode
 * cap or when the word is used up; overshooting the word is a miss). Returns null for a miss.
 */
function lookupFp(cap: Cap, lo: number, hi: number, wordBits: number): Cap | null {
  if (cap.type !== CapType.CNode) return null;
  const radix = cap.radix;
  if (cap.guardSize + radix === wordBits && radix < 32 && cap.guardLo === 0 && cap.guardHi === 0) {
    // One CNode resolving the whole word with a zero guard (the usual root CNode): the cptr is
    // an index below 2^radix.
    if (hi !== 0 || lo >>> radix !== 0) return null;
    const slot = (cap.obj as CNodeObj).peek(lo);
    return slot === undefined ? null : slot.cap;
  }
  let bits = 0;
  for (;;) {
    const guardBits = cap.guardSize;
    const radixBits = cap.radix;
    // the bits of the cptr at [wordBits - bits - guardBits, wordBits - bits)
    if (guardBits !== 0) {
      const start = wordBits - bits - guardBits;
      if (start < 0 || !wordBitsEqual(lo, hi, start, guardBits, cap.guardLo, cap.guardHi)) return null;
    }
    const istart = wordBits - bits - guardBits - radixBits;
    if (istart < 0) return null;
    const index = wordField(lo, hi, istart, radixBits);
    const next = (cap.obj as CNodeObj).peek(index);
    bits += guardBits + radixBits;
    if (next === undefined) return null;
    cap = next.cap;
    if (bits >= wordBits || cap.type !== CapType.CNode) break;
  }
  return bits > wordBits ? null : cap;
}

/** seL4's isValidVTableRoot_fp: a mapped VSpace root cap of this arch. */
function validRootFp(cap: Cap, rootKind: string): boolean {
  return cap.type === CapType.PageTable && cap.isMapped && (cap.obj as PagingObject).kind === rootKind;
}

/** seL4's fastpath_mi_check: no extra caps and at most n_msgRegisters words. */
function miCheck(infoLo: number, nMsg: number): boolean {
  return msgInfoExtraCaps(infoLo) === 0 && msgInfoLength(infoLo) <= nMsg;
}

/** Copy `length` message registers from `src` to `dest` (seL4's fastpath_copy_mrs). */
function copyMRs(k: Kernel, length: number, src: Tcb, dest: Tcb): void {
  const idx = k.msgRegIdx;
  const s = src.ctx.regs;
  const d = dest.ctx.regs;
  for (let i = 0; i < length; i++) {
    const r = idx[i]!;
    d[r] = s[r]!;
    d[r + 1] = s[r + 1]!;
  }
}

/** Set dest's badge and message-info registers and make it current (fastpath_restore + switch). */
function deliverAndSwitch(k: Kernel, dest: Tcb, badgeLo: number, badgeHi: number, infoLo: number, infoHi: number): void {
  const d = dest.ctx.regs;
  const b = k.badgeIdx;
  const i = k.infoIdx;
  d[b] = badgeLo;
  d[b + 1] = badgeHi;
  // capsUnwrapped cleared; extraCaps is already 0
  d[i] = msgInfoSetCapsUnwrapped(infoLo, 0);
  d[i + 1] = infoHi;
  dest.state = ThreadState.Running;
  if (dest !== k.curThread) k.counters.contextSwitches++;
  k.curThread = dest;
  k.board.cpu.current = dest.ctx;
}

/**
 * seL4's fastpath_call. Returns false (nothing changed) when the slow path must handle the call.
 */
export function fastpathCall(k: Kernel, cptrLo: number, cptrHi: number, infoLo: number, infoHi: number): boolean {
  const cur = k.curThread;
  if (!miCheck(infoLo, k.nMsgRegisters) || cur.fault !== null) return false;
  const epCap = lookupFp(cur.ctes[TCB_CTABLE]!.cap, cptrLo, cptrHi, k.wordBits);
  if (epCap === null || epCap.type !== CapType.Endpoint || !epCap.canSend) return false;
  const ep = epCap.obj as Endpoint;
  if (ep.state !== EPState.Recv) return false;
  const dest = ep.head!;
  if (!validRootFp(dest.ctes[TCB_VTABLE]!.cap, k.vspaceRootKind)) return false;
  const dom = k.numDomains > 1 ? k.curDomain : 0;
  if (dest.priority < cur.priority && !isHighestPrio(k, dom, dest.priority)) return false;
  if (!epCap.canGrant && !epCap.canGrantReply) return false;
  if (k.numDomains > 1 && dest.domain !== k.curDomain) return false;

  // --- point of no return
  const next = dest.epNext;
  ep.head = next;
  if (next !== null) next.epPrev = null;
  else {
    ep.tail = null;
    ep.state = EPState.Idle;
  }
  dest.epNext = null;
  dest.epPrev = null;
  cur.state = ThreadState.BlockedOnReply;
  // the reply cap goes in dest's caller slot, right after cur's master reply cap
  const replySlot = cur.ctes[TCB_REPLY]!;
  const callerSlot = dest.ctes[TCB_CALLER]!;
  callerSlot.cap = replyCapFor(cur, dest.blockingCanGrant);
  callerSlot.mdbPrev = replySlot;
  callerSlot.mdbNext = replySlot.mdbNext;
  callerSlot.revocable = false;
  callerSlot.firstBadged = false;
  if (replySlot.mdbNext !== null) replySlot.mdbNext.mdbPrev = callerSlot;
  replySlot.mdbNext = callerSlot;
  replySlot.revocable = true;
  replySlot.firstBadged = true;
  copyMRs(k, msgInfoLength(infoLo), cur, dest);
  deliverAndSwitch(k, dest, epCap.badgeLo, epCap.badgeHi, infoLo, infoHi);
  return true;
}

/**
 * seL4's fastpath_reply_recv. Returns false (nothing changed) when the slow path must handle it.
 */
export function fastpathReplyRecv(k: Kernel, cptrLo: number, cptrHi: number, infoLo: number, infoHi: number): boolean {
  const cur = k.curThread;
  if (!miCheck(infoLo, k.nMsgRegisters) || cur.fault !== null) return false;
  const epCap = lookupFp(cur.ctes[TCB_CTABLE]!.cap, cptrLo, cptrHi, k.wordBits);
  if (epCap === null || epCap.type !== CapType.Endpoint || !epCap.canReceive) return false;
  const ntfn = cur.boundNotification;
  if (ntfn !== null && ntfn.state === NtfnState.Active) return false;
  const ep = epCap.obj as Endpoint;
  if (ep.state === EPState.Send) return false;
  const callerSlot = cur.ctes[TCB_CALLER]!;
  const callerCap = callerSlot.cap;
  if (callerCap.type !== CapType.Reply) return false;
  const caller = callerCap.obj as Tcb;
  if (caller.fault !== null) return false;
  if (!validRootFp(caller.ctes[TCB_VTABLE]!.cap, k.vspaceRootKind)) return false;
  const dom = k.numDomains > 1 ? k.curDomain : 0;
  if (!isHighestPrio(k, dom, caller.priority)) return false;
  if (k.numDomains > 1 && caller.domain !== k.curDomain) return false;

  // --- point of no return
  cur.state = ThreadState.BlockedOnReceive;
  cur.blockingObject = ep;
  cur.blockingCanGrant = epCap.canGrant;
  const tail = ep.tail;
  cur.epNext = null;
  cur.epPrev = tail;
  if (tail === null) ep.head = cur;
  else tail.epNext = cur;
  ep.tail = cur;
  ep.state = EPState.Recv;
  // delete the reply cap: it is the last entry after the caller's master reply cap
  const prev = callerSlot.mdbPrev!;
  prev.mdbNext = null;
  prev.revocable = true;
  prev.firstBadged = true;
  callerSlot.cap = NULL_CAP;
  callerSlot.mdbPrev = null;
  callerSlot.mdbNext = null;
  callerSlot.revocable = false;
  callerSlot.firstBadged = false;
  copyMRs(k, msgInfoLength(infoLo), cur, caller);
  deliverAndSwitch(k, caller, 0, 0, infoLo, infoHi);
  return true;
}
