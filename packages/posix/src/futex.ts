/*
 * A futex on seL4: a 32-bit value word with the set of its waiters in the word after it (bit n =
 * pid n). Waiting checks the value, adds itself to the set and blocks on its own notification;
 * waking takes waiters out of the set and signals each one's WAKE badge. The check and the
 * registration have no kernel entry between them, so a wake that comes after the check finds the
 * waiter registered, and a Signal sent before the waiter blocks stays in its notification, so no
 * wake-up is lost. Waking finds the waiters in shared memory: no server, one Signal per waiter
 * woken, nothing when nobody waits.
 *
 * Departures from Linux's futex(2): the waiter set lives beside the value (Linux keeps its wait
 * queues in the kernel, keyed by address), so a futex is two words; waiters are woken lowest pid
 * first rather than in arrival order; a deadline is absolute simulated time (system.ts).
 */
import * as L from '@tsel4/libsel4';
import { EAGAIN, EINTR, EINVAL, ETIMEDOUT } from './errno.js';
import { SIG, TIMEOUT, WAKE } from './layout.js';
import type { Proc } from './proc.js';
import { deliverable, deliverSignals } from './signal.js';
import type { Code } from './system.js';

/**
 * futex(FUTEX_WAIT): if the word at `addr` (in `p`'s VSpace, 8-aligned) holds `val`, sleep until
 * woken, a signal handler runs (-EINTR), or `deadline` passes (-ETIMEDOUT). -EAGAIN if the value
 * differs. 0 may be a spurious wake-up: callers recheck their condition.
 */
export function* futexWait(p: Proc, addr: number, val: number, deadline?: number): Code<number> {
  if (addr % 8 !== 0) return -EINVAL;
  if ((yield* deliverable(p)) !== 0 && (yield* deliverSignals(p)) > 0) return -EINTR;
  if ((yield* L.tsel4_read32(addr)) !== val >>> 0) return -EAGAIN;
  const timed = deadline !== undefined;
  if (timed) {
    if (!Number.isFinite(deadline) || deadline < 0) return -EINVAL;
    if (p.sys.now() >= deadline) return -ETIMEDOUT;
  }
  const me = (1 << p.pid) >>> 0;
  yield* L.tsel4_write32(addr + 4, ((yield* L.tsel4_read32(addr + 4)) | me) >>> 0);
  // bits seen so far came from before the registration
  p.bits &= ~(WAKE | TIMEOUT);
  if (timed) yield* p.sys.timerSet(p, deadline);
  let r = 0;
  for (;;) {
    if ((p.bits & (WAKE | SIG | TIMEOUT)) === 0) yield* p.block();
    if ((p.bits & WAKE) !== 0) {
      p.bits &= ~WAKE;
      break;
    }
    if ((p.bits & SIG) !== 0) {
      p.bits &= ~SIG;
      if ((yield* deliverable(p)) !== 0) {
        r = -EINTR;
        break;
      }
      continue;
    }
    if ((p.bits & TIMEOUT) !== 0) {
      p.bits &= ~TIMEOUT;
      if (timed) {
        r = -ETIMEDOUT;
        break;
      }
    }
  }
  const set = yield* L.tsel4_read32(addr + 4);
  yield* L.tsel4_write32(addr + 4, (set & ~me) >>> 0);
  // A waker took this process out of the set and signalled it, but it is leaving with -EINTR or
  // -ETIMEDOUT: hand that wake-up on to another waiter, so that none is lost (a sem_post).
  if (r !== 0 && (set & me) === 0) yield* futexWakeAddr(p, addr, 1);
  if (timed && r !== -ETIMEDOUT) {
    yield* p.sys.timerCancel(p);
    yield* p.poll();
    p.bits &= ~TIMEOUT;
  }
  if (r === -EINTR) {
    // the handlers run now that this process is no longer a waiter
    if ((yield* deliverSignals(p)) === 0) r = 0;
  } else if ((p.bits & SIG) !== 0) {
    // a signal that came with the wake-up is delivered on the way out; the call still succeeds
    p.bits &= ~SIG;
    yield* deliverSignals(p);
  }
  return r;
}

/** futex(FUTEX_WAKE): wake up to `n` waiters of the futex at `addr`; returns how many. */
export function* futexWake(p: Proc, addr: number, n: number): Code<number> {
  if (addr % 8 !== 0) return -EINVAL;
  return yield* futexWakeAddr(p, addr, n);
}

/** futexWake without the argument checks (the library's own futexes). */
export function* futexWakeAddr(p: Proc, addr: number, n: number): Code<number> {
  let set = yield* L.tsel4_read32(addr + 4);
  if (set === 0 || n <= 0) return 0;
  const woken: number[] = [];
  while (set !== 0 && woken.length < n) {
    const pid = 31 - Math.clz32(set & -set);
    woken.push(pid);
    set = (set & ~(1 << pid)) >>> 0;
  }
  // take them out of the set before any Signal: a woken waiter may run at once
  yield* L.tsel4_write32(addr + 4, set);
  for (const pid of woken) {
    const target = p.sys.procs[pid];
    if (target !== undefined) yield* L.seL4_Signal(target.caps.wake);
  }
  return woken.length;
}
