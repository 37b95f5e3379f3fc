/*
 * The 8-byte ping-pong workload: A starts each round trip (and times them), B answers, over each
 * mechanism and over seL4's endpoint (Call / ReplyRecv) and notifications (Signal / Wait).
 */
import * as L from '@tsel4/libsel4';
import { O_CREAT, O_RDWR, SIGUSR1 } from './errno.js';
import { mq_open, mq_receive, mq_send } from './mq.js';
import { pipe, read, write } from './pipe.js';
import type { Proc } from './proc.js';
import { sem_open, sem_post, sem_wait } from './sem.js';
import { pause, sigaction, sigqueue } from './signal.js';
import type { Code, PosixSystem } from './system.js';
import { must, type ProcFn, type SurveyHooks, type SurveyMechanism, WARMUP } from './survey-common.js';
import { shmPair } from './survey-shm.js';

/** A = the side that starts each round trip and times it; B answers. */
export function* pingpong(mech: SurveyMechanism, sys: PosixSystem, init: Proc, total: number, h: SurveyHooks): Code<[ProcFn, ProcFn]> {
  const timed = (i: number) => i === WARMUP && h.start();
  const buf = new Uint8Array(8);
  const eight = new Uint8Array(8);
  switch (mech) {
    case 'pipe': {
      const [r1, w1] = (yield* pipe(init)) as [number, number];
      const [r2, w2] = (yield* pipe(init)) as [number, number];
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* write(p, w1, eight), 'write');
            must(yield* read(p, r2, buf), 'read');
          }
          h.end();
        },
        function* (p) {
          const mine = new Uint8Array(8);
          for (let i = 0; i < total; i++) {
            must(yield* read(p, r1, mine), 'read');
            must(yield* write(p, w2, mine), 'write');
          }
        },
      ];
    }
    case 'signal': {
      const pids = { a: 0, b: 0 };
      const handler = { handler: function* () {} };
      yield* sigaction(init, SIGUSR1, handler);
      return [
        function* (p) {
          pids.a = p.pid;
          pids.b = p.pid - 1;
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* sigqueue(p, pids.b, SIGUSR1, i), 'sigqueue');
            yield* pause(p);
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            yield* pause(p);
            must(yield* sigqueue(p, p.pid + 1, SIGUSR1, i), 'sigqueue');
          }
        },
      ];
    }
    case 'mq': {
      const q1 = must(yield* mq_open(init, '/ping', O_CREAT | O_RDWR, { maxmsg: 10, msgsize: 8 }), 'mq_open');
      const q2 = must(yield* mq_open(init, '/pong', O_CREAT | O_RDWR, { maxmsg: 10, msgsize: 8 }), 'mq_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* mq_send(p, q1, eight, 0), 'mq_send');
            must(yield* mq_receive(p, q2, buf), 'mq_receive');
          }
          h.end();
        },
        function* (p) {
          const mine = new Uint8Array(8);
          for (let i = 0; i < total; i++) {
            const n = must(yield* mq_receive(p, q1, mine), 'mq_receive');
            must(yield* mq_send(p, q2, mine.subarray(0, n), 0), 'mq_send');
          }
        },
      ];
    }
    case 'sem': {
      const s1 = must(yield* sem_open(init, '/ping', O_CREAT, 0), 'sem_open');
      const s2 = must(yield* sem_open(init, '/pong', O_CREAT, 0), 'sem_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* sem_post(p, s1), 'sem_post');
            must(yield* sem_wait(p, s2), 'sem_wait');
          }
          h.end();
        },
        function* (p) {
          for (let i = 0; i < total; i++) {
            must(yield* sem_wait(p, s1), 'sem_wait');
            must(yield* sem_post(p, s2), 'sem_post');
          }
        },
      ];
    }
    case 'shm':
      return yield* shmPair(sys, init, total, 8, h, timed, true);
    case 'endpoint': {
      const ep = yield* sys.alloc.allocObject(L.seL4_EndpointObject);
      return [
        function* () {
          for (let i = 0; i < total; i++) {
            timed(i);
            L.seL4_SetMR(0, i);
            yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, 1));
            h.kernelBytes(16);
          }
          h.end();
        },
        function* () {
          yield* L.seL4_Recv(ep, null);
          for (let i = 1; i < total; i++) yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), null);
          yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 1));
        },
      ];
    }
    case 'notification': {
      const n1 = yield* sys.alloc.allocObject(L.seL4_NotificationObject);
      const n2 = yield* sys.alloc.allocObject(L.seL4_NotificationObject);
      return [
        function* () {
          for (let i = 0; i < total; i++) {
            timed(i);
            yield* L.seL4_Signal(n1);
            yield* L.seL4_Wait(n2, null);
          }
          h.end();
        },
        function* () {
          for (let i = 0; i < total; i++) {
            yield* L.seL4_Wait(n1, null);
            yield* L.seL4_Signal(n2);
          }
        },
      ];
    }
  }
}
