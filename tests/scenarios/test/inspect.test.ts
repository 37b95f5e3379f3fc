/*
 * The public inspection API (@tsel4/object's cspaceTree/derivationTree/capInfo, @tsel4/kernel's
 * inspectKernel/threadInfo/readyQueues): what it reports at a known moment of a small system, each
 * fact the value seL4 has there.
 */
import * as L from '@tsel4/libsel4';
import { inspectKernel, type KernelInfo } from '@tsel4/kernel';
import { capInfo, type CNodeInfo, CNodeObj, derivationAncestors, derivationTree, type DerivationNode, cspaceTree, slotId } from '@tsel4/object';
import { mint, runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { machineFor, thread } from './harness.js';

const CNODE = L.seL4_CapInitThreadCNode;

interface Seen {
  k: KernelInfo;
  ep: number;
  badged: number;
  ntfn: number;
}

/** Two receivers queued on an endpoint, one waiter on a notification, a badged cap and a signal. */
function run(board: 'pc99' | 'qemu-riscv-virt' = 'pc99') {
  let seen: Seen | null = null;
  const { m, events } = machineFor(
    function* (c) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      const ntfn = yield* c.alloc.allocObject(L.seL4_NotificationObject);
      const badged = yield* mint(c.alloc, ep, 5, L.seL4_CapRights_new(0, 0, 0, 1));
      const recv = function* () {
        yield* L.seL4_Recv(ep);
      };
      const wait = function* () {
        yield* L.seL4_Wait(ntfn);
      };
      yield* thread(c, 'a', recv);
      yield* thread(c, 'b', recv);
      yield* thread(c, 'w', wait, [], { priority: 50 });
      yield* runOthers();
      seen = { k: inspectKernel(c.m().k), ep, badged, ntfn };
      // a signal to the waiter makes it ready; it runs once the root task stops
      const n2 = yield* mint(c.alloc, ntfn, 0x30);
      yield* L.seL4_Signal(n2);
      yield* L.seL4_Signal(n2);
      c.ev(JSON.stringify(inspectKernel(c.m().k).readyQueues));
    },
    { board },
  );
  const r = m.run({ maxSteps: 10_000 });
  return { m, r, events, seen: seen as Seen | null };
}

