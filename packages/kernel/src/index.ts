/**
 * @tsel4/kernel: threads and scheduling, the IPC protocol, notifications, faults, interrupts and
 * boot. See README.md.
 *
 * @module @tsel4/kernel
 */
export * from './config.js';
export * from './kernel.js';
export * from './irqstate.js';
export * from './registers.js';
export * from './scheduler.js';
export * from './cspace.js';
export * from './ipcbuffer.js';
export * from './ipc.js';
export * from './signal.js';
export * from './faults.js';
export * from './debugprint.js';
export * from './threads.js';
export * from './tcbops.js';
export * from './irq.js';
export * from './ioport.js';
export * from './asid.js';
export * from './vspace.js';
export * from './translate.js';
export * from './boot.js';
export * from './create.js';
export * from './invariants.js';
export * from './inspect.js';
