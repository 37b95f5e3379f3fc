/*
 * Faults (seL4: src/kernel/faulthandler.c, src/api/faults.c, the arch fault files; classic).
 *
 * A faulting thread's handler is a cptr looked up in the faulting thread's own CSpace at fault
 * time. If it names an endpoint cap with Write and Grant or GrantReply, the thread Calls it with a
 * fault message (the reply cap is always made); otherwise it is a double fault and the thread
 * becomes Inactive. The handler's reply restarts it, or for UnknownSyscall and UserException
 * writes the reply's words into its registers first and restarts it only if the label is 0.
 */

import { seL4_Fault_CapFault, seL4_Fault_UnknownSyscall, seL4_Fault_UserException, seL4_Fault_VMFault, msgInfoHi, msgInfoLabel, msgInfoLength, msgInfoLo } from '@tsel4/libsel4';
import { CapType, capFault, type Fault, LookupFault, type Endpoint, type Tcb, ThreadState } from '@tsel4/object';
import { lookupCap } from './cspace.js';
import { doubleFaultMessage } from './debugprint.js';
import { sendIPC } from './ipc.js';
import { bufHi, bufLo, lookupIPCBuffer, NO_BUFFER, setBuf, setMR } from './ipcbuffer.js';
import type { Kernel } from './kernel.js';
import { regHi, regLo, setReg } from './registers.js';
import { setThreadState } from './scheduler.js';

/** seL4's handleFault: deliver Kernel.currentFault for `t` to its handler, or stop it. */
export function handleFault(k: Kernel, t: Tcb): void {
  const fault = k.currentFault!;
  k.counters.faults++;
  if (!sendFaultIPC(k, t)) handleDoubleFault(k, t, fault);
}

/** seL4's sendFaultIPC (classic). False when the handler cannot be reached. */
function sendFaultIPC(k: Kernel, t: Tcb): boolean {
  const originalLookupFault = k.currentLookupFault;
  const cap = lookupCap(k, t, t.faultHandlerLo, t.faultHandlerHi);
  if (cap === null) {
    k.currentFault = capFault(t.faultHandlerLo, t.faultHandlerHi, 0);
    return false;
  }
  if (cap.type === CapType.Endpoint && cap.canSend && (cap.canGrant || cap.canGrantReply)) {
    t.fault = k.currentFault;
    if (k.currentFault!.type === seL4_Fault_CapFault) t.lookupFailure = originalLookupFault;
    sendIPC(k, true, true, cap.badgeLo, cap.badgeHi, cap.canGrant, true, t, cap.obj as Endpoint);
    return true;
  }
  k.currentFault = capFault(t.faultHandlerLo, t.faultHandlerHi, 0);
  k.currentLookupFault = LookupFault.missingCapability(0);
  return false;
}

/** seL4's handleDoubleFault: the thread stops; a debug kernel prints why (debugprint.ts). */
function handleDoubleFault(k: Kernel, t: Tcb, first: Fault): void {
  k.counters.doubleFaults++;
  const second = k.currentFault!;
  if (k.printer !== null || k.log !== null) for (const line of doubleFaultMessage(k, t, first, second)) k.print(line);
  k.onUnhandledFault?.(t, first, second);
  setThreadState(k, t, ThreadState.Inactive);
}

/** seL4's copyMRsFault: registers of `sender` in fault-message order into `receiver`'s message. */
function copyMRsFault(k: Kernel, sender: Tcb, receiver: Tcb, regs: readonly number[], recvBuf: number): void {
  const msgRegs = k.arch.syscall.msgRegs;
  let i = 0;
  for (; i < regs.length && i < msgRegs.length; i++) {
    setReg(receiver, msgRegs[i]!, regLo(sender, regs[i]!), regHi(sender, regs[i]!));
  }
  if (recvBuf !== NO_BUFFER) {
    for (; i < regs.length; i++) setBuf(k, recvBuf, i + 1, regLo(sender, regs[i]!), regHi(sender, regs[i]!));
  }
}

