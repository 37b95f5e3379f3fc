/*
 * Random multi-thread IPC programs for property tests: a few threads at a few priorities, each
 * running a short list of IPC operations (Send, NBSend, Call, Recv, NBRecv, Reply, ReplyRecv,
 * Signal, Wait, Poll, Yield) on two endpoints and a notification, through caps minted with the
 * thread's own badge and random rights, with random lengths, extra caps, IPC buffers and bound
 * notifications. Every message's MR0 says who sent it and its sequence number, so a receiver's
 * record can be checked against the sender's.
 */
import * as L from '@tsel4/libsel4';
import { createThread, mint, runOthers, startThread } from '@tsel4/sel4utils';
import fc from 'fast-check';
import type { Gen, RootCtx } from './harness.js';

export type Op =
  | { k: 'send'; obj: number; len: number; caps: number; nb: boolean }
  | { k: 'call'; obj: number; len: number; caps: number }
  | { k: 'recv'; obj: number; nb: boolean }
  | { k: 'reply'; len: number }
  | { k: 'replyRecv'; obj: number; len: number }
  | { k: 'signal'; obj: number }
  | { k: 'wait'; obj: number; nb: boolean }
  | { k: 'yield' };

export interface ThreadSpec {
  readonly prio: number;
  readonly ipcBuffer: boolean;
  readonly bind: boolean;
  /** Rights for the thread's caps to endpoint 0, endpoint 1, the notification (4 bits each). */
  readonly rights: readonly [number, number, number];
  readonly ops: readonly Op[];
}

export interface ProgramSpec {
  readonly threads: readonly ThreadSpec[];
}

/** Objects: 0 = endpoint A, 1 = endpoint B, 2 = notification. */
const obj = fc.integer({ min: 0, max: 2 });
const ep = fc.integer({ min: 0, max: 1 });
const len = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 122 }));

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('send' as const), obj, len, caps: fc.integer({ min: 0, max: 3 }), nb: fc.boolean() }),
  fc.record({ k: fc.constant('call' as const), obj: ep, len, caps: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ k: fc.constant('recv' as const), obj: ep, nb: fc.boolean() }),
  fc.record({ k: fc.constant('reply' as const), len }),
  fc.record({ k: fc.constant('replyRecv' as const), obj: ep, len }),
  fc.record({ k: fc.constant('signal' as const), obj: fc.constant(2) }),
  fc.record({ k: fc.constant('wait' as const), obj: fc.constant(2), nb: fc.boolean() }),
  fc.record({ k: fc.constant('yield' as const) }),
);

const rights = fc.oneof(fc.constant(0xf), fc.integer({ min: 0, max: 15 }));

function programOf(ops: fc.Arbitrary<Op>, maxOps: number): fc.Arbitrary<ProgramSpec> {
  return fc.record({
    threads: fc.array(
      fc.record({
        prio: fc.constantFrom(100, 100, 120, 80),
        ipcBuffer: fc.constantFrom(true, true, true, true, false),
        bind: fc.boolean(),
        rights: fc.tuple(rights, rights, rights),
        ops: fc.array(ops, { minLength: 1, maxLength: maxOps }),
      }),
      { minLength: 2, maxLength: 4 },
    ),
  });
}

export const programArb: fc.Arbitrary<ProgramSpec> = programOf(opArb, 10);

/**
 * Programs rich in what the fastpath takes: Calls and ReplyRecvs with short messages and no caps,
 * beside everything else (long messages, caps, faults-free but blocked states) that sends them
 * down the slow path.
 */
const shortLen = fc.integer({ min: 0, max: 5 });
export const fastpathProgramArb: fc.Arbitrary<ProgramSpec> = programOf(
  fc.oneof(
    { arbitrary: fc.record({ k: fc.constant('call' as const), obj: ep, len: shortLen, caps: fc.constantFrom(0, 0, 0, 1) }), weight: 4 },
    { arbitrary: fc.record({ k: fc.constant('replyRecv' as const), obj: ep, len: shortLen }), weight: 4 },
    { arbitrary: fc.record({ k: fc.constant('recv' as const), obj: ep, nb: fc.constant(false) }), weight: 2 },
    { arbitrary: opArb, weight: 2 },
  ),
  14,
);

/** What one receive saw. */
export interface Received {
  readonly thread: number;
  readonly op: string;
  readonly label: number;
  readonly len: number;
  readonly badge: bigint;
  readonly mr0: number;
}

export interface ProgramLog {
  readonly received: Received[];
  readonly lines: string[];
}

/** Labels outside the seL4_Error range, so a kernel error reply is never mistaken for a message. */
export const LABEL_SEND = 0x51;
export const LABEL_CALL = 0x52;
export const LABEL_REPLY = 0x53;
/** Endpoint caps carry EP_BADGE + thread id; notification caps 1 << thread id (below EP_BADGE). */
export const EP_BADGE = 0x100;

