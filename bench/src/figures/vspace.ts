/*
 * Address-space figures (issue: address spaces): one translated 8-byte user access, one 4 KiB
 * Page_Map including its page-table walk, and data moved between two VSpaces through shared
 * memory next to the same bytes copied through an endpoint. Each runs a root task on a machine
 * and times the part that matters from inside it with the host clock (the kernel never reads a
 * clock; a benchmark program may).
 */
import type { BoardName } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, mapFrame, newVSpace, startThread } from '@tsel4/sel4utils';
import { runMachine } from '@tsel4/syscalls';
import { type Figure, fmt, median } from '../figure.js';

type Gen<T> = Generator<L.TrapToken, T, unknown>;

const V = 0x1000_0000;
const now = () => process.hrtime.bigint();

/** Run `body` as a root task on a fresh machine; it reports what it measured. */
function measureIn<T>(board: BoardName, body: (alloc: Allocator) => Gen<T>): T {
  let out: T | undefined;
  let failure: unknown;
  function* root(): Gen<void> {
    try {
      out = yield* body(new Allocator(L.seL4_GetBootInfo()));
    } catch (e) {
      failure = e;
    }
    yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
  }
  const r = runMachine(root as L.ThreadFunction, { board, maxSteps: 50_000_000 });
  if (failure !== undefined) throw failure;
  if (out === undefined) throw new Error(`benchmark root task did not finish (${r.reason})`);
  return out;
}

/** ns per 8-byte access: writes and reads alternating, on one page (cached) or two (every access walks). */
function accessNs(pages: 1 | 2): number {
  return measureIn('pc99', function* (alloc) {
    for (let p = 0; p < 2; p++) yield* mapFrame(alloc, yield* alloc.allocFrame(), V + p * 4096);
    const stride = pages === 1 ? 0 : 4096;
    const loop = function* (n: number): Gen<number> {
      let sink = 0;
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const a = V + (i & 1) * stride + ((i >>> 1) & 511) * 8;
        yield* L.tsel4_write64(a, i);
        sink += yield* L.tsel4_read64(a);
      }
      const t1 = now();
      if (sink === -1) throw new Error('impossible');
      return Number(t1 - t0) / (2 * n);
    };
    yield* loop(2_000_000);
    const samples: number[] = [];
    for (let r = 0; r < 5; r++) samples.push(yield* loop(1_000_000));
    return median(samples);
  });
}

/** µs per Page_Map of a 4 KiB frame into an existing page table, and per Page_Unmap. */
function mapUs(): { map: number; unmap: number } {
  return measureIn('pc99', function* (alloc) {
    const o = L.vspaceObjects('x86_64')!;
    const n = 512;
    const frames: number[] = [];
    for (let i = 0; i < n; i++) frames.push(yield* alloc.allocFrame());
    // the page table for [V, V + 2 MiB)
    yield* mapFrame(alloc, frames[0]!, V);
    yield* L.invokeMethod(o.pageIface, 'Unmap', frames[0]!, []);
    const maps: number[] = [];
    const unmaps: number[] = [];
    for (let r = 0; r < 40; r++) {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const e = yield* L.invokeMethod(o.pageIface, 'Map', frames[i]!, [L.seL4_CapInitThreadVSpace, V + i * 4096, L.seL4_AllRights, 0]);
        if (e !== 0) throw new Error(`Page_Map: ${L.seL4_ErrorName(e)}`);
      }
      const t1 = now();
      for (let i = 0; i < n; i++) yield* L.invokeMethod(o.pageIface, 'Unmap', frames[i]!, []);
      const t2 = now();
      if (r >= 10) {
        maps.push(Number(t1 - t0) / n / 1000);
        unmaps.push(Number(t2 - t1) / n / 1000);
      }
    }
    return { map: median(maps), unmap: median(unmaps) };
  });
}

const MB = 4 * 1024 * 1024;
const CHUNK = 16 * 1024;
const MSG = L.seL4_MsgMaxLength * 8;

/**
 * MB/s moving MB bytes from a producer in one VSpace to a consumer in another: through CHUNK
 * bytes of shared frames and two notifications per chunk, or through an endpoint, one Call per
 * 960 bytes written into the producer's (mapped) IPC buffer.
 */
