/*
 * The IPC protocol (digest 3.2-3.7, Appendix A 1-3, 7, 11): message registers and truncation,
 * badges, cap transfer with Grant, unwrapping, the receive slot, re-lookup at receive time, a bad
 * extra-cap cptr faulting the sender, Call without Grant/GrantReply, reply caps in the caller slot,
 * SaveCaller and the reply cap's Grant.
 */
import * as L from '@tsel4/libsel4';
import { copy, createThread, mint, runOthers, startThread } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Gen, info, queueOf, type RootCtx, scenario, stateOf, tag, thread, wordBits } from './harness.js';

const CNODE = L.seL4_CapInitThreadCNode;
const R_ONLY = L.seL4_CapRights_new(0, 0, 1, 0);
const W_ONLY = L.seL4_CapRights_new(0, 0, 0, 1);
const W_GRANTREPLY = L.seL4_CapRights_new(1, 0, 0, 1);
const RW = L.seL4_CapRights_new(0, 0, 1, 1);

function* retypeEp(c: RootCtx): Gen<number> {
  return yield* c.alloc.allocObject(L.seL4_EndpointObject);
}

describe('message registers', () => {
  for (const board of ['pc99', 'qemu-arm-virt', 'qemu-riscv-virt'] as const) {
    it(`${board}: a full message through both IPC buffers, 4 words when either side has none`, () => {
      const s = scenario(
        function* (c: RootCtx) {
          const ep = yield* retypeEp(c);
          const recv = function* (name: number) {
            const n = String.fromCharCode(name);
            for (;;) {
              for (let i = 0; i < 10; i++) L.seL4_SetMR(i, 1000 + i);
              const i = yield* L.seL4_Recv(ep);
              c.ev(`${n}: ${tag(i)} mr3=${L.seL4_GetMR(3)} mr4=${L.seL4_GetMR(4)} mr9=${L.seL4_GetMR(9)}`);
            }
          };
          const send = function* () {
            for (let i = 0; i < 10; i++) L.seL4_SetMR(i, i);
            yield* L.seL4_Send(ep, info(1, 0, 0, 10));
          };
          yield* thread(c, 'buf', recv, [66]);
          yield* runOthers();
          // root (with an IPC buffer) to a receiver with one: all 10 words
          for (let i = 0; i < 10; i++) L.seL4_SetMR(i, i);
          yield* L.seL4_Send(ep, info(1, 0, 0, 10));
          yield* runOthers();
          // a sender without an IPC buffer: the register words only
          yield* thread(c, 'nobuf-sender', send, [], { ipcBuffer: false });
          yield* runOthers();
        },
        { board },
      );
      expect(s.events).toEqual([
        'B: label=1 len=10 extraCaps=0 capsUnwrapped=0 mr3=3 mr4=4 mr9=9',
        // MRs beyond what was transferred keep the receiver's own values
        'B: label=1 len=4 extraCaps=0 capsUnwrapped=0 mr3=3 mr4=1004 mr9=1009',
      ]);
    });
  }

  it('a receiver without an IPC buffer is told length 4 (Appendix B 8)', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      yield* thread(c, 'nobuf', function* () {
        const i = yield* L.seL4_Recv(ep);
        c.ev(`nobuf: ${tag(i)}`);
      }, [], { ipcBuffer: false });
      yield* runOthers();
      yield* L.seL4_Send(ep, info(3, 0, 0, 9));
      yield* runOthers();
    });
    expect(s.events).toEqual(['nobuf: label=3 len=4 extraCaps=0 capsUnwrapped=0']);
  });

  it('a length above seL4_MsgMaxLength is clamped to 120', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      yield* thread(c, 'r', function* () {
        const i = yield* L.seL4_Recv(ep);
        c.ev(`${tag(i)} mr119=${L.seL4_GetMR(119)}`);
      });
      yield* runOthers();
      for (let i = 0; i < 120; i++) L.seL4_SetMR(i, i * 3);
      yield* L.seL4_Send(ep, info(0, 0, 0, 127));
      yield* runOthers();
    });
    expect(s.events).toEqual(['label=0 len=120 extraCaps=0 capsUnwrapped=0 mr119=357']);
  });

  it('badges and message words carry all 64 bits', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const badged = yield* mint(c.alloc, ep, 0xfedc_ba98_7654_3210n);
      yield* thread(c, 'r', function* () {
        const b = { value: 0 as number | bigint };
        yield* L.seL4_Recv(ep, b);
        c.ev(`badge=${BigInt(b.value).toString(16)} mr0=${L.seL4_GetMR_big(0).toString(16)} mr5=${L.seL4_GetMR_big(5).toString(16)}`);
      });
      yield* runOthers();
      L.seL4_SetMR(0, 0xffff_ffff_ffff_fffen);
      L.seL4_SetMR(5, 0x8000_0000_0000_0001n);
      yield* L.seL4_Send(badged, info(0, 0, 0, 6));
      yield* runOthers();
    });
    expect(s.events).toEqual(['badge=fedcba9876543210 mr0=fffffffffffffffe mr5=8000000000000001']);
  });
});

