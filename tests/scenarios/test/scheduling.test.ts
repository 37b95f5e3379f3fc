/*
 * Who runs next, as seL4's possibleSwitchTo + schedule decide it (digest 3.9, 7.4-7.7, Appendix A
 * item 10): preemption by a woken higher-priority thread, FIFO wake of equal-priority threads by a
 * sender of their priority and head-of-queue wake by a higher-priority one, Yield, timeslices on the
 * timer tick, Resume, domains.
 */
import * as L from '@tsel4/libsel4';
import { runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Gen, info, type RootCtx, scenario, setRootPriority, thread } from './harness.js';

const NULL_CAP = 0;

describe('wake-up order', () => {
  it('a higher-priority receiver preempts its sender on Send', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      function* receiver() {
        for (;;) {
          c.ev('R: recv');
          yield* L.seL4_Recv(ep);
          c.ev(`R: got ${L.seL4_GetMR(0)}`);
        }
      }
      function* sender() {
        c.ev('S: send');
        L.seL4_SetMR(0, 1);
        yield* L.seL4_Send(ep, info(0, 0, 0, 1));
        c.ev('S: after send');
      }
      yield* thread(c, 'R', receiver, [], { priority: 200 });
      yield* thread(c, 'S', sender, [], { priority: 100 });
      yield* runOthers();
    });
    expect(s.r.reason).toBe('idle');
    expect(s.events).toEqual(['R: recv', 'S: send', 'R: got 1', 'R: recv', 'S: after send']);
  });

  it('a lower-priority receiver woken by Send waits until its sender blocks', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      yield* thread(c, 'R', function* () {
        c.ev('R: recv');
        yield* L.seL4_Recv(ep);
        c.ev('R: got');
      }, [], { priority: 50 });
      yield* runOthers();
      yield* thread(c, 'S', function* () {
        yield* L.seL4_Send(ep, info(0, 0, 0, 0));
        c.ev('S: after send');
      }, [], { priority: 100 });
      yield* runOthers();
    });
    expect(s.events).toEqual(['R: recv', 'S: after send', 'R: got']);
  });

  it('two equal-priority receivers woken by a sender of their priority run in FIFO order', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      const receiver = function* (name: number) {
        const n = String.fromCharCode(name);
        c.ev(`${n}: recv`);
        yield* L.seL4_Recv(ep);
        c.ev(`${n}: got ${L.seL4_GetMR(0)}`);
      };
      yield* thread(c, 'A', receiver, [65]);
      yield* runOthers();
      yield* thread(c, 'B', receiver, [66]);
      yield* runOthers();
      yield* thread(c, 'S', function* () {
        L.seL4_SetMR(0, 1);
        yield* L.seL4_Send(ep, info(0, 0, 0, 1));
        L.seL4_SetMR(0, 2);
        yield* L.seL4_Send(ep, info(0, 0, 0, 1));
        c.ev('S: sent both');
      });
      yield* runOthers();
    });
    // seL4: the sender keeps running; each woken thread is appended to the tail of level 100
    expect(s.events).toEqual(['A: recv', 'B: recv', 'S: sent both', 'A: got 1', 'B: got 2']);
  });

  it('receivers woken by a higher-priority sender go to the head of their level, so the last woken runs first', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      const receiver = function* (name: number) {
        const n = String.fromCharCode(name);
        yield* L.seL4_Recv(ep);
        c.ev(`${n}: got ${L.seL4_GetMR(0)}`);
      };
      yield* thread(c, 'A', receiver, [65]);
      yield* runOthers();
      yield* thread(c, 'B', receiver, [66]);
      yield* runOthers();
      L.seL4_SetMR(0, 1);
      yield* L.seL4_Send(ep, info(0, 0, 0, 1));
      L.seL4_SetMR(0, 2);
      yield* L.seL4_Send(ep, info(0, 0, 0, 1));
      c.ev('root: sent both');
      yield* runOthers();
    });
    expect(s.events).toEqual(['root: sent both', 'B: got 2', 'A: got 1']);
  });

  it('Call to a waiting lower-priority server switches to it directly when nothing else outranks it', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      yield* thread(c, 'srv', function* () {
        yield* L.seL4_Recv(ep);
        for (;;) {
          c.ev('srv: call arrived');
          yield* L.seL4_ReplyRecv(ep, info(0, 0, 0, 0));
        }
      }, [], { priority: 10 });
      yield* thread(c, 'other', function* () {
        c.ev('other runs');
      }, [], { priority: 50 });
      // the root (255) calls: srv (10) is below root but is it below the highest ready level?
      // 'other' (50) is ready, so srv is queued and 'other' runs first.
      yield* setRootPriority(5);
      yield* setRootPriority(255);
      // now srv waits, other has finished: a Call switches straight to srv
      yield* thread(c, 'client', function* () {
        yield* L.seL4_Call(ep, info(0, 0, 0, 0));
        c.ev('client: replied');
      }, [], { priority: 100 });
      yield* thread(c, 'bystander', function* () {
        c.ev('bystander runs');
      }, [], { priority: 5 });
      yield* runOthers();
    });
    expect(s.events).toEqual(['other runs', 'srv: call arrived', 'client: replied', 'bystander runs']);
  });

  it('Call to a waiting lower-priority server is queued when a ready thread outranks the server', () => {
    const s = scenario(function* (c: RootCtx) {
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      yield* thread(c, 'srv', function* () {
        yield* L.seL4_Recv(ep);
        c.ev('srv: call arrived');
        yield* L.seL4_Reply(info(0, 0, 0, 0));
      }, [], { priority: 10 });
      yield* runOthers();
      yield* thread(c, 'client', function* () {
        yield* L.seL4_Call(ep, info(0, 0, 0, 0));
        c.ev('client: replied');
      }, [], { priority: 100 });
      yield* thread(c, 'mid', function* () {
        c.ev('mid runs');
      }, [], { priority: 50 });
      yield* runOthers();
    });
    expect(s.events).toEqual(['mid runs', 'srv: call arrived', 'client: replied']);
  });
});

