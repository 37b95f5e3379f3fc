/**
 * @tsel4/runtime: the user-thread runtime, what a machine runs for its TypeScript threads (seL4's
 * user level / sel4runtime): the code space, threads as generators, their traps, and their loads
 * and stores through their VSpaces. libsel4 declares what its stubs need of a running thread
 * (RunningThread) and this package provides it. See README.md.
 *
 * @module @tsel4/runtime
 */
export * from './codespace.js';
export * from './trap.js';
export * from './thread.js';
export * from './memory.js';
