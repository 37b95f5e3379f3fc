/*
 * decodeInvocation (seL4: src/object/objecttype.c): dispatch an invocation by the type of the
 * invoked cap. Endpoint, notification and reply caps are IPC; everything else is a kernel object
 * method decoded by its own module.
 */

import { doReplyTransfer, sendIPC, sendSignal, setThreadState } from '@tsel4/kernel';
import { CapType, type Endpoint, type Notification, type OpResult, SyscallError, type Tcb, ThreadState } from '@tsel4/object';
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

export function decodeInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  switch (cap.type) {
    case CapType.Null:
    case CapType.Zombie:
      return SyscallError.invalidCapability(0);
    case CapType.Endpoint:
      if (!cap.canSend) return SyscallError.invalidCapability(0);
      setThreadState(k, inv.cur, ThreadState.Restart);
      sendIPC(k, inv.isBlocking, inv.isCall, cap.badgeLo, cap.badgeHi, cap.canGrant, cap.canGrantReply, inv.cur, cap.obj as Endpoint);
      return null;
    case CapType.Notification:
      if (!cap.canSend) return SyscallError.invalidCapability(0);
      setThreadState(k, inv.cur, ThreadState.Restart);
      sendSignal(k, cap.obj as Notification, cap.badgeLo, cap.badgeHi);
      return null;
    case CapType.Reply:
      if (cap.isMaster) return SyscallError.invalidCapability(0);
      setThreadState(k, inv.cur, ThreadState.Restart);
      doReplyTransfer(k, inv.cur, cap.obj as Tcb, inv.slot, cap.canGrant);
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