function transferMBps(how: 'shm' | 'ipc'): number {
  return measureIn('pc99', function* (alloc) {
    const a = yield* newVSpace(alloc);
    const b = yield* newVSpace(alloc);
    for (let i = 0; i < CHUNK / 4096; i++) {
      const f = yield* alloc.allocFrame();
      yield* mapFrame(alloc, f, 0x5000_0000 + i * 4096, { vspace: a });
      const copy = alloc.allocSlot();
      yield* L.seL4_CNode_Copy(L.seL4_CapInitThreadCNode, copy, 64, L.seL4_CapInitThreadCNode, f, 64, L.seL4_CanRead);
      yield* mapFrame(alloc, copy, 0x7000_0000 + i * 4096, { vspace: b });
    }
    const full = yield* alloc.allocObject(L.seL4_NotificationObject);
    const empty = yield* alloc.allocObject(L.seL4_NotificationObject);
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const done = yield* alloc.allocObject(L.seL4_NotificationObject);
    const prod = yield* createThread(alloc, { vspace: a });
    const cons = yield* createThread(alloc, { vspace: b });
    yield* mapFrame(alloc, prod.ipcFrame, prod.ipcVaddr, { vspace: a });
    yield* mapFrame(alloc, cons.ipcFrame, cons.ipcVaddr, { vspace: b });
    const data = new Uint8Array(MB).map((_, i) => (i * 31) & 0xff);
    let check = 0;
    function* producer(): Gen<void> {
      if (how === 'shm') {
        for (let off = 0; off < MB; off += CHUNK) {
          yield* L.tsel4_writeBytes(0x5000_0000, data.subarray(off, off + CHUNK));
          yield* L.seL4_Signal(full);
          yield* L.seL4_Wait(empty);
        }
      } else {
        for (let off = 0; off < MB; off += MSG) {
          const part = data.subarray(off, Math.min(MB, off + MSG));
          yield* L.tsel4_writeBytes(prod.ipcVaddr + 8, part);
          yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, Math.ceil(part.length / 8)));
        }
      }
    }
    function* consumer(): Gen<void> {
      if (how === 'shm') {
        for (let off = 0; off < MB; off += CHUNK) {
          yield* L.seL4_Wait(full);
          check += (yield* L.tsel4_readBytes(0x7000_0000, CHUNK))[CHUNK - 1]!;
          yield* L.seL4_Signal(empty);
        }
      } else {
        yield* L.seL4_Recv(ep, null);
        for (let off = 0; off < MB; off += MSG) {
          check += (yield* L.tsel4_readBytes(cons.ipcVaddr + 8, Math.min(MSG, MB - off)))[0]!;
          if (off + MSG >= MB) break;
          yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 0), null);
        }
        yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
      }
      yield* L.seL4_Signal(done);
    }
    const t0 = now();
    yield* startThread(cons, consumer);
    yield* startThread(prod, producer);
    yield* L.seL4_Wait(done);
    const t1 = now();
    if (check === 0) throw new Error('nothing arrived');
    return MB / 1e6 / (Number(t1 - t0) / 1e9);
  });
}

export const vspaceFigures: Figure[] = [
  {
    name: 'vspace.translate.ns',
    unit: 'ns',
    measure() {
      const cached = accessNs(1);
      const walked = accessNs(2);
      return { value: cached, comparison: `walking the page tables every access: ${fmt(walked)} ns; hal.mem.word_rw_ns for the raw word` };
    },
  },
  {
    name: 'vspace.map.us',
    unit: 'µs',
    measure() {
      const m = mapUs();
      return { value: m.map, comparison: `Page_Unmap: ${fmt(m.unmap)} µs (x86_64, a syscall each, slow path)` };
    },
  },
  {
    name: 'shm.mb_per_s',
    unit: 'MB/s',
    measure() {
      const shm = median([transferMBps('shm'), transferMBps('shm'), transferMBps('shm')]);
      return { value: shm, comparison: `4 MiB between two VSpaces in 16 KiB chunks, 2 notification syscalls per chunk` };
    },
  },
  {
    name: 'ipc.copy.mb_per_s',
    unit: 'MB/s',
    measure() {
      const ipc = median([transferMBps('ipc'), transferMBps('ipc'), transferMBps('ipc')]);
      return { value: ipc, comparison: `the same 4 MiB through an endpoint, 960 bytes per Call/ReplyRecv` };
    },
  },
];
