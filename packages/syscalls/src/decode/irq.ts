/*
 * IRQControl and IRQHandler invocations (seL4: src/object/interrupt.c and the arch interrupt.c
 * files). On ARM and RISC-V a handler comes from IRQControl_Get or _GetTrigger; on pc99 (IOAPIC
 * configuration) the generic Get is an illegal operation and handlers come from GetIOAPIC/GetMSI.
 * On ARM (GICv2, one core) IRQControl_IssueSGISignal makes an SGI signal cap, and any invocation
 * of that cap (seL4_Signal) raises its SGI on its target core (seL4: decodeSGISignalInvocation).
 */

import { ackIRQ, clearIRQHandler, invokeIRQControl, isIRQActive, plat_sendSGI, setIRQHandler, setX86IRQType } from '@tsel4/kernel';
import { type Cap, CapType, cteInsert, ensureEmptySlot, lookupTargetSlot, type OpResult, sgiSignalCap, SyscallError } from '@tsel4/object';
import type { Invocation } from '../invocation.js';
import { performing } from './cnode.js';

/** seL4 pc99: user vectors are 0x30..155, i.e. IRQs 16..123 (irq_user_min..irq_user_max). */
const X86_IRQ_USER_MIN = 16;
const X86_IRQ_USER_MAX = 155 - 0x20;
const X86_IOAPIC_PINS = 24;
const PCI_BUS_MAX = 255;
const PCI_DEV_MAX = 31;
const PCI_FUNC_MAX = 7;
/** seL4 gic_common.h: NUM_SGIS; gic_v2.h: GIC_SGI_NUM_TARGETS. */
const NUM_SGIS = 16;
const GIC_SGI_NUM_TARGETS = 8;

/** Arch_checkIRQ for the generic and trigger variants. */
function checkIRQ(inv: Invocation, irq: number): SyscallError | null {
  const k = inv.k;
  const max = k.board.irq.maxIrq;
  switch (k.arch.name) {
    case 'x86_64':
    case 'ia32':
      return SyscallError.illegalOperation();
    case 'riscv64':
      return irq > max || irq === 0 ? SyscallError.rangeError(1, max) : null;
    default:
      return irq > max ? SyscallError.rangeError(0, max) : null;
  }
}

/** Look up an empty destination slot for a new handler cap and make the handler there. */
function issue(inv: Invocation, irq: number, rootCap: Cap, indexArg: number, depthArg: number): OpResult {
  const k = inv.k;
  const dest = lookupTargetSlot(rootCap, inv.lo(indexArg), inv.hi(indexArg), inv.arg(depthArg), k.wordBits, k.space.lookup);
  if (dest instanceof SyscallError) return dest;
  const full = ensureEmptySlot(dest);
  if (full !== null) return full;
  return performing(inv, () => {
    invokeIRQControl(k, irq, dest, inv.slot);
    return null;
  });
}

