/*
 * The fastpath against the slow path (issue: "observable results identical"; digest 9). Each random
 * program (test/programs.ts, weighted toward short Calls and ReplyRecvs) runs on two machines in
 * lock step, one with the fastpath and one without, both charging the same cycles for either path
 * so their timers agree. After every step the observable state must be identical: console, what
 * threads recorded, every thread's state, priority and registers, IPC buffers, endpoint queues,
 * notification states and every reachable cap. On the fastpath machine, each kernel entry must
 * take the fastpath exactly when seL4's conditions hold, as an oracle written from
 * src/fastpath/fastpath.c decides them from the state before the entry.
 */
import { TrapKind } from '@tsel4/hal';
import { type Kernel, lookupIPCBuffer, NO_BUFFER } from '@tsel4/kernel';
import * as L from '@tsel4/libsel4';
import { CapType, CNodeObj, Endpoint, EPState, Notification, NtfnState, queueToArray, snapshot, TCB_CALLER, type Tcb } from '@tsel4/object';
import type { Machine } from '@tsel4/syscalls';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { machineFor } from './harness.js';
import { fastpathProgramArb, type ProgramLog, programRoot, type ProgramSpec, serverClientArb } from './programs.js';

const COSTS = { userStep: 100, fastpath: 900, slowpath: 900, interrupt: 1500 };
const RIGHT_WRITE = 1;
const RIGHT_READ = 2;
const RIGHT_GRANT = 4;
const RIGHT_GRANT_REPLY = 8;

/** Is there a ready thread above `prio` in the current domain? (seL4: !isHighestPrio) */
function outranked(k: Kernel, prio: number): boolean {
  const base = k.curDomain * 256;
  for (let p = prio + 1; p < 256; p++) if (k.queueHead[base + p] !== null) return true;
  return false;
}

/** seL4's lookup_fp on our root CNode layout: one level, 52-bit guard of 0, 12-bit radix. */
function lookupFp(k: Kernel, t: Tcb, cptrLo: number, cptrHi: number) {
  const root = t.ctes[0]!.cap;
  if (root.type !== CapType.CNode || cptrHi !== 0 || cptrLo >= 4096) return null;
  return (root.obj as CNodeObj).peek(cptrLo)?.cap ?? null;
}

/** Would seL4's fastpath take this kernel entry? */
function fastpathOracle(k: Kernel): boolean {
  const t = k.curThread;
  const a = k.arch;
  const r = t.ctx.regs;
  const sysno = r[2 * a.syscall.syscallReg]! | 0;
  if (sysno !== L.seL4_SysCall && sysno !== L.seL4_SysReplyRecv) return false;
  const info = r[2 * a.syscall.infoReg]!;
  if ((info & 0x1ff) > 4 || t.fault !== null) return false;
  const cap = lookupFp(k, t, r[2 * a.syscall.capReg]!, r[2 * a.syscall.capReg + 1]!);
  if (cap === null || cap.type !== CapType.Endpoint) return false;
  const ep = cap.obj as Endpoint;
  const multiDomain = k.config.numDomains > 1;
  if (sysno === L.seL4_SysCall) {
    if ((cap.rights & RIGHT_WRITE) === 0 || ep.state !== EPState.Recv) return false;
    const dest = ep.head!;
    if (dest.priority < t.priority && outranked(k, dest.priority)) return false;
    if ((cap.rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY)) === 0) return false;
    if (multiDomain && dest.domain !== k.curDomain) return false;
    return true;
  }
  if ((cap.rights & RIGHT_READ) === 0) return false;
  const bound = t.boundNotification;
  if (bound !== null && bound.state === NtfnState.Active) return false;
  if (ep.state === EPState.Send) return false;
  const reply = t.ctes[TCB_CALLER]!.cap;
  if (reply.type !== CapType.Reply || reply.obj === null) return false;
  const caller = reply.obj as Tcb;
  if (caller.fault !== null) return false;
  if (outranked(k, caller.priority)) return false;
  if (multiDomain && caller.domain !== k.curDomain) return false;
  return true;
}

