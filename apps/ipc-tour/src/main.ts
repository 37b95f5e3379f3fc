/*
 * ipc-tour: seL4's IPC rules one at a time. Each step does something and prints what tsel4 did
 * beside what seL4 does (the "seL4:" lines are written into this file from seL4 16.0.0's sources,
 * its manual and runs on the real kernel, not computed by tsel4), then "same" or "DIFFERENT".
 *
 * 1. messages: label, length and badge; truncation to seL4_MsgMaxLength, and to the message
 *    registers when the receiver has no IPC buffer;
 * 2. capability transfer: with Grant, without Grant, unwrapping of caps to the endpoint the
 *    message travels on, and what happens with two caps and one receive slot;
 * 3. rights: Write to send, Read to receive (else a cap fault), Grant or GrantReply for a reply
 *    cap on Call;
 * 4. every seL4_Error an invocation can return, with the words that come with it.
 *
 * The receiving threads share the root task's address space, so they leave what they saw in
 * module variables for the root task to print, as C threads would in globals.
 */
import * as L from '@tsel4/libsel4';
import { Allocator, createThread, hex, mint, println, runOthers, spawn, startThread } from '@tsel4/sel4utils';

const CNODE = L.seL4_CapInitThreadCNode;
/** seL4_WordBits: the depth that names a slot of the root CNode. */
let WB = 64;
/** The receiver's receive slot (emptied by the root task after every step). */
let RECV = 0;
/** What the receiver saw last, and how many messages it has had. */
let seen = '';
let received = 0;
/** What the reply-cap server found in its caller slot. */
let saved = '';

function capName(tag: number): string {
  const tags = L.CAP_TAGS[L.currentThread().arch.name];
  const name = Object.keys(tags).find((k) => tags[k] === tag);
  return name === 'null_cap' ? 'empty' : (name ?? `cap type ${tag}`);
}

/** Message info, badge and the words as a receiver sees them. */
function describe(info: L.seL4_MessageInfo_t, badge: L.seL4_Word, shownWords = 4): string {
  const len = L.seL4_MessageInfo_get_length(info);
  const unwrapped = L.seL4_MessageInfo_get_capsUnwrapped(info);
  const words: string[] = [];
  for (let i = 0; i < Math.min(len, shownWords); i++) words.push(String(L.seL4_GetMR(i)));
  if (len > shownWords) words.push(`... mr${len - 1}=${L.seL4_GetMR(len - 1)}`);
  const badges: string[] = [];
  for (let i = 0; i < 3; i++) if (unwrapped & (1 << i)) badges.push(`badge${i}=0x${hex(L.seL4_GetBadge(i))}`);
  return (
    `label=${L.seL4_MessageInfo_get_label(info)} length=${len} extraCaps=${L.seL4_MessageInfo_get_extraCaps(info)} ` +
    `capsUnwrapped=0x${unwrapped.toString(16)} badge=0x${hex(badge)}` +
    (words.length > 0 ? ` mr=${words.join(',')}` : '') +
    (badges.length > 0 ? ` ${badges.join(' ')}` : '')
  );
}

/** Receives on `ep` forever, caps into RECV, and records what it saw. */
function* receiver(ep: number) {
  const badge = { value: 0 as L.seL4_Word };
  L.seL4_SetCapReceivePath(CNODE, RECV, WB);
  for (;;) {
    const info = yield* L.seL4_Recv(ep, badge);
    received++;
    seen = describe(info, badge.value);
  }
}

/** Receives on `ep` without an IPC buffer of its own. */
function* bufferless(ep: number) {
  const badge = { value: 0 as L.seL4_Word };
  for (;;) {
    const info = yield* L.seL4_Recv(ep, badge);
    seen = describe(info, badge.value);
  }
}

/** Receives a Call, moves the reply cap out with CNode_SaveCaller, and answers through it. */
function* replier(ep: number, slot: number) {
  const badge = { value: 0 as L.seL4_Word };
  for (;;) {
    yield* L.seL4_Recv(ep, badge);
    const e = yield* L.seL4_CNode_SaveCaller(CNODE, slot, WB);
    const type = yield* L.seL4_DebugCapIdentify(slot);
    saved = `SaveCaller=${e} saved=${capName(type)}`;
    if (type !== 0) {
      L.seL4_SetMR(0, 0x600d);
      yield* L.seL4_Send(slot, L.seL4_MessageInfo_new(0, 0, 0, 1));
    }
  }
}

/** Makes one Call through `ep` and prints the reply (if one ever comes). */
function* caller(ep: number) {
  L.seL4_SetMR(0, 1);
  const info = yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(3, 0, 0, 1));
  yield* println(`   caller: reply label=${L.seL4_MessageInfo_get_label(info)} mr0=0x${hex(L.seL4_GetMR(0))}`);
}

