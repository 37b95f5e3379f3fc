/*
 * POSIX shared memory (shm_overview(7)): a named object is a list of frames; mmap maps copies of
 * their caps into the calling process's VSpace (read-only copies for PROT_READ), so processes in
 * different VSpaces see the same bytes at addresses of their own. The data never passes through
 * the kernel; futexWait/futexWake (futex.ts) on words of a region give the blocking.
 *
 * Kept from Linux: shm_open's O_CREAT/O_EXCL/name rules (-EEXIST, -ENOENT, -EINVAL), a new
 * object has size 0 until ftruncate, mmap of a descriptor opened O_RDONLY with PROT_WRITE is
 * -EACCES, a length of 0 or an offset that is not page aligned is -EINVAL, mappings outlive
 * close and shm_unlink. Departures: ftruncate can only grow an object (-EINVAL to shrink), and a
 * mapping must lie within the object's size (-EINVAL; Linux maps it and raises SIGBUS on access);
 * mappings go at the address given (MAP_FIXED) or the next free one of the VSpace from 0x70000000.
 */
import * as L from '@tsel4/libsel4';
import { copy, mapFrame, unmapFrame } from '@tsel4/sel4utils';
import { EACCES, EBADF, EEXIST, EINVAL, ENAMETOOLONG, ENOENT, NAME_MAX, O_ACCMODE, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, PROT_WRITE } from './errno.js';
import type { FileDescription, Proc } from './proc.js';
import type { Code } from './system.js';

const PAGE = 4096;

/** A shared-memory object. */
export class ShmObject {
  readonly frames: number[] = [];
  size = 0;
}

export class ShmDescription implements FileDescription {
  readonly kind = 'shm';
  constructor(
    readonly obj: ShmObject,
    public flags: number,
  ) {}
  *dup(): Code<FileDescription> {
    return new ShmDescription(this.obj, this.flags);
  }
  *close(): Code {}
}

function checkName(name: string): number {
  if (!name.startsWith('/') || name.length < 2 || name.indexOf('/', 1) >= 0) return -EINVAL;
  if (name.length - 1 > NAME_MAX) return -ENAMETOOLONG;
  return 0;
}

/** shm_open(3): a descriptor or -errno. */
export function* shm_open(p: Proc, name: string, oflag: number): Code<number> {
  const bad = checkName(name);
  if (bad !== 0) return bad;
  const acc = oflag & O_ACCMODE;
  if (acc !== O_RDONLY && acc !== O_RDWR) return -EINVAL;
  const names = p.sys.table<ShmObject>('shm');
  let obj = names.get(name);
  if (obj !== undefined) {
    if ((oflag & O_CREAT) !== 0 && (oflag & O_EXCL) !== 0) return -EEXIST;
  } else {
    if ((oflag & O_CREAT) === 0) return -ENOENT;
    obj = new ShmObject();
    names.set(name, obj);
  }
  return p.addFd(new ShmDescription(obj, acc));
}

/** shm_unlink(3). */
export function* shm_unlink(p: Proc, name: string): Code<number> {
  const bad = checkName(name);
  if (bad !== 0) return bad;
  return p.sys.table<ShmObject>('shm').delete(name) ? 0 : -ENOENT;
}

/** ftruncate(2) on a shared-memory descriptor: grow it to `size` bytes of zeroed frames. */
export function* ftruncate(p: Proc, fd: number, size: number): Code<number> {
  const d = p.fd(fd, 'shm');
  if (!(d instanceof ShmDescription) || (d.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
  if (!Number.isInteger(size) || size < d.obj.size) return -EINVAL;
  while (d.obj.frames.length * PAGE < size) d.obj.frames.push(yield* p.sys.alloc.allocFrame());
  d.obj.size = size;
  return 0;
}

/** mmap(2) of a shared-memory object (MAP_SHARED): the address, or -errno. */
export function* mmap(p: Proc, addr: number | null, length: number, prot: number, fd: number, offset = 0): Code<number> {
  const d = p.fd(fd, 'shm');
  if (!(d instanceof ShmDescription)) return -EBADF;
  if (!Number.isInteger(length) || length <= 0 || offset % PAGE !== 0 || offset < 0 || (addr !== null && addr % PAGE !== 0)) return -EINVAL;
  if ((prot & PROT_WRITE) !== 0 && (d.flags & O_ACCMODE) === O_RDONLY) return -EACCES;
  const pages = Math.ceil(length / PAGE);
  if (offset + pages * PAGE > d.obj.frames.length * PAGE) return -EINVAL;
  const next = p.sys.table<number>('mmap-next');
  const key = String(p.vspace);
  const at = addr ?? next.get(key) ?? 0x7000_0000;
  const rights = (prot & PROT_WRITE) !== 0 ? L.seL4_AllRights : L.seL4_CanRead;
  const mapped = p.sys.table<number>('mmap-caps');
  for (let i = 0; i < pages; i++) {
    const cap = yield* copy(p.sys.alloc, d.obj.frames[offset / PAGE + i]!, rights);
    yield* mapFrame(p.sys.alloc, cap, at + i * PAGE, { vspace: p.vspace, rights });
    mapped.set(`${key}:${at + i * PAGE}`, cap);
  }
  if (addr === null || at + pages * PAGE > (next.get(key) ?? 0x7000_0000)) next.set(key, at + pages * PAGE);
  return at;
}

/** munmap(2) of pages mapped with mmap. */
export function* munmap(p: Proc, addr: number, length: number): Code<number> {
  if (addr % PAGE !== 0 || !Number.isInteger(length) || length <= 0) return -EINVAL;
  const mapped = p.sys.table<number>('mmap-caps');
  for (let va = addr; va < addr + length; va += PAGE) {
    const k = `${p.vspace}:${va}`;
    const cap = mapped.get(k);
    if (cap === undefined) continue;
    yield* unmapFrame(cap);
    mapped.delete(k);
  }
  return 0;
}
