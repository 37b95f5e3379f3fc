/*
 * Faults (digest 8, Appendix A 9, Appendix B 1-3): what a thread that throws, returns from its
 * entry, makes an unknown syscall or uses a bad cptr sends to its fault handler; the handler looked
 * up in the faulter's CSpace at fault time; replies that restart, resume elsewhere or stop it; and
 * no handler at all (the thread stops, the machine goes on).
 */
import * as L from '@tsel4/libsel4';
import { copy, runOthers } from '@tsel4/sel4utils';
import { describe, expect, it } from 'vitest';
import { type Gen, info, type RootCtx, scenario, stateOf, tag, thread, wordBits } from './harness.js';

const CNODE = L.seL4_CapInitThreadCNode;
const CRASH_IP = 0x40_0020;
const SYSCALL_IP = 0x40_0010;

function* ep(c: RootCtx): Gen<number> {
  return yield* c.alloc.allocObject(L.seL4_EndpointObject);
}

function mrs(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(L.seL4_GetMR_big(i).toString(16));
  return out.join(' ');
}

describe('fault messages', () => {
  it('a thread that throws sends a UserException (x86_64: vector 13, code 0, at the crash address)', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      const b = { value: 0 as number | bigint };
      yield* thread(c, 'thrower', function* () {
        yield* L.seL4_Yield();
        throw new Error('boom');
      }, [], { faultEp: fep });
      const i = yield* L.seL4_Recv(fep, b);
      c.ev(`${tag(i)} ip=0x${L.seL4_GetMR(0).toString(16)} number=${L.seL4_GetMR(3)} code=${L.seL4_GetMR(4)}`);
    });
    expect(s.events).toEqual([`label=3 len=5 extraCaps=0 capsUnwrapped=0 ip=0x${CRASH_IP.toString(16)} number=13 code=0`]);
  });

  it('returning from the entry function is a VM fault at address 0 (x86_64: prefetch 0, FSR 4)', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      yield* thread(c, 'returner', function* () {
        yield* L.seL4_Yield();
      }, [], { faultEp: fep, onReturn: 'fault' });
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} ${mrs(4)}`);
    });
    expect(s.events).toEqual(['label=5 len=4 extraCaps=0 capsUnwrapped=0 0 0 0 4']);
  });

  it('an unknown syscall sends UnknownSyscall with 19 words on x86_64: FaultIP at the syscall instruction, the number last', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      yield* thread(c, 'weird', function* () {
        yield* L.tsel4_rawSyscall(-100);
      }, [], { faultEp: fep });
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} faultIP=0x${L.seL4_GetMR(15).toString(16)} syscall=0x${L.seL4_GetMR_big(18).toString(16)}`);
    });
    expect(s.events).toEqual([`label=2 len=19 extraCaps=0 capsUnwrapped=0 faultIP=0x${SYSCALL_IP.toString(16)} syscall=0xffffffffffffff9c`]);
  });

  it('an invalid cptr in a Call is a CapFault (the real kernel: guard mismatch, 64 bits left, guard size 52)', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      yield* thread(c, 'bad', function* () {
        yield* L.seL4_Call(0x10000, info(0, 0, 0, 0));
      }, [], { faultEp: fep });
      const i = yield* L.seL4_Recv(fep);
      c.ev(`${tag(i)} ${mrs(7).replace(/^\S+ /, '')}`);
    });
    expect(s.events).toEqual(['label=1 len=7 extraCaps=0 capsUnwrapped=0 10000 0 4 40 0 34']);
  });
});

