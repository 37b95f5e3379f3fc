/*
 * Registers across the kernel: sel4test regressions.c REGRESSIONS0001 (WriteRegisters sets every
 * user register as given, seen by the thread it starts) and sel4test-driver's syscall.c
 * SYSCALL0000-0017 (every register the syscall convention does not use survives each syscall).
 *
 * Where the C tests use assembly (a function that compares its registers on entry, register
 * variables kept live across an inline syscall, the *WithMRs stubs that pass message registers
 * in CPU registers), the TypeScript thread reads and writes its own register context.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen, uword } from '../src/env.js';
import { allocNotification, cleanupHelper, createHelperThread, readOwnRegister, writeOwnRegister } from '../src/helpers.js';
import { sel4test } from '../src/define.js';

/** REGRESSIONS0001's register values per arch (seL4_UserContext field: value), pc excluded. */
function writeRegistersContext(arch: string): Record<string, number> {
  switch (arch) {
    case 'x86_64':
      return {
        rsp: 0x4, rax: 0xa, rbx: 0xb, rcx: 0xc, rdx: 0xd, rsi: 0x5, rdi: 0x2, rbp: 0x3,
        // the carry flag
        rflags: 0x1,
        r8: 0x88, r9: 0x99, r10: 0x10, r11: 0x11, r12: 0x12, r13: 0x13, r14: 0x14, r15: 0x15,
      };
    case 'aarch64': {
      const c: Record<string, number> = { sp: 1 };
      for (let i = 0; i <= 30; i++) c[`x${i}`] = i + 2;
      return c;
    }
    case 'riscv64':
      // gp and tp are not allocatable; a0 is the one the C check loads its immediates into
      return { ra: 1, sp: 2, t0: 4, t1: 5, t2: 6, s0: 7, s1: 8, a1: 10, a2: 11, a3: 12, a4: 13, a5: 14, a6: 15 };
    default:
      throw new Error(`no REGRESSIONS0001 context for ${arch}`);
  }
}

/** test_registers' check of one register: which of them it compares and how. */
function registerMatches(arch: string, name: string, want: number): boolean {
  const v = readOwnRegister(name);
  if (arch === 'x86_64' && name === 'rflags') return (v & 1n) === 1n; // jb: the carry flag is set
  return v === BigInt(want);
}

describe('registers (regressions.c, sel4test-driver syscall.c)', () => {
  sel4test('REGRESSIONS0001', 'Ensure WriteRegisters functions correctly', function* (env: Env) {
    const arch = L.currentThread().arch;
    const thread = yield* createHelperThread(env);
    const sharedEndpoint = thread.localEndpoint;
    const values = writeRegistersContext(arch.name);
    // the registers it was started with, checked before it does anything else
    const testRegisters = function* test_registers(): Gen {
      let result = 0;
      for (const [name, want] of Object.entries(values)) {
        if (!registerMatches(arch.name, name, want)) {
          result = 1;
          env.failures.push(`test_registers: ${name} = 0x${readOwnRegister(name).toString(16)}, expected 0x${want.toString(16)}`);
          break;
        }
      }
      // reply_to_parent
      yield* L.seL4_Send(sharedEndpoint, L.seL4_MessageInfo_new(result, 0, 0, 0));
      yield* L.seL4_Wait(sharedEndpoint);
    };
    const context: L.seL4_UserContext = { [arch.userContextNames[0]!]: L.tsel4_functionAddress(testRegisters) };
    for (const [name, v] of Object.entries(values)) context[name] = v;
    let result = yield* L.seL4_TCB_WriteRegisters(thread.thread.tcb, 1, 0, arch.userContext.length, context);
    let info = L.seL4_MessageInfo_new(1, 0, 0, 0);
    // started: wait for it to check its registers
    if (!result) info = yield* L.seL4_Recv(sharedEndpoint);
    yield* cleanupHelper(env, thread);
    env.assert(result === 0, `WriteRegisters: ${L.seL4_ErrorName(result)}`);
    result = L.seL4_MessageInfo_get_label(info);
    env.assert(result === 0, 'the started thread found every register as written');
  });
});

// --- sel4test-driver syscall.c --------------------------------------------------------------------

/**
 * The registers a C compiler may keep a variable in across an inline syscall: everything but the
 * program counter, stack pointer, status and TLS registers, the registers of the syscall
 * convention (syscall number, cap/badge, message info, message registers) and, on x86_64, RCX
 * and R11, which the `syscall` instruction itself overwrites.
 */
function preservedRegisters(): string[] {
  const a = L.currentThread().arch;
  const s = a.syscall;
  const excluded = new Set<number>([a.faultIP, a.nextIP, a.sp, a.statusReg, a.tlsBase, s.syscallReg, s.capReg, s.badgeReg, s.infoReg, ...s.msgRegs]);
  const names: string[] = [];
  a.userContext.forEach((r, i) => {
    const name = a.userContextNames[i]!;
    if (excluded.has(r)) return;
    if (/base|tpidr|^tp$|^gp$/.test(name)) return;
    if (a.name === 'x86_64' && (name === 'rcx' || name === 'r11')) return;
    names.push(name);
  });
  return names;
}

