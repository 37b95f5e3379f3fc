/*
 * The endpoint protocol beyond plain transfer (digest 3.2, 3.3, 3.6, 3.7): rights on Send/Call/
 * Recv, NBSend/NBRecv in each endpoint state, Call through a cap without Grant/GrantReply, the
 * one-shot reply cap in the caller slot, Recv dropping an unanswered one, SaveCaller and the saved
 * reply cap's Grant.
 */
import * as L from '@tsel4/libsel4';
import { copy, mint, runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Gen, info, queueOf, type RootCtx, scenario, stateOf, tag, thread, wordBits } from './harness.js';

const CNODE = L.seL4_CapInitThreadCNode;
const R_ONLY = L.seL4_CapRights_new(0, 0, 1, 0);
const W_ONLY = L.seL4_CapRights_new(0, 0, 0, 1);
const RW = L.seL4_CapRights_new(0, 0, 1, 1);
const W_GRANTREPLY = L.seL4_CapRights_new(1, 0, 0, 1);
const NTFN_TAG = 6;

function* ep(c: RootCtx): Gen<number> {
  return yield* c.alloc.allocObject(L.seL4_EndpointObject);
}

describe('rights on endpoint caps (digest 3.6)', () => {
  it('Send/NBSend without Write do nothing; Call without Write gets InvalidCapability (cap 0)', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const ro = yield* copy(c.alloc, e, R_ONLY);
      yield* thread(c, 'r', function* () {
        for (;;) {
          const i = yield* L.seL4_Recv(e);
          c.ev(`r: ${tag(i)}`);
        }
      });
      yield* runOthers();
      yield* L.seL4_Send(ro, info(1, 0, 0, 0));
      yield* L.seL4_NBSend(ro, info(2, 0, 0, 0));
      yield* runOthers();
      L.seL4_SetMR(0, 0x1234);
      const i = yield* L.seL4_Call(ro, info(3, 0, 0, 1));
      c.ev(`call: ${tag(i)} mr0=${L.seL4_GetMR(0)}`);
    });
    expect(s.events).toEqual(['call: label=2 len=1 extraCaps=0 capsUnwrapped=0 mr0=0']);
  });

  it('Recv without Read is a cap fault in the receive phase', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const wo = yield* copy(c.alloc, e, W_ONLY);
      const fep = yield* ep(c);
      yield* thread(c, 'r', function* () {
        yield* L.seL4_Recv(wo);
      }, [], { faultEp: fep });
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} addr=${L.seL4_GetMR(1) === wo ? 'wo' : L.seL4_GetMR(1)} inRecv=${L.seL4_GetMR(2)} type=${L.seL4_GetMR(3)} bitsLeft=${L.seL4_GetMR(4)}`);
    });
    // seL4: a cap that is not a readable endpoint/notification gives MissingCapability (2), bitsLeft 0
    expect(s.events).toEqual(['label=1 len=5 extraCaps=0 capsUnwrapped=0 addr=wo inRecv=1 type=2 bitsLeft=0']);
  });
});

describe('NBSend and NBRecv', () => {
  it('NBSend with nobody waiting drops the message; NBRecv with a sender queued takes it', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const b11 = yield* mint(c.alloc, e, 0x11);
      yield* L.seL4_NBSend(b11, info(1, 0, 0, 0));
      const bd = { value: 0x999 as number | bigint };
      let i = yield* L.seL4_NBRecv(e, bd);
      c.ev(`nothing: badge=0x${bd.value.toString(16)}`);
      yield* thread(c, 's', function* () {
        L.seL4_SetMR(0, 42);
        yield* L.seL4_Send(b11, info(5, 0, 0, 1));
        c.ev('s: send completed');
      }, [], { priority: 100 });
      yield* runOthers();
      c.ev(`queue: ${queueOf(c.m(), e).join(',')}`);
      i = yield* L.seL4_NBRecv(e, bd);
      c.ev(`took: ${tag(i)} badge=0x${bd.value.toString(16)} mr0=${L.seL4_GetMR(0)}`);
      yield* runOthers();
    });
    expect(s.events).toEqual([
      'nothing: badge=0x0',
      'queue: s',
      'took: label=5 len=1 extraCaps=0 capsUnwrapped=0 badge=0x11 mr0=42',
      's: send completed',
    ]);
  });
});

describe('Call and reply caps (digest 3.7)', () => {
  it('Call through a cap without Grant or GrantReply delivers, then leaves the caller Inactive; Resume re-sends it (IPCRIGHTS0004)', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const wo = yield* copy(c.alloc, e, W_ONLY);
      yield* thread(c, 'srv', function* () {
        for (;;) {
          const i = yield* L.seL4_Recv(e);
          c.ev(`srv: ${tag(i)} mr0=${L.seL4_GetMR(0)}`);
          yield* L.seL4_Reply(info(0, 0, 0, 0));
          c.ev('srv: replied');
        }
      }, [], { priority: 200 });
      const client = yield* thread(c, 'client', function* () {
        L.seL4_SetMR(0, 7);
        yield* L.seL4_Call(wo, info(1, 0, 0, 1));
        c.ev('client: call returned');
      });
      yield* runOthers();
      c.ev(`client ${stateOf(c.m(), client)}`);
      yield* L.seL4_TCB_Resume(client);
      yield* runOthers();
      c.ev(`client ${stateOf(c.m(), client)}`);
    });
    expect(s.events).toEqual([
      'srv: label=1 len=1 extraCaps=0 capsUnwrapped=0 mr0=7',
      'srv: replied',
      'client Inactive',
      'srv: label=1 len=1 extraCaps=0 capsUnwrapped=0 mr0=7',
      'srv: replied',
      'client Inactive',
    ]);
  });

  it('GrantReply alone is enough for a reply cap', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const gr = yield* copy(c.alloc, e, W_GRANTREPLY);
      yield* thread(c, 'srv', function* () {
        yield* L.seL4_Recv(e);
        L.seL4_SetMR(0, 99);
        yield* L.seL4_Reply(info(6, 0, 0, 1));
      }, [], { priority: 200 });
      const i = yield* L.seL4_Call(gr, info(1, 0, 0, 0));
      c.ev(`root: ${tag(i)} mr0=${L.seL4_GetMR(0)}`);
    });
    expect(s.events).toEqual(['root: label=6 len=1 extraCaps=0 capsUnwrapped=0 mr0=99']);
  });

  it('the reply cap is one-shot: a second Reply does nothing', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      yield* thread(c, 'srv', function* () {
        yield* L.seL4_Recv(e);
        yield* L.seL4_Reply(info(1, 0, 0, 0));
        yield* L.seL4_Reply(info(2, 0, 0, 0));
        c.ev('srv: second reply returned');
        const i = yield* L.seL4_Recv(e);
        c.ev(`srv: ${tag(i)}`);
      }, [], { priority: 50 });
      yield* runOthers();
      const i = yield* L.seL4_Call(e, info(9, 0, 0, 0));
      c.ev(`root: ${tag(i)}`);
      yield* runOthers();
    });
    expect(s.events).toEqual(['root: label=1 len=0 extraCaps=0 capsUnwrapped=0', 'srv: second reply returned']);
  });

  it('an endpoint Recv drops an unanswered reply cap: the caller stays BlockedOnReply (Appendix A 7)', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const client = yield* thread(c, 'client', function* () {
        yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev('client: never replied to, so never here');
      }, [], { priority: 100 });
      yield* runOthers();
      yield* L.seL4_Recv(e);
      c.ev(`client ${stateOf(c.m(), client)}, root has a reply cap`);
      yield* L.seL4_NBRecv(e);
      yield* L.seL4_Reply(info(0, 0, 0, 0));
      yield* runOthers();
      c.ev(`client ${stateOf(c.m(), client)}`);
    });
    expect(s.events).toEqual(['client BlockedOnReply, root has a reply cap', 'client BlockedOnReply']);
  });

  it('a notification Wait keeps the unanswered reply cap (Appendix B 7)', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      yield* thread(c, 'client', function* () {
        const i = yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev(`client: ${tag(i)}`);
      }, [], { priority: 100 });
      yield* runOthers();
      yield* L.seL4_Recv(e);
      yield* L.seL4_Signal(n);
      yield* L.seL4_Wait(n);
      yield* L.seL4_Reply(info(4, 0, 0, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['client: label=4 len=0 extraCaps=0 capsUnwrapped=0']);
  });

  it('SaveCaller moves the reply cap to a slot; Send on it replies; a second SaveCaller with none succeeds doing nothing', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const saved = c.alloc.allocSlot();
      const saved2 = c.alloc.allocSlot();
      yield* thread(c, 'client', function* () {
        const i = yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev(`client: ${tag(i)} mr0=${L.seL4_GetMR(0)}`);
      }, [], { priority: 100 });
      yield* runOthers();
      yield* L.seL4_Recv(e);
      let err = yield* L.seL4_CNode_SaveCaller(CNODE, saved, wordBits());
      c.ev(`save -> ${err}, slot holds type ${yield* L.seL4_DebugCapIdentify(saved)}`);
      err = yield* L.seL4_CNode_SaveCaller(CNODE, saved2, wordBits());
      c.ev(`save again -> ${err}, slot holds type ${yield* L.seL4_DebugCapIdentify(saved2)}`);
      err = yield* L.seL4_CNode_SaveCaller(CNODE, saved, wordBits());
      c.ev(`save into occupied -> ${err}`);
      L.seL4_SetMR(0, 5);
      yield* L.seL4_Send(saved, info(3, 0, 0, 1));
      c.ev(`after reply slot holds type ${yield* L.seL4_DebugCapIdentify(saved)}`);
      yield* runOthers();
    });
    expect(s.events).toEqual([
      'save -> 0, slot holds type 8',
      'save again -> 0, slot holds type 0',
      // seL4 decodes SaveCaller's destination before it looks at the caller slot: DeleteFirst
      'save into occupied -> 8',
      'after reply slot holds type 0',
      'client: label=3 len=1 extraCaps=0 capsUnwrapped=0 mr0=5',
    ]);
  });

  it("Call on a saved reply cap replies and gives the replier an empty reply", () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const saved = c.alloc.allocSlot();
      yield* thread(c, 'client', function* () {
        const i = yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev(`client: ${tag(i)}`);
      }, [], { priority: 100 });
      yield* runOthers();
      yield* L.seL4_Recv(e);
      yield* L.seL4_CNode_SaveCaller(CNODE, saved, wordBits());
      const i = yield* L.seL4_Call(saved, info(3, 0, 0, 0));
      c.ev(`replier: ${tag(i)}`);
      yield* runOthers();
    });
    expect(s.events).toEqual(['replier: label=0 len=0 extraCaps=0 capsUnwrapped=0', 'client: label=3 len=0 extraCaps=0 capsUnwrapped=0']);
  });

  it("the reply cap's Grant is the receiver's endpoint cap's Grant (IPCRIGHTS0005)", () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const recvNoGrant = yield* copy(c.alloc, e, RW);
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const slotA = c.alloc.allocSlot();
      const slotB = c.alloc.allocSlot();
      const client = function* (slot: number) {
        L.seL4_SetCapReceivePath(CNODE, slot, wordBits());
        const i = yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev(`client: ${tag(i)} slot type ${yield* L.seL4_DebugCapIdentify(slot)}`);
      };
      for (const [via, slot] of [[e, slotA], [recvNoGrant, slotB]] as const) {
        yield* thread(c, 'client', client, [slot]);
        yield* runOthers();
        yield* L.seL4_Recv(via);
        L.seL4_SetCap(0, n);
        yield* L.seL4_Reply(info(2, 0, 1, 0));
        yield* runOthers();
      }
    });
    expect(s.events).toEqual([
      `client: label=2 len=0 extraCaps=1 capsUnwrapped=0 slot type ${NTFN_TAG}`,
      'client: label=2 len=0 extraCaps=0 capsUnwrapped=0 slot type 0',
    ]);
  });

  it('ReplyRecv answers the caller and waits again; reply caps cannot be copied', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const saved = c.alloc.allocSlot();
      const other = c.alloc.allocSlot();
      yield* thread(c, 'client', function* () {
        const i = yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev(`client: ${tag(i)}`);
      }, [], { priority: 100 });
      yield* runOthers();
      yield* L.seL4_Recv(e);
      yield* L.seL4_CNode_SaveCaller(CNODE, saved, wordBits());
      const err = yield* L.seL4_CNode_Copy(CNODE, other, wordBits(), CNODE, saved, wordBits(), L.seL4_AllRights);
      c.ev(`copy reply cap -> ${err}`);
      const mv = yield* L.seL4_CNode_Move(CNODE, other, wordBits(), CNODE, saved, wordBits());
      c.ev(`move reply cap -> ${mv}`);
      yield* L.seL4_Send(other, info(5, 0, 0, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['copy reply cap -> 3', 'move reply cap -> 0', 'client: label=5 len=0 extraCaps=0 capsUnwrapped=0']);
  });
});
