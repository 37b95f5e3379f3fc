/**
 * @tsel4/syscalls: syscall entry and dispatch, invocation decoding, the IPC fastpath, and the
 * runnable machine. See README.md.
 *
 * @module @tsel4/syscalls
 */
export * from './invocation.js';
export * from './decode/index.js';
export * from './objectcall.js';
export * from './entry.js';
export * from './fastpath.js';
export * from './machine.js';
export * from './trace.js';
export * from './chrometrace.js';
export * from './rv64thread.js';
export * from './elf.js';
export * from './summary.js';
