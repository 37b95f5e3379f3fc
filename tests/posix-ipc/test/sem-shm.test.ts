import { runOthers } from '@tsel4/sel4utils';
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import * as P from '@tsel4/posix';
import { runPosix } from './run.js';

describe('semaphores', () => {
  it('wait, post, trywait, getvalue, timed wait, EOVERFLOW, EINVAL, named semaphores', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const s = yield* P.sem_open(init, '/s', P.O_CREAT, 2);
      log.push(`same ${(yield* P.sem_open(init, '/s', 0)) === s}`);
      log.push(P.errnoName(yield* P.sem_open(init, '/s', P.O_CREAT | P.O_EXCL, 0)));
      log.push(P.errnoName(yield* P.sem_open(init, '/t', 0)));
      log.push(P.errnoName(yield* P.sem_open(init, '/t', P.O_CREAT, P.SEM_VALUE_MAX + 1)));
      log.push(`${yield* P.sem_wait(init, s)} ${yield* P.sem_trywait(init, s)} ${P.errnoName(yield* P.sem_trywait(init, s))}`);
      const t0 = sys.now();
      log.push(`${P.errnoName(yield* P.sem_wait(init, s, t0 + 50_000))} ${sys.now() - t0 >= 50_000}`);
      const waiter = yield* sys.spawn(function* (p) {
        log.push(`child wait ${yield* P.sem_wait(p, s)}`);
      });
      yield* runOthers();
      log.push(`post ${yield* P.sem_post(init, s)} value ${yield* P.sem_getvalue(init, s)}`);
      yield* P.waitpid(init, waiter);
      log.push(`value ${yield* P.sem_getvalue(init, s)}`);
      const u = yield* sys.allocArea(8, 8);
      log.push(`init ${yield* P.sem_init(init, u, P.SEM_VALUE_MAX)} ${P.errnoName(yield* P.sem_post(init, u))}`);
      log.push(P.errnoName(yield* P.sem_init(init, u + 4, 0)));
    });
    expect(log).toEqual(['same true', 'EEXIST', 'ENOENT', 'EINVAL', '0 0 EAGAIN', 'ETIMEDOUT true', 'post 0 value 1', 'child wait 0', 'value 0', 'init 0 EOVERFLOW', 'EINVAL']);
  });

  it('a handler interrupts sem_wait (EINTR); SA_RESTART resumes it', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const s = yield* P.sem_open(init, '/s', P.O_CREAT, 0);
      for (const flags of [0, P.SA_RESTART]) {
        const pid = yield* sys.spawn(function* (p) {
          yield* P.sigaction(p, P.SIGALRM, { handler: function* () { log.push('alarm'); }, flags });
          log.push(`sem_wait ${P.errnoName(yield* P.sem_wait(p, s))}`);
        });
        yield* runOthers();
        yield* P.kill(init, pid, P.SIGALRM);
        yield* runOthers();
        yield* P.sem_post(init, s);
        yield* P.waitpid(init, pid);
        if (flags === 0) yield* P.sem_wait(init, s);
      }
    });
    expect(log).toEqual(['alarm', 'sem_wait EINTR', 'alarm', 'sem_wait 0']);
  });
});

describe('shared memory', () => {
  it('a named region mapped into two VSpaces at different addresses, with futex wait/wake across them', () => {
    const log: string[] = [];
    const { result } = runPosix(function* (sys, init) {
      const fd = yield* P.shm_open(init, '/region', P.O_CREAT | P.O_RDWR);
      log.push(`ftruncate ${yield* P.ftruncate(init, fd, 8192)}`);
      const consumer = yield* sys.spawn(function* (p) {
        const f = yield* P.shm_open(p, '/region', P.O_RDWR);
        const at = yield* P.mmap(p, 0x7100_0000, 8192, P.PROT_READ | P.PROT_WRITE, f);
        while ((yield* L.tsel4_read32(at)) === 0) yield* P.futexWait(p, at, 0);
        log.push(`consumer at ${at.toString(16)} sees ${yield* L.tsel4_read32(at + 4096)}`);
      }, { ownVSpace: true });
      const producer = yield* sys.spawn(function* (p) {
        const f = yield* P.shm_open(p, '/region', P.O_RDWR);
        const at = yield* P.mmap(p, null, 8192, P.PROT_READ | P.PROT_WRITE, f);
        yield* L.tsel4_write32(at + 4096, 1234);
        yield* L.tsel4_write32(at, 1);
        log.push(`producer at ${at.toString(16)} woke ${yield* P.futexWake(p, at, 1)}`);
      }, { ownVSpace: true, priority: 100 });
      yield* P.waitpid(init, consumer);
      yield* P.waitpid(init, producer);
      // errors
      const ro = yield* P.shm_open(init, '/region', P.O_RDONLY);
      log.push(P.errnoName(yield* P.mmap(init, null, 4096, P.PROT_WRITE, ro)));
      log.push(P.errnoName(yield* P.mmap(init, null, 3 * 4096, P.PROT_READ, ro)));
      log.push(P.errnoName(yield* P.mmap(init, null, 0, P.PROT_READ, ro)));
      log.push(P.errnoName(yield* P.shm_open(init, '/region', P.O_CREAT | P.O_EXCL | P.O_RDWR)));
      log.push(P.errnoName(yield* P.shm_unlink(init, '/region')));
      log.push(P.errnoName(yield* P.shm_open(init, '/region', P.O_RDWR)));
      log.push(P.errnoName(yield* P.futexWait(init, 0x6000_0004, 0)));
      const a = yield* sys.allocArea(8, 8);
      log.push(P.errnoName(yield* P.futexWait(init, a, 5)));
      log.push(P.errnoName(yield* P.futexWait(init, a, 0, sys.now() + 10_000)));
    });
    expect(result.reason).toBe('halted');
    expect(log).toEqual([
      'ftruncate 0',
      // the consumer (priority 200) runs as soon as the producer's (100) wake signals it
      'consumer at 71000000 sees 1234',
      'producer at 70000000 woke 1',
      'EACCES',
      'EINVAL',
      'EINVAL',
      'EEXIST',
      '0',
      'ENOENT',
      'EINVAL',
      'EAGAIN',
      'ETIMEDOUT',
    ]);
  });
});

