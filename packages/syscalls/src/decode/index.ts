/*
 * decodeInvocation (seL4: src/object/objecttype.c): dispatch an invocation by the type of the
 * invoked cap. Endpoint, notification and reply caps are IPC; everything else is a kernel object
 * method decoded by its own module. Every decoder ends the seL4 way: once no check can fail, the
 * caller is set to Restart (`inv.restart()`) and the invoke or perform function runs; those return
 * nothing, or PREEMPTED for the operations seL4 can preempt (revoke, delete, thread control).
 */

import { doReplyTransfer, sendIPC, sendSignal } from '@tsel4/kernel';
import { type Cap, CapType, type Endpoint, type Notification, type OpResult, SyscallError, type Tcb } from '@tsel4/object';
import { decodeX86PortControlInvocation, decodeX86PortInvocation } from './ioport.js';
import type { Invocation } from '../invocation.js';
import { decodeARMMMUInvocation } from './arm.js';
import { decodeCNodeInvocation } from './cnode.js';
import { decodeDomainInvocation } from './domain.js';
import { decodeIRQControlInvocation, decodeIRQHandlerInvocation, decodeSGISignalInvocation } from './irq.js';
import { decodeRISCVMMUInvocation } from './riscv.js';
import { decodeTCBInvocation } from './tcb.js';
import { decodeUntypedInvocation } from './untyped.js';
import { decodeX86MMUInvocation } from './x86.js';

/** seL4's Arch_decodeInvocation for the address-space caps (frames, paging structures, ASIDs). */
function decodeArchInvocation(inv: Invocation): OpResult {
  switch (inv.k.arch.name) {
    case 'x86_64':
      return decodeX86MMUInvocation(inv);
    case 'aarch64':
      return decodeARMMMUInvocation(inv);
    case 'riscv64':
      return decodeRISCVMMUInvocation(inv);
    default:
      // the 32-bit arches have no address-space invocations in tsel4 yet
      return SyscallError.illegalOperation();
  }
}

/** seL4's performInvocation_Endpoint: send on the endpoint, as the caller's Send or Call. */
function performInvocation_Endpoint(inv: Invocation, ep: Endpoint, cap: Cap): void {
  sendIPC(inv.k, inv.isBlocking, inv.isCall, cap.badgeLo, cap.badgeHi, cap.canGrant, cap.canGrantReply, inv.cur, ep);
}

/** seL4's performInvocation_Notification: signal with the cap's badge. */
function performInvocation_Notification(inv: Invocation, ntfn: Notification, cap: Cap): void {
  sendSignal(inv.k, ntfn, cap.badgeLo, cap.badgeHi);
}

/** seL4's performInvocation_Reply: reply to the thread the reply cap names. */
function performInvocation_Reply(inv: Invocation, caller: Tcb, canGrant: boolean): void {
  doReplyTransfer(inv.k, inv.cur, caller, inv.slot, canGrant);
}

export function decodeInvocation(inv: Invocation): OpResult {
  const cap = inv.cap;
  switch (cap.type) {
    case CapType.Null:
    case CapType.Zombie:
      return SyscallError.invalidCapability(0);
    case CapType.Endpoint:
      if (!cap.canSend) return SyscallError.invalidCapability(0);
      inv.restart();
      performInvocation_Endpoint(inv, cap.obj as Endpoint, cap);
      return null;
    case CapType.Notification:
      if (!cap.canSend) return SyscallError.invalidCapability(0);
      inv.restart();
      performInvocation_Notification(inv, cap.obj as Notification, cap);
      return null;
    case CapType.Reply:
      if (cap.isMaster) return SyscallError.invalidCapability(0);
      inv.restart();
      performInvocation_Reply(inv, cap.obj as Tcb, cap.canGrant);
      return null;
    case CapType.Thread:
      return decodeTCBInvocation(inv);
    case CapType.Domain:
      return decodeDomainInvocation(inv);
    case CapType.CNode:
      return decodeCNodeInvocation(inv);
    case CapType.Untyped:
      return decodeUntypedInvocation(inv);
    case CapType.IrqControl:
      return decodeIRQControlInvocation(inv);
    case CapType.IrqHandler:
      return decodeIRQHandlerInvocation(inv);
    case CapType.Frame:
    case CapType.PageTable:
    case CapType.ASIDControl:
    case CapType.ASIDPool:
      return decodeArchInvocation(inv);
    case CapType.IOPortControl:
      return decodeX86PortControlInvocation(inv);
    case CapType.IOPort:
      return decodeX86PortInvocation(inv);
    case CapType.SGISignal:
      return decodeSGISignalInvocation(inv);
    default:
      return SyscallError.illegalOperation();
  }
}
