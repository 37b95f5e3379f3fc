import { runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import * as P from '@tsel4/posix';
import { bytes, runPosix, text } from './run.js';

describe('message queues', () => {
  it('highest priority first, oldest first within a priority; mq_getattr counts', () => {
    const log: string[] = [];
    runPosix(function* (_sys, init) {
      const q = yield* P.mq_open(init, '/q', P.O_CREAT | P.O_RDWR, { maxmsg: 8, msgsize: 16 });
      for (const [m, pr] of [['a', 1], ['b', 5], ['c', 1], ['d', 5], ['e', 0]] as const) yield* P.mq_send(init, q, bytes(m), pr);
      log.push(`cur ${((yield* P.mq_getattr(init, q)) as P.MqAttr).curmsgs}`);
      const buf = new Uint8Array(16);
      const prio = { value: -1 };
      for (let i = 0; i < 5; i++) {
        const n = yield* P.mq_receive(init, q, buf, prio);
        log.push(`${text(buf.subarray(0, n))}${prio.value}`);
      }
    });
    expect(log).toEqual(['cur 5', 'b5', 'd5', 'a1', 'c1', 'e0']);
  });

  it('limits and errors: EMSGSIZE, EINVAL, EAGAIN, EEXIST, ENOENT, EBADF; unlink keeps open queues', () => {
    const log: string[] = [];
    runPosix(function* (_sys, init) {
      const e = (r: number | P.MqAttr) => (typeof r === 'number' ? P.errnoName(r) : 'attr');
      log.push(e(yield* P.mq_open(init, '/big', P.O_CREAT | P.O_RDWR, { maxmsg: 11, msgsize: 8 })));
      log.push(e(yield* P.mq_open(init, '/big', P.O_CREAT | P.O_RDWR, { maxmsg: 1, msgsize: 8193 })));
      log.push(e(yield* P.mq_open(init, 'noslash', P.O_CREAT | P.O_RDWR)));
      log.push(e(yield* P.mq_open(init, '/none', P.O_RDWR)));
      const q = yield* P.mq_open(init, '/q', P.O_CREAT | P.O_RDWR | P.O_NONBLOCK, { maxmsg: 2, msgsize: 4 });
      log.push(e(yield* P.mq_open(init, '/q', P.O_CREAT | P.O_EXCL | P.O_RDWR)));
      log.push(e(yield* P.mq_send(init, q, new Uint8Array(5), 0)));
      log.push(e(yield* P.mq_send(init, q, new Uint8Array(4), P.MQ_PRIO_MAX)));
      log.push(e(yield* P.mq_receive(init, q, new Uint8Array(3))));
      log.push(e(yield* P.mq_receive(init, q, new Uint8Array(4))));
      yield* P.mq_send(init, q, new Uint8Array(4), 0);
      yield* P.mq_send(init, q, new Uint8Array(4), 0);
      log.push(e(yield* P.mq_send(init, q, new Uint8Array(4), 0)));
      const ro = yield* P.mq_open(init, '/q', P.O_RDONLY);
      log.push(e(yield* P.mq_send(init, ro, new Uint8Array(1), 0)));
      log.push(e(yield* P.mq_unlink(init, '/q')));
      log.push(e(yield* P.mq_unlink(init, '/q')));
      log.push(e(yield* P.mq_receive(init, ro, new Uint8Array(4))));
      log.push(e(yield* P.mq_getattr(init, 99)));
    });
    expect(log).toEqual(['EINVAL', 'EINVAL', 'EINVAL', 'ENOENT', 'EEXIST', 'EMSGSIZE', 'EINVAL', 'EMSGSIZE', 'EAGAIN', 'EAGAIN', 'EBADF', '0', 'ENOENT', '4', 'EBADF']);
  });

  it('blocking send and receive between processes; timed receive times out in simulated time', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const q = yield* P.mq_open(init, '/q', P.O_CREAT | P.O_RDWR, { maxmsg: 1, msgsize: 8 });
      const pid = yield* sys.spawn(function* (p) {
        for (const m of ['one', 'two', 'three']) log.push(`sent ${m} ${yield* P.mq_send(p, q, bytes(m), 0)}`);
      }, { inherit: init });
      yield* runOthers(); // the sender fills the queue and blocks
      const buf = new Uint8Array(8);
      for (let i = 0; i < 3; i++) {
        const n = yield* P.mq_receive(init, q, buf);
        log.push(`got ${text(buf.subarray(0, n))}`);
        yield* runOthers();
      }
      yield* P.waitpid(init, pid);
      const t0 = sys.now();
      const r = yield* P.mq_receive(init, q, buf, undefined, t0 + 200_000);
      const waited = sys.now() - t0;
      log.push(`${P.errnoName(r)} after at least the timeout ${waited >= 200_000} and not far past it ${waited < 400_000}`);
      log.push(P.errnoName(yield* P.mq_receive(init, q, buf, undefined, -1)));
      log.push(P.errnoName(yield* P.mq_receive(init, q, buf, undefined, t0)));
    });
    expect(log).toEqual([
      'sent one 0',
      'got one',
      'sent two 0',
      'got two',
      'sent three 0',
      'got three',
      'ETIMEDOUT after at least the timeout true and not far past it true',
      'EINVAL',
      'ETIMEDOUT',
    ]);
  });
});
