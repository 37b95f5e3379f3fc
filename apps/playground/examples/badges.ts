// IPC with badges: two clients hold copies of one endpoint cap minted with different badges; the
// server learns which client called from the badge the kernel delivers, and replies.
import * as L from '@tsel4/libsel4';
import { Allocator, hex, mint, println, spawn } from '@tsel4/sel4utils';

function* server(ep: number) {
  const badge = { value: 0 as L.seL4_Word };
  let info = yield* L.seL4_Recv(ep, badge);
  for (;;) {
    yield* println(`server: ${L.seL4_GetMR(0)} from badge 0x${hex(badge.value)}`);
    L.seL4_SetMR(0, L.seL4_GetMR(0) + 1);
    info = yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), badge);
  }
}

function* client(cap: number, n: number) {
  L.seL4_SetMR(0, n);
  yield* L.seL4_Call(cap, L.seL4_MessageInfo_new(0, 0, 0, 1));
  yield* println(`client ${n}: got ${L.seL4_GetMR(0)}`);
}

export default function* main() {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  const a = yield* mint(alloc, ep, 0xa);
  const b = yield* mint(alloc, ep, 0xb);
  yield* spawn(alloc, server, [ep], { priority: 200, name: 'server' });
  yield* spawn(alloc, client, [a, 10], { priority: 100, name: 'client-a' });
  yield* spawn(alloc, client, [b, 20], { priority: 100, name: 'client-b' });
}
