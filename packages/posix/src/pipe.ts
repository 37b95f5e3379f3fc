/*
 * pipe(7) on shared memory and futexes: a bounded byte ring in the area with the counts of open
 * read and write ends. Bytes move by the processes' own loads and stores (the kernel copies
 * nothing); a reader with nothing to read waits on the ring's "data" futex, a writer with no room
 * on its "space" futex. A wake costs one Signal and happens only when somebody waits.
 *
 * Semantics kept from pipe(7) and read(2)/write(2): a read returns what is there (a short read)
 * and blocks only when the pipe is empty; it returns 0 (end of file) when the pipe is empty and
 * no write end is open. A write to a pipe with no read end raises SIGPIPE in the writer and
 * fails with -EPIPE. Writes of at most PIPE_BUF bytes are atomic (they wait for room for all of
 * them); larger writes may be split, and a blocking one returns when all is written. With
 * O_NONBLOCK, a read of an empty pipe and a write with no room (no room for all of an atomic
 * write) fail with -EAGAIN; a larger non-blocking write writes what fits. A handler that runs
 * during a blocked call makes it return -EINTR, or what it had written so far, unless SA_RESTART.
 *
 * Layout: [readers, writers, rpos, wpos, capacity, 0, data futex (2 words), space futex (2 words)]
 * then the ring from offset 64; rpos and wpos count bytes ever moved (mod 2^32).
 */
import * as L from '@tsel4/libsel4';
import { EAGAIN, EBADF, EINTR, EINVAL, EPIPE, O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY, PIPE_BUF, PIPE_DEFAULT_CAPACITY, SIGPIPE } from './errno.js';
import { futexWait, futexWakeAddr } from './futex.js';
import type { FileDescription, Proc } from './proc.js';
import { raise } from './signal.js';
import type { Code } from './system.js';

const READERS = 0;
const WRITERS = 4;
const RPOS = 8;
const WPOS = 12;
const CAPACITY = 16;
const DATA_FUTEX = 24;
const SPACE_FUTEX = 32;
const RING = 64;
const ALL = 1 << 30;

const r32 = L.tsel4_read32;
const w32 = L.tsel4_write32;

/** One end of a pipe, as a descriptor sees it. */
export class PipeEnd implements FileDescription {
  readonly kind = 'pipe';
  constructor(
    readonly base: number,
    public flags: number,
  ) {}

  *dup(_p: Proc): Code<FileDescription> {
    const count = this.reads() ? READERS : WRITERS;
    yield* w32(this.base + count, (yield* r32(this.base + count)) + 1);
    return new PipeEnd(this.base, this.flags);
  }

  *close(p: Proc): Code {
    const count = this.reads() ? READERS : WRITERS;
    yield* w32(this.base + count, (yield* r32(this.base + count)) - 1);
    // readers see end of file, writers see the broken pipe
    yield* bump(this.base + DATA_FUTEX);
    yield* bump(this.base + SPACE_FUTEX);
    yield* futexWakeAddr(p, this.base + DATA_FUTEX, ALL);
    yield* futexWakeAddr(p, this.base + SPACE_FUTEX, ALL);
  }

  reads(): boolean {
    return (this.flags & O_ACCMODE) === O_RDONLY;
  }
}

function* bump(futex: number): Code {
  yield* w32(futex, ((yield* r32(futex)) + 1) >>> 0);
}

/**
 * pipe2(2): a pipe of `capacity` bytes (default 65536, Linux's); returns [read fd, write fd] or
 * -errno. `flags` may hold O_NONBLOCK (for both ends).
 */
export function* pipe(p: Proc, flags = 0, capacity = PIPE_DEFAULT_CAPACITY): Code<[number, number] | number> {
  if ((flags & ~O_NONBLOCK) !== 0 || !Number.isInteger(capacity) || capacity < 1) return -EINVAL;
  const base = yield* p.sys.allocArea(RING + capacity);
  yield* w32(base + READERS, 1);
  yield* w32(base + WRITERS, 1);
  yield* w32(base + CAPACITY, capacity);
  const r = p.addFd(new PipeEnd(base, O_RDONLY | flags));
  if (r < 0) return r;
  const w = p.addFd(new PipeEnd(base, O_WRONLY | flags));
  if (w < 0) {
    yield* p.close(r);
    return w;
  }
  return [r, w];
}