/** The root task running `spec`; it records into `log`. */
export function programRoot(spec: ProgramSpec, log: ProgramLog): (c: RootCtx) => Gen<unknown> {
  return function* (c: RootCtx) {
    const objs = [
      yield* c.alloc.allocObject(L.seL4_EndpointObject),
      yield* c.alloc.allocObject(L.seL4_EndpointObject),
      yield* c.alloc.allocObject(L.seL4_NotificationObject),
    ];
    const tcbs: number[] = [];
    for (let id = 0; id < spec.threads.length; id++) {
      const t = spec.threads[id]!;
      const caps: number[] = [];
      for (let o = 0; o < 3; o++) {
        const badge = o === 2 ? 1 << id : EP_BADGE + id;
        caps.push(yield* mint(c.alloc, objs[o]!, badge, t.rights[o]!));
      }
      const th = yield* createThread(c.alloc, { priority: t.prio, ipcBuffer: t.ipcBuffer, name: `t${id}` });
      tcbs.push(th.tcb);
      if (t.bind && id === 0) yield* L.seL4_TCB_BindNotification(th.tcb, objs[2]!);
      yield* startThread(th, threadBody(id, t, caps, log) as L.ThreadFunction, []);
    }
    yield* runOthers();
  };
}

function threadBody(id: number, t: ThreadSpec, caps: readonly number[], log: ProgramLog) {
  return function* () {
    let seq = 0;
    const b = { value: 0 as number | bigint };
    const record = (op: string, i: L.seL4_MessageInfo_t) => {
      log.received.push({
        thread: id,
        op,
        label: L.seL4_MessageInfo_get_label(i),
        len: L.seL4_MessageInfo_get_length(i),
        badge: BigInt(b.value),
        mr0: L.seL4_MessageInfo_get_length(i) > 0 ? L.seL4_GetMR(0) : -1,
      });
    };
    const load = (n: number, extra: number) => {
      const m = Math.min(n, 120);
      for (let k = 0; k < m; k++) L.seL4_SetMR(k, k === 0 ? id * 1000 + seq : k);
      for (let k = 0; k < extra; k++) L.seL4_SetCap(k, caps[k % 3]!);
      seq++;
    };
    for (const op of t.ops) {
      b.value = 0;
      switch (op.k) {
        case 'send':
          load(op.len, op.caps);
          if (op.nb) yield* L.seL4_NBSend(caps[op.obj]!, L.seL4_MessageInfo_new(LABEL_SEND, 0, op.caps, op.len));
          else yield* L.seL4_Send(caps[op.obj]!, L.seL4_MessageInfo_new(LABEL_SEND, 0, op.caps, op.len));
          break;
        case 'call': {
          load(op.len, op.caps);
          const i = yield* L.seL4_Call(caps[op.obj]!, L.seL4_MessageInfo_new(LABEL_CALL, 0, op.caps, op.len));
          record('call', i);
          break;
        }
        case 'recv': {
          const i = op.nb ? yield* L.seL4_NBRecv(caps[op.obj]!, b) : yield* L.seL4_Recv(caps[op.obj]!, b);
          record(op.nb ? 'nbrecv' : 'recv', i);
          break;
        }
        case 'reply':
          load(op.len, 0);
          yield* L.seL4_Reply(L.seL4_MessageInfo_new(LABEL_REPLY, 0, 0, op.len));
          break;
        case 'replyRecv': {
          load(op.len, 0);
          const i = yield* L.seL4_ReplyRecv(caps[op.obj]!, L.seL4_MessageInfo_new(LABEL_REPLY, 0, 0, op.len), b);
          record('replyRecv', i);
          break;
        }
        case 'signal':
          yield* L.seL4_Signal(caps[2]!);
          break;
        case 'wait':
          if (op.nb) yield* L.seL4_Poll(caps[2]!, b);
          else yield* L.seL4_Wait(caps[2]!, b);
          log.lines.push(`t${id} ${op.nb ? 'poll' : 'wait'} badge ${b.value}`);
          break;
        case 'yield':
          yield* L.seL4_Yield();
          break;
      }
    }
    log.lines.push(`t${id} done`);
  };
}

/**
 * A server (thread 0: Recv, then ReplyRecv in a loop) and clients calling it, with random
 * priorities, rights, lengths and the odd other operation: the shape the fastpath is built for.
 */
export const serverClientArb: fc.Arbitrary<ProgramSpec> = fc
  .record({
    server: fc.record({
      prio: fc.constantFrom(100, 120, 80),
      ipcBuffer: fc.constantFrom(true, true, true, false),
      bind: fc.boolean(),
      rounds: fc.integer({ min: 1, max: 12 }),
      len: shortLen,
    }),
    clients: fc.array(
      fc.record({
        prio: fc.constantFrom(100, 120, 80),
        ipcBuffer: fc.constantFrom(true, true, true, false),
        rights: fc.oneof(fc.constant(0xf), fc.constant(0xf), rights),
        ops: fc.array(
          fc.oneof(
            { arbitrary: fc.record({ k: fc.constant('call' as const), obj: fc.constant(0), len: shortLen, caps: fc.constantFrom(0, 0, 0, 0, 1) }), weight: 6 },
            { arbitrary: opArb, weight: 1 },
          ),
          { minLength: 1, maxLength: 8 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ server, clients }) => ({
    threads: [
      {
        prio: server.prio,
        ipcBuffer: server.ipcBuffer,
        bind: server.bind,
        rights: [0xf, 0xf, 0xf] as const,
        ops: [
          { k: 'recv' as const, obj: 0, nb: false },
          ...Array.from({ length: server.rounds }, () => ({ k: 'replyRecv' as const, obj: 0, len: server.len })),
        ],
      },
      ...clients.map((c) => ({ prio: c.prio, ipcBuffer: c.ipcBuffer, bind: false, rights: [c.rights, 0xf, 0xf] as const, ops: c.ops })),
    ],
  }));
