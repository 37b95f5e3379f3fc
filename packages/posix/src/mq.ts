/*
 * POSIX message queues (mq_overview(7)) on shared memory and futexes: a queue is a header and
 * `maxmsg` message slots in the area. A message is written into a free slot by the sender's own
 * stores and read out by the receiver's loads; the kernel copies nothing. Receivers wait on the
 * "not empty" futex, senders on "not full".
 *
 * Kept from Linux: the oldest message of the highest priority is received first; priorities are
 * 0..MQ_PRIO_MAX-1 (-EINVAL beyond); a message longer than mq_msgsize is refused with -EMSGSIZE,
 * and so is a receive buffer shorter than mq_msgsize; a full queue blocks a sender and an empty
 * one a receiver, or fails with -EAGAIN under O_NONBLOCK; the timed calls take an absolute
 * deadline (here simulated cycles, system.ts) and fail with -ETIMEDOUT, or -EINVAL for a bad
 * deadline when they would block; an unprivileged process's limits (msg_max 10, msgsize_max 8192)
 * bound mq_maxmsg and mq_msgsize (-EINVAL); O_CREAT|O_EXCL on an existing name is -EEXIST and a
 * missing name without O_CREAT -ENOENT; sending on a descriptor opened O_RDONLY (or receiving on
 * O_WRONLY) is -EBADF; a name must start with '/' (-EINVAL otherwise, glibc's check) and
 * mq_unlink removes the name while open descriptors keep the queue. mq_notify is absent.
 *
 * Layout: [maxmsg, msgsize, curmsgs, seq, not-empty futex (2 words), not-full futex (2 words)],
 * then slots from offset 64 of [used, prio, seq, len, bytes...].
 */
import * as L from '@tsel4/libsel4';
import {
  EAGAIN,
  EBADF,
  EEXIST,
  EINTR,
  EINVAL,
  EMSGSIZE,
  ENAMETOOLONG,
  ENOENT,
  MQ_MSG_DEFAULT,
  MQ_MSG_MAX,
  MQ_MSGSIZE_DEFAULT,
  MQ_MSGSIZE_MAX,
  MQ_PRIO_MAX,
  NAME_MAX,
  O_ACCMODE,
  O_CREAT,
  O_EXCL,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
} from './errno.js';
import { futexWait, futexWakeAddr } from './futex.js';
import type { FileDescription, Proc } from './proc.js';
import type { Code } from './system.js';

const MAXMSG = 0;
const MSGSIZE = 4;
const CURMSGS = 8;
const SEQ = 12;
const NOT_EMPTY = 16;
const NOT_FULL = 24;
const SLOTS = 64;
const ALL = 1 << 30;

const r32 = L.tsel4_read32;
const w32 = L.tsel4_write32;

export interface MqAttr {
  /** O_NONBLOCK or 0. */
  readonly flags: number;
  readonly maxmsg: number;
  readonly msgsize: number;
  readonly curmsgs: number;
}

/** An open queue. */
export class MqDescription implements FileDescription {
  readonly kind = 'mq';
  constructor(
    readonly base: number,
    public flags: number,
  ) {}
  *dup(): Code<FileDescription> {
    return new MqDescription(this.base, this.flags);
  }
  *close(): Code {}
}

function slotSize(msgsize: number): number {
  return 16 + Math.ceil(msgsize / 8) * 8;
}

function checkName(name: string): number {
  if (!name.startsWith('/') || name.length < 2 || name.indexOf('/', 1) >= 0) return -EINVAL;
  if (name.length - 1 > NAME_MAX) return -ENAMETOOLONG;
  return 0;
}

/** mq_open(3): returns a descriptor or -errno. */
export function* mq_open(p: Proc, name: string, oflag: number, attr?: { maxmsg: number; msgsize: number }): Code<number> {
  const bad = checkName(name);
  if (bad !== 0) return bad;
  const acc = oflag & O_ACCMODE;
  if (acc !== O_RDONLY && acc !== O_WRONLY && acc !== O_RDWR) return -EINVAL;
  const names = p.sys.table<number>('mq');
  let base = names.get(name);
  if (base !== undefined) {
    if ((oflag & O_CREAT) !== 0 && (oflag & O_EXCL) !== 0) return -EEXIST;
  } else {
    if ((oflag & O_CREAT) === 0) return -ENOENT;
    const maxmsg = attr?.maxmsg ?? MQ_MSG_DEFAULT;
    const msgsize = attr?.msgsize ?? MQ_MSGSIZE_DEFAULT;
    if (!Number.isInteger(maxmsg) || !Number.isInteger(msgsize) || maxmsg < 1 || msgsize < 1 || maxmsg > MQ_MSG_MAX || msgsize > MQ_MSGSIZE_MAX) {
      return -EINVAL;
    }
    base = yield* p.sys.allocArea(SLOTS + maxmsg * slotSize(msgsize));
    yield* w32(base + MAXMSG, maxmsg);
    yield* w32(base + MSGSIZE, msgsize);
    names.set(name, base);
  }
  return p.addFd(new MqDescription(base, oflag & (O_ACCMODE | O_NONBLOCK)));
}

/** mq_unlink(3). */
export function* mq_unlink(p: Proc, name: string): Code<number> {
  const bad = checkName(name);
  if (bad !== 0) return bad;
  return p.sys.table<number>('mq').delete(name) ? 0 : -ENOENT;
}

