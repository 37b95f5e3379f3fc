/*
 * IRQControl and IRQHandler invocations (seL4: src/object/interrupt.c and the arch interrupt.c
 * files). On ARM and RISC-V a handler comes from IRQControl_Get or _GetTrigger; on pc99 (IOAPIC
 * configuration) the generic Get is an illegal operation and handlers come from GetIOAPIC/GetMSI.
 * On ARM (GICv2, one core) IRQControl_IssueSGISignal makes an SGI signal cap, and any invocation
 * of that cap (seL4_Signal) raises its SGI on its target core (seL4: decodeSGISignalInvocation).
 */

import { invokeIRQHandler_AckIRQ, invokeIRQHandler_ClearIRQHandler, invokeIRQControl, isIRQActive, invokeIRQHandler_SetIRQHandler, plat_sendSGI, setX86IRQType } from '@tsel4/kernel';
import { type Cap, CapType, type Cte, cteInsert, ensureEmptySlot, lookupTargetSlot, type OpResult, sgiSignalCap, SyscallError } from '@tsel4/object';
import { AArch32Label, AArch64Label, GenericLabel as L, ia32Labels, RISCV64Label, x86_64Labels } from '@tsel4/libsel4';
import { halves, readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { depthArg, small } from '../words.js';

/** IRQControl_GetTrigger's label on this arch (ARM and RISC-V), or undefined. */
function triggerLabel(inv: Invocation): number | undefined {
  switch (inv.k.arch.name) {
    case 'aarch64':
      return AArch64Label.ARMIRQIssueIRQHandlerTrigger;
    case 'aarch32':
      return AArch32Label.ARMIRQIssueIRQHandlerTrigger;
    case 'riscv64':
      return RISCV64Label.RISCVIRQIssueIRQHandlerTrigger;
    default:
      return undefined;
  }
}

/** The pc99 IRQControl labels (GetIOAPIC, GetMSI) on this arch, or undefined. */
function x86Labels(inv: Invocation): { ioapic: number; msi: number } | undefined {
  switch (inv.k.arch.name) {
    case 'x86_64':
    {
      // the labels of the running build (one fewer per IOMMU method without CONFIG_IOMMU)
      const X = x86_64Labels(inv.space.config);
      return { ioapic: X.X86IRQIssueIRQHandlerIOAPIC, msi: X.X86IRQIssueIRQHandlerMSI };
    }
    case 'ia32': {
      const X = ia32Labels(inv.space.config);
      return { ioapic: X.X86IRQIssueIRQHandlerIOAPIC, msi: X.X86IRQIssueIRQHandlerMSI };
    }
    default:
      return undefined;
  }
}

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
function checkIRQ(inv: Invocation, irq: bigint): SyscallError | null {
  const k = inv.k;
  const max = k.board.irq.maxIrq;
  switch (k.arch.name) {
    case 'x86_64':
    case 'ia32':
      return SyscallError.illegalOperation();
    case 'riscv64':
      return irq > BigInt(max) || irq === 0n ? SyscallError.rangeError(1, max) : null;
    default:
      return irq > BigInt(max) ? SyscallError.rangeError(0, max) : null;
  }
}

/** Look up an empty destination slot for a new handler cap and make the handler there. */
function issue(inv: Invocation, irq: number, rootCap: Cap, index: bigint, depth: bigint): OpResult {
  const k = inv.k;
  const dest = lookupTargetSlot(rootCap, ...halves(index), depthArg(depth), k.wordBits, k.space.lookup);
  if (dest instanceof SyscallError) return dest;
  const full = ensureEmptySlot(dest);
  if (full !== null) return full;
  inv.restart();
  invokeIRQControl(k, irq, dest, inv.slot);
  return null;
}

export function decodeIRQControlInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  const wordBits = k.wordBits;
  const label = inv.label;
  if (label === L.IRQIssueIRQHandler) {
    const ex0 = inv.extra(0);
    if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
    const a = readArgs(inv, 'IRQIssueIRQHandler', wordBits);
    const err = checkIRQ(inv, a.irq);
    if (err !== null) return err;
    const irq = small(a.irq);
    if (isIRQActive(k, irq)) return SyscallError.revokeFirst();
    return issue(inv, irq, ex0.cap, a.index, a.depth);
  }
  if (label === triggerLabel(inv)) {
    const ex0 = inv.extra(0);
    if (inv.length < 4 || ex0 === null) return SyscallError.truncatedMessage();
    // the same layout on ARM and RISC-V
    const a = readArgs(inv, 'RISCVIRQIssueIRQHandlerTrigger', wordBits);
    const err = checkIRQ(inv, a.irq);
    if (err !== null) return err;
    const irq = small(a.irq);
    if (isIRQActive(k, irq)) return SyscallError.revokeFirst();
    return issue(inv, irq, ex0.cap, a.index, a.depth);
  }
  if (k.arch.name === 'aarch64' && label === AArch64Label.ARMIRQIssueSGISignal) {
    // seL4: Arch_decodeIRQControlInvocation's ARMIRQIssueSGISignal branch (non-SMP)
    const ex0 = inv.extra(0);
    if (inv.length < 4 || ex0 === null) return SyscallError.truncatedMessage();
    const a = readArgs(inv, 'ARMIRQIssueSGISignal', wordBits);
    if (a.irq >= BigInt(NUM_SGIS)) return SyscallError.rangeError(0, NUM_SGIS - 1);
    if (a.target > BigInt(GIC_SGI_NUM_TARGETS - 1)) return SyscallError.invalidArgument(1); // plat_SGITargetValid
    const dest = lookupTargetSlot(ex0.cap, ...halves(a.index), depthArg(a.depth), k.wordBits, k.space.lookup);
    if (dest instanceof SyscallError) return dest;
    const full = ensureEmptySlot(dest);
    if (full !== null) return full;
    inv.restart();
    invokeIssueSGISignal(inv, small(a.irq), small(a.target), dest);
    return null;
  }
  const x86 = x86Labels(inv);
  if (x86 !== undefined && (label === x86.ioapic || label === x86.msi)) {
    const ex0 = inv.extra(0);
    if (inv.length < 7 || ex0 === null) return SyscallError.truncatedMessage();
    // index, depth and vector sit alike in both methods
    const a = readArgs(inv, 'X86IRQIssueIRQHandlerIOAPIC', wordBits);
    if (a.vector > BigInt(X86_IRQ_USER_MAX - X86_IRQ_USER_MIN)) return SyscallError.rangeError(0, X86_IRQ_USER_MAX - X86_IRQ_USER_MIN);
    const irq = small(a.vector) + X86_IRQ_USER_MIN;
    if (isIRQActive(k, irq)) return SyscallError.revokeFirst();
    const dest = lookupTargetSlot(ex0.cap, ...halves(a.index), depthArg(a.depth), k.wordBits, k.space.lookup);
    if (dest instanceof SyscallError) return dest;
    const full = ensureEmptySlot(dest);
    if (full !== null) return full;
    if (label === x86.ioapic) {
      if (a.ioapic >= 1n) return SyscallError.rangeError(0, 0);
      if (a.pin >= BigInt(X86_IOAPIC_PINS)) return SyscallError.rangeError(0, X86_IOAPIC_PINS - 1);
      if (a.level > 1n) return SyscallError.rangeError(0, 1);
      if (a.polarity > 1n) return SyscallError.rangeError(0, 1);
    } else {
      const m = readArgs(inv, 'X86IRQIssueIRQHandlerMSI', wordBits);
      if (m.pci_bus > BigInt(PCI_BUS_MAX)) return SyscallError.rangeError(0, PCI_BUS_MAX);
      if (m.pci_dev > BigInt(PCI_DEV_MAX)) return SyscallError.rangeError(0, PCI_DEV_MAX);
      if (m.pci_func > BigInt(PCI_FUNC_MAX)) return SyscallError.rangeError(0, PCI_FUNC_MAX);
    }
    inv.restart();
    setX86IRQType(k, irq, label === x86.msi); // seL4: Arch_invokeIRQControl
    invokeIRQControl(k, irq, dest, inv.slot);
    return null;
  }
  return SyscallError.illegalOperation();
}

