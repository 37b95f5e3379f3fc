/*
 * The runtime on its own, without a kernel: a thread started at a function's address runs to its
 * first trap; while it runs it is the thread libsel4's stubs see; a PC with no code behind it is a
 * VM fault at that address; an exception the code throws is a user exception at CRASH_INSN_ADDR.
 */
import { ThreadContext, TrapKind, x86_64 } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { CodeSpace, type UserEnvironment, UserThread } from '../src/index.js';

function world(): { code: CodeSpace; env: UserEnvironment } {
  const code = new CodeSpace();
  const env: UserEnvironment = {
    arch: x86_64,
    code,
    seed: 0,
    ipcBufferFor: () => null,
    bootInfo: () => null,
    bootInfoPaddr: () => null,
  };
  return { code, env };
}

function threadAt(env: UserEnvironment, pc: number): { ctx: ThreadContext; t: UserThread } {
  const ctx = new ThreadContext(x86_64);
  ctx.set(x86_64.nextIP, pc);
  const t = new UserThread(ctx, env);
  ctx.program = t;
  return { ctx, t };
}

describe('CodeSpace', () => {
  it('gives each function one address, and names it', () => {
    const { code } = world();
    const f = function* f(): Generator<L.TrapToken, void, unknown> {};
    const g = function* g(): Generator<L.TrapToken, void, unknown> {};
    const a = code.addressOf(f);
    expect(code.addressOf(f)).toBe(a);
    expect(code.addressOf(g)).not.toBe(a);
    expect(code.at(a)).toBe(f);
    expect(code.nameAt(a)).toBe('f');
    expect(code.at(a + 1)).toBeUndefined();
  });
});

describe('UserThread', () => {
  it('runs a function to its first syscall, as the thread the stubs see', () => {
    const { code, env } = world();
    let seen: L.RunningThread | null = null;
    const f = function* (): Generator<L.TrapToken, void, unknown> {
      seen = L.currentThread();
      yield* L.seL4_Yield();
    };
    const { ctx, t } = threadAt(env, code.addressOf(f));
    expect(t.run(ctx)).toBe(TrapKind.Syscall);
    expect(seen).toBe(t);
    expect(L.currentThreadOrNull()).toBe(t);
    expect(ctx.get(x86_64.syscall.syscallReg)).toBe(L.seL4_SysYield);
    expect(ctx.get(x86_64.nextIP)).toBe(L.SYSCALL_INSN_ADDR + x86_64.syscall.trapInsnBytes);
  });

  it('faults at a PC with no code behind it', () => {
    const { env } = world();
    const { ctx, t } = threadAt(env, 0x1234);
    expect(t.run(ctx)).toBe(TrapKind.VMFault);
    expect(ctx.vmFaultAddr).toBe(0x1234);
    expect(ctx.get(x86_64.faultIP)).toBe(0x1234);
  });

  it('turns an uncaught exception into a user exception at CRASH_INSN_ADDR', () => {
    const { code, env } = world();
    const boom = new Error('boom');
    const f = function* (): Generator<L.TrapToken, void, unknown> {
      throw boom;
    };
    const { ctx, t } = threadAt(env, code.addressOf(f));
    expect(t.run(ctx)).toBe(TrapKind.UserException);
    expect(t.lastThrown).toBe(boom);
    expect(ctx.get(x86_64.faultIP)).toBe(L.CRASH_INSN_ADDR);
  });
});