/** mq_close(3). */
export function* mq_close(p: Proc, mqd: number): Code<number> {
  if (p.fd(mqd, 'mq') === null) return -EBADF;
  return yield* p.close(mqd);
}

/** mq_getattr(3): the attributes, or -EBADF. */
export function* mq_getattr(p: Proc, mqd: number): Code<MqAttr | number> {
  const d = p.fd(mqd, 'mq');
  if (!(d instanceof MqDescription)) return -EBADF;
  return {
    flags: d.flags & O_NONBLOCK,
    maxmsg: yield* r32(d.base + MAXMSG),
    msgsize: yield* r32(d.base + MSGSIZE),
    curmsgs: yield* r32(d.base + CURMSGS),
  };
}

/** mq_setattr(3): only O_NONBLOCK can change; returns 0 or -EBADF. */
export function mq_setattr(p: Proc, mqd: number, flags: number): number {
  const d = p.fd(mqd, 'mq');
  if (d === null) return -EBADF;
  d.flags = (d.flags & ~O_NONBLOCK) | (flags & O_NONBLOCK);
  return 0;
}

/** mq_send(3) / mq_timedsend(3) with an absolute deadline in simulated cycles. */
export function* mq_send(p: Proc, mqd: number, msg: Uint8Array, prio: number, deadline?: number): Code<number> {
  const d = p.fd(mqd, 'mq');
  if (!(d instanceof MqDescription) || (d.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
  const b = d.base;
  if (!Number.isInteger(prio) || prio < 0 || prio >= MQ_PRIO_MAX) return -EINVAL;
  const msgsize = yield* r32(b + MSGSIZE);
  if (msgsize < msg.length) return -EMSGSIZE;
  const maxmsg = yield* r32(b + MAXMSG);
  for (;;) {
    const cur = yield* r32(b + CURMSGS);
    if (cur < maxmsg) {
      const ss = slotSize(msgsize);
      let slot = b + SLOTS;
      while ((yield* r32(slot)) !== 0) slot += ss;
      const seq = yield* r32(b + SEQ);
      yield* w32(b + SEQ, (seq + 1) >>> 0);
      yield* L.tsel4_writeBytes(slot + 16, msg);
      yield* w32(slot + 4, prio);
      yield* w32(slot + 8, seq);
      yield* w32(slot + 12, msg.length);
      yield* w32(slot, 1);
      yield* w32(b + CURMSGS, cur + 1);
      yield* bump(b + NOT_EMPTY);
      yield* futexWakeAddr(p, b + NOT_EMPTY, ALL);
      return 0;
    }
    if ((d.flags & O_NONBLOCK) !== 0) return -EAGAIN;
    const r = yield* futexWait(p, b + NOT_FULL, yield* r32(b + NOT_FULL), deadline);
    if (r === -EINTR && !p.restart) return r;
    if (r < 0 && r !== -EAGAIN && r !== -EINTR) return r;
  }
}

/**
 * mq_receive(3) / mq_timedreceive(3): the oldest message of the highest priority into `buf`;
 * returns its length or -errno, its priority in `prio.value` if given.
 */
export function* mq_receive(p: Proc, mqd: number, buf: Uint8Array, prio?: { value: number }, deadline?: number): Code<number> {
  const d = p.fd(mqd, 'mq');
  if (!(d instanceof MqDescription) || (d.flags & O_ACCMODE) === O_WRONLY) return -EBADF;
  const b = d.base;
  const msgsize = yield* r32(b + MSGSIZE);
  if (buf.length < msgsize) return -EMSGSIZE;
  const maxmsg = yield* r32(b + MAXMSG);
  const ss = slotSize(msgsize);
  for (;;) {
    const cur = yield* r32(b + CURMSGS);
    if (cur > 0) {
      let best = -1;
      let bestPrio = -1;
      let bestSeq = 0;
      const seqNow = yield* r32(b + SEQ);
      for (let i = 0; i < maxmsg; i++) {
        const slot = b + SLOTS + i * ss;
        if ((yield* r32(slot)) === 0) continue;
        const pr = yield* r32(slot + 4);
        // age = how long ago it was sent (sequence numbers wrap)
        const age = (seqNow - (yield* r32(slot + 8))) >>> 0;
        if (pr > bestPrio || (pr === bestPrio && age > bestSeq)) {
          best = slot;
          bestPrio = pr;
          bestSeq = age;
        }
      }
      const len = yield* r32(best + 12);
      buf.set(yield* L.tsel4_readBytes(best + 16, len), 0);
      yield* w32(best, 0);
      yield* w32(b + CURMSGS, cur - 1);
      if (prio !== undefined) prio.value = bestPrio;
      yield* bump(b + NOT_FULL);
      yield* futexWakeAddr(p, b + NOT_FULL, ALL);
      return len;
    }
    if ((d.flags & O_NONBLOCK) !== 0) return -EAGAIN;
    const r = yield* futexWait(p, b + NOT_EMPTY, yield* r32(b + NOT_EMPTY), deadline);
    if (r === -EINTR && !p.restart) return r;
    if (r < 0 && r !== -EAGAIN && r !== -EINTR) return r;
  }
}

function* bump(futex: number): Code {
  yield* w32(futex, ((yield* r32(futex)) + 1) >>> 0);
}
