/*
 * The reference scenario pingpong (its C source, c/pingpong.c, recorded on the real kernel) written again
 * in TypeScript against the libsel4 API and sel4utils, line for line: a server answering badged
 * Calls with ReplyRecv, then Send/NBSend/Call on an empty slot, a cap fault on a cptr outside the
 * root CNode, DeleteFirst from CNode_Copy and NotEnoughMemory from Untyped_Retype.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, println, startThread } from '@tsel4/sel4utils';
import { check, done, errName } from './common.js';

function* server(ep: number) {
  const badge = { value: 0 as number | bigint };
  let info = yield* L.seL4_Recv(ep, badge);
  for (;;) {
    const mr0 = L.seL4_GetMR(0);
    yield* println(
      `server: got label=${L.seL4_MessageInfo_get_label(info)} len=${L.seL4_MessageInfo_get_length(info)} ` +
        `extraCaps=${L.seL4_MessageInfo_get_extraCaps(info)} capsUnwrapped=${L.seL4_MessageInfo_get_capsUnwrapped(info)} ` +
        `mr0=${mr0} badge=0x${badge.value.toString(16)}`,
    );
    L.seL4_SetMR(0, mr0 * 2);
    L.seL4_SetMR(1, badge.value);
    info = yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(9, 0, 0, 2), badge);
  }
}

function* faulter(emptySlot: number, badCptr: number) {
  yield* println(`faulter: seL4_NBSend on empty slot ${emptySlot}`);
  yield* L.seL4_NBSend(emptySlot, L.seL4_MessageInfo_new(1, 0, 0, 0));
  yield* println('faulter: NBSend returned (nothing reported)');

  yield* println(`faulter: seL4_Send on empty slot ${emptySlot}`);
  yield* L.seL4_Send(emptySlot, L.seL4_MessageInfo_new(1, 0, 0, 0));
  yield* println('faulter: Send returned (nothing reported)');

  yield* println(`faulter: seL4_Call on empty slot ${emptySlot}`);
  L.seL4_SetMR(0, 0x1234);
  let info = yield* L.seL4_Call(emptySlot, L.seL4_MessageInfo_new(1, 0, 0, 1));
  const label = L.seL4_MessageInfo_get_label(info);
  yield* println(
    `faulter: Call(empty) returned label=${label} (${errName(label)}) len=${L.seL4_MessageInfo_get_length(info)} mr0=${L.seL4_GetMR(0)}`,
  );

  yield* println(`faulter: seL4_Call on cptr 0x${badCptr.toString(16)} (outside the root CNode -> lookup failure)`);
  info = yield* L.seL4_Call(badCptr, L.seL4_MessageInfo_new(1, 0, 0, 1));
  yield* println(`faulter: Call(bad) returned label=${L.seL4_MessageInfo_get_label(info)} len=${L.seL4_MessageInfo_get_length(info)}`);
}

export function* pingpong() {
  const bi = L.seL4_GetBootInfo();
  const alloc = new Allocator(bi);
  const wb = L.currentThread().arch.wordBits;
  const CNODE = L.seL4_CapInitThreadCNode;
  yield* println(
    `pingpong: root task up, empty slots [${bi.empty.start}..${bi.empty.end}), untypeds ${bi.untyped.end - bi.untyped.start}`,
  );

  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  const epBadged = alloc.allocSlot();
  yield* check(yield* L.seL4_CNode_Mint(CNODE, epBadged, wb, CNODE, ep, wb, L.seL4_AllRights, 0x42));
  yield* println(`ep=${ep} ep_badged=${epBadged}`);

  const srv = yield* createThread(alloc, { priority: 254 });
  yield* startThread(srv, server as L.ThreadFunction, [ep, 0, 0]);
  yield* check(yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 253));
  yield* check(yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 255));

  for (let i = 1; i <= 3; i++) {
    L.seL4_SetMR(0, i);
    const reply = yield* L.seL4_Call(epBadged, L.seL4_MessageInfo_new(7, 0, 0, 1));
    yield* println(
      `client: call ${i} -> reply label=${L.seL4_MessageInfo_get_label(reply)} len=${L.seL4_MessageInfo_get_length(reply)} ` +
        `mr0=${L.seL4_GetMR(0)} server_saw_badge=0x${L.seL4_GetMR(1).toString(16)}`,
    );
  }

  const faultEpBadged = alloc.allocSlot();
  const faultEp = yield* alloc.allocObject(L.seL4_EndpointObject);
  yield* check(yield* L.seL4_CNode_Mint(CNODE, faultEpBadged, wb, CNODE, faultEp, wb, L.seL4_AllRights, 0xf));
  const empty = alloc.allocSlot();
  const flt = yield* createThread(alloc, { priority: 254, faultEp: faultEpBadged });
  yield* startThread(flt, faulter as L.ThreadFunction, [empty, 0x10000, 0]);
  const fbadge = { value: 0 as number | bigint };
  const finfo = yield* L.seL4_Recv(faultEp, fbadge);
  yield* println(
    `root: fault msg label=${L.seL4_MessageInfo_get_label(finfo)} (seL4_Fault_CapFault=${L.seL4_Fault_CapFault}) ` +
      `len=${L.seL4_MessageInfo_get_length(finfo)} badge=0x${fbadge.value.toString(16)}`,
  );
  yield* println(
    `root: fault addr(cptr)=${L.seL4_GetMR(L.seL4_CapFault_Addr)} inRecvPhase=${L.seL4_GetMR(L.seL4_CapFault_InRecvPhase)} ` +
      `lookupFailureType=${L.seL4_GetMR(L.seL4_CapFault_LookupFailureType)} bitsLeft=${L.seL4_GetMR(L.seL4_CapFault_BitsLeft)} ` +
      `mr5=${L.seL4_GetMR(5)} mr6=${L.seL4_GetMR(6)}`,
  );

  let e = yield* L.seL4_CNode_Copy(CNODE, epBadged, wb, CNODE, ep, wb, L.seL4_AllRights);
  yield* println(`root: CNode_Copy into occupied slot -> ${e} (${errName(e)})`);

  const smallUt = yield* alloc.allocObject(L.seL4_UntypedObject, 12);
  const dst = alloc.allocSlot();
  alloc.allocSlot();
  const page = L.smallPageObject(L.currentThread().arch.name);
  e = yield* L.seL4_Untyped_Retype(smallUt, page, 0, CNODE, 0, 0, dst, 2);
  yield* println(`root: retype 2x4K from 4K untyped -> ${e} (${errName(e)}) mr0=${L.seL4_GetMR(0)}`);
  e = yield* L.seL4_Untyped_Retype(smallUt, page, 0, CNODE, 0, 0, dst, 1);
  yield* println(`root: retype 1x4K from same untyped -> ${e} (${errName(e)})`);
  e = yield* L.seL4_Untyped_Retype(smallUt, L.seL4_EndpointObject, 0, CNODE, 0, 0, dst + 1, 1);
  yield* println(`root: retype endpoint from now-full untyped -> ${e} (${errName(e)}) mr0=${L.seL4_GetMR(0)}`);

  yield* done();
}
