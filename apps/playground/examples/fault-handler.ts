// A fault handler: a thread's faults become messages on its fault endpoint. The worker reads an
// unmapped address; the kernel blocks it and sends a VMFault message (pc, address, ...) to the
// handler, which maps a frame there and replies: the worker's load runs again and succeeds.
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, hex, mapFrame, println, startThread } from '@tsel4/sel4utils';

const ADDR = 0x2000_0000;

function* worker() {
  yield* println('worker: reading 0x20000000');
  const v = yield* L.tsel4_read64(ADDR);
  yield* println(`worker: read ${v}`);
}

export default function* main() {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const faultEp = yield* alloc.allocObject(L.seL4_EndpointObject);
  const t = yield* createThread(alloc, { priority: 100, faultEp, name: 'worker' });
  yield* startThread(t, worker, []);
  // wait for the fault message
  const info = yield* L.seL4_Recv(faultEp);
  const label = L.seL4_MessageInfo_get_label(info);
  const addr = L.seL4_GetMR(L.seL4_VMFault_Addr);
  yield* println(`handler: ${L.faultName(label)} at address 0x${hex(addr)}`);
  const frame = yield* alloc.allocFrame();
  yield* mapFrame(alloc, frame, ADDR);
  yield* L.tsel4_write64(ADDR, 7);
  yield* println('handler: mapped a frame there holding 7; replying restarts the worker');
  yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
}