describe('fault replies (digest 8.4)', () => {
  it('a reply to a CapFault restarts the faulting syscall, whatever the reply says', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      yield* thread(c, 'bad', function* () {
        c.ev('bad: calling');
        yield* L.seL4_Call(0x10000, info(0, 0, 0, 0));
      }, [], { faultEp: fep });
      yield* L.seL4_Recv(fep);
      yield* L.seL4_Reply(info(77, 0, 0, 0));
      const i = yield* L.seL4_Recv(fep);
      c.ev(`second fault: ${tag(i)}`);
    });
    // the syscall is made again (no new 'calling' line) and faults again
    expect(s.events).toEqual(['bad: calling', 'second fault: label=1 len=7 extraCaps=0 capsUnwrapped=0']);
  });

  it('a UserException reply with label 0 resumes at the FaultIP it carries', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      const recover = function* () {
        c.ev('recovered');
      };
      const t = yield* thread(c, 'thrower', function* () {
        throw new Error('boom');
      }, [], { faultEp: fep });
      yield* L.seL4_Recv(fep);
      L.seL4_SetMR(0, L.tsel4_functionAddress(recover as L.ThreadFunction));
      yield* L.seL4_Reply(info(0, 0, 0, 1));
      yield* runOthers();
      c.ev(`thrower ${stateOf(c.m(), t)}`);
    });
    // `recover` then returns into nothing (no trampoline behind it): a VM fault, queued for the handler
    expect(s.events).toEqual(['recovered', 'thrower BlockedOnSend']);
  });

  it('a UserException reply with a non-zero label leaves the thread Inactive', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      const t = yield* thread(c, 'thrower', function* () {
        throw new Error('boom');
      }, [], { faultEp: fep });
      yield* L.seL4_Recv(fep);
      yield* L.seL4_Reply(info(1, 0, 0, 0));
      yield* runOthers();
      c.ev(`thrower ${stateOf(c.m(), t)}`);
    });
    expect(s.events).toEqual(['thrower Inactive']);
  });

  it('an UnknownSyscall reply writes the registers back; with FaultIP moved past the instruction the thread goes on', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      yield* thread(c, 'weird', function* () {
        yield* L.tsel4_rawSyscall(-100);
        c.ev('weird: after the unknown syscall');
        yield* L.tsel4_rawSyscall(-100);
        c.ev('weird: never here');
      }, [], { faultEp: fep });
      yield* L.seL4_Recv(fep);
      const words = Array.from({ length: 19 }, (_, k) => L.seL4_GetMR_big(k));
      words[15] = words[15]! + 2n; // x86_64's syscall instruction is 2 bytes
      words.forEach((w, k) => L.seL4_SetMR(k, w));
      yield* L.seL4_Reply(info(0, 0, 0, 19));
      yield* L.seL4_Recv(fep);
      yield* L.seL4_Reply(info(1, 0, 0, 0));
      yield* runOthers();
    });
    expect(s.events).toEqual(['weird: after the unknown syscall']);
  });
});

describe('fault handler lookup (Appendix A 9)', () => {
  it('is done in the faulter\'s CSpace when the fault happens, not at Configure', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      const later = c.alloc.allocSlot(); // empty when the thread is configured
      yield* thread(c, 'bad', function* () {
        yield* L.seL4_Yield();
        yield* L.seL4_Call(0x10000, info(0, 0, 0, 0));
      }, [], { faultEp: later });
      yield* L.seL4_CNode_Copy(CNODE, later, wordBits(), CNODE, fep, wordBits(), L.seL4_AllRights);
      const i = yield* L.seL4_Recv(fep);
      c.ev(tag(i));
    });
    expect(s.events).toEqual(['label=1 len=7 extraCaps=0 capsUnwrapped=0']);
  });

  it('no valid handler: the thread becomes Inactive, the kernel logs a double fault, the rest runs on', () => {
    const log: string[] = [];
    const s = scenario(
      function* (c: RootCtx) {
        const e = yield* ep(c);
        const noGrant = yield* copy(c.alloc, e, L.seL4_CapRights_new(0, 0, 1, 1));
        const noWrite = yield* copy(c.alloc, e, L.seL4_CapRights_new(1, 1, 1, 0));
        const crash = function* () {
          throw new Error('boom');
        };
        const a = yield* thread(c, 'nohandler', crash);
        const b = yield* thread(c, 'nogrant', crash, [], { faultEp: noGrant });
        const d = yield* thread(c, 'nowrite', crash, [], { faultEp: noWrite });
        yield* thread(c, 'bystander', function* () {
          c.ev('bystander runs');
        }, [], { priority: 50 });
        yield* runOthers();
        c.ev([a, b, d].map((t) => stateOf(c.m(), t)).join(' '));
      },
      { onKernelLog: (l) => log.push(l) },
    );
    expect(s.events).toEqual(['bystander runs', 'Inactive Inactive Inactive']);
    expect(s.r.stats.doubleFaults).toBe(3);
    expect(log.filter((l) => /double fault|while trying to handle/i.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  it('faulting threads queue on the handler endpoint in FIFO order; the badge is the handler cap\'s', () => {
    const s = scenario(function* (c: RootCtx) {
      const fep = yield* ep(c);
      const crash = function* () {
        throw new Error('boom');
      };
      for (const badge of [0x1, 0x2, 0x3]) {
        const slot = c.alloc.allocSlot();
        yield* L.seL4_CNode_Mint(CNODE, slot, wordBits(), CNODE, fep, wordBits(), L.seL4_AllRights, badge);
        yield* thread(c, `t${badge}`, crash, [], { faultEp: slot, priority: 100 + badge });
      }
      yield* runOthers();
      const b = { value: 0 as number | bigint };
      for (let k = 0; k < 3; k++) {
        yield* L.seL4_Recv(fep, b);
        c.ev(`badge ${b.value}`);
      }
    });
    // the highest priority faults first
    expect(s.events).toEqual(['badge 3', 'badge 2', 'badge 1']);
  });
});
