/*
 * Shared memory between two address spaces, beside an endpoint copy of the same data.
 *
 * The root task makes two VSpaces, A and B, and a producer thread in A and a consumer thread in
 * B. Both share the root task's CSpace (they are threads of one program), not its memory: each
 * sees only what is mapped in its own VSpace.
 *
 * 1. Shared memory: a few frames are mapped read-write in A and, through read-only copies of
 *    their caps, read-only in B, at different addresses. The producer writes a chunk, signals the
 *    notification `full`; the consumer reads the chunk and signals `empty`. Two signals per chunk,
 *    and the data never passes through the kernel.
 * 2. Endpoint copy: the producer puts up to 120 words in its IPC buffer (mapped in its VSpace,
 *    so it is written like any memory) and Calls the consumer, which takes them from its own
 *    buffer and replies. The kernel copies every word.
 *
 * Both move the same bytes; the consumer checks them with a checksum and prints what each way
 * took.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame, newVSpace, println, startThread } from '@tsel4/sel4utils';

/** What to move. */
export interface DemoOptions {
  /** Bytes to move each way (default 64 KiB). */
  readonly bytes?: number;
  /** 4 KiB pages of shared buffer (default 4). */
  readonly sharedPages?: number;
  /** Seed of the data. */
  readonly seed?: number;
}

/** Where the shared buffer appears in the producer's and the consumer's VSpace. */
export const PRODUCER_VIEW = 0x5000_0000;
export const CONSUMER_VIEW = 0x7000_0000;
const PAGE = 4096;
/** Bytes one message carries: 120 message registers of 8 bytes. */
const MSG_BYTES = L.seL4_MsgMaxLength * 8;

/** The bytes to move: deterministic from the seed (xorshift32). */
export function makeData(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** FNV-1a over `data`, continuing from `h`. */
export function fnv1a(data: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193) >>> 0;
  return h;
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

/** The root task of the demo. */
export function sharedMemoryDemo(opts: DemoOptions = {}): L.ThreadFunction {
  const total = opts.bytes ?? 64 * 1024;
  const pages = opts.sharedPages ?? 4;
  const seed = opts.seed ?? 1;
  const chunk = pages * PAGE;

  return function* root() {
    const bi = L.seL4_GetBootInfo();
    const alloc = new Allocator(bi);
    const a = yield* newVSpace(alloc);
    const b = yield* newVSpace(alloc);
    // the shared buffer: writable in A, read-only in B
    for (let i = 0; i < pages; i++) {
      const frame = yield* alloc.allocFrame();
      yield* mapFrame(alloc, frame, PRODUCER_VIEW + i * PAGE, { vspace: a });
      const ro = alloc.allocSlot();
      yield* checked('seL4_CNode_Copy', L.seL4_CNode_Copy(L.seL4_CapInitThreadCNode, ro, 64, L.seL4_CapInitThreadCNode, frame, 64, L.seL4_CanRead));
      yield* mapFrame(alloc, ro, CONSUMER_VIEW + i * PAGE, { vspace: b });
    }
    const full = yield* alloc.allocObject(L.seL4_NotificationObject);
    const empty = yield* alloc.allocObject(L.seL4_NotificationObject);
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const done = yield* alloc.allocObject(L.seL4_NotificationObject);

    // each thread's IPC buffer is mapped in its own VSpace, as sel4utils does for a process
    const producer = yield* createThread(alloc, { vspace: a, name: 'producer' });
    const consumer = yield* createThread(alloc, { vspace: b, name: 'consumer' });
    yield* mapFrame(alloc, producer.ipcFrame, producer.ipcVaddr, { vspace: a });
    yield* mapFrame(alloc, consumer.ipcFrame, consumer.ipcVaddr, { vspace: b });

    yield* println(`shared-memory: ${total} bytes from a producer in one VSpace to a consumer in another`);
    yield* startThread(consumer, consumerCode, [full, empty, ep, done, consumer.ipcVaddr]);
    yield* startThread(producer, producerCode, [full, empty, ep, producer.ipcVaddr]);
    yield* L.seL4_Wait(done);
    // done: the root task stops (returning would run into address 0)
    yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
  };

  function* producerCode(full: number, empty: number, ep: number, ipcBuffer: number) {
    const data = makeData(total, seed);
    // 1. shared memory
    for (let off = 0; off < total; off += chunk) {
      yield* L.tsel4_writeBytes(PRODUCER_VIEW, data.subarray(off, Math.min(total, off + chunk)));
      yield* L.seL4_Signal(full);
      yield* L.seL4_Wait(empty);
    }
    // 2. endpoint copy: the message registers are words of the IPC buffer (msg[] from word 1)
    for (let off = 0; off < total; off += MSG_BYTES) {
      const part = data.subarray(off, Math.min(total, off + MSG_BYTES));
      yield* L.tsel4_writeBytes(ipcBuffer + 8, part);
      yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, Math.ceil(part.length / 8)));
    }
  }

  function* consumerCode(full: number, empty: number, ep: number, done: number, ipcBuffer: number) {
    let h = 0x811c9dc5;
    let chunks = 0;
    for (let off = 0; off < total; off += chunk) {
      yield* L.seL4_Wait(full);
      h = fnv1a(yield* L.tsel4_readBytes(CONSUMER_VIEW, Math.min(chunk, total - off)), h);
      chunks++;
      yield* L.seL4_Signal(empty);
    }
    const viaShm = h;
    yield* println(`shared-memory: ${chunks} chunks of up to ${chunk} bytes, ${2 * chunks} signals, checksum ${hex(viaShm)}`);

    h = 0x811c9dc5;
    let calls = 0;
    yield* L.seL4_Recv(ep, null);
    for (let off = 0; off < total; off += MSG_BYTES) {
      h = fnv1a(yield* L.tsel4_readBytes(ipcBuffer + 8, Math.min(MSG_BYTES, total - off)), h);
      calls++;
      if (off + MSG_BYTES >= total) break;
      yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 0), null);
    }
    yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
    yield* println(`endpoint copy: ${calls} Calls of up to ${MSG_BYTES} bytes, checksum ${hex(h)}`);
    yield* println(`same bytes both ways: ${viaShm === h && viaShm === fnv1a(makeData(total, seed)) ? 'yes' : 'NO'}`);
    yield* L.seL4_Signal(done);
  }
}

function* checked(call: string, e: L.Syscall<number>): Generator<L.TrapToken, void, unknown> {
  const err = yield* e;
  if (err !== 0) throw new Error(`${call} failed: ${L.seL4_ErrorName(err)}`);
}
