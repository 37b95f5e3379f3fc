/*
 * The Tracer: one slice per kernel entry with its arguments and result, one flow per message
 * (from the slow path and the fastpath alike), and a run that is the same with or without it.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { Machine, type MachineOptions, Tracer } from '../src/index.js';

const { seL4_CapInitThreadCNode: CNODE, seL4_CapInitThreadTCB: TCB, seL4_CapInitThreadVSpace: VSPACE } = L;

function* server(ep: number) {
  const badge = { value: 0 as L.seL4_Word };
  yield* L.seL4_Recv(ep, badge);
  for (;;) {
    L.seL4_SetMR(0, L.seL4_GetMR(0) * 2);
    yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(9, 0, 0, 1), badge);
  }
}

function* root(): Generator<L.TrapToken, void, unknown> {
  const bi = L.seL4_GetBootInfo();
  let free = bi.empty.start;
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
  const make = function* (type: number): Generator<L.TrapToken, number, unknown> {
    const slot = free++;
    expect(yield* L.seL4_Untyped_Retype(ut, type, 0, CNODE, 0, 0, slot, 1)).toBe(0);
    return slot;
  };
  const ep = yield* make(L.seL4_EndpointObject);
  const badged = free++;
  yield* L.seL4_CNode_Mint(CNODE, badged, 64, CNODE, ep, 64, L.seL4_AllRights, 0x42);
  const tcb = yield* make(L.seL4_TCBObject);
  const frame = yield* make(L.smallPageObject('x86_64'));
  yield* L.seL4_TCB_Configure(tcb, 0, CNODE, 0, VSPACE, 0, 0x90_0000, frame);
  yield* L.seL4_TCB_SetSchedParams(tcb, TCB, 254, 254);
  yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, 20, { rip: L.tsel4_functionAddress(server as L.ThreadFunction), rdi: ep });
  for (let i = 1; i <= 3; i++) {
    L.seL4_SetMR(0, i);
    yield* L.seL4_Call(badged, L.seL4_MessageInfo_new(7, 0, 0, 1));
  }
  yield* L.seL4_TCB_Suspend(TCB);
}

function traced(opts: MachineOptions = {}) {
  const tracer = new Tracer();
  const m = new Machine(root, { ...opts, tracer });
  const r = m.run({ maxSteps: 10_000 });
  tracer.finish();
  const name = (t: { tcb: unknown } | null) => (t === null ? 'kernel' : tracer.threadName(t as never));
  return { m, r, tracer, name };
}

describe('Tracer', () => {
  it('records one slice per kernel entry, with arguments and results', () => {
    const { r, tracer, name } = traced();
    const entries = Object.values(r.stats.syscalls).reduce((a, b) => a + b, 0);
    expect(tracer.slices.length).toBe(entries);
    const calls = tracer.slices.filter((s) => s.name === 'seL4_Call');
    expect(calls.map((s) => [name(s.thread), s.args['capBadge'], s.args['mr'], s.result['mr'], s.result['label']])).toEqual([
      ['rootserver', '0x42', [1], [2], 9],
      ['rootserver', '0x42', [2], [4], 9],
      ['rootserver', '0x42', [3], [6], 9],
    ]);
    expect(tracer.slices.find((s) => s.name === 'seL4_CNode_Mint')!.result).toEqual({ error: 'seL4_NoError' });
    // the server's last ReplyRecv is still waiting when the run ends
    const last = tracer.slices.filter((s) => name(s.thread) === 'server').at(-1)!;
    expect([last.name, last.unfinished, last.result]).toEqual(['seL4_ReplyRecv', true, { state: 'BlockedOnReceive' }]);
    // the first Call blocks (the server has not run yet) until the server's Recv takes it
    const recv = tracer.slices.find((s) => s.name === 'seL4_Recv')!;
    expect(recv.result).toMatchObject({ label: 7, length: 1, badge: '0x42', mr: [1] });
    expect(calls[0]!.start).toBeLessThan(recv.start);
    expect(calls[0]!.end).toBeGreaterThan(recv.start);
  });

  it('draws a flow for each request and reply, the same on the fastpath and the slow path', () => {
    const shape = (t: ReturnType<typeof traced>) =>
      t.tracer.flows.map((f) => `${f.kind} ${f.badge}: ${t.name(f.from.thread)} ${f.from.name} -> ${t.name(f.to.thread)} ${f.to.name}`);
    const fast = traced();
    const slow = traced({ fastpath: false });
    expect(fast.r.stats.fastpath.call.hits).toBeGreaterThan(0);
    expect(shape(fast)).toEqual([
      'call 0x42: rootserver seL4_Call -> server seL4_Recv',
      'reply 0x0: server seL4_ReplyRecv -> rootserver seL4_Call',
      'call 0x42: rootserver seL4_Call -> server seL4_ReplyRecv',
      'reply 0x0: server seL4_ReplyRecv -> rootserver seL4_Call',
      'call 0x42: rootserver seL4_Call -> server seL4_ReplyRecv',
      'reply 0x0: server seL4_ReplyRecv -> rootserver seL4_Call',
    ]);
    expect(shape(slow)).toEqual(shape(fast));
    const results = (t: ReturnType<typeof traced>) => t.tracer.slices.map((s) => [s.name, s.result]);
    expect(results(slow)).toEqual(results(fast));
    for (const f of fast.tracer.flows) {
      for (const s of [f.from, f.to]) {
        expect(s.start).toBeLessThanOrEqual(f.at);
        expect(s.end).toBeGreaterThan(f.at);
      }
    }
  });

  it('leaves the run unchanged, and is off unless given', () => {
    const plain = new Machine(root);
    expect(plain.tracer).toBeNull();
    expect(plain.k.tracer).toBeNull();
    const r = plain.run({ maxSteps: 10_000 });
    const t = traced();
    expect(t.r.stats).toEqual(r.stats);
    expect(t.r.console).toBe(r.console);
  });

  it('records one machine only', () => {
    const tracer = new Tracer();
    new Machine(root, { tracer });
    expect(() => new Machine(root, { tracer })).toThrow('a Tracer records one machine');
  });
});
