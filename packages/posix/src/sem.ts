/*
 * Counting semaphores (sem_overview(7)) on a futex: the value word and its waiter set (futex.ts).
 * sem_post adds one and, only if somebody waits, wakes one waiter (one Signal); sem_wait takes
 * one if the value is positive and otherwise waits on the futex for the value to leave 0. The
 * uncontended paths make no kernel entry at all. Named semaphores (sem_open) live in the area;
 * an unnamed one (sem_init) lives wherever its address is, e.g. in a shared-memory region.
 *
 * Kept from Linux: sem_trywait fails with -EAGAIN when the value is 0; sem_timedwait takes an
 * absolute deadline (simulated cycles here) and fails with -ETIMEDOUT, or -EINVAL for a bad
 * deadline when it would block; sem_post fails with -EOVERFLOW at SEM_VALUE_MAX; sem_init and
 * sem_open refuse a value above SEM_VALUE_MAX (-EINVAL); a handler interrupts sem_wait with
 * -EINTR unless SA_RESTART; sem_open's O_CREAT/O_EXCL/name rules are mq_open's.
 */
import * as L from '@tsel4/libsel4';
import { EAGAIN, EEXIST, EINTR, EINVAL, ENAMETOOLONG, ENOENT, EOVERFLOW, NAME_MAX, O_CREAT, O_EXCL, SEM_VALUE_MAX } from './errno.js';
import { futexWait, futexWakeAddr } from './futex.js';
import type { Proc } from './proc.js';
import type { Code } from './system.js';

function checkName(name: string): number {
  if (!name.startsWith('/') || name.length < 2 || name.indexOf('/', 1) >= 0) return -EINVAL;
  if (name.length - 1 > NAME_MAX) return -ENAMETOOLONG;
  return 0;
}

/** sem_init(3): an unnamed semaphore at `addr` (8-aligned, in `p`'s VSpace). */
export function* sem_init(_p: Proc, addr: number, value: number): Code<number> {
  if (addr % 8 !== 0 || !Number.isInteger(value) || value < 0 || value > SEM_VALUE_MAX) return -EINVAL;
  yield* L.tsel4_write32(addr, value);
  yield* L.tsel4_write32(addr + 4, 0);
  return 0;
}

/** sem_open(3): the semaphore's address (the same in every process) or -errno. */
export function* sem_open(p: Proc, name: string, oflag: number, value = 0): Code<number> {
  const bad = checkName(name);
  if (bad !== 0) return bad;
  const names = p.sys.table<number>('sem');
  const at = names.get(name);
  if (at !== undefined) return (oflag & O_CREAT) !== 0 && (oflag & O_EXCL) !== 0 ? -EEXIST : at;
  if ((oflag & O_CREAT) === 0) return -ENOENT;
  if (!Number.isInteger(value) || value < 0 || value > SEM_VALUE_MAX) return -EINVAL;
  const addr = yield* p.sys.allocArea(8, 8);
  yield* sem_init(p, addr, value);
  names.set(name, addr);
  return addr;
}

/** sem_unlink(3). */
export function* sem_unlink(p: Proc, name: string): Code<number> {
  const bad = checkName(name);
  if (bad !== 0) return bad;
  return p.sys.table<number>('sem').delete(name) ? 0 : -ENOENT;
}

/** sem_post(3). */
export function* sem_post(p: Proc, sem: number): Code<number> {
  const v = yield* L.tsel4_read32(sem);
  if (v >= SEM_VALUE_MAX) return -EOVERFLOW;
  yield* L.tsel4_write32(sem, v + 1);
  yield* futexWakeAddr(p, sem, 1);
  return 0;
}

/** sem_trywait(3). */
export function* sem_trywait(_p: Proc, sem: number): Code<number> {
  const v = yield* L.tsel4_read32(sem);
  if (v === 0) return -EAGAIN;
  yield* L.tsel4_write32(sem, v - 1);
  return 0;
}

/** sem_wait(3), or sem_timedwait(3) with an absolute deadline in simulated cycles. */
export function* sem_wait(p: Proc, sem: number, deadline?: number): Code<number> {
  for (;;) {
    const v = yield* L.tsel4_read32(sem);
    if (v > 0) {
      yield* L.tsel4_write32(sem, v - 1);
      return 0;
    }
    const r = yield* futexWait(p, sem, 0, deadline);
    if (r === -EINTR && !p.restart) return r;
    if (r < 0 && r !== -EAGAIN && r !== -EINTR) return r;
  }
}

/** sem_getvalue(3). */
export function* sem_getvalue(_p: Proc, sem: number): Code<number> {
  return yield* L.tsel4_read32(sem);
}