describe('inspection API', () => {
  it('threads: state, priority, what they block on; the endpoint queue in the order they blocked', () => {
    const { seen } = run();
    const k = seen!.k;
    const byName = new Map(k.threads.map((t) => [t.name, t]));
    const root = k.threads[0]!;
    expect(root.current).toBe(true);
    expect(root.state).toBe('Running');
    expect(root.priority).toBe(255);
    expect(k.current).toBe(root.id);
    const a = byName.get('a')!;
    const b = byName.get('b')!;
    expect([a.state, a.priority, b.state]).toEqual(['BlockedOnReceive', 100, 'BlockedOnReceive']);
    expect(a.blockedOn).toBe(b.blockedOn);
    const ep = k.endpoints.find((e) => e.id === a.blockedOn)!;
    // resuming a thread puts it at the head of its ready queue (seL4: restart -> tcbSchedEnqueue),
    // so b, resumed after a, runs first and queues first
    expect(ep).toEqual({ id: a.blockedOn, state: 'Recv', queue: [b.id, a.id] });
    const w = byName.get('w')!;
    expect([w.state, w.priority]).toEqual(['BlockedOnNotification', 50]);
    expect(k.notifications).toEqual([{ id: w.blockedOn, state: 'Waiting', word: '0x0', boundTcb: null, queue: [w.id] }]);
    expect(k.threads.at(-1)!.isIdle).toBe(true);
    // the running thread is not in a ready queue (seL4 dequeues the thread it switches to)
    expect(k.readyQueues).toEqual([]);
  });

  it('a thread that stopped blocking names nothing it blocks on', () => {
    const { m } = run();
    const k = inspectKernel(m.k);
    // the root task suspended itself at the end; the signalled waiter ran to its end and suspended
    for (const name of ['rootserver', 'w']) {
      const t = k.threads.find((x) => x.name === name)!;
      expect([t.state, t.blockedOn]).toEqual(['Inactive', null]);
    }
  });

  it('ready queues: a signalled waiter is queued at its priority; the second signal sets the word', () => {
    const { events, m } = run();
    const w = inspectKernel(m.k).threads.find((t) => t.name === 'w')!;
    // after the first Signal the waiter is ready (queued at 50); the second finds no waiter and is kept in the word
    expect(JSON.parse(events[0]!)).toEqual([{ domain: 0, priority: 50, threads: [w.id] }]);
    const n = inspectKernel(m.k).notifications[0]!;
    expect(n.state).toBe('Active');
    expect(n.word).toBe('0x30');
  });

  it('CSpace tree: the root CNode with its guard, the initial caps, the badged endpoint cap', () => {
    for (const board of ['pc99', 'qemu-riscv-virt'] as const) {
      const { m, seen } = run(board);
      const tree = cspaceTree(m.k.rootCNodeSlot!) as CNodeInfo;
      const bits = (m.k.rootCNodeSlot!.cap.obj as CNodeObj).radix;
      const slot = (i: number) => tree.slots.find((s) => s.index === i)!;
      expect(tree.radix).toBe(bits);
      expect(slot(L.seL4_CapInitThreadTCB).cap.type).toBe('thread_cap');
      // the root CNode cap: guard 0 of (word bits - radix) bits, so a cptr resolves in one level
      const self = slot(CNODE);
      expect(self.cap).toMatchObject({ type: 'cnode_cap', guard: '0x0', guardSize: 64 - bits, radix: bits });
      expect(self.child).toEqual({ seen: tree.id });
      expect(slot(L.seL4_CapIRQControl).cap.type).toBe('irq_control_cap');
      expect(slot(seen!.badged).cap).toEqual({ type: 'endpoint_cap', object: slot(seen!.ep).cap.object, rights: 'W---', badge: '0x5' });
      expect(slot(seen!.ep).cap).toMatchObject({ rights: 'WRGP', badge: '0x0' });
      expect(capInfo(m.k.rootCNodeSlot!.cap).type).toBe('cnode_cap');
    }
  });

  it('derivation tree: the untyped holds the endpoint, the endpoint the badged copy', () => {
    const { m, seen } = run();
    const root = m.k.rootCNodeSlot!.cap.obj as CNodeObj;
    const epSlot = root.slotAt(seen!.ep);
    const d = derivationTree(epSlot);
    expect(d.slot.id).toBe(slotId(epSlot));
    expect(d.children.map((c) => c.slot.index)).toEqual([seen!.badged]);
    expect(d.children[0]!.slot.cap.badge).toBe('0x5');
    const ancestors = derivationAncestors(epSlot);
    expect(ancestors[0]!.cap.type).toBe('untyped_cap');
    // the untyped's subtree holds the endpoint and, below it, the badged cap
    const untyped = root.slotAt(ancestors[0]!.index);
    const flat = (n: DerivationNode): string[] => [n.slot.id, ...n.children.flatMap(flat)];
    const all = flat(derivationTree(untyped));
    expect(all).toContain(slotId(epSlot));
    const ut = derivationTree(untyped);
    const epNode = ut.children.find((c) => c.slot.id === slotId(epSlot))!;
    expect(epNode.children.map((c) => c.slot.index)).toEqual([seen!.badged]);
  });

  it('is plain data (survives JSON, as it must to cross to a Web Worker)', () => {
    const { m } = run();
    const k = inspectKernel(m.k);
    expect(JSON.parse(JSON.stringify(k))).toEqual(k);
    const t = cspaceTree(m.k.rootCNodeSlot!);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});

describe('capInfo of address-space caps', () => {
  it("the root task's VSpace root has an ASID and no address; its frames their mapping", () => {
    const { m } = run();
    const tree = cspaceTree(m.k.rootCNodeSlot!)!;
    const slot = (i: number) => tree.slots.find((s) => s.index === i)!;
    const vspace = slot(L.seL4_CapInitThreadVSpace).cap;
    expect(vspace.type).toBe('page_table_cap');
    expect(vspace.mappedAt).toBeUndefined();
    expect(typeof vspace.asid).toBe('number');
    // the IPC buffer frame is mapped read-write where bootinfo says
    const ipc = slot(L.seL4_CapInitThreadIPCBuffer).cap;
    expect(ipc).toMatchObject({ type: 'frame_cap', rights: 'RW' });
    expect(ipc.mappedAt).toMatch(/^0x[0-9a-f]+$/);
  });
});