/** Receives on an endpoint cap that lacks Read: a cap fault. */
function* badReceiver(ep: number) {
  yield* L.seL4_Recv(ep, null);
}

/** Print tsel4's result under seL4's and say whether they agree. */
function* compare(got: string, want: string): L.Syscall<void> {
  yield* println(`   tsel4: ${got}`);
  yield* println(`   seL4:  ${want}   (${got === want ? 'same' : 'DIFFERENT'})`);
}

/** After a send: let the receiver run, then compare what it saw (and its receive slot). */
function* observe(want: string): L.Syscall<void> {
  yield* runOthers();
  const type = yield* L.seL4_DebugCapIdentify(RECV);
  yield* compare(`${seen} slot=${capName(type)}`, want);
  if (type !== 0) yield* L.seL4_CNode_Delete(CNODE, RECV, WB);
}

function errorWords(e: number, n: number): string {
  const words = Array.from({ length: n }, (_, i) => L.seL4_GetMR(i));
  return `${e} ${L.seL4_ErrorName(e)}${n > 0 && e !== 0 ? ` mr=${words.join(',')}` : ''}`;
}

function* error(what: string, e: number, words: number, want: string): L.Syscall<void> {
  yield* println(`   ${what}`);
  yield* compare(errorWords(e, e === 0 ? 0 : words), want);
}

