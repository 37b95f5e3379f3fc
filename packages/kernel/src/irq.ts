/*
 * Interrupts (seL4: src/object/interrupt.c). Each line is Inactive, a user's (Signal: the
 * handler's notification is signalled), the kernel's timer, or reserved. A signalled line is
 * masked until the handler acknowledges it; every interrupt taken is acknowledged to the
 * controller (its pending bit cleared). On x86 a line issued as an MSI cannot be masked
 * (pc99's maskInterrupt ignores MSI lines), so a second MSI before the Ack is delivered too.
 */

import { CapType, cteDeleteOne, cteInsert, type Cap, type Cte, irqHandlerCap, type Notification } from '@tsel4/object';
import { IRQState } from './irqstate.js';
import type { Kernel } from './kernel.js';
import { timerTick } from './scheduler.js';
import { sendSignal } from './signal.js';

/** seL4's maskInterrupt: on x86, a line of MSI type stays as it is ("MSI interrupts can not be disabled"). */
export function maskInterrupt(k: Kernel, disable: boolean, irq: number): void {
  if (k.irqIsMsi[irq] === 1) return;
  k.board.irq.setMasked(irq, disable);
}

/** pc99's updateIRQState for the line's type: GetMSI makes it an MSI line, GetIOAPIC an IOAPIC one. */
export function setX86IRQType(k: Kernel, irq: number, msi: boolean): void {
  k.irqIsMsi[irq] = msi ? 1 : 0;
  // an MSI is a message, not a line a controller can hold back: nothing masks it from here on
  if (msi) k.board.irq.setMasked(irq, false);
}

/** seL4's setIRQState: an Inactive line is masked, any other is unmasked. */
export function setIRQState(k: Kernel, state: IRQState, irq: number): void {
  k.irqState[irq] = state;
  maskInterrupt(k, state === IRQState.Inactive, irq);
}

/** seL4's isIRQActive. */
export function isIRQActive(k: Kernel, irq: number): boolean {
  return k.irqState[irq] !== IRQState.Inactive;
}

/** seL4's invokeIRQControl: make a handler cap for `irq` in `handlerSlot`. */
export function invokeIRQControl(k: Kernel, irq: number, handlerSlot: Cte, controlSlot: Cte): void {
  setIRQState(k, IRQState.Signal, irq);
  cteInsert(irqHandlerCap(irq), controlSlot, handlerSlot);
}

/** seL4's invokeIRQHandler_AckIRQ: unmask the line. */
export function invokeIRQHandler_AckIRQ(k: Kernel, irq: number): void {
  maskInterrupt(k, false, irq);
}

/** seL4's invokeIRQHandler_SetIRQHandler: the line will signal the notification cap in `slot`. */
export function invokeIRQHandler_SetIRQHandler(k: Kernel, irq: number, cap: Cap, slot: Cte): void {
  const irqSlot = k.irqNode[irq]!;
  cteDeleteOne(k.space, irqSlot);
  cteInsert(cap, slot, irqSlot);
}

/** seL4's invokeIRQHandler_ClearIRQHandler. */
export function invokeIRQHandler_ClearIRQHandler(k: Kernel, irq: number): void {
  cteDeleteOne(k.space, k.irqNode[irq]!);
}

/** seL4's deletingIRQHandler: the last handler cap is going; drop its notification. */
export function deletingIRQHandler(k: Kernel, irq: number): void {
  cteDeleteOne(k.space, k.irqNode[irq]!);
}

/** seL4's postCapDeletion for an IRQ handler cap: the line becomes Inactive. */
export function deletedIRQHandler(k: Kernel, irq: number): void {
  setIRQState(k, IRQState.Inactive, irq);
}

/**
 * seL4's plat_sendSGI on GICv2: the distributor raises SGI `irq` on each CPU interface in the
 * target list. tsel4's boards have one core (interface 0); a target with no core behind it
 * receives nothing.
 */
export function plat_sendSGI(k: Kernel, irq: number, target: number): void {
  if (target === 0) k.board.irq.raise(irq);
}

/** seL4's handleInterrupt. */
export function handleInterrupt(k: Kernel, irq: number): void {
  k.counters.interrupts++;
  switch (k.irqState[irq]) {
    case IRQState.Signal: {
      const cap = k.irqNode[irq]!.cap;
      if (cap.type === CapType.Notification && cap.canSend) {
        sendSignal(k, cap.obj as Notification, cap.badgeLo, cap.badgeHi);
      } else {
        k.print(`Undelivered IRQ: ${irq}`);
      }
      // masked until the handler acknowledges it (seL4 does not mask on RISC-V)
      if (k.arch.name !== 'riscv64') maskInterrupt(k, true, irq);
      break;
    }
    case IRQState.Timer:
      timerTick(k);
      break;
    case IRQState.Reserved:
      break;
    default:
      maskInterrupt(k, true, irq);
      k.print(`Received disabled IRQ: ${irq}`);
      break;
  }
  // acknowledged: the controller forgets it until the device raises it again
  k.board.irq.clear(irq);
}
