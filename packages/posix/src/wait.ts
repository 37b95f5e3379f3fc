/*
 * waitpid(2) on the process table: a process's state word in the area is a futex that its exit
 * wakes. Only the status is kept (no process groups, no WNOHANG/WUNTRACED).
 */
import * as L from '@tsel4/libsel4';
import { ECHILD, EINTR } from './errno.js';
import { futexWait } from './futex.js';
import { PROC_ENTRY, PROC_TABLE } from './layout.js';
import type { Proc } from './proc.js';
import type { Code } from './system.js';

/** Wait for process `pid` to end; returns its wait status (WIFEXITED, ...) or -errno. */
export function* waitpid(p: Proc, pid: number): Code<number> {
  if (!Number.isInteger(pid) || pid === p.pid || p.sys.procs[pid] === undefined) return -ECHILD;
  const entry = PROC_TABLE + pid * PROC_ENTRY;
  for (;;) {
    const state = yield* L.tsel4_read32(entry);
    if (state === 2) {
      yield* L.tsel4_write32(entry, 3);
      return yield* L.tsel4_read32(entry + 8);
    }
    if (state !== 1) return -ECHILD;
    const r = yield* futexWait(p, entry, 1);
    if (r === -EINTR && !p.restart) return r;
  }
}