describe('Yield', () => {
  it('alternates two equal-priority threads; the one started last runs first (ipc_misc on the real kernel)', () => {
    const s = scenario(function* (c: RootCtx) {
      const yielder = function* (name: number, n: number) {
        for (let i = 0; i < n; i++) {
          c.ev(`${String.fromCharCode(name)}${i}`);
          yield* L.seL4_Yield();
        }
      };
      yield* thread(c, 'A', yielder, [65, 3]);
      yield* thread(c, 'B', yielder, [66, 3]);
      yield* runOthers();
    });
    expect(s.events).toEqual(['B0', 'A0', 'B1', 'A1', 'B2', 'A2']);
  });

  it('a thread alone at the highest ready level keeps running after Yield', () => {
    const s = scenario(function* (c: RootCtx) {
      yield* thread(c, 'low', function* () {
        c.ev('low');
      }, [], { priority: 10 });
      c.ev('root before');
      yield* L.seL4_Yield();
      c.ev('root after');
    });
    expect(s.events).toEqual(['root before', 'root after', 'low']);
  });

  it('does not refill the timeslice (Appendix A 10)', () => {
    const slices: number[] = [];
    scenario(
      function* (c: RootCtx) {
        const tcb = yield* thread(c, 'spinner', function* () {
          const me = c.m().k.curThread;
          for (let i = 0; i < 25; i++) yield* L.seL4_NBSend(NULL_CAP, info(0, 0, 0, 0));
          slices.push(me.timeSlice);
          yield* L.seL4_Yield();
          slices.push(me.timeSlice);
        });
        void tcb;
        yield* runOthers();
      },
      { tickCycles: 10_000 },
    );
    expect(slices).toHaveLength(2);
    expect(slices[0]).toBeLessThan(5);
    expect(slices[1]).toBe(slices[0]);
  });
});

