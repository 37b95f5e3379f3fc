/*
 * The one-way stream workload: A sends fixed-size messages, B receives them and ends the timing
 * when it has them all, over the mechanisms that move bytes and over seL4's endpoint.
 */
import * as L from '@tsel4/libsel4';
import { O_CREAT, O_RDWR } from './errno.js';
import { mq_open, mq_receive, mq_send } from './mq.js';
import { pipe, read, write } from './pipe.js';
import type { Proc } from './proc.js';
import type { Code, PosixSystem } from './system.js';
import { CHUNK, MSG_BYTES, must, type ProcFn, type SurveyHooks, type SurveyMechanism, WARMUP } from './survey-common.js';
import { shmPair } from './survey-shm.js';

/** One-way 4 KiB messages: A sends, B receives (and ends the timing when it has them all). */
export function* stream(mech: SurveyMechanism, sys: PosixSystem, init: Proc, total: number, h: SurveyHooks): Code<[ProcFn, ProcFn]> {
  const timed = (i: number) => i === WARMUP && h.start();
  const chunk = new Uint8Array(CHUNK).fill(5);
  switch (mech) {
    case 'pipe': {
      const [r, w] = (yield* pipe(init)) as [number, number];
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* write(p, w, chunk), 'write');
          }
        },
        function* (p) {
          const buf = new Uint8Array(CHUNK);
          for (let got = 0; got < total * CHUNK; ) got += must(yield* read(p, r, buf), 'read');
          h.end();
        },
      ];
    }
    case 'mq': {
      const q = must(yield* mq_open(init, '/stream', O_CREAT | O_RDWR, { maxmsg: 10, msgsize: CHUNK }), 'mq_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            must(yield* mq_send(p, q, chunk, 0), 'mq_send');
          }
        },
        function* (p) {
          const buf = new Uint8Array(CHUNK);
          for (let i = 0; i < total; i++) must(yield* mq_receive(p, q, buf), 'mq_receive');
          h.end();
        },
      ];
    }
    case 'shm':
      return yield* shmPair(sys, init, total, CHUNK, h, timed, false);
    case 'endpoint': {
      // 4 KiB in Calls of up to 120 message registers, each acknowledged by an empty reply
      const ep = yield* sys.alloc.allocObject(L.seL4_EndpointObject);
      const parts: number[] = [];
      for (let off = 0; off < CHUNK; off += MSG_BYTES) parts.push(Math.min(MSG_BYTES, CHUNK - off) / 8);
      return [
        function* () {
          for (let i = 0; i < total; i++) {
            timed(i);
            const ipc = L.seL4_GetIPCBuffer();
            for (const words of parts) {
              for (let k = 0; k < words; k++) ipc.set(k + 1, k);
              h.kernelBytes(words * 8);
              yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, words));
            }
          }
        },
        function* () {
          yield* L.seL4_Recv(ep, null);
          const n = total * parts.length;
          for (let i = 1; i < n; i++) yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 0), null);
          yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
          h.end();
        },
      ];
    }
    default:
      throw new RangeError(`survey: ${mech} moves no bytes`);
  }
}
