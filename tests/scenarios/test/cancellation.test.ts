/*
 * Cancellation (digest 3.8, 7.3, Appendix A 6, Appendix B 5): deleting an endpoint or notification
 * with threads blocked on it, CancelBadgedSends, and Suspend of blocked threads. Threads woken by a
 * deletion restart their syscall, which then meets the missing cap.
 */
import * as L from '@tsel4/libsel4';
import { mint, runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Gen, info, queueOf, type RootCtx, scenario, stateOf, tag, thread, wordBits } from './harness.js';

const CNODE = L.seL4_CapInitThreadCNode;

function* ep(c: RootCtx): Gen<number> {
  return yield* c.alloc.allocObject(L.seL4_EndpointObject);
}

describe('deleting an endpoint with threads blocked on it', () => {
  it('restarts them head-first (last blocked runs first): Send then does nothing, Call gets InvalidCapability', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      yield* thread(c, 'A', function* () {
        yield* L.seL4_Send(e, info(1, 0, 0, 0));
        c.ev('A: send returned');
      });
      yield* runOthers();
      yield* thread(c, 'B', function* () {
        const i = yield* L.seL4_Call(e, info(1, 0, 0, 0));
        c.ev(`B: call -> ${tag(i)} mr0=${L.seL4_GetMR(0)}`);
      });
      yield* runOthers();
      c.ev(`queue: ${queueOf(c.m(), e).join(',')}`);
      yield* L.seL4_CNode_Delete(CNODE, e, wordBits());
      yield* runOthers();
    });
    expect(s.events).toEqual(['queue: A,B', 'B: call -> label=2 len=1 extraCaps=0 capsUnwrapped=0 mr0=0', 'A: send returned']);
  });

  it('a restarted Recv on the deleted endpoint is a cap fault (missing capability)', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const fep = yield* ep(c);
      yield* thread(c, 'R', function* () {
        c.ev('R: recv');
        yield* L.seL4_Recv(e);
      }, [], { faultEp: fep });
      yield* runOthers();
      yield* L.seL4_CNode_Delete(CNODE, e, wordBits());
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} addr=${L.seL4_GetMR(1) === e ? 'ep' : L.seL4_GetMR(1)} inRecv=${L.seL4_GetMR(2)} type=${L.seL4_GetMR(3)}`);
    });
    expect(s.events).toEqual(['R: recv', 'label=1 len=5 extraCaps=0 capsUnwrapped=0 addr=ep inRecv=1 type=2']);
  });
});

describe('deleting a notification', () => {
  it('restarts its waiters and unbinds its TCB', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const n2 = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const fep = yield* ep(c);
      const w = yield* thread(c, 'W', function* () {
        yield* L.seL4_Wait(n);
      }, [], { faultEp: fep });
      yield* runOthers();
      const bound = yield* thread(c, 'bound', function* () {
        yield* L.seL4_Wait(n2);
      });
      yield* L.seL4_TCB_BindNotification(bound, n2);
      yield* runOthers();
      yield* L.seL4_CNode_Delete(CNODE, n, wordBits());
      const i = yield* L.seL4_Recv(fep);
      c.ev(`W faulted: ${tag(i)} inRecv=${L.seL4_GetMR(2)}`);
      c.ev(`W ${stateOf(c.m(), w)}`);
      yield* L.seL4_CNode_Delete(CNODE, n2, wordBits());
      const unbind = yield* L.seL4_TCB_UnbindNotification(bound);
      c.ev(`unbind after delete -> ${unbind}`);
    });
    expect(s.events).toEqual(['W faulted: label=1 len=5 extraCaps=0 capsUnwrapped=0 inRecv=1', 'W BlockedOnReply', 'unbind after delete -> 3']);
  });
});

describe('CancelBadgedSends', () => {
  it('restarts only the senders with that badge; the others keep their places', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const b1 = yield* mint(c.alloc, e, 1);
      const b2 = yield* mint(c.alloc, e, 2);
      const sender = function* (cap: number) {
        yield* L.seL4_Send(cap, info(0, 0, 0, 0));
      };
      yield* thread(c, 'X1', sender, [b1]);
      yield* runOthers();
      yield* thread(c, 'Y2', sender, [b2]);
      yield* runOthers();
      yield* thread(c, 'Z1', sender, [b1]);
      yield* runOthers();
      c.ev(`before: ${queueOf(c.m(), e).join(',')}`);
      const err = yield* L.seL4_CNode_CancelBadgedSends(CNODE, b1, wordBits());
      c.ev(`cancel -> ${err}, right after: ${queueOf(c.m(), e).join(',')}`);
      yield* runOthers();
      // the restarted senders send again, Z1 first (it went to the head of the run queue last)
      c.ev(`after they rerun: ${queueOf(c.m(), e).join(',')}`);
    });
    expect(s.events).toEqual(['before: X1,Y2,Z1', 'cancel -> 0, right after: Y2', 'after they rerun: Y2,Z1,X1']);
  });

  it('badge 0 does nothing; a cap without all rights is IllegalOperation', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const weak = yield* mint(c.alloc, e, 5, L.seL4_CapRights_new(0, 1, 1, 1));
      yield* thread(c, 'S', function* () {
        yield* L.seL4_Send(e, info(0, 0, 0, 0));
      });
      yield* runOthers();
      c.ev(`unbadged -> ${yield* L.seL4_CNode_CancelBadgedSends(CNODE, e, wordBits())}, queue ${queueOf(c.m(), e).join(',')}`);
      c.ev(`no GrantReply -> ${yield* L.seL4_CNode_CancelBadgedSends(CNODE, weak, wordBits())}`);
    });
    expect(s.events).toEqual(['unbadged -> 0, queue S', 'no GrantReply -> 3']);
  });
});

describe('Suspend', () => {
  it('takes a blocked sender off the queue; Resume makes it send again', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const t = yield* thread(c, 'S', function* () {
        c.ev('S: sending');
        yield* L.seL4_Send(e, info(0, 0, 0, 0));
        c.ev('S: sent');
      });
      yield* runOthers();
      yield* L.seL4_TCB_Suspend(t);
      c.ev(`S ${stateOf(c.m(), t)}, queue [${queueOf(c.m(), e).join(',')}]`);
      yield* L.seL4_TCB_Resume(t);
      yield* runOthers();
      c.ev(`S ${stateOf(c.m(), t)}, queue [${queueOf(c.m(), e).join(',')}]`);
      yield* L.seL4_Recv(e);
      yield* runOthers();
    });
    expect(s.events).toEqual(['S: sending', 'S Inactive, queue []', 'S BlockedOnSend, queue [S]', 'S: sent']);
  });

  it('of a caller waiting for its reply deletes the reply cap', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* ep(c);
      const saved = c.alloc.allocSlot();
      const t = yield* thread(c, 'client', function* () {
        yield* L.seL4_Call(e, info(0, 0, 0, 0));
        c.ev('client: replied (after resume it calls again, so never here)');
      });
      yield* runOthers();
      yield* L.seL4_Recv(e);
      yield* L.seL4_CNode_SaveCaller(CNODE, saved, wordBits());
      c.ev(`saved reply cap: type ${yield* L.seL4_DebugCapIdentify(saved)}`);
      yield* L.seL4_TCB_Suspend(t);
      c.ev(`after Suspend: type ${yield* L.seL4_DebugCapIdentify(saved)}, client ${stateOf(c.m(), t)}`);
    });
    expect(s.events).toEqual(['saved reply cap: type 8', 'after Suspend: type 0, client Inactive']);
  });

  it('of itself: Resume re-executes the Suspend, so it stops again (seL4 issue 870)', () => {
    const s = scenario(function* (c: RootCtx) {
      let me = 0;
      const t = yield* thread(c, 'self', function* () {
        c.ev('self: suspending');
        yield* L.seL4_TCB_Suspend(me);
        c.ev('self: resumed past the Suspend');
      });
      me = t;
      yield* runOthers();
      c.ev(`self ${stateOf(c.m(), t)}`);
      yield* L.seL4_TCB_Resume(t);
      yield* runOthers();
      c.ev(`self ${stateOf(c.m(), t)}`);
    });
    expect(s.events).toEqual(['self: suspending', 'self Inactive', 'self Inactive']);
  });
});
