/*
 * The one-way stream workload: A sends fixed-size messages, B receives them and ends the timing
 * when it has them all, over the mechanisms that move bytes and over seL4's endpoint.
 */
import * as L from '@tsel4/libsel4';
import { MQ_MSGSIZE_MAX, O_CREAT, O_RDWR } from './errno.js';
import { mq_open, mq_receive, mq_send } from './mq.js';
import { pipe, read, write } from './pipe.js';
import type { Proc } from './proc.js';
import type { Code, PosixSystem } from './system.js';
import { MSG_BYTES, must, type ProcFn, type SurveyHooks, type SurveyMechanism, WARMUP } from './survey-common.js';
import { shmPair } from './survey-shm.js';

/**
 * One-way transfers of `size` bytes (4 KiB or 64 KiB) per operation: A sends, B receives (and
 * ends the timing when it has them all). A pipe takes each in one write (64 KiB is its whole
 * capacity); a POSIX queue in messages of at most MQ_MSGSIZE_MAX (8192: what an unprivileged
 * Linux process may ask for), so 64 KiB is 8 messages; shared memory hands each over with one
 * handshake; the endpoint sends it in Calls of up to 120 message registers.
 */
export function* stream(mech: SurveyMechanism, sys: PosixSystem, init: Proc, total: number, h: SurveyHooks, size: number): Code<[ProcFn, ProcFn]> {
  const timed = (i: number) => i === WARMUP && h.start();
  const chunk = new Uint8Array(size).fill(5);
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
          const buf = new Uint8Array(size);
          for (let got = 0; got < total * size; ) got += must(yield* read(p, r, buf), 'read');
          h.end();
        },
      ];
    }
    case 'mq': {
      const msgsize = Math.min(size, MQ_MSGSIZE_MAX);
      const per = Math.ceil(size / msgsize);
      const q = must(yield* mq_open(init, '/stream', O_CREAT | O_RDWR, { maxmsg: 10, msgsize }), 'mq_open');
      return [
        function* (p) {
          for (let i = 0; i < total; i++) {
            timed(i);
            for (let off = 0; off < size; off += msgsize) must(yield* mq_send(p, q, chunk.subarray(off, off + msgsize), 0), 'mq_send');
          }
        },
        function* (p) {
          const buf = new Uint8Array(msgsize);
          for (let i = 0; i < total * per; i++) must(yield* mq_receive(p, q, buf), 'mq_receive');
          h.end();
        },
      ];
    }
    case 'shm':
      return yield* shmPair(sys, init, total, size, h, timed, false);
    case 'endpoint': {
      // `size` bytes in Calls of up to 120 message registers (4 KiB: 5, 64 KiB: 69), each
      // acknowledged by an empty reply
      const ep = yield* sys.alloc.allocObject(L.seL4_EndpointObject);
      const parts: number[] = [];
      for (let off = 0; off < size; off += MSG_BYTES) parts.push(Math.min(MSG_BYTES, size - off) / 8);
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
