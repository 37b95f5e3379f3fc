/*
 * Synchronisation built on notifications, as seL4_libs' libsel4sync builds it: a semaphore is a
 * count in memory shared by the threads plus a notification that the waiters block on (a thread
 * waits on the notification only when the count says it must; a post signals it only when the
 * count says someone waits), and a condition variable is a notification plus a waiter count. The
 * count updates are atomic here because a TypeScript thread only loses the CPU at a trap.
 * sel4test's SYNC tests run on these.
 */

import * as L from '@tsel4/libsel4';
import type { Gen } from './env.js';

/** A counting semaphore (sync_sem_t). */
export class Semaphore {
  constructor(
    readonly notification: number,
    public value: number,
  ) {}

  /** sync_sem_wait: take one; block while none is left. */
  *wait(): Gen {
    const old = this.value--;
    if (old <= 0) yield* L.seL4_Wait(this.notification);
  }

  /** sync_sem_post: give one back; wake a waiter if there is one. */
  *post(): Gen {
    const now = ++this.value;
    if (now <= 0) yield* L.seL4_Signal(this.notification);
  }
}

/** A binary semaphore (sync_bin_sem_t): a semaphore whose count starts at 0 or 1. */
export class BinarySemaphore extends Semaphore {
  constructor(notification: number, value: 0 | 1) {
    super(notification, value);
  }
}

/** A condition variable (sync_cv_t), used with a binary-semaphore lock. */
export class ConditionVariable {
  waiters = 0;
  broadcasting = false;

  constructor(readonly notification: number) {}

  /** sync_cv_wait: release `lock`, wait for a signal or a broadcast, take `lock` again. */
  *wait(lock: BinarySemaphore): Gen {
    this.waiters++;
    yield* lock.post();
    yield* L.seL4_Wait(this.notification);
    if (this.broadcasting) {
      // pass the broadcast on to the next waiter, or end it
      this.waiters--;
      if (this.waiters > 0) yield* L.seL4_Signal(this.notification);
      else this.broadcasting = false;
    }
    yield* lock.wait();
  }

  /** sync_cv_signal: wake one waiter, if any. */
  *signal(): Gen {
    if (this.waiters > 0) {
      this.waiters--;
      yield* L.seL4_Signal(this.notification);
    }
  }

  /** sync_cv_broadcast_release: wake every waiter and release `lock`. */
  *broadcastRelease(lock: BinarySemaphore): Gen {
    if (this.waiters > 0) {
      this.broadcasting = true;
      yield* L.seL4_Signal(this.notification);
    }
    yield* lock.post();
  }
}
