/*
 * Where the personality's shared state sits in the area (system.ts) and the badge bits of a
 * process's notification.
 */
/** Where the area starts in every VSpace of the personality. */
export const AREA_BASE = 0x6000_0000;
/** Bytes of area address space. */
export const AREA_LIMIT = 0x0800_0000;
/** Processes a system holds (a futex's waiter set is one 32-bit word). */
export const MAX_PROCS = 32;
/** Badge bits of a process's notification. */
export const WAKE = 1;
export const SIG = 2;
export const TIMEOUT = 4;

/** Process table: per pid [state, waiters, status, 0]; state 1 running, 2 exited, 3 reaped. */
export const PROC_TABLE = AREA_BASE;
export const PROC_ENTRY = 16;
/** Signal table: per pid [pending, ignored, blocked, 0] then per signal [value u64, sender, code]. */
export const SIG_TABLE = PROC_TABLE + MAX_PROCS * PROC_ENTRY;
export const SIG_ENTRY = 16 + 32 * 16;
export const TABLES_END = SIG_TABLE + MAX_PROCS * SIG_ENTRY;

