/*
 * The shared-memory pair of the ping-pong and stream workloads: a region mapped into both
 * processes' own VSpaces, futex words to hand each message over.
 */
import * as L from '@tsel4/libsel4';
import { O_CREAT, O_RDWR, PROT_READ, PROT_WRITE } from './errno.js';
import { futexWait, futexWake } from './futex.js';
import type { Proc } from './proc.js';
import { ftruncate, mmap, shm_open } from './shm.js';
import type { Code, PosixSystem } from './system.js';
import { CHUNK, must, type ProcFn, type SurveyHooks } from './survey-common.js';

/**
 * Shared memory: a region mapped in both processes' own VSpaces; `ping` and `pong` are futex
 * words the sides count on, the data follows them. Ping-pong echoes `size` bytes back; the
 * one-way form (echo false) only acknowledges.
 */
export function* shmPair(
  _sys: PosixSystem,
  init: Proc,
  total: number,
  size: number,
  h: SurveyHooks,
  timed: (i: number) => void,
  echo: boolean,
): Code<[ProcFn, ProcFn]> {
  const PING = 0;
  const PONG = 8;
  const DATA = 64;
  // two pages hold the words and up to 4 KiB one way; more pages for a 64 KiB message
  const region = Math.max(2 * CHUNK, Math.ceil((DATA + (echo ? 2 : 1) * size) / CHUNK) * CHUNK);
  const fd = must(yield* shm_open(init, '/survey', O_CREAT | O_RDWR), 'shm_open');
  must(yield* ftruncate(init, fd, region), 'ftruncate');
  const map = function* (p: Proc) {
    return must(yield* mmap(p, null, region, PROT_READ | PROT_WRITE, fd), 'mmap');
  };
  const awaitValue = function* (p: Proc, w: number, want: number) {
    for (let v; (v = yield* L.tsel4_read32(w)) !== want; ) yield* futexWait(p, w, v);
  };
  const src = new Uint8Array(size).fill(7);
  return [
    function* (p) {
      const at = yield* map(p);
      for (let i = 0; i < total; i++) {
        timed(i);
        yield* L.tsel4_writeBytes(at + DATA, src);
        yield* L.tsel4_write32(at + PING, i + 1);
        yield* futexWake(p, at + PING, 1);
        yield* awaitValue(p, at + PONG, i + 1);
        if (echo) yield* L.tsel4_readBytes(at + DATA + size, size);
      }
      if (echo) h.end();
    },
    function* (p) {
      const at = yield* map(p);
      for (let i = 0; i < total; i++) {
        yield* awaitValue(p, at + PING, i + 1);
        const got = yield* L.tsel4_readBytes(at + DATA, size);
        if (echo) yield* L.tsel4_writeBytes(at + DATA + size, got);
        yield* L.tsel4_write32(at + PONG, i + 1);
        yield* futexWake(p, at + PONG, 1);
      }
      if (!echo) h.end();
    },
  ];
}
