/*
 * Signals without upcalls. seL4 never diverts a thread to a handler, so delivery is the
 * library's job, at points the library controls:
 *
 * - Sending (kill, sigqueue) writes the signal into the target's pending set in the area (with
 *   sigqueue's value and the sender's pid), then rings the target's doorbell: a Signal on the SIG
 *   badge of its notification. A signal the target ignores is discarded here, as Linux discards
 *   it at generation; one already pending is not queued again (standard signals do not queue).
 * - Delivery happens in the target when it next reaches a delivery point: every library blocking
 *   point (it wakes on the SIG badge, or sees the pending set before blocking), sigprocmask
 *   unblocking a pending signal, kill/raise to itself, and `sigpoll` for code that computes
 *   without calling the library. A process blocked in a plain endpoint Recv wakes too, because
 *   the notification is bound to its TCB (the Recv returns with the badge of the notification).
 * - At delivery the handler runs on the process's own thread, with the signal (and the action's
 *   mask) blocked; a default action terminates the process (SIGCHLD, SIGCONT, SIGURG, SIGWINCH
 *   are ignored). A blocking call during which a handler ran returns -EINTR, or starts over if
 *   every handler that ran had SA_RESTART (pause always returns -EINTR).
 *
 * What this cannot do: interrupt a process that runs without reaching a delivery point
 * (SIGKILL included: it cannot be caught, blocked or ignored, but it takes effect only at the
 * next delivery point), stop and continue (SIGSTOP/SIGCONT's job control), or queue real-time
 * signals.
 */
import * as L from '@tsel4/libsel4';
import { EINTR, EINVAL, ESRCH, NSIG, SIGKILL, SIGSTOP } from './errno.js';
import { PROC_ENTRY, PROC_TABLE, SIG, SIG_ENTRY, SIG_TABLE } from './layout.js';
import { DEFAULT_IGNORED, type Proc, SA_NODEFER, SA_RESETHAND, SA_RESTART, type SigAction, SI_QUEUE, SI_USER } from './proc.js';
import type { Code } from './system.js';

export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SIG_SETMASK = 2;

const UNBLOCKABLE = ((1 << SIGKILL) | (1 << SIGSTOP)) >>> 0;
const bit = (sig: number) => (1 << sig) >>> 0;

/** sigset helpers (a set is a 32-bit mask of signal numbers 1..31). */
export const sigmask = (...sigs: number[]): number => sigs.reduce((m, s) => (m | bit(s)) >>> 0, 0);

/** kill(2): send `sig` to `pid`; 0 checks only that the process exists. */
export function* kill(p: Proc, pid: number, sig: number): Code<number> {
  return yield* send(p, pid, sig, SI_USER, 0);
}

/** sigqueue(3): send `sig` with a value. */
export function* sigqueue(p: Proc, pid: number, sig: number, value: number): Code<number> {
  return yield* send(p, pid, sig, SI_QUEUE, value);
}

/** raise(3). */
export function* raise(p: Proc, sig: number): Code<number> {
  return yield* send(p, p.pid, sig, SI_USER, 0);
}

function* send(p: Proc, pid: number, sig: number, code: number, value: number): Code<number> {
  if (!Number.isInteger(sig) || sig < 0 || sig >= NSIG) return -EINVAL;
  const target = Number.isInteger(pid) ? p.sys.procs[pid] : undefined;
  if (target === undefined || (yield* L.tsel4_read32(PROC_TABLE + pid * PROC_ENTRY)) !== 1) return -ESRCH;
  if (sig === 0) return 0;
  const e = SIG_TABLE + pid * SIG_ENTRY;
  const pending = yield* L.tsel4_read32(e);
  const ignored = yield* L.tsel4_read32(e + 4);
  const blocked = yield* L.tsel4_read32(e + 8);
  // Linux: an ignored signal is discarded at generation unless blocked (its handler may change)
  if ((ignored & bit(sig)) !== 0 && (blocked & bit(sig)) === 0 && (bit(sig) & UNBLOCKABLE) === 0) return 0;
  if ((pending & bit(sig)) === 0) {
    const s = e + 16 + sig * 16;
    yield* L.tsel4_write64(s, value);
    yield* L.tsel4_write32(s + 8, p.pid);
    yield* L.tsel4_write32(s + 12, code >>> 0);
    yield* L.tsel4_write32(e, (pending | bit(sig)) >>> 0);
  }
  if (target === p) yield* deliverSignals(p);
  else yield* L.seL4_Signal(target.caps.sig);
  return 0;
}

