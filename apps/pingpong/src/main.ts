/*
 * pingpong: the classic seL4 server loop. A server thread waits on an endpoint with seL4_Recv and
 * answers each request with seL4_ReplyRecv; two clients hold copies of the endpoint cap minted
 * with different badges and make seL4_Calls, so the server tells them apart by the badge the
 * kernel delivers. Clients seL4_Yield after each reply so that they take turns.
 *
 * Priorities: root task 255, server 254, clients 253. A Call wakes the server, which outranks
 * the caller, and the reply goes straight back to the caller: both take seL4's IPC fastpath.
 * Client B starts first although it was resumed last: seL4_TCB_Resume puts a thread at the head
 * of its priority's ready queue.
 *
 * Only the server and the root task print. Output is one seL4_DebugPutChar per character, and a
 * timer tick can switch between the two clients (they share a priority) in the middle of a line,
 * as it would on seL4; the clients leave their replies in a shared array instead, which the root
 * task prints at the end (the threads share its address space, as C threads share globals).
 */
import * as L from '@tsel4/libsel4';
import { Allocator, hex, mint, println, spawn } from '@tsel4/sel4utils';

/** Calls each client makes. */
const CALLS = 3;
/** Request label: "square this number". */
const SQUARE = 1;
/** What each client got back: "mr0 (label l, length n)" per call, by client letter. */
const replies: Record<string, string[]> = { A: [], B: [] };

function* server(ep: number) {
  const badge = { value: 0 as L.seL4_Word };
  yield* println('server: waiting for requests (seL4_Recv)');
  let info = yield* L.seL4_Recv(ep, badge);
  for (;;) {
    const x = L.seL4_GetMR(0);
    const who = badge.value === 0xa ? 'A' : badge.value === 0xb ? 'B' : '?';
    yield* println(
      `server: label=${L.seL4_MessageInfo_get_label(info)} mr0=${x} badge=0x${hex(badge.value)} (client ${who}), replying ${x * x}`,
    );
    L.seL4_SetMR(0, x * x);
    // reply to this caller and wait for the next request, in one syscall
    info = yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), badge);
  }
}

function* client(ep: number, letter: number, done: number) {
  const me = String.fromCharCode(letter);
  for (let i = 1; i <= CALLS; i++) {
    L.seL4_SetMR(0, me === 'A' ? i : 10 + i);
    const reply = yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(SQUARE, 0, 0, 1));
    replies[me]!.push(`${L.seL4_GetMR(0)} (label ${L.seL4_MessageInfo_get_label(reply)}, length ${L.seL4_MessageInfo_get_length(reply)})`);
    yield* L.seL4_Yield();
  }
  yield* L.seL4_Signal(done);
}

export default function* pingpong(): Generator<L.TrapToken, void, unknown> {
  replies['A'] = [];
  replies['B'] = [];
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  const done = yield* alloc.allocObject(L.seL4_NotificationObject);
  const epA = yield* mint(alloc, ep, 0xa);
  const epB = yield* mint(alloc, ep, 0xb);
  yield* println('pingpong: one endpoint; client A calls through a copy badged 0xa, client B through one badged 0xb');

  yield* spawn(alloc, server as L.ThreadFunction, [ep], { priority: 254, name: 'server' });
  yield* spawn(alloc, client as L.ThreadFunction, [epA, 0x41, done], { priority: 253, name: 'client A' });
  yield* spawn(alloc, client as L.ThreadFunction, [epB, 0x42, done], { priority: 253, name: 'client B' });
  yield* println(`pingpong: server at priority 254, clients at 253, each making ${CALLS} seL4_Calls with label ${SQUARE}`);

  // wait for both clients: each signals the notification once
  const badge = { value: 0 as L.seL4_Word };
  yield* L.seL4_Wait(done, badge);
  yield* L.seL4_Wait(done, badge);
  for (const who of ['A', 'B']) yield* println(`client ${who} got: ${replies[who]!.join(', ')}`);
  yield* println('pingpong: done');
  // a root task has nowhere to return to: stop here, as sel4runtime's exit does
  yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
}