/** fcntl(F_SETFL) for O_NONBLOCK on any descriptor. */
export function setNonBlocking(p: Proc, fd: number, on: boolean): number {
  const d = p.fds[fd];
  if (d === undefined || d === null) return -EBADF;
  d.flags = on ? d.flags | O_NONBLOCK : d.flags & ~O_NONBLOCK;
  return 0;
}

/** read(2) from a pipe: the bytes go into `buf`; returns how many (0 at end of file) or -errno. */
export function* read(p: Proc, fd: number, buf: Uint8Array): Code<number> {
  const d = p.fd(fd, 'pipe');
  if (!(d instanceof PipeEnd) || !d.reads()) return -EBADF;
  if (buf.length === 0) return 0;
  const b = d.base;
  for (;;) {
    const rpos = yield* r32(b + RPOS);
    const avail = ((yield* r32(b + WPOS)) - rpos) >>> 0;
    if (avail > 0) {
      const cap = yield* r32(b + CAPACITY);
      const n = Math.min(avail, buf.length);
      const at = rpos % cap;
      const first = Math.min(n, cap - at);
      buf.set(yield* L.tsel4_readBytes(b + RING + at, first), 0);
      if (first < n) buf.set(yield* L.tsel4_readBytes(b + RING, n - first), first);
      yield* w32(b + RPOS, (rpos + n) >>> 0);
      yield* bump(b + SPACE_FUTEX);
      yield* futexWakeAddr(p, b + SPACE_FUTEX, ALL);
      return n;
    }
    if ((yield* r32(b + WRITERS)) === 0) return 0;
    if ((d.flags & O_NONBLOCK) !== 0) return -EAGAIN;
    const r = yield* futexWait(p, b + DATA_FUTEX, yield* r32(b + DATA_FUTEX));
    if (r === -EINTR && !p.restart) return -EINTR;
  }
}

/** write(2) to a pipe; returns the bytes written or -errno. */
export function* write(p: Proc, fd: number, data: Uint8Array): Code<number> {
  const d = p.fd(fd, 'pipe');
  if (!(d instanceof PipeEnd) || d.reads()) return -EBADF;
  const b = d.base;
  const n = data.length;
  const cap = yield* r32(b + CAPACITY);
  const atomic = n <= PIPE_BUF;
  let done = 0;
  for (;;) {
    if ((yield* r32(b + READERS)) === 0) {
      if (done > 0) return done;
      yield* raise(p, SIGPIPE);
      return -EPIPE;
    }
    if (done === n) return n;
    const wpos = yield* r32(b + WPOS);
    const room = cap - ((wpos - (yield* r32(b + RPOS))) >>> 0);
    const need = atomic ? Math.min(n, cap) : 1;
    if (room >= need && room > 0) {
      const k = Math.min(room, n - done);
      const at = wpos % cap;
      const first = Math.min(k, cap - at);
      yield* L.tsel4_writeBytes(b + RING + at, data.subarray(done, done + first));
      if (first < k) yield* L.tsel4_writeBytes(b + RING, data.subarray(done + first, done + k));
      yield* w32(b + WPOS, (wpos + k) >>> 0);
      done += k;
      yield* bump(b + DATA_FUTEX);
      yield* futexWakeAddr(p, b + DATA_FUTEX, ALL);
      continue;
    }
    if ((d.flags & O_NONBLOCK) !== 0) return done > 0 ? done : -EAGAIN;
    const r = yield* futexWait(p, b + SPACE_FUTEX, yield* r32(b + SPACE_FUTEX));
    if (r === -EINTR && !p.restart) return done > 0 ? done : -EINTR;
  }
}