/** sigaction(2): returns 0 or -EINVAL; the previous action goes to `old` if given. */
export function* sigaction(p: Proc, sig: number, act: SigAction | null, old?: { act?: SigAction }): Code<number> {
  if (!Number.isInteger(sig) || sig < 1 || sig >= NSIG) return -EINVAL;
  if (old !== undefined) old.act = p.actions[sig] ?? { handler: 'SIG_DFL' };
  if (act === null) return 0;
  if ((bit(sig) & UNBLOCKABLE) !== 0) return -EINVAL;
  p.actions[sig] = act;
  const e = p.sigEntry;
  let ignored = yield* L.tsel4_read32(e + 4);
  const ignores = act.handler === 'SIG_IGN' || (act.handler === 'SIG_DFL' && (DEFAULT_IGNORED & bit(sig)) !== 0);
  ignored = ignores ? (ignored | bit(sig)) >>> 0 : (ignored & ~bit(sig)) >>> 0;
  yield* L.tsel4_write32(e + 4, ignored);
  // POSIX: setting a pending signal's action to be ignored discards it
  if (ignores) yield* L.tsel4_write32(e, ((yield* L.tsel4_read32(e)) & ~bit(sig)) >>> 0);
  return 0;
}

/** sigprocmask(2): returns the previous mask, or -EINVAL. Unblocked pending signals are delivered before it returns. */
export function* sigprocmask(p: Proc, how: number, set: number | null): Code<number> {
  const old = p.mask;
  if (set !== null) {
    if (how === SIG_BLOCK) p.mask = (p.mask | set) >>> 0;
    else if (how === SIG_UNBLOCK) p.mask = (p.mask & ~set) >>> 0;
    else if (how === SIG_SETMASK) p.mask = set >>> 0;
    else return -EINVAL;
    p.mask = (p.mask & ~UNBLOCKABLE & ~1) >>> 0;
    yield* L.tsel4_write32(p.sigEntry + 8, p.mask);
    yield* deliverSignals(p);
  }
  return old;
}

/** sigpending(2): the signals pending for the process (blocked ones; others are delivered). */
export function* sigpending(p: Proc): Code<number> {
  return yield* L.tsel4_read32(p.sigEntry);
}

/** Signals pending and not blocked. */
export function* deliverable(p: Proc): Code<number> {
  return ((yield* L.tsel4_read32(p.sigEntry)) & ~p.mask) >>> 0;
}

/**
 * Deliver every pending unblocked signal: run handlers, apply default actions. Returns how many
 * handlers ran; `p.restart` says whether all of them had SA_RESTART.
 */
export function* deliverSignals(p: Proc): Code<number> {
  let ran = 0;
  let restart = true;
  const e = p.sigEntry;
  for (;;) {
    const pending = yield* L.tsel4_read32(e);
    const d = (pending & ~p.mask) >>> 0;
    if (d === 0) break;
    const sig = 31 - Math.clz32(d & -d);
    yield* L.tsel4_write32(e, (pending & ~bit(sig)) >>> 0);
    const s = e + 16 + sig * 16;
    const info = { signo: sig, value: yield* L.tsel4_read64(s), pid: yield* L.tsel4_read32(s + 8), code: (yield* L.tsel4_read32(s + 12)) | 0 };
    const act = p.actions[sig];
    if (act === undefined || act.handler === 'SIG_DFL') {
      if ((DEFAULT_IGNORED & bit(sig)) !== 0) continue;
      yield* p.exit(0, sig);
      continue;
    }
    if (act.handler === 'SIG_IGN') continue;
    const saved = p.mask;
    const flags = act.flags ?? 0;
    p.mask = (p.mask | (act.mask ?? 0) | ((flags & SA_NODEFER) !== 0 ? 0 : bit(sig))) >>> 0;
    p.mask = (p.mask & ~UNBLOCKABLE) >>> 0;
    yield* L.tsel4_write32(e + 8, p.mask);
    if ((flags & SA_RESETHAND) !== 0) yield* sigaction(p, sig, { handler: 'SIG_DFL' });
    yield* act.handler(sig, info, p);
    p.mask = saved;
    yield* L.tsel4_write32(e + 8, p.mask);
    ran++;
    if ((flags & SA_RESTART) === 0) restart = false;
  }
  p.restart = restart;
  return ran;
}

/** A delivery point for code that computes without calling the library: collect the doorbell, deliver. */
export function* sigpoll(p: Proc): Code<number> {
  yield* p.poll();
  p.bits &= ~SIG;
  return yield* deliverSignals(p);
}

/** pause(2): block until a handler has run; always -EINTR. */
export function* pause(p: Proc): Code<number> {
  for (;;) {
    if ((yield* deliverSignals(p)) > 0) return -EINTR;
    if ((p.bits & SIG) === 0) yield* p.block();
    // wake-ups and timeouts meant for earlier waits are stale here
    p.bits = 0;
  }
}