export default function* ipcTour(): Generator<L.TrapToken, void, unknown> {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  WB = L.currentThread().arch.wordBits;
  seen = '';
  saved = '';
  received = 0;
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  const ntfn = yield* alloc.allocObject(L.seL4_NotificationObject);
  const ntfn2 = yield* alloc.allocObject(L.seL4_NotificationObject);
  const ep11 = yield* mint(alloc, ep, 0x11);
  const ep33 = yield* mint(alloc, ep, 0x33);
  const ep22NoGrant = yield* mint(alloc, ep, 0x22, L.seL4_CanWrite);
  RECV = alloc.allocSlot();
  yield* spawn(alloc, receiver as L.ThreadFunction, [ep], { priority: 200, name: 'receiver' });
  yield* runOthers();
  yield* println('ipc-tour: each step shows what tsel4 did, then what seL4 16.0.0 does');

  yield* println('1. messages');
  yield* println(' 1a. seL4_Send label 5 with 3 words through a cap badged 0x11');
  L.seL4_SetMR(0, 10);
  L.seL4_SetMR(1, 20);
  L.seL4_SetMR(2, 30);
  yield* L.seL4_Send(ep11, L.seL4_MessageInfo_new(5, 0, 0, 3));
  yield* observe('label=5 length=3 extraCaps=0 capsUnwrapped=0x0 badge=0x11 mr=10,20,30 slot=empty');

  yield* println(' 1b. a length of 127 words: the kernel clamps it to seL4_MsgMaxLength (120)');
  for (let i = 0; i < 120; i++) L.seL4_SetMR(i, i);
  yield* L.seL4_Send(ep11, L.seL4_MessageInfo_new(10, 0, 0, 127));
  yield* observe('label=10 length=120 extraCaps=0 capsUnwrapped=0x0 badge=0x11 mr=0,1,2,3,... mr119=119 slot=empty');

  yield* println(' 1c. 6 words to a thread with no IPC buffer: only the message registers arrive');
  const ep3 = yield* alloc.allocObject(L.seL4_EndpointObject);
  yield* spawn(alloc, bufferless as L.ThreadFunction, [ep3], { priority: 200, name: 'bufferless', ipcBuffer: false });
  yield* runOthers();
  for (let i = 0; i < 6; i++) L.seL4_SetMR(i, i + 1);
  yield* L.seL4_Send(ep3, L.seL4_MessageInfo_new(2, 0, 0, 6));
  yield* runOthers();
  yield* compare(seen, 'label=2 length=4 extraCaps=0 capsUnwrapped=0x0 badge=0x0 mr=1,2,3,4');

  yield* println('2. capability transfer (the receiver names an empty receive slot)');
  yield* println(' 2a. a notification cap through an endpoint cap with Grant');
  L.seL4_SetMR(0, 0xaa);
  L.seL4_SetCap(0, ntfn);
  yield* L.seL4_Send(ep11, L.seL4_MessageInfo_new(6, 0, 1, 1));
  yield* observe('label=6 length=1 extraCaps=1 capsUnwrapped=0x0 badge=0x11 mr=170 slot=notification_cap');

  yield* println(' 2b. the same through a cap without Grant: the words arrive, the cap does not');
  L.seL4_SetCap(0, ntfn);
  yield* L.seL4_Send(ep22NoGrant, L.seL4_MessageInfo_new(6, 0, 1, 1));
  yield* observe('label=6 length=1 extraCaps=0 capsUnwrapped=0x0 badge=0x22 mr=170 slot=empty');

  yield* println(' 2c. a cap to the endpoint the message travels on is unwrapped: its badge arrives instead');
  L.seL4_SetCap(0, ep11);
  yield* L.seL4_Send(ep11, L.seL4_MessageInfo_new(8, 0, 1, 0));
  yield* observe('label=8 length=0 extraCaps=1 capsUnwrapped=0x1 badge=0x11 badge0=0x11 slot=empty');

  yield* println(' 2d. without Grant there is no unwrapping either');
  L.seL4_SetCap(0, ep11);
  yield* L.seL4_Send(ep22NoGrant, L.seL4_MessageInfo_new(8, 0, 1, 0));
  yield* observe('label=8 length=0 extraCaps=0 capsUnwrapped=0x0 badge=0x22 slot=empty');

  yield* println(' 2e. [notification, endpoint cap badged 0x33]: the first is stored, the second unwrapped');
  L.seL4_SetCap(0, ntfn);
  L.seL4_SetCap(1, ep33);
  yield* L.seL4_Send(ep11, L.seL4_MessageInfo_new(9, 0, 2, 0));
  yield* observe('label=9 length=0 extraCaps=2 capsUnwrapped=0x2 badge=0x11 badge1=0x33 slot=notification_cap');

  yield* println(' 2f. [notification, notification]: one receive slot, so the transfer stops after the first');
  L.seL4_SetCap(0, ntfn);
  L.seL4_SetCap(1, ntfn2);
  yield* L.seL4_Send(ep11, L.seL4_MessageInfo_new(9, 0, 2, 0));
  yield* observe('label=9 length=0 extraCaps=1 capsUnwrapped=0x0 badge=0x11 slot=notification_cap');

  yield* println('3. rights');
  const epReadOnly = yield* mint(alloc, ep, 0x44, L.seL4_CanRead);
  yield* println(' 3a. seL4_Call through an endpoint cap without Write: an InvalidCapability error reply');
  L.seL4_SetMR(0, 5);
  const info = yield* L.seL4_Call(epReadOnly, L.seL4_MessageInfo_new(1, 0, 0, 1));
  yield* compare(
    `label=${L.seL4_MessageInfo_get_label(info)} length=${L.seL4_MessageInfo_get_length(info)} mr0=${L.seL4_GetMR(0)}`,
    'label=2 length=1 mr0=0',
  );

  yield* println(' 3b. seL4_Send through it: nothing happens and nothing is reported');
  const before = received;
  yield* L.seL4_Send(epReadOnly, L.seL4_MessageInfo_new(1, 0, 0, 0));
  yield* runOthers();
  yield* compare(`messages delivered=${received - before}`, 'messages delivered=0');

  yield* println(' 3c. seL4_Recv through an endpoint cap without Read: a cap fault to the fault handler');
  const faultEp = yield* alloc.allocObject(L.seL4_EndpointObject);
  const faultEpBadged = yield* mint(alloc, faultEp, 0xf);
  const epWriteOnly = yield* mint(alloc, ep, 0x55, L.seL4_CanWrite);
  yield* spawn(alloc, badReceiver as L.ThreadFunction, [epWriteOnly], { priority: 200, name: 'bad receiver', faultEp: faultEpBadged });
  const fbadge = { value: 0 as L.seL4_Word };
  const finfo = yield* L.seL4_Recv(faultEp, fbadge);
  const addr = L.seL4_GetMR(L.seL4_CapFault_Addr);
  yield* compare(
    `label=${L.seL4_MessageInfo_get_label(finfo)} (${L.faultName(L.seL4_MessageInfo_get_label(finfo))}) length=${L.seL4_MessageInfo_get_length(finfo)} ` +
      `badge=0x${hex(fbadge.value)} addr=${addr === epWriteOnly ? 'the cptr' : addr} inRecvPhase=${L.seL4_GetMR(L.seL4_CapFault_InRecvPhase)} ` +
      `lookupFailureType=${L.seL4_GetMR(L.seL4_CapFault_LookupFailureType)} bitsLeft=${L.seL4_GetMR(L.seL4_CapFault_BitsLeft)}`,
    'label=1 (seL4_Fault_CapFault) length=5 badge=0xf addr=the cptr inRecvPhase=1 lookupFailureType=2 bitsLeft=0',
  );

  yield* println(' 3d. seL4_Call through a cap with Write only: delivered, but no reply cap (the caller is left Inactive)');
  const ep4 = yield* alloc.allocObject(L.seL4_EndpointObject);
  const savedSlot = alloc.allocSlot();
  yield* spawn(alloc, replier as L.ThreadFunction, [ep4, savedSlot], { priority: 200, name: 'replier' });
  const ep4Write = yield* mint(alloc, ep4, 0x66, L.seL4_CanWrite);
  const ep4GrantReply = yield* mint(alloc, ep4, 0x77, L.seL4_CapRights_new(1, 0, 0, 1));
  yield* runOthers();
  yield* spawn(alloc, caller as L.ThreadFunction, [ep4Write], { priority: 100, name: 'caller 1' });
  yield* runOthers();
  yield* compare(saved, 'SaveCaller=0 saved=empty');
  yield* println(' 3e. the same with Write and GrantReply: the server saves the reply cap and answers through it');
  yield* spawn(alloc, caller as L.ThreadFunction, [ep4GrantReply], { priority: 100, name: 'caller 2' });
  yield* runOthers();
  yield* compare(saved, 'SaveCaller=0 saved=reply_cap');

  yield* println('4. errors: the label of the kernel\'s reply to an invocation, and its words');
  const wb = WB;
  const ut = yield* alloc.allocObject(L.seL4_UntypedObject, 12);
  const free = alloc.allocSlot();
  const page = L.smallPageObject(L.currentThread().arch.name);
  yield* error('seL4_Untyped_Retype to object type 99', yield* L.seL4_Untyped_Retype(ut, 99, 0, CNODE, 0, 0, free, 1), 1, '1 seL4_InvalidArgument mr=0');
  const empty = alloc.allocSlot();
  yield* error('seL4_TCB_Suspend on an empty slot', yield* L.seL4_TCB_Suspend(empty), 1, '2 seL4_InvalidCapability mr=0');
  yield* error(
    'seL4_CNode_Mint with a badge from an already badged endpoint cap',
    yield* L.seL4_CNode_Mint(CNODE, free, wb, CNODE, ep11, wb, L.seL4_AllRights, 0x99),
    0,
    '3 seL4_IllegalOperation',
  );
  yield* error('seL4_Untyped_Retype of 0 objects', yield* L.seL4_Untyped_Retype(ut, L.seL4_EndpointObject, 0, CNODE, 0, 0, free, 0), 2, '4 seL4_RangeError mr=1,256');
  const tcb = yield* createThread(alloc, { ipcBuffer: false });
  const frame = yield* alloc.allocFrame();
  yield* error('seL4_TCB_SetIPCBuffer at an address that is not 1 KiB aligned', yield* L.seL4_TCB_SetIPCBuffer(tcb.tcb, 0x10000008, frame), 0, '5 seL4_AlignmentError');
  yield* error(
    'seL4_CNode_Copy from an empty slot (the source lookup fails: MissingCapability, 64 bits left)',
    yield* L.seL4_CNode_Copy(CNODE, free, wb, CNODE, empty, wb, L.seL4_AllRights),
    3,
    `6 seL4_FailedLookup mr=1,2,${wb}`,
  );
  yield* println('   seL4_Call to the root CNode with label CNodeCopy and 1 word');
  L.seL4_SetMR(0, free);
  const t = yield* L.seL4_Call(CNODE, L.seL4_MessageInfo_new(L.invocationLabel(L.currentThread().arch.name, 'CNodeCopy'), 0, 0, 1));
  yield* compare(errorWords(L.seL4_MessageInfo_get_label(t), 0), '7 seL4_TruncatedMessage');
  yield* error('seL4_CNode_Copy into an occupied slot', yield* L.seL4_CNode_Copy(CNODE, ep11, wb, CNODE, ep, wb, L.seL4_AllRights), 0, '8 seL4_DeleteFirst');
  yield* error('seL4_Untyped_Retype of two 4 KiB frames from a 4 KiB untyped', yield* L.seL4_Untyped_Retype(ut, page, 0, CNODE, 0, 0, free, 2), 1, '10 seL4_NotEnoughMemory mr=4096');
  yield* error('seL4_Untyped_Retype of one endpoint from it', yield* L.seL4_Untyped_Retype(ut, L.seL4_EndpointObject, 0, CNODE, 0, 0, free, 1), 0, '0 seL4_NoError');
  const copy = alloc.allocSlot();
  yield* error('seL4_CNode_Copy of that untyped, which now has a child', yield* L.seL4_CNode_Copy(CNODE, copy, wb, CNODE, ut, wb, L.seL4_AllRights), 0, '9 seL4_RevokeFirst');

  yield* println('ipc-tour: done');
  yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
}