describe('capability transfer', () => {
  const NTFN_TAG = 6;

  it('[real, same-endpoint] -> one stored, one unwrapped: extraCaps 2, capsUnwrapped 0b10', () => {
    let slotCaps = '';
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const epB = yield* mint(c.alloc, ep, 0x55);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const recvSlot = c.alloc.allocSlot();
      yield* thread(c, 'r', function* () {
        L.seL4_SetCapReceivePath(CNODE, recvSlot, wordBits());
        const i = yield* L.seL4_Recv(ep);
        c.ev(`${tag(i)} badge1=0x${L.seL4_GetBadge(1).toString(16)}`);
        slotCaps = `slot=${yield* L.seL4_DebugCapIdentify(recvSlot)}`;
      });
      yield* runOthers();
      L.seL4_SetCap(0, n);
      L.seL4_SetCap(1, epB);
      yield* L.seL4_Send(epB, info(7, 0, 2, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['label=7 len=0 extraCaps=2 capsUnwrapped=2 badge1=0x55']);
    expect(slotCaps).toBe(`slot=${NTFN_TAG}`);
  });

  it('[real, real] -> the first stored, the transfer stops at the second: extraCaps 1', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const n1 = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const n2 = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const recvSlot = c.alloc.allocSlot();
      yield* thread(c, 'r', function* () {
        L.seL4_SetCapReceivePath(CNODE, recvSlot, wordBits());
        const i = yield* L.seL4_Recv(ep);
        c.ev(`${tag(i)} slot=${yield* L.seL4_DebugCapIdentify(recvSlot)}`);
      });
      yield* runOthers();
      L.seL4_SetCap(0, n1);
      L.seL4_SetCap(1, n2);
      yield* L.seL4_Send(ep, info(7, 0, 2, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual([`label=7 len=0 extraCaps=1 capsUnwrapped=0 slot=${NTFN_TAG}`]);
  });

  it('without Grant neither transfer nor unwrapping happens (Appendix A 3)', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const noGrant = yield* mint(c.alloc, ep, 0x9, RW);
      const recvSlot = c.alloc.allocSlot();
      yield* thread(c, 'r', function* () {
        L.seL4_SetCapReceivePath(CNODE, recvSlot, wordBits());
        const i = yield* L.seL4_Recv(ep);
        c.ev(`${tag(i)} slot=${yield* L.seL4_DebugCapIdentify(recvSlot)}`);
      });
      yield* runOthers();
      L.seL4_SetCap(0, noGrant);
      yield* L.seL4_Send(noGrant, info(7, 0, 1, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['label=7 len=0 extraCaps=0 capsUnwrapped=0 slot=0']);
  });

  it('an occupied receive slot stores nothing but still unwraps', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const epB = yield* mint(c.alloc, ep, 0x77);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      yield* thread(c, 'r', function* () {
        L.seL4_SetCapReceivePath(CNODE, ep, wordBits()); // occupied by the endpoint cap itself
        let i = yield* L.seL4_Recv(ep);
        c.ev(`real first: ${tag(i)}`);
        i = yield* L.seL4_Recv(ep);
        c.ev(`unwrap first: ${tag(i)} badge0=0x${L.seL4_GetBadge(0).toString(16)}`);
      });
      yield* runOthers();
      L.seL4_SetCap(0, n);
      L.seL4_SetCap(1, epB);
      yield* L.seL4_Send(ep, info(1, 0, 2, 0));
      L.seL4_SetCap(0, epB);
      L.seL4_SetCap(1, n);
      yield* L.seL4_Send(ep, info(2, 0, 2, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual([
      'real first: label=1 len=0 extraCaps=0 capsUnwrapped=0',
      'unwrap first: label=2 len=0 extraCaps=1 capsUnwrapped=1 badge0=0x77',
    ]);
  });

  it('a receiver without an IPC buffer gets no caps', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      yield* thread(c, 'r', function* () {
        const i = yield* L.seL4_Recv(ep);
        c.ev(tag(i));
      }, [], { ipcBuffer: false });
      yield* runOthers();
      L.seL4_SetCap(0, n);
      yield* L.seL4_Send(ep, info(1, 0, 1, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['label=1 len=0 extraCaps=0 capsUnwrapped=0']);
  });

  it('caps are looked up again at receive time: a deleted one stops the transfer there (Appendix B 6)', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const epB = yield* mint(c.alloc, ep, 0x31);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const n2 = yield* copy(c.alloc, n);
      const recvSlot = c.alloc.allocSlot();
      // the sender blocks (nobody waits), then its second cap is deleted before the receive
      yield* thread(c, 'sender', function* () {
        L.seL4_SetCap(0, epB);
        L.seL4_SetCap(1, n2);
        L.seL4_SetCap(2, epB);
        yield* L.seL4_Send(ep, info(4, 0, 3, 0));
      });
      yield* runOthers();
      c.ev(`queued: ${queueOf(c.m(), ep).join(',')}`);
      yield* L.seL4_CNode_Delete(CNODE, n2, wordBits());
      L.seL4_SetCapReceivePath(CNODE, recvSlot, wordBits());
      const i = yield* L.seL4_Recv(ep);
      c.ev(`${tag(i)} badge0=0x${L.seL4_GetBadge(0).toString(16)} slot=${yield* L.seL4_DebugCapIdentify(recvSlot)}`);
    });
    expect(s.events).toEqual(['queued: sender', 'label=4 len=0 extraCaps=1 capsUnwrapped=1 badge0=0x31 slot=0']);
  });

  it('caps that no longer resolve at receive time: none are transferred, not a partial transfer (Appendix A 2)', () => {
    const s = scenario(function* (c: RootCtx) {
      const wb = wordBits();
      const ep = yield* retypeEp(c);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const small = yield* c.alloc.allocObject(L.seL4_CapTableObject, 4);
      // slot 5 of the small CNode holds a notification cap: cptr 5 resolves there, cptr n (>= 16) not
      let e = yield* L.seL4_CNode_Copy(small, 5, 4, CNODE, n, wb, L.seL4_AllRights);
      const recvSlot = c.alloc.allocSlot();
      const sender = yield* thread(c, 'sender', function* () {
        L.seL4_SetCap(0, 5);
        L.seL4_SetCap(1, n);
        yield* L.seL4_Send(ep, info(4, 0, 2, 0));
      }, [], { onReturn: 'fault' });
      yield* runOthers();
      // move the blocked sender into the small CNode (guard 0 of wb-4 bits): cptr 5 resolves, n does not
      e ||= yield* L.seL4_TCB_SetSpace(sender, 0, small, L.seL4_CNode_CapData_new(0, wb - 4).words[0], L.seL4_CapInitThreadVSpace, 0);
      c.ev(`setup ${e}`);
      L.seL4_SetCapReceivePath(CNODE, recvSlot, wb);
      const i = yield* L.seL4_Recv(ep);
      c.ev(`${tag(i)} slot=${yield* L.seL4_DebugCapIdentify(recvSlot)}`);
    });
    expect(s.events).toEqual(['setup 0', 'label=4 len=0 extraCaps=0 capsUnwrapped=0 slot=0']);
  });

  it('a bad extra-cap cptr at send time is a cap fault for the sender, not an error (Appendix A 1)', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* retypeEp(c);
      const faultEp = yield* retypeEp(c);
      const sender = yield* thread(c, 'sender', function* () {
        L.seL4_SetCap(0, 0x10000);
        yield* L.seL4_Send(ep, info(4, 0, 1, 0));
        c.ev('sender: resumed');
      }, [], { faultEp });
      const b = { value: 0 as number | bigint };
      const i = yield* L.seL4_Recv(faultEp, b);
      const w = (k: number) => L.seL4_GetMR(k);
      c.ev(`fault ${tag(i)} addr=0x${w(L.seL4_CapFault_Addr).toString(16)} inRecv=${w(L.seL4_CapFault_InRecvPhase)} type=${w(L.seL4_CapFault_LookupFailureType)} bitsLeft=${w(L.seL4_CapFault_BitsLeft)} found=${w(5)} size=${w(6)}`);
      c.ev(`ep queue: [${queueOf(c.m(), ep).join(',')}] sender ${stateOf(c.m(), sender)}`);
    });
    expect(s.events).toEqual([
      'fault label=1 len=7 extraCaps=0 capsUnwrapped=0 addr=0x10000 inRecv=0 type=4 bitsLeft=64 found=0 size=52',
      'ep queue: [] sender BlockedOnReply',
    ]);
  });
});