export function decodeIRQControlInvocation(inv: Invocation): OpResult {
  const L = inv.L;
  const k = inv.k;
  const label = inv.label;
  if (label === L['IRQIssueIRQHandler']) {
    const ex0 = inv.extra(0);
    if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
    const irq = inv.arg(0);
    const err = checkIRQ(inv, irq);
    if (err !== null) return err;
    if (isIRQActive(k, irq)) return SyscallError.revokeFirst();
    return issue(inv, irq, ex0.cap, 1, 2);
  }
  if (label === L['ARMIRQIssueIRQHandlerTrigger'] || label === L['RISCVIRQIssueIRQHandlerTrigger']) {
    const ex0 = inv.extra(0);
    if (inv.length < 4 || ex0 === null) return SyscallError.truncatedMessage();
    const irq = inv.arg(0);
    const err = checkIRQ(inv, irq);
    if (err !== null) return err;
    if (isIRQActive(k, irq)) return SyscallError.revokeFirst();
    return issue(inv, irq, ex0.cap, 2, 3);
  }
  if (label === L['ARMIRQIssueSGISignal']) {
    // seL4: Arch_decodeIRQControlInvocation's ARMIRQIssueSGISignal branch (non-SMP)
    const ex0 = inv.extra(0);
    if (inv.length < 4 || ex0 === null) return SyscallError.truncatedMessage();
    const irq = inv.arg(0);
    const target = inv.arg(1);
    if (irq >= NUM_SGIS) return SyscallError.rangeError(0, NUM_SGIS - 1);
    if (target > GIC_SGI_NUM_TARGETS - 1) return SyscallError.invalidArgument(1); // plat_SGITargetValid
    const dest = lookupTargetSlot(ex0.cap, inv.lo(2), inv.hi(2), inv.arg(3), k.wordBits, k.space.lookup);
    if (dest instanceof SyscallError) return dest;
    const full = ensureEmptySlot(dest);
    if (full !== null) return full;
    return performing(inv, () => {
      cteInsert(sgiSignalCap(target, irq), inv.slot, dest); // seL4: Arch_invokeIssueSGISignal
      return null;
    });
  }
  if (label === L['X86IRQIssueIRQHandlerIOAPIC'] || label === L['X86IRQIssueIRQHandlerMSI']) {
    const ex0 = inv.extra(0);
    if (inv.length < 7 || ex0 === null) return SyscallError.truncatedMessage();
    let irq = inv.arg(6);
    if (irq > X86_IRQ_USER_MAX - X86_IRQ_USER_MIN) return SyscallError.rangeError(0, X86_IRQ_USER_MAX - X86_IRQ_USER_MIN);
    irq += X86_IRQ_USER_MIN;
    if (isIRQActive(k, irq)) return SyscallError.revokeFirst();
    const dest = lookupTargetSlot(ex0.cap, inv.lo(0), inv.hi(0), inv.arg(1), k.wordBits, k.space.lookup);
    if (dest instanceof SyscallError) return dest;
    const full = ensureEmptySlot(dest);
    if (full !== null) return full;
    if (label === L['X86IRQIssueIRQHandlerIOAPIC']) {
      if (inv.arg(2) >= 1) return SyscallError.rangeError(0, 0);
      if (inv.arg(3) >= X86_IOAPIC_PINS) return SyscallError.rangeError(0, X86_IOAPIC_PINS - 1);
      if (inv.arg(4) > 1) return SyscallError.rangeError(0, 1);
      if (inv.arg(5) > 1) return SyscallError.rangeError(0, 1);
    } else {
      if (inv.arg(2) > PCI_BUS_MAX) return SyscallError.rangeError(0, PCI_BUS_MAX);
      if (inv.arg(3) > PCI_DEV_MAX) return SyscallError.rangeError(0, PCI_DEV_MAX);
      if (inv.arg(4) > PCI_FUNC_MAX) return SyscallError.rangeError(0, PCI_FUNC_MAX);
    }
    return performing(inv, () => {
      setX86IRQType(k, irq, label === L['X86IRQIssueIRQHandlerMSI']); // seL4: Arch_invokeIRQControl
      invokeIRQControl(k, irq, dest, inv.slot);
      return null;
    });
  }
  return SyscallError.illegalOperation();
}

/** seL4's decodeSGISignalInvocation: whatever the label and length, raise the cap's SGI. */
export function decodeSGISignalInvocation(inv: Invocation): OpResult {
  const cap = inv.cap;
  return performing(inv, () => {
    plat_sendSGI(inv.k, cap.sgiIrq, cap.sgiTarget); // seL4: invokeSGISignalGenerate
    return null;
  });
}

export function decodeIRQHandlerInvocation(inv: Invocation): OpResult {
  const L = inv.L;
  const k = inv.k;
  const irq = inv.cap.irq;
  switch (inv.label) {
    case L['IRQAckIRQ']:
      return performing(inv, () => {
        ackIRQ(k, irq);
        return null;
      });
    case L['IRQSetIRQHandler']: {
      const ex0 = inv.extra(0);
      if (ex0 === null) return SyscallError.truncatedMessage();
      const cap = ex0.cap;
      if (cap.type !== CapType.Notification || !cap.canSend) return SyscallError.invalidCapability(0);
      return performing(inv, () => {
        setIRQHandler(k, irq, cap, ex0);
        return null;
      });
    }
    case L['IRQClearIRQHandler']:
      return performing(inv, () => {
        clearIRQHandler(k, irq);
        return null;
      });
    default:
      return SyscallError.illegalOperation();
  }
}
