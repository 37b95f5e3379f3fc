/*
 * decodeTCBInvocation (seL4: src/object/tcb.c, classic): every check in seL4's order, then the
 * kernel package's invokeTCB_* function.
 */

import {
  checkValidIPCBuffer,
  invokeTCB_CopyRegisters,
  invokeTCB_NotificationControl,
  invokeTCB_ReadRegisters,
  invokeTCB_Resume,
  invokeSetFlags,
  invokeSetTLSBase,
  invokeTCB_Suspend,
  invokeTCB_ThreadControl,
  invokeTCB_WriteRegisters,
  isValidVTableRoot,
  type CapSource,
  type ThreadControl,
} from '@tsel4/kernel';
import {
  type Cap,
  CapType,
  type Cte,
  deriveCap,
  type Notification,
  type OpResult,
  slotCapLongRunningDelete,
  SyscallError,
  type Tcb,
  TCB_CTABLE,
  TCB_VTABLE,
  updateCapData,
} from '@tsel4/object';
import { GenericLabel as L } from '@tsel4/libsel4';
import { halves, readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { small } from '../words.js';

/** seL4's checkPrio: a priority or MCP above the authority's MCP is a RangeError. */
function checkPrio(prio: bigint, auth: Tcb): SyscallError | null {
  return prio > BigInt(auth.mcp) ? SyscallError.rangeError(0, auth.mcp) : null;
}

/** The authority TCB of Set(MC)Priority/SetSchedParams: InvalidCapability(1) if not a thread cap. */
function authority(inv: Invocation): Tcb | SyscallError {
  const cap = inv.extra(0)!.cap;
  return cap.type === CapType.Thread ? (cap.obj as Tcb) : SyscallError.invalidCapability(1);
}

/** The CSpace and VSpace root parts of Configure and SetSpace, decoded in seL4's order. */
function decodeRoots(
  inv: Invocation,
  target: Tcb,
  cRootSlot: Cte,
  vRootSlot: Cte,
  cRootData: bigint,
  vRootData: bigint,
): { cRoot: CapSource; vRoot: CapSource } | SyscallError {
  const k = inv.k;
  if (slotCapLongRunningDelete(target.ctes[TCB_CTABLE]!) || slotCapLongRunningDelete(target.ctes[TCB_VTABLE]!)) {
    return SyscallError.illegalOperation();
  }
  let cRootCap: Cap = cRootSlot.cap;
  if (cRootData !== 0n) cRootCap = updateCapData(false, ...halves(cRootData), cRootCap, k.wordBits);
  const dc = deriveCap(cRootSlot, cRootCap);
  if (dc instanceof SyscallError) return dc;
  if (dc.type !== CapType.CNode) return SyscallError.illegalOperation();
  let vRootCap: Cap = vRootSlot.cap;
  if (vRootData !== 0n) vRootCap = updateCapData(false, ...halves(vRootData), vRootCap, k.wordBits);
  const dv = deriveCap(vRootSlot, vRootCap);
  if (dv instanceof SyscallError) return dv;
  if (!isValidVTableRoot(k, dv)) return SyscallError.illegalOperation();
  return { cRoot: { cap: dc, srcSlot: cRootSlot }, vRoot: { cap: dv, srcSlot: vRootSlot } };
}

/** The IPC buffer part of Configure and SetIPCBuffer. */
function decodeBuffer(inv: Invocation, addr: bigint, bufferSlot: Cte): ThreadControl['buffer'] | SyscallError {
  const [lo, hi] = halves(addr);
  if (addr === 0n) return { lo, hi, source: null };
  const dc = deriveCap(bufferSlot, bufferSlot.cap);
  if (dc instanceof SyscallError) return dc;
  const err = checkValidIPCBuffer(inv.k, lo, dc);
  if (err !== null) return err;
  return { lo, hi, source: { cap: dc, srcSlot: bufferSlot } };
}

export function decodeTCBInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  const wordBits = k.wordBits;
  const target = inv.cap.obj as Tcb;
  const label = inv.label;
  const a = k.arch;

  switch (label) {
    case L.TCBReadRegisters: {
      if (inv.length < 2) return SyscallError.truncatedMessage();
      const { suspend_source: flags, count } = readArgs(inv, 'TCBReadRegisters', wordBits);
      const max = a.userContext.length;
      if (count < 1n || count > BigInt(max)) return SyscallError.rangeError(1, max);
      if (target === inv.cur) return SyscallError.illegalOperation();
      inv.restart();
      invokeTCB_ReadRegisters(k, target, (flags & 1n) !== 0n, small(count), inv.isCall);
      return null;
    }
    case L.TCBWriteRegisters: {
      if (inv.length < 2) return SyscallError.truncatedMessage();
      const { resume_target: flags, count } = readArgs(inv, 'TCBWriteRegisters', wordBits);
      if (BigInt(inv.length - 2) < count) return SyscallError.truncatedMessage();
      if (target === inv.cur) return SyscallError.illegalOperation();
      inv.restart();
      invokeTCB_WriteRegisters(k, target, (flags & 1n) !== 0n, small(count), (i) => [inv.lo(i), inv.hi(i)]);
      return null;
    }
    case L.TCBCopyRegisters: {
      const ex0 = inv.extra(0);
      if (inv.length < 1 || ex0 === null) return SyscallError.truncatedMessage();
      // seL4 reads the one flags word and tests its bits (the four Bools packed from bit 0)
      const flags = Number(readArgs(inv, 'TCBCopyRegisters', wordBits).suspend_source & 0xfn);
      if (ex0.cap.type !== CapType.Thread) return SyscallError.invalidCapability(1);
      const src = ex0.cap.obj as Tcb;
      inv.restart();
      invokeTCB_CopyRegisters(k, target, src, (flags & 1) !== 0, (flags & 2) !== 0, (flags & 4) !== 0, (flags & 8) !== 0);
      return null;
    }
    case L.TCBSuspend:
      inv.restart();
      invokeTCB_Suspend(k, target);
      return null;
    case L.TCBResume:
      inv.restart();
      invokeTCB_Resume(k, target);
      return null;
    case L.TCBConfigure: {
      const c0 = inv.extra(0);
      const c1 = inv.extra(1);
      const c2 = inv.extra(2);
      if (inv.length < 4 || c0 === null || c1 === null || c2 === null) return SyscallError.truncatedMessage();
      const args = readArgs(inv, 'TCBConfigure', wordBits);
      const buffer = decodeBuffer(inv, args.buffer, c2);
      if (buffer instanceof SyscallError) return buffer;
      const roots = decodeRoots(inv, target, c0, c1, args.cspace_root_data, args.vspace_root_data);
      if (roots instanceof SyscallError) return roots;
      const [lo, hi] = halves(args.fault_ep);
      inv.restart();
      return invokeTCB_ThreadControl(k, target, inv.slot, { faultEP: { lo, hi }, ...roots, buffer });
    }
    case L.TCBSetPriority:
    case L.TCBSetMCPriority: {
      if (inv.length < 1 || inv.extra(0) === null) return SyscallError.truncatedMessage();
      // priority and mcp are both MR0
      const word = readArgs(inv, 'TCBSetPriority', wordBits).priority;
      const auth = authority(inv);
      if (auth instanceof SyscallError) return auth;
      const err = checkPrio(word, auth);
      if (err !== null) return err;
      const value = small(word);
      const tc: ThreadControl = label === L.TCBSetPriority ? { priority: value } : { mcp: value };
      inv.restart();
      return invokeTCB_ThreadControl(k, target, null, tc);
    }
    case L.TCBSetSchedParams: {
      if (inv.length < 2 || inv.extra(0) === null) return SyscallError.truncatedMessage();
      const { mcp, priority } = readArgs(inv, 'TCBSetSchedParams', wordBits);
      const auth = authority(inv);
      if (auth instanceof SyscallError) return auth;
      const e1 = checkPrio(mcp, auth);
      if (e1 !== null) return e1;
      const e2 = checkPrio(priority, auth);
      if (e2 !== null) return e2;
      inv.restart();
      return invokeTCB_ThreadControl(k, target, null, { mcp: small(mcp), priority: small(priority) });
    }
    case L.TCBSetIPCBuffer: {
      const c0 = inv.extra(0);
      if (inv.length < 1 || c0 === null) return SyscallError.truncatedMessage();
      const buffer = decodeBuffer(inv, readArgs(inv, 'TCBSetIPCBuffer', wordBits).buffer, c0);
      if (buffer instanceof SyscallError) return buffer;
      inv.restart();
      return invokeTCB_ThreadControl(k, target, inv.slot, { buffer });
    }
    case L.TCBSetSpace: {
      const c0 = inv.extra(0);
      const c1 = inv.extra(1);
      if (inv.length < 3 || c0 === null || c1 === null) return SyscallError.truncatedMessage();
      const args = readArgs(inv, 'TCBSetSpace', wordBits);
      const roots = decodeRoots(inv, target, c0, c1, args.cspace_root_data, args.vspace_root_data);
      if (roots instanceof SyscallError) return roots;
      const [lo, hi] = halves(args.fault_ep);
      inv.restart();
      return invokeTCB_ThreadControl(k, target, inv.slot, { faultEP: { lo, hi }, ...roots });
    }
    case L.TCBBindNotification: {
      const c0 = inv.extra(0);
      if (c0 === null) return SyscallError.truncatedMessage();
      if (target.boundNotification !== null) return SyscallError.illegalOperation();
      const cap = c0.cap;
      if (cap.type !== CapType.Notification) return SyscallError.illegalOperation();
      if (!cap.canReceive) return SyscallError.illegalOperation();
      const ntfn = cap.obj as Notification;
      if (ntfn.head !== null || ntfn.boundTcb !== null) return SyscallError.illegalOperation();
      inv.restart();
      invokeTCB_NotificationControl(target, ntfn);
      return null;
    }
    case L.TCBUnbindNotification:
      if (target.boundNotification === null) return SyscallError.illegalOperation();
      inv.restart();
      invokeTCB_NotificationControl(target, null);
      return null;
    case L.TCBSetTLSBase: {
      if (inv.length < 1) return SyscallError.truncatedMessage();
      const [lo, hi] = halves(readArgs(inv, 'TCBSetTLSBase', wordBits).tls_base);
      inv.restart();
      invokeSetTLSBase(k, target, lo, hi);
      return null;
    }
    case L.TCBSetFlags: {
      if (inv.length < 2) return SyscallError.truncatedMessage();
      // only the low bits name flags (seL4 masks the words with the flags it knows)
      const { clear, set } = readArgs(inv, 'TCBSetFlags', wordBits);
      inv.restart();
      invokeSetFlags(k, target, Number(clear & 0xffff_ffffn), Number(set & 0xffff_ffffn), inv.isCall);
      return null;
    }
    default:
      return SyscallError.illegalOperation();
  }
}