/** Everything a program or a debugger could observe, as one comparable value. */
function observe(m: Machine, log: ProgramLog): string {
  const k = m.k;
  const threads = [...k.tcbs].map((t) => {
    const buf = lookupIPCBuffer(false, t);
    const page = buf === NO_BUFFER ? null : Array.from(m.board.memory.page(buf).subarray((buf & 0xfff) >>> 2, ((buf & 0xfff) >>> 2) + 2 * 128));
    return {
      name: t.name,
      state: t.state,
      prio: t.priority,
      regs: Array.from(t.ctx.regs),
      page,
      queued: t.queued,
      fault: t.fault === null ? null : t.fault.constructor.name,
    };
  });
  const objs: unknown[] = [];
  for (const t of k.tcbs) {
    const o = t.blockingObject;
    if (o instanceof Endpoint) objs.push({ ep: o.addr, state: o.state, q: queueToArray(o).map((x) => x.name) });
    if (o instanceof Notification) objs.push({ ntfn: o.addr, state: o.state, q: queueToArray(o).map((x) => x.name) });
    if (t.boundNotification !== null) objs.push({ bound: t.name, state: t.boundNotification.state, lo: t.boundNotification.wordLo });
  }
  const roots = [k.rootCNodeSlot!, ...[...k.tcbs].flatMap((t) => t.ctes.filter((c) => !c.isEmpty))];
  return JSON.stringify({ console: m.board.console.output, log, threads, objs, cur: k.curThread.name, caps: snapshot(roots) }, (_, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

function lockstep(spec: ProgramSpec, maxSteps = 3000) {
  const logs: ProgramLog[] = [{ received: [], lines: [] }, { received: [], lines: [] }];
  const fast = machineFor(programRoot(spec, logs[0]!), { fastpath: true, costs: COSTS, checkInvariants: true }).m;
  const slow = machineFor(programRoot(spec, logs[1]!), { fastpath: false, costs: COSTS, checkInvariants: true }).m;
  let oracleHits = 0;
  let mismatches = 0;
  const cpu = fast.board.cpu;
  const entry = cpu.installedTrapEntry!;
  cpu.installTrapEntry((kind) => {
    const predicted = kind === TrapKind.Syscall && fastpathOracle(fast.k);
    const before = fast.stats().fastpath;
    entry(kind);
    const after = fast.stats().fastpath;
    const taken = after.call.hits + after.replyRecv.hits - before.call.hits - before.replyRecv.hits === 1;
    if (predicted) oracleHits++;
    if (predicted !== taken) mismatches++;
  });
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    const a = fast.run({ maxSteps: 1 });
    const b = slow.run({ maxSteps: 1 });
    expect(observe(fast, logs[0]!)).toBe(observe(slow, logs[1]!));
    expect(a.reason).toBe(b.reason);
    if (a.reason !== 'steps') break;
  }
  const fp = fast.stats().fastpath;
  return { steps, hits: fp.call.hits + fp.replyRecv.hits, oracleHits, mismatches };
}

describe('fastpath and slow path', () => {
  it('leave identical observable state after every step, and the fastpath runs exactly where seL4 takes it', () => {
    let totalHits = 0;
    let totalSteps = 0;
    fc.assert(
      fc.property(fc.oneof(serverClientArb, fastpathProgramArb), (spec) => {
        const r = lockstep(spec);
        expect(r.mismatches).toBe(0);
        expect(r.hits).toBe(r.oracleHits);
        totalHits += r.hits;
        totalSteps += r.steps;
      }),
      { numRuns: 60, seed: 0xfa57 },
    );
    // the generated programs do exercise the fastpath
    expect(totalHits).toBeGreaterThan(100);
    expect(totalSteps).toBeGreaterThan(1000);
  });
});