/** seL4's setMRs_fault: write `sender`'s fault message; returns its length. */
function setMRsFault(k: Kernel, sender: Tcb, receiver: Tcb, recvBuf: number): number {
  const f = sender.fault!;
  const a = k.arch;
  switch (f.type) {
    case seL4_Fault_CapFault: {
      setMR(k, receiver, recvBuf, 0, regLo(sender, a.faultIP), regHi(sender, a.faultIP));
      setMR(k, receiver, recvBuf, 1, f.addrLo, f.addrHi);
      setMR(k, receiver, recvBuf, 2, f.inReceivePhase, 0);
      const words = sender.lookupFailure!.words();
      let len = 0;
      for (let i = 0; i < words.length; i++) len = setMR(k, receiver, recvBuf, 3 + i, words[i]![0], words[i]![1]);
      return len;
    }
    case seL4_Fault_UnknownSyscall: {
      const regs = a.unknownSyscallMessage;
      copyMRsFault(k, sender, receiver, regs, recvBuf);
      return setMR(k, receiver, recvBuf, regs.length, f.syscallNumberLo, f.syscallNumberHi);
    }
    case seL4_Fault_UserException: {
      const regs = a.userExceptionMessage;
      copyMRsFault(k, sender, receiver, regs, recvBuf);
      setMR(k, receiver, recvBuf, regs.length, f.number, 0);
      return setMR(k, receiver, recvBuf, regs.length + 1, f.code, 0);
    }
    case seL4_Fault_VMFault:
      setMR(k, receiver, recvBuf, 0, regLo(sender, a.faultIP), regHi(sender, a.faultIP));
      setMR(k, receiver, recvBuf, 1, f.addrLo, f.addrHi);
      setMR(k, receiver, recvBuf, 2, f.instructionFault, 0);
      return setMR(k, receiver, recvBuf, 3, f.fsr, 0);
    default:
      throw new Error(`internal: no fault message for fault type ${f.type}`);
  }
}

/** seL4's doFaultTransfer: the fault message instead of a normal one. */
export function doFaultTransfer(k: Kernel, badgeLo: number, badgeHi: number, sender: Tcb, receiver: Tcb, recvBuf: number): void {
  const sent = setMRsFault(k, sender, receiver, recvBuf);
  const label = sender.fault!.type;
  setReg(receiver, k.arch.syscall.infoReg, msgInfoLo(label, 0, 0, sent), msgInfoHi(k.wordBits, label));
  setReg(receiver, k.arch.syscall.badgeReg, badgeLo, badgeHi);
}

/** seL4's copyMRsFaultReply: the reply's words into the faulted thread's registers, sanitised. */
function copyMRsFaultReply(k: Kernel, sender: Tcb, receiver: Tcb, regs: readonly number[], length: number): void {
  const a = k.arch;
  const msgRegs = a.syscall.msgRegs;
  let i = 0;
  for (; i < length && i < msgRegs.length; i++) {
    const r = regs[i]!;
    const [lo, hi] = a.sanitise(r, regLo(sender, msgRegs[i]!), regHi(sender, msgRegs[i]!));
    setReg(receiver, r, lo, hi);
  }
  if (i < length) {
    const sendBuf = lookupIPCBuffer(false, sender);
    if (sendBuf !== NO_BUFFER) {
      for (; i < length; i++) {
        const r = regs[i]!;
        const [lo, hi] = a.sanitise(r, bufLo(k, sendBuf, i + 1), bufHi(k, sendBuf, i + 1));
        setReg(receiver, r, lo, hi);
      }
    }
  }
}

/**
 * seL4's handleFaultReply: `sender` replied to the fault of `receiver`. True when `receiver`
 * should restart.
 */
export function handleFaultReply(k: Kernel, receiver: Tcb, sender: Tcb): boolean {
  const infoReg = k.arch.syscall.infoReg;
  const label = msgInfoLabel(regLo(sender, infoReg), regHi(sender, infoReg));
  const length = msgInfoLength(regLo(sender, infoReg));
  switch (receiver.fault!.type) {
    case seL4_Fault_CapFault:
    case seL4_Fault_VMFault:
      return true;
    case seL4_Fault_UnknownSyscall: {
      const regs = k.arch.unknownSyscallMessage;
      copyMRsFaultReply(k, sender, receiver, regs, Math.min(length, regs.length));
      return label === 0;
    }
    case seL4_Fault_UserException: {
      const regs = k.arch.userExceptionMessage;
      copyMRsFaultReply(k, sender, receiver, regs, Math.min(length, regs.length));
      return label === 0;
    }
    default:
      return true;
  }
}
