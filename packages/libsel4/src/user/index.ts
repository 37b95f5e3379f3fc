/*
 * The libsel4 user API for TypeScript programs: syscalls, message registers, message info,
 * invocation stubs, loads and stores, and the running thread as the stubs see it (thread.ts;
 * @tsel4/runtime provides it).
 */
export * from './thread.js';
export * from './syscalls.js';
export * from './invoke.js';
export * from './invocations.gen.js';
export * from './memory.js';
export * from './words.js';
