/*
 * The scheduler's data structures on their own (seL4: tcbSchedEnqueue/Append/Dequeue and the
 * two-level priority bitmap), and the invariant checker catching broken state. Behaviour through
 * real programs is in tests/scenarios.
 */
import { createBoard } from '@tsel4/hal';
import { Tcb, ThreadState } from '@tsel4/object';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bootKernel,
  checkInvariants,
  chooseThread,
  createKernel,
  getHighestPrio,
  isHighestPrio,
  type Kernel,
  tcbSchedAppend,
  tcbSchedDequeue,
  tcbSchedEnqueue,
} from '../src/index.js';

function kernel(): Kernel {
  const k = createKernel(createBoard('pc99'));
  bootKernel(k, { entry: 0x40_1000 });
  return k;
}

let nextAddr = 0x100_0000;
function thread(k: Kernel, name: string, prio: number): Tcb {
  const t = new Tcb(nextAddr, 11, k.board.cpu.newContext(), k.config.timeSlice, name);
  nextAddr += 0x800;
  t.priority = prio;
  t.state = ThreadState.Running;
  return t;
}

function level(k: Kernel, prio: number): string[] {
  const out: string[] = [];
  for (let t: Tcb | null = k.queueHead[prio]!; t !== null; t = t.schedNext) out.push(t.name);
  return out;
}

describe('ready queues', () => {
  it('Enqueue puts a thread at the head, Append at the tail, Dequeue takes it from anywhere', () => {
    const k = kernel();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => thread(k, n, 7)) as [Tcb, Tcb, Tcb, Tcb];
    tcbSchedAppend(k, a);
    tcbSchedAppend(k, b);
    tcbSchedEnqueue(k, c);
    tcbSchedAppend(k, d);
    expect(level(k, 7)).toEqual(['c', 'a', 'b', 'd']);
    tcbSchedEnqueue(k, b); // already queued: nothing moves
    expect(level(k, 7)).toEqual(['c', 'a', 'b', 'd']);
    tcbSchedDequeue(k, a);
    tcbSchedDequeue(k, d);
    expect(level(k, 7)).toEqual(['c', 'b']);
    expect(k.queueTail[7]!.name).toBe('b');
  });

  it('the bitmap finds the highest non-empty priority for any set of priorities', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 20 }), (prios) => {
        const k = kernel();
        const ts = prios.map((p, i) => thread(k, `t${i}`, p));
        ts.forEach((t) => tcbSchedAppend(k, t));
        const top = Math.max(...prios);
        expect(getHighestPrio(k, 0)).toBe(top);
        expect(isHighestPrio(k, 0, top)).toBe(true);
        if (top > 0) expect(isHighestPrio(k, 0, top - 1)).toBe(false);
        // removing threads from the top down always leaves the next highest
        const sorted = [...ts].sort((x, y) => y.priority - x.priority);
        for (let i = 0; i < sorted.length - 1; i++) {
          tcbSchedDequeue(k, sorted[i]!);
          expect(getHighestPrio(k, 0)).toBe(sorted[i + 1]!.priority);
        }
        tcbSchedDequeue(k, sorted[sorted.length - 1]!);
        expect(isHighestPrio(k, 0, 0)).toBe(true); // nothing ready
      }),
      { numRuns: 100 },
    );
  });

  it('chooseThread switches to the head of the highest level', () => {
    const k = kernel();
    const lo = thread(k, 'lo', 3);
    const hi1 = thread(k, 'hi1', 200);
    const hi2 = thread(k, 'hi2', 200);
    [lo, hi1, hi2].forEach((t) => tcbSchedAppend(k, t));
    chooseThread(k);
    expect(k.curThread.name).toBe('hi1');
    expect(level(k, 200)).toEqual(['hi2']);
  });
});

describe('the invariant checker', () => {
  it('finds nothing wrong right after boot', () => {
    expect(checkInvariants(kernel())).toEqual([]);
  });

  it('reports a thread blocked on nothing', () => {
    const k = kernel();
    k.rootTcb!.state = ThreadState.BlockedOnReceive;
    expect(checkInvariants(k).join('\n')).toMatch(/rootserver/);
  });

  it('reports the current thread sitting in a ready queue', () => {
    const k = kernel();
    tcbSchedEnqueue(k, k.curThread);
    expect(checkInvariants(k).length).toBeGreaterThan(0);
  });

  it('reports a bitmap bit for an empty queue', () => {
    const k = kernel();
    const t = thread(k, 't', 9);
    tcbSchedAppend(k, t);
    k.queueHead[9] = null;
    k.queueTail[9] = null;
    expect(checkInvariants(k).length).toBeGreaterThan(0);
  });

  it('reports a broken derivation tree', () => {
    const k = kernel();
    const slot = k.rootCNodeSlot!;
    const next = slot.mdbNext ?? slot.mdbPrev;
    if (next === null) throw new Error('the root CNode cap has no MDB neighbour to break');
    if (slot.mdbNext !== null) slot.mdbNext.mdbPrev = null;
    else slot.mdbPrev!.mdbNext = null;
    expect(checkInvariants(k).length).toBeGreaterThan(0);
  });
});
