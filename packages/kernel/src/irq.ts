/*
 * Interrupts (seL4: src/object/interrupt.c). Each line is Inactive, a user's (Signal: the
 * handler's notification is signalled), the kernel's timer, or reserved. A signalled line is
 * masked until the handler acknowledges it; every interrupt taken is acknowledged to the
 * controller (its pending bit cleared).
 */

import { CapType, cteDeleteOne, cteInsert, type Cap, type Cte, irqHandlerCap, type Notification } from '@tsel4/object';
import { IRQState } from './irqstate.js';
import type { Kernel } from './kernel.js';
import { timerTick } from './scheduler.js';
import { sendSignal } from './signal.js';

/** seL4's setIRQState: an Inactive line is masked, any other is unmasked. */
export function setIRQState(k: Kernel, state: IRQState, irq: number): void {
  k.irqState[irq] = state;
  k.board.irq.setMasked(irq, state === IRQState.Inactive);
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
export function ackIRQ(k: Kernel, irq: number): void {
  k.board.irq.setMasked(irq, false);
}

/** seL4's invokeIRQHandler_SetIRQHandler: the line will signal the notification cap in `slot`. */
export function setIRQHandler(k: Kernel, irq: number, cap: Cap, slot: Cte): void {
  const irqSlot = k.irqNode[irq]!;
  cteDeleteOne(k.space, irqSlot);
  cteInsert(cap, slot, irqSlot);
}

/** seL4's invokeIRQHandler_ClearIRQHandler. */
export function clearIRQHandler(k: Kernel, irq: number): void {
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
      if (k.arch.name !== 'riscv64') k.board.irq.setMasked(irq, true);
      break;
    }
    case IRQState.Timer:
      timerTick(k);
      break;
    case IRQState.Reserved:
      break;
    default:
      k.board.irq.setMasked(irq, true);
      k.print(`Received disabled IRQ: ${irq}`);
      break;
  }
  // acknowledged: the controller forgets it until the device raises it again
  k.board.irq.clear(irq);
}
