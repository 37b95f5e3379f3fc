/*
 * notifications: seL4's lightweight signalling object, in three parts.
 *
 * 1. Signals accumulate: while nobody waits, each seL4_Signal ORs the badge of the cap it was
 *    sent through into the notification word; one seL4_Wait collects them all at once, and
 *    seL4_Poll returns badge 0 when nothing is pending.
 * 2. A waiter blocked in seL4_Wait is woken by the next signal and receives that signal's badge.
 * 3. A server bound to a notification (seL4_TCB_BindNotification) waits on its endpoint with
 *    seL4_Recv and gets both client messages and signals through that one call. It tells them
 *    apart by badge: signals use the low bits, the client's endpoint cap carries badge 0x100.
 *    A pending signal is delivered before a client already queued on the endpoint.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, hex, mint, println, runOthers, spawn } from '@tsel4/sel4utils';

/** The client's endpoint badge: everything at or above it is a message, below it a signal. */
const CLIENT_BADGE = 0x100;

function* waiter(ntfn: number) {
  const badge = { value: 0 as L.seL4_Word };
  yield* println('waiter: seL4_Wait on the notification (blocks)');
  yield* L.seL4_Wait(ntfn, badge);
  yield* println(`waiter: woken with badge 0x${hex(badge.value)}`);
}

function* server(ep: number) {
  const badge = { value: 0 as L.seL4_Word };
  for (;;) {
    const info = yield* L.seL4_Recv(ep, badge);
    const b = BigInt(badge.value);
    if (b >= CLIENT_BADGE) {
      const x = L.seL4_GetMR(0);
      yield* println(`server: message from badge 0x${hex(b)}: label=${L.seL4_MessageInfo_get_label(info)} mr0=${x}, replying ${x + 1}`);
      L.seL4_SetMR(0, x + 1);
      yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 1));
    } else {
      // a notification writes only the badge register: the message info is not a message
      const bits = [0, 1, 2, 3].filter((i) => (b >> BigInt(i)) & 1n).map((i) => `0x${(1 << i).toString(16)}`);
      yield* println(`server: notification with badge 0x${hex(b)} (signals ${bits.join(', ')})`);
    }
  }
}

function* client(ep: number) {
  L.seL4_SetMR(0, 41);
  yield* println('client: seL4_Call to the server with mr0=41');
  const info = yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(7, 0, 0, 1));
  yield* println(`client: reply length=${L.seL4_MessageInfo_get_length(info)} mr0=${L.seL4_GetMR(0)}`);
}

export default function* notifications(): Generator<L.TrapToken, void, unknown> {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const badge = { value: 0 as L.seL4_Word };

  yield* println('part 1: signals accumulate while nobody waits');
  const ntfn = yield* alloc.allocObject(L.seL4_NotificationObject);
  const n1 = yield* mint(alloc, ntfn, 0x1);
  const n2 = yield* mint(alloc, ntfn, 0x2);
  const n4 = yield* mint(alloc, ntfn, 0x4);
  yield* println('root: seL4_Signal through caps badged 0x1, 0x4, 0x1');
  yield* L.seL4_Signal(n1);
  yield* L.seL4_Signal(n4);
  yield* L.seL4_Signal(n1);
  yield* L.seL4_Wait(ntfn, badge);
  yield* println(`root: seL4_Wait -> badge 0x${hex(badge.value)} (the OR of every pending badge)`);
  badge.value = 0x999;
  yield* L.seL4_Poll(ntfn, badge);
  yield* println(`root: seL4_Poll -> badge 0x${hex(badge.value)} (nothing pending; the word was consumed)`);

  yield* println('part 2: a signal wakes a thread blocked in seL4_Wait');
  yield* spawn(alloc, waiter as L.ThreadFunction, [ntfn], { priority: 200, name: 'waiter' });
  yield* runOthers();
  yield* println('root: seL4_Signal through the cap badged 0x2');
  yield* L.seL4_Signal(n2);
  yield* println('root: the waiter is runnable but has a lower priority, so the root task goes on');
  yield* runOthers();

  yield* println('part 3: a server receives messages and signals through a bound notification');
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  const bound = yield* alloc.allocObject(L.seL4_NotificationObject);
  const irqA = yield* mint(alloc, bound, 0x1);
  const irqB = yield* mint(alloc, bound, 0x2);
  const irqC = yield* mint(alloc, bound, 0x4);
  const clientEp = yield* mint(alloc, ep, CLIENT_BADGE);
  const srv = yield* spawn(alloc, server as L.ThreadFunction, [ep], { priority: 200, name: 'server' });
  const e = yield* L.seL4_TCB_BindNotification(srv.tcb, bound);
  yield* println(`root: seL4_TCB_BindNotification(server, notification) -> ${e} (${L.seL4_ErrorName(e)})`);
  yield* runOthers();
  yield* println('root: the server is blocked in seL4_Recv on its endpoint; signal 0x1');
  yield* L.seL4_Signal(irqA);
  yield* println('root: signal 0x2 and 0x4 before the server has run: they accumulate in the notification');
  yield* L.seL4_Signal(irqB);
  yield* L.seL4_Signal(irqC);
  yield* println('root: start a client at priority 210, above the server, so that its Call queues before the server runs');
  yield* spawn(alloc, client as L.ThreadFunction, [clientEp], { priority: 210, name: 'client' });
  yield* runOthers();
  yield* println('root: signal 0x4 while the server waits again');
  yield* L.seL4_Signal(irqC);
  yield* runOthers();
  yield* println('notifications: done');
  yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
}
