/**
 * @tsel4/posix: pipes, signals, POSIX message queues, semaphores and shared memory with futexes,
 * as user-level libraries on seL4's primitives (notifications, shared frames, badges, caps, one
 * timer server). See README.md for the design of each and where it departs from Linux.
 * The Linux side of the IPC survey is a separate, Node-only entry: `@tsel4/posix/linux`.
 *
 * @module @tsel4/posix
 */
export * from './errno.js';
export * from './layout.js';
export { PosixSystem, type PosixOptions, type SpawnOptions, type Code } from './system.js';
export * from './proc.js';
export * from './futex.js';
export * from './signal.js';
export * from './pipe.js';
export * from './mq.js';
export * from './sem.js';
export * from './shm.js';
export * from './wait.js';
export * from './survey.js';