describe('timeslices', () => {
  function spinRuns(timeSlice: number) {
    const order: string[] = [];
    const s = scenario(
      function* (c: RootCtx) {
        const spin = function* (name: number) {
          const n = String.fromCharCode(name);
          for (let i = 0; i < 60; i++) {
            order.push(n);
            yield* L.seL4_NBSend(NULL_CAP, info(0, 0, 0, 0));
          }
        };
        yield* thread(c, 'A', spin, [65]);
        yield* thread(c, 'B', spin, [66]);
        yield* runOthers();
      },
      { tickCycles: 10_000, kernel: { timeSlice } },
    );
    const runs: string[] = [];
    for (const n of order) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[0] === n) runs[runs.length - 1] = last + n;
      else runs.push(n);
    }
    return { runs: runs.map((r) => `${r[0]}${r.length}`), s };
  }

  it('round-robins equal-priority threads when the timeslice expires on the timer tick', () => {
    const { runs, s } = spinRuns(1);
    // each syscall costs 1000 simulated cycles (userStep 100 + slowpath 900) and the timer
    // interrupt 1500, so a 10,000-cycle tick holds 8 or 9 of them; B was started last, so it runs first
    expect(runs.map((r) => r[0]).join('')).toMatch(/^(BA)+B?A?$/);
    for (const r of runs.slice(1, -2)) expect(Number(r.slice(1))).toBeGreaterThanOrEqual(8), expect(Number(r.slice(1))).toBeLessThanOrEqual(9);
    expect(s.r.stats.timesliceExpiries).toBeGreaterThan(5);
  });

  it('a longer timeslice gives longer runs', () => {
    const { runs } = spinRuns(3);
    expect(runs.map((r) => r[0]).join('')).toMatch(/^(BA)+B?A?$/);
    for (const r of runs.slice(1, -2)) expect(Number(r.slice(1))).toBeGreaterThanOrEqual(25), expect(Number(r.slice(1))).toBeLessThanOrEqual(29);
  });
});

describe('Resume', () => {
  it('an equal-priority resumed thread runs next, after the resumer blocks; a higher one runs at once', () => {
    const s = scenario(function* (c: RootCtx) {
      yield* setRootPriority(100);
      yield* thread(c, 'eq', function* () {
        c.ev('eq runs');
      }, [], { priority: 100 });
      c.ev('root after resuming eq');
      yield* thread(c, 'hi', function* () {
        c.ev('hi runs');
      }, [], { priority: 150 });
      c.ev('root after resuming hi');
    });
    expect(s.events).toEqual(['root after resuming eq', 'hi runs', 'root after resuming hi', 'eq runs']);
  });

  it('resuming a running thread or yourself does nothing (SCHED0002)', () => {
    const s = scenario(function* (c: RootCtx) {
      const e = yield* L.seL4_TCB_Resume(L.seL4_CapInitThreadTCB);
      c.ev(`resume self -> ${e}`);
    });
    expect(s.events).toEqual(['resume self -> 0']);
  });
});

describe('domains', () => {
  it('a thread in domain 1 runs only in domain 1 time', () => {
    const order: string[] = [];
    const s = scenario(
      function* (c: RootCtx) {
        const spin = function* (name: number) {
          const n = String.fromCharCode(name);
          for (let i = 0; i < 40; i++) {
            order.push(n);
            yield* L.seL4_NBSend(NULL_CAP, info(0, 0, 0, 0));
          }
        };
        const d1 = yield* thread(c, 'D1', spin, [68], { priority: 50 });
        const e = yield* L.seL4_DomainSet_Set(L.seL4_CapDomain, 1, d1);
        c.ev(`DomainSet -> ${e}`);
        yield* thread(c, 'D0', spin, [69], { priority: 50 });
        yield* runOthers();
      },
      { tickCycles: 10_000, kernel: { numDomains: 2, domainSchedule: [{ domain: 0, length: 2 }, { domain: 1, length: 2 }] } },
    );
    expect(s.events).toEqual(['DomainSet -> 0']);
    expect(s.r.reason).toBe('idle');
    // D0 (domain 0) and D1 (domain 1) alternate in runs of two ticks, never interleaving inside one
    const runs: string[] = [];
    for (const n of order) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[0] === n) runs[runs.length - 1] = last + n;
      else runs.push(n);
    }
    expect(runs.length).toBeGreaterThan(3);
    expect(runs.map((r) => r[0]).join('')).toMatch(/^E?(DE)+D?$|^D?(ED)+E?$/);
    void ([] as Gen[]);
  });
});
