/*
 * The libsel4 user API for TypeScript programs: syscalls, message registers, message info,
 * invocation stubs, and the runtime that runs generator threads on a machine.
 */
export * from './runtime.js';
export * from './syscalls.js';
export * from './invoke.js';
export * from './invocations.gen.js';
export * from './memory.js';
export * from './words.js';