/** seL4's Arch_invokeIssueSGISignal: the new SGI signal cap, derived from IRQControl. */
function invokeIssueSGISignal(inv: Invocation, irq: number, target: number, dest: Cte): void {
  cteInsert(sgiSignalCap(target, irq), inv.slot, dest);
}

/** seL4's decodeSGISignalInvocation: whatever the label and length, raise the cap's SGI. */
export function decodeSGISignalInvocation(inv: Invocation): OpResult {
  const cap = inv.cap;
  inv.restart();
  plat_sendSGI(inv.k, cap.sgiIrq, cap.sgiTarget); // seL4: invokeSGISignalGenerate
  return null;
}

export function decodeIRQHandlerInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  const irq = inv.cap.irq;
  switch (inv.label) {
    case L.IRQAckIRQ:
      inv.restart();
      invokeIRQHandler_AckIRQ(k, irq);
      return null;
    case L.IRQSetIRQHandler: {
      const ex0 = inv.extra(0);
      if (ex0 === null) return SyscallError.truncatedMessage();
      const cap = ex0.cap;
      if (cap.type !== CapType.Notification || !cap.canSend) return SyscallError.invalidCapability(0);
      inv.restart();
      invokeIRQHandler_SetIRQHandler(k, irq, cap, ex0);
      return null;
    }
    case L.IRQClearIRQHandler:
      inv.restart();
      invokeIRQHandler_ClearIRQHandler(k, irq);
      return null;
    default:
      return SyscallError.illegalOperation();
  }
}
