/*
 * The reference scenario ipc_misc (its C source, c/ipc_misc.c, recorded on the real kernel) written again
 * in TypeScript: Send/Recv/NBSend/NBRecv, cap transfer with and without Grant and unwrapping,
 * notifications (badge OR, Poll), truncation to seL4_MsgMaxLength, Reply without a caller, Yield.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, println, runOthers, startThread } from '@tsel4/sel4utils';
import { check, done, errName } from './common.js';

type Word = number | bigint;
const hex = (v: Word) => v.toString(16);

let ep = 0, epB11 = 0, epNoGrant = 0, ntfn = 0, ntfnB1 = 0, ntfnB4 = 0, recv1 = 0, recv2 = 0, recv3 = 0;

function* show(who: string, what: string, info: L.seL4_MessageInfo_t, badge: Word) {
  yield* println(
    `${who}: ${what} -> label=${L.seL4_MessageInfo_get_label(info)} len=${L.seL4_MessageInfo_get_length(info)} ` +
      `extraCaps=${L.seL4_MessageInfo_get_extraCaps(info)} capsUnwrapped=0x${hex(L.seL4_MessageInfo_get_capsUnwrapped(info))} ` +
      `badge=0x${hex(badge)}`,
  );
}

function* worker() {
  const CNODE = L.seL4_CapInitThreadCNode;
  const wb = L.currentThread().arch.wordBits;
  const badge = { value: 0 as Word };

  let info = yield* L.seL4_Recv(ep, badge);
  yield* show('worker', 'Recv#1', info, badge.value);
  yield* println(`worker: MR0..2 = ${L.seL4_GetMR(0)} ${L.seL4_GetMR(1)} ${L.seL4_GetMR(2)}`);

  badge.value = 0x999;
  info = yield* L.seL4_NBRecv(ep, badge);
  yield* show('worker', 'NBRecv with no sender', info, badge.value);

  L.seL4_SetCapReceivePath(CNODE, recv1, wb);
  info = yield* L.seL4_Recv(ep, badge);
  yield* show('worker', 'Recv cap (sender cap has Grant)', info, badge.value);
  yield* println(`worker: MR0=0x${hex(L.seL4_GetMR(0))} recv1 cap type=${yield* L.seL4_DebugCapIdentify(recv1)}`);
  yield* L.seL4_Signal(recv1);

  L.seL4_SetCapReceivePath(CNODE, recv2, wb);
  info = yield* L.seL4_Recv(ep, badge);
  yield* show('worker', 'Recv cap (sender cap lacks Grant)', info, badge.value);
  yield* println(`worker: recv2 cap type=${yield* L.seL4_DebugCapIdentify(recv2)}`);

  L.seL4_SetCapReceivePath(CNODE, recv3, wb);
  info = yield* L.seL4_Recv(ep, badge);
  yield* show('worker', 'Recv ep cap over same ep', info, badge.value);
  yield* println(`worker: GetBadge(0)=0x${hex(L.seL4_GetBadge(0))} recv3 cap type=${yield* L.seL4_DebugCapIdentify(recv3)}`);

  info = yield* L.seL4_Recv(ep, badge);
  yield* show('worker', 'Recv 127-word message', info, badge.value);
  yield* println(`worker: MR119=${L.seL4_GetMR(119)}`);
  yield* L.seL4_Reply(L.seL4_MessageInfo_new(1, 0, 0, 0));
  yield* println('worker: Reply without caller returned');

  info = yield* L.seL4_Recv(ep, badge);
  yield* show('worker', 'Recv (from Call)', info, badge.value);
  L.seL4_SetMR(0, 0xabc);
  L.seL4_SetMR(1, 0xdef);
  yield* L.seL4_Reply(L.seL4_MessageInfo_new(4, 0, 0, 2));
  yield* println('worker: done');
}

function* yielder(name: number, n: number) {
  for (let i = 0; i < n; i++) {
    yield* println(`yielder ${String.fromCharCode(name)}: ${i}`);
    yield* L.seL4_Yield();
  }
}

export function* ipcMisc() {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const CNODE = L.seL4_CapInitThreadCNode;
  const wb = L.currentThread().arch.wordBits;
  const badge = { value: 0 as Word };
  let info: L.seL4_MessageInfo_t;

  ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  ntfn = yield* alloc.allocObject(L.seL4_NotificationObject);
  epB11 = alloc.allocSlot();
  epNoGrant = alloc.allocSlot();
  ntfnB1 = alloc.allocSlot();
  ntfnB4 = alloc.allocSlot();
  yield* check(yield* L.seL4_CNode_Mint(CNODE, epB11, wb, CNODE, ep, wb, L.seL4_AllRights, 0x11));
  yield* check(yield* L.seL4_CNode_Mint(CNODE, epNoGrant, wb, CNODE, ep, wb, L.seL4_CapRights_new(0, 0, 0, 1), 0x22));
  yield* check(yield* L.seL4_CNode_Mint(CNODE, ntfnB1, wb, CNODE, ntfn, wb, L.seL4_AllRights, 0x1));
  yield* check(yield* L.seL4_CNode_Mint(CNODE, ntfnB4, wb, CNODE, ntfn, wb, L.seL4_AllRights, 0x4));
  recv1 = alloc.allocSlot();
  recv2 = alloc.allocSlot();
  recv3 = alloc.allocSlot();
  yield* println(`root: ep=${ep} ep_b11=${epB11} ep_nogrant=${epNoGrant} ntfn=${ntfn} ntfn_b1=${ntfnB1} ntfn_b4=${ntfnB4}`);

  const rebadge = alloc.allocSlot();
  const e = yield* L.seL4_CNode_Mint(CNODE, rebadge, wb, CNODE, epB11, wb, L.seL4_AllRights, 0x33);
  yield* println(`root: Mint badge 0x33 from already-badged cap -> ${e} (${errName(e)})`);

  const w = yield* createThread(alloc, { priority: 254 });
  yield* startThread(w, worker as L.ThreadFunction, [0, 0, 0]);

  L.seL4_SetMR(0, 99);
  yield* L.seL4_NBSend(epB11, L.seL4_MessageInfo_new(1, 0, 0, 1));
  yield* println('root: NBSend with no receiver waiting returned (message dropped)');

  yield* runOthers();
  L.seL4_SetMR(0, 10);
  L.seL4_SetMR(1, 20);
  L.seL4_SetMR(2, 30);
  yield* L.seL4_Send(epB11, L.seL4_MessageInfo_new(5, 0, 0, 3));
  yield* println('root: Send done (receiver was waiting)');
  yield* runOthers();

  L.seL4_SetCap(0, ntfnB1);
  L.seL4_SetMR(0, 0xaa);
  yield* L.seL4_Send(epB11, L.seL4_MessageInfo_new(6, 0, 1, 1));
  yield* runOthers();

  L.seL4_SetCap(0, ntfnB4);
  yield* L.seL4_Send(epNoGrant, L.seL4_MessageInfo_new(6, 0, 1, 0));
  yield* runOthers();

  L.seL4_SetCap(0, epB11);
  yield* L.seL4_Send(epB11, L.seL4_MessageInfo_new(8, 0, 1, 0));
  yield* runOthers();

  badge.value = 0x999;
  info = yield* L.seL4_Poll(ntfn, badge);
  yield* show('root', 'Poll ntfn (worker signalled via received cap)', info, badge.value);
  badge.value = 0x999;
  info = yield* L.seL4_Poll(ntfn, badge);
  yield* show('root', 'Poll ntfn again (idle)', info, badge.value);
  yield* L.seL4_Signal(ntfnB4);
  yield* L.seL4_Signal(ntfnB1);
  yield* L.seL4_Signal(ntfnB4);
  badge.value = 0x999;
  yield* L.seL4_Wait(ntfn, badge);
  yield* println(`root: Wait ntfn after Signal 4,1,4 -> badge=0x${hex(badge.value)}`);
  badge.value = 0x999;
  info = yield* L.seL4_NBRecv(ep, badge);
  yield* show('root', 'NBRecv on ep with no sender', info, badge.value);

  for (let i = 0; i < L.seL4_MsgMaxLength; i++) L.seL4_SetMR(i, i);
  yield* L.seL4_Send(epB11, L.seL4_MessageInfo_new(10, 0, 0, 127));
  yield* runOthers();

  L.seL4_SetMR(0, 1);
  info = yield* L.seL4_Call(epB11, L.seL4_MessageInfo_new(3, 0, 0, 1));
  yield* show('root', 'Call -> reply', info, 0);
  yield* println(`root: reply MR0=0x${hex(L.seL4_GetMR(0))} MR1=0x${hex(L.seL4_GetMR(1))}`);
  yield* runOthers();

  const ya = yield* createThread(alloc, { priority: 100 });
  const yb = yield* createThread(alloc, { priority: 100 });
  yield* startThread(ya, yielder as L.ThreadFunction, ['A'.charCodeAt(0), 3, 0]);
  yield* startThread(yb, yielder as L.ThreadFunction, ['B'.charCodeAt(0), 3, 0]);
  yield* runOthers();
  yield* println('root: back after yielders');

  yield* done();
}