/** A syscall (or a few) as the C macro's `code` argument. */
type Code = () => Iterable<L.TrapToken, unknown, unknown>;

/** TEST_REGISTERS(code): magic values in every preserved register, `code`, then all still there. */
function* testRegisters(env: Env, what: string, code: Code): Gen {
  const MAGIC = 0xdeadbeefdead0000n;
  const regs = preservedRegisters();
  regs.forEach((name, i) => writeOwnRegister(name, MAGIC + BigInt(i)));
  yield* code();
  regs.forEach((name, i) => {
    const v = readOwnRegister(name);
    if (v !== uword(MAGIC + BigInt(i))) env.assert(false, `${what}: ${name} = 0x${v.toString(16)} after the syscall`);
  });
}

/** A *WithMRs stub: the message registers in CPU registers, the IPC buffer untouched. */
function* withMRs(sysno: number, dest: number, info: L.seL4_MessageInfo_t, mrs: readonly number[]): Gen {
  const t = L.currentThread();
  const s = t.arch.syscall;
  const set = (r: number, v: number | bigint) => {
    const w = uword(v);
    t.ctx.set(r, Number(w & 0xffffffffn), Number(w >> 32n));
  };
  if (sysno !== L.seL4_SysReply) set(s.capReg, dest);
  set(s.infoReg, info);
  mrs.forEach((v, i) => {
    const r = s.msgRegs[i];
    if (r !== undefined) set(r, v);
  });
  yield* L.tsel4_rawSyscall(sysno);
}

const TEST_MRS = [0, 0, 0, 0];

/** GENERATE_SYSCALL_TEST: ten times TEST_REGISTERS(code). */
function syscallTest(id: string, name: string, code: (env: Env) => ReturnType<Code>): void {
  sel4test(id, `Basic ${name}() testing`, function* (env: Env) {
    for (let i = 0; i < 10; i++) yield* testRegisters(env, name, () => code(env));
  });
}

/** The tests that wait on something real: a notification signalled first. */
function waitTest(id: string, name: string, code: (ntfn: number) => ReturnType<Code>): void {
  sel4test(id, `Basic ${name}() testing`, function* (env: Env) {
    const notification = yield* allocNotification(env);
    for (let i = 0; i < 10; i++) {
      yield* L.seL4_Signal(notification);
      yield* testRegisters(env, name, () => code(notification));
    }
  });
}

const cnode = (env: Env) => env.cspaceRoot;
const empty = () => L.seL4_MessageInfo_new(0, 0, 0, 0);

describe('syscalls keep registers (sel4test-driver syscall.c)', () => {
  syscallTest('SYSCALL0000', 'seL4_Yield', () => L.seL4_Yield());
  syscallTest('SYSCALL0001', 'seL4_Send', (env) => L.seL4_Send(cnode(env), empty()));
  syscallTest('SYSCALL0002', 'seL4_NBSend', (env) => L.seL4_NBSend(cnode(env), empty()));
  syscallTest('SYSCALL0003', 'api_reply', () => L.seL4_Reply(empty()));
  syscallTest('SYSCALL0004', 'seL4_Signal', (env) => L.seL4_Signal(cnode(env)));
  syscallTest('SYSCALL0005', 'seL4_Call', (env) => L.seL4_Call(cnode(env), empty()));
  syscallTest('SYSCALL0006', 'seL4_DebugPutChar', () => L.seL4_DebugPutChar(' '));
  waitTest('SYSCALL0010', 'seL4_Recv', (n) => L.seL4_Wait(n));
  waitTest('SYSCALL0011', 'seL4_ReplyRecv', (n) => L.seL4_ReplyRecv(n, empty()));
  waitTest('SYSCALL0012', 'seL4_NBRecv', (n) => L.seL4_NBRecv(n));
  waitTest('SYSCALL0013', 'seL4_Wait', (n) => L.seL4_Wait(n));
  syscallTest('SYSCALL0014', 'seL4_SendWithMRs', (env) => withMRs(L.seL4_SysSend, cnode(env), empty(), TEST_MRS));
  syscallTest('SYSCALL0015', 'seL4_NBSendWithMRs', (env) => withMRs(L.seL4_SysNBSend, cnode(env), empty(), TEST_MRS));
  syscallTest('SYSCALL0016', 'seL4_ReplyWithMRs', () => withMRs(L.seL4_SysReply, 0, empty(), TEST_MRS));
  syscallTest('SYSCALL0017', 'seL4_CallWithMRs', (env) => withMRs(L.seL4_SysCall, cnode(env), empty(), TEST_MRS));
});
