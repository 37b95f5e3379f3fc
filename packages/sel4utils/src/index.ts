/**
 * @tsel4/sel4utils: helpers for programs on tsel4, beside libsel4 as seL4_libs is beside the C
 * one: allocation from bootinfo, threads with their own IPC buffer in one call, badged endpoint
 * caps, printing. See README.md.
 *
 * @module @tsel4/sel4utils
 */
export * from './errors.js';
export * from './alloc.js';
export * from './thread.js';
export * from './caps.js';
export * from './print.js';
export * from './vspace.js';
