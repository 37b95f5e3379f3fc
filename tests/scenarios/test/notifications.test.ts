/*
 * Notifications (digest 4, Appendix A 8): Signal ORs badges, Wait and Poll consume the word,
 * waiters queue FIFO, a zero badge still activates, bound notifications through endpoint Recv, and
 * notification delivery writes nothing but the badge register.
 */
import * as L from '@tsel4/libsel4';
import { copy, mint, runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Gen, info, type RootCtx, scenario, stateOf, tag, tcbAt, thread } from './harness.js';

function* ntfn(c: RootCtx): Gen<number> {
  return yield* c.alloc.allocObject(L.seL4_NotificationObject);
}

const hex = (v: number | bigint) => `0x${v.toString(16)}`;

describe('Signal, Wait, Poll', () => {
  it('badges OR together until a Wait or Poll takes them; Poll on an idle one gives badge 0', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const b = { value: 0x999 as number | bigint };
      for (const badge of [0x4, 0x1, 0x4, 0x10]) yield* L.seL4_Signal(yield* mint(c.alloc, n, badge));
      yield* L.seL4_Wait(n, b);
      c.ev(`wait ${hex(b.value)}`);
      b.value = 0x999;
      yield* L.seL4_Poll(n, b);
      c.ev(`poll ${hex(b.value)}`);
    });
    expect(s.events).toEqual(['wait 0x15', 'poll 0x0']);
  });

  it('a signal through an unbadged cap still activates the notification (badge 0)', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      yield* L.seL4_Signal(n);
      const b = { value: 0x999 as number | bigint };
      yield* L.seL4_Wait(n, b); // returns at once
      c.ev(`wait ${hex(b.value)}`);
    });
    expect(s.events).toEqual(['wait 0x0']);
  });

  it('waiters are woken one per signal in FIFO order', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const waiter = function* (name: number) {
        const b = { value: 0 as number | bigint };
        yield* L.seL4_Wait(n, b);
        c.ev(`${String.fromCharCode(name)} ${hex(b.value)}`);
      };
      yield* thread(c, 'A', waiter, [65]);
      yield* runOthers();
      yield* thread(c, 'B', waiter, [66]);
      yield* runOthers();
      yield* L.seL4_Signal(yield* mint(c.alloc, n, 1));
      yield* L.seL4_Signal(yield* mint(c.alloc, n, 2));
      yield* runOthers();
    });
    // both woken threads go to the head of level 100 in turn: B runs first, but A got the first signal
    expect(s.events).toEqual(['B 0x2', 'A 0x1']);
  });

  it('Signal without Write does nothing; Wait without Read is a cap fault', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const ro = yield* copy(c.alloc, n, L.seL4_CapRights_new(0, 0, 1, 0));
      const wo = yield* copy(c.alloc, n, L.seL4_CapRights_new(0, 0, 0, 1));
      const fep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      yield* L.seL4_Signal(ro);
      const b = { value: 0x999 as number | bigint };
      yield* L.seL4_Poll(n, b);
      c.ev(`after read-only signal: poll ${hex(b.value)}`);
      yield* thread(c, 'W', function* () {
        yield* L.seL4_Wait(wo);
      }, [], { faultEp: fep });
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} inRecv=${L.seL4_GetMR(2)} type=${L.seL4_GetMR(3)}`);
    });
    expect(s.events).toEqual(['after read-only signal: poll 0x0', 'label=1 len=5 extraCaps=0 capsUnwrapped=0 inRecv=1 type=2']);
  });

  it('delivery to a waiter writes only its badge register (Appendix A 8)', () => {
    let diff: string[] = [];
    scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const w = yield* thread(c, 'W', function* () {
        for (let i = 0; i < 4; i++) L.seL4_SetMR(i, 0xaa + i);
        yield* L.seL4_Wait(n);
      });
      yield* runOthers();
      const ctx = tcbAt(c.m(), w).ctx;
      const before = Array.from(ctx.regs);
      yield* L.seL4_Signal(yield* mint(c.alloc, n, 0x8));
      const after = Array.from(ctx.regs);
      const names = ctx.arch.registers;
      diff = before.flatMap((v, k) => (after[k] !== v ? [`${names[k >> 1]}${k & 1 ? '.hi' : ''}=${after[k]!.toString(16)}`] : []));
    });
    // x86_64: the badge register is rdi
    expect(diff).toEqual(['RDI=8']);
  });
});

describe('bound notifications', () => {
  it('an active bound notification is returned by endpoint Recv before any queued sender', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const e = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      yield* L.seL4_TCB_BindNotification(L.seL4_CapInitThreadTCB, n);
      yield* thread(c, 'S', function* () {
        yield* L.seL4_Send(yield* mint(c.alloc, e, 0x100), info(5, 0, 0, 0));
      });
      yield* runOthers();
      yield* L.seL4_Signal(yield* mint(c.alloc, n, 0x3));
      const b = { value: 0 as number | bigint };
      let i = yield* L.seL4_Recv(e, b);
      c.ev(`first: badge ${hex(b.value)}`);
      i = yield* L.seL4_Recv(e, b);
      c.ev(`second: ${tag(i)} badge ${hex(b.value)}`);
    });
    expect(s.events).toEqual(['first: badge 0x3', 'second: label=5 len=0 extraCaps=0 capsUnwrapped=0 badge 0x100']);
  });

  it('a signal while the bound thread waits on an endpoint wakes it with the signal badge; the word is not kept', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const e = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      const t = yield* thread(c, 'server', function* () {
        const b = { value: 0 as number | bigint };
        yield* L.seL4_Recv(e, b);
        c.ev(`server: woken, badge ${hex(b.value)}`);
        b.value = 0x999;
        yield* L.seL4_Poll(n, b);
        c.ev(`server: poll ${hex(b.value)}`);
      });
      yield* L.seL4_TCB_BindNotification(t, n);
      yield* runOthers();
      yield* L.seL4_Signal(yield* mint(c.alloc, n, 0x40));
      yield* runOthers();
    });
    expect(s.events).toEqual(['server: woken, badge 0x40', 'server: poll 0x0']);
  });

  it('a signal while the bound thread is in a Call is kept as the word', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const e = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      const t = yield* thread(c, 'caller', function* () {
        yield* L.seL4_Call(e, info(0, 0, 0, 0));
        const b = { value: 0 as number | bigint };
        yield* L.seL4_Poll(n, b);
        c.ev(`caller: poll ${hex(b.value)}`);
      });
      yield* L.seL4_TCB_BindNotification(t, n);
      yield* runOthers();
      yield* L.seL4_Recv(e);
      c.ev(`caller ${stateOf(c.m(), t)}`);
      yield* L.seL4_Signal(yield* mint(c.alloc, n, 0x2));
      yield* L.seL4_Reply(info(0, 0, 0, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['caller BlockedOnReply', 'caller: poll 0x2']);
  });

  it('only the bound thread may wait on a bound notification: others get a cap fault', () => {
    const s = scenario(function* (c: RootCtx) {
      const n = yield* ntfn(c);
      const fep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      yield* L.seL4_TCB_BindNotification(L.seL4_CapInitThreadTCB, n);
      yield* thread(c, 'other', function* () {
        yield* L.seL4_Wait(n);
      }, [], { faultEp: fep });
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} type=${L.seL4_GetMR(3)}`);
    });
    expect(s.events).toEqual(['label=1 len=5 extraCaps=0 capsUnwrapped=0 type=2']);
  });
});
