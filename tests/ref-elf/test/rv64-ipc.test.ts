/*
 * Two RISC-V threads ping-pong through an endpoint (Call / ReplyRecv with one-word messages):
 * every ReplyRecv and every Call after the first take seL4's fastpath, and the client's EBREAK at
 * the end is a UserException with no fault handler, after which every thread is blocked.
 */
import { describe, expect, it } from 'vitest';
import { pingpongMachine } from '../src/pingpong.js';

describe('RISC-V Call / ReplyRecv ping-pong', () => {
  it('1000 round trips, the fastpath both ways', () => {
    const { machine, code } = pingpongMachine(1000);
    const r = machine.run({ maxSteps: 100_000 });
    expect(r.reason).toBe('idle');
    expect(r.stats.syscalls['seL4_SysReplyRecv']).toBe(1000);
    // every ReplyRecv, and every Call but the first
    expect(r.stats.fastpath.replyRecv.hits).toBe(1000);
    expect(r.stats.fastpath.call.hits).toBe(999);
    // the client's EBREAK: a fault with no handler
    expect(r.stats.faults).toBe(1);
    expect(r.stats.doubleFaults).toBe(1);
    expect(code.threads.length).toBe(2);
  });
});