describe('futex wake-ups, one to many', () => {
  it('futexWake(n) wakes up to n waiters, lowest pid first, one Signal each; the rest keep waiting', () => {
    const log: string[] = [];
    const { result } = runPosix(function* (sys, init) {
      const w = yield* sys.allocArea(8, 8);
      const pids: number[] = [];
      for (let i = 0; i < 5; i++) {
        pids.push(
          yield* sys.spawn(function* (p) {
            const r = yield* P.futexWait(p, w, 0);
            log.push(`${p.pid} woke ${r}`);
          }),
        );
      }
      yield* runOthers();
      yield* L.tsel4_write32(w, 1);
      log.push(`woke ${yield* P.futexWake(init, w, 2)}`);
      yield* runOthers();
      log.push(`woke ${yield* P.futexWake(init, w, 100)}`);
      for (const pid of pids) yield* P.waitpid(init, pid);
      log.push(`woke ${yield* P.futexWake(init, w, 100)}`);
    });
    expect(result.reason).toBe('halted');
    // signalled lowest pid first; they run in seL4's order: a thread made runnable by a Signal
    // goes to the head of its priority's ready queue (tcbSchedEnqueue), so the last one woken runs first
    expect(log).toEqual(['woke 2', '2 woke 0', '1 woke 0', 'woke 3', '5 woke 0', '4 woke 0', '3 woke 0', 'woke 0']);
  });

  it('timed mq_send on a full queue times out; sem_timedwait with a bad deadline is EINVAL only when it would block', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const q = yield* P.mq_open(init, '/full', P.O_CREAT | P.O_RDWR, { maxmsg: 1, msgsize: 4 });
      yield* P.mq_send(init, q, new Uint8Array(4), 0);
      log.push(P.errnoName(yield* P.mq_send(init, q, new Uint8Array(4), 0, sys.now() + 30_000)));
      const s = yield* P.sem_open(init, '/one', P.O_CREAT, 1);
      log.push(P.errnoName(yield* P.sem_wait(init, s, -5)));
      log.push(P.errnoName(yield* P.sem_wait(init, s, -5)));
    });
    expect(log).toEqual(['ETIMEDOUT', '0', 'EINVAL']);
  });
});

describe('a wake-up is not lost when its waiter leaves with EINTR', () => {
  it('sem_post wakes a waiter that a signal interrupts at the same time: the wake-up passes to the next waiter', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const s = yield* P.sem_open(init, '/s', P.O_CREAT, 0);
      const a = yield* sys.spawn(function* (p) {
        yield* P.sigaction(p, P.SIGUSR1, { handler: function* () {} });
        log.push(`a ${P.errnoName(yield* P.sem_wait(p, s))}`);
      });
      const b = yield* sys.spawn(function* (p) {
        log.push(`b ${P.errnoName(yield* P.sem_wait(p, s))}`);
      });
      yield* runOthers(); // both wait
      // the signal first, then the post's wake-up (to a, the lowest pid), before a runs
      yield* P.kill(init, a, P.SIGUSR1);
      yield* P.sem_post(init, s);
      yield* P.waitpid(init, a);
      yield* P.waitpid(init, b);
      log.push(`value ${yield* P.sem_getvalue(init, s)}`);
    });
    expect(log).toEqual(['a EINTR', 'b 0', 'value 0']);
  });
});
