// An endpoint: a rendezvous. The receiver blocks in seL4_Recv until a sender arrives; the message
// registers are copied from sender to receiver. Step through it and watch the receiver sit in
// the endpoint's queue.
import * as L from '@tsel4/libsel4';
import { Allocator, println, spawn } from '@tsel4/sel4utils';

function* receiver(ep: number) {
  const info = yield* L.seL4_Recv(ep);
  yield* println(`receiver: label ${L.seL4_MessageInfo_get_label(info)}, ${L.seL4_MessageInfo_get_length(info)} words: ${L.seL4_GetMR(0)} ${L.seL4_GetMR(1)}`);
}

export default function* main() {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  // the receiver outranks nobody: it runs when the root task waits, and blocks in seL4_Recv
  yield* spawn(alloc, receiver, [ep], { priority: 100, name: 'receiver' });
  yield* println('root: sending 42 and 43 with label 7');
  L.seL4_SetMR(0, 42);
  L.seL4_SetMR(1, 43);
  yield* L.seL4_Send(ep, L.seL4_MessageInfo_new(7, 0, 0, 2));
  yield* println('root: sent');
}
