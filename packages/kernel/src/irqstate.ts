/*
 * Interrupt states (seL4's irq_state_t): what the kernel does with each interrupt line.
 */
export const IRQState = {
  /** No handler: the line is masked. */
  Inactive: 0,
  /** A handler cap exists: the interrupt signals its notification. */
  Signal: 1,
  /** The kernel's timer. */
  Timer: 2,
  /** Reserved by the kernel. */
  Reserved: 3,
} as const;
export type IRQState = (typeof IRQState)[keyof typeof IRQState];
