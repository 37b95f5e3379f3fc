import { runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import * as P from '@tsel4/posix';
import { bytes, runPosix, text } from './run.js';

describe('pipe', () => {
  it('carries bytes from a child to its parent; short reads; EOF when the last writer closes', () => {
    const log: string[] = [];
    const { result } = runPosix(function* (sys, init) {
      const fds = yield* P.pipe(init);
      if (typeof fds === 'number') throw new Error(P.errnoName(fds));
      const [r, w] = fds;
      const child = yield* sys.spawn(
        function* (p) {
          yield* p.close(r);
          log.push(`child wrote ${yield* P.write(p, w, bytes('hello'))}`);
          log.push(`child wrote ${yield* P.write(p, w, bytes(', world'))}`);
          return 7;
        },
        { inherit: init },
      );
      yield* init.close(w);
      const buf = new Uint8Array(4);
      for (;;) {
        const n = yield* P.read(init, r, buf);
        log.push(`parent read ${n} ${JSON.stringify(text(buf.subarray(0, Math.max(0, n))))}`);
        if (n <= 0) break;
      }
      const st = yield* P.waitpid(init, child);
      log.push(`exit ${P.WEXITSTATUS(st)}`);
    });
    expect(result.reason).toBe('halted');
    expect(log).toEqual([
      // the parent (priority 255) runs as soon as a write wakes it: short reads of what is there
      'parent read 4 "hell"',
      'parent read 1 "o"',
      'child wrote 5',
      'parent read 4 ", wo"',
      'parent read 3 "rld"',
      'child wrote 7',
      'parent read 0 ""',
      'exit 7',
    ]);
  });
});

describe('pipe edge cases', () => {
  it('EPIPE and SIGPIPE when the last reader has closed; SIGPIPE kills by default', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const [r, w] = (yield* P.pipe(init)) as [number, number];
      yield* init.close(r);
      // ignored: the write fails with EPIPE
      yield* P.sigaction(init, P.SIGPIPE, { handler: 'SIG_IGN' });
      log.push(P.errnoName(yield* P.write(init, w, P.PIPE_BUF > 0 ? new Uint8Array(3) : new Uint8Array(0))));
      // default action: the writer dies of SIGPIPE
      yield* P.sigaction(init, P.SIGPIPE, { handler: 'SIG_DFL' });
      const pid = yield* sys.spawn(function* (p) {
        yield* P.write(p, w, new Uint8Array(1));
        log.push('not reached');
      }, { inherit: init });
      const st = yield* P.waitpid(init, pid);
      log.push(`signaled ${P.WIFSIGNALED(st)} by ${P.WTERMSIG(st)}`);
    });
    expect(log).toEqual(['EPIPE', `signaled true by ${P.SIGPIPE}`]);
  });

  it('O_NONBLOCK: EAGAIN on an empty pipe and on a full one; atomic writes of at most PIPE_BUF; partial larger writes', () => {
    const log: string[] = [];
    runPosix(function* (_sys, init) {
      const [r, w] = (yield* P.pipe(init, P.O_NONBLOCK, 8192)) as [number, number];
      const buf = new Uint8Array(10000);
      log.push(P.errnoName(yield* P.read(init, r, buf)));
      log.push(P.errnoName(yield* P.write(init, w, new Uint8Array(5000)))); // > PIPE_BUF: all fits
      log.push(P.errnoName(yield* P.write(init, w, new Uint8Array(4000)))); // atomic, 3192 free: EAGAIN
      log.push(P.errnoName(yield* P.write(init, w, new Uint8Array(6000)))); // not atomic: what fits
      log.push(P.errnoName(yield* P.write(init, w, new Uint8Array(1))));
      log.push(P.errnoName(yield* P.read(init, r, buf)));
      yield* init.close(w);
      log.push(P.errnoName(yield* P.read(init, r, buf)));
      log.push(P.errnoName(yield* P.read(init, 99, buf)));
      log.push(P.errnoName(yield* P.write(init, r, buf)));
    });
    expect(log).toEqual(['EAGAIN', '5000', 'EAGAIN', '3192', 'EAGAIN', '8192', '0', 'EBADF', 'EBADF']);
  });

  it('a blocking write larger than the pipe completes as the reader drains it; bytes arrive in order', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const [r, w] = (yield* P.pipe(init, 0, 4096)) as [number, number];
      const data = Uint8Array.from({ length: 20000 }, (_, i) => (i * 7) & 0xff);
      const pid = yield* sys.spawn(function* (p) {
        log.push(`wrote ${yield* P.write(p, w, data)}`);
      }, { inherit: init });
      yield* init.close(w);
      const got: number[] = [];
      const buf = new Uint8Array(3000);
      for (let n; (n = yield* P.read(init, r, buf)) > 0; ) got.push(...buf.subarray(0, n));
      log.push(`read ${got.length} same ${got.every((b, i) => b === data[i])}`);
      yield* P.waitpid(init, pid);
    });
    expect(log).toEqual(['wrote 20000', 'read 20000 same true']);
  });

  it('a handler interrupts a blocked read with EINTR; with SA_RESTART the read goes on', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const [r, w] = (yield* P.pipe(init)) as [number, number];
      for (const flags of [0, P.SA_RESTART]) {
        const reader = yield* sys.spawn(function* (p) {
          yield* P.sigaction(p, P.SIGUSR1, { handler: function* (sig) { log.push(`handler ${sig}`); }, flags });
          const buf = new Uint8Array(8);
          const n = yield* P.read(p, r, buf);
          log.push(`read ${P.errnoName(n)}`);
        }, { inherit: init, priority: 210 });
        yield* runOthers(); // the reader blocks in read
        yield* P.kill(init, reader, P.SIGUSR1);
        if (flags !== 0) yield* P.write(init, w, new Uint8Array(2));
        yield* P.waitpid(init, reader);
      }
    }, {});
    expect(log).toEqual(['handler 10', 'read EINTR', 'handler 10', 'read 2']);
  });
});
