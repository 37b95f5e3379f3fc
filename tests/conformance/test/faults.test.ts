/*
 * sel4test faults.c: read, write and instruction-fetch VM faults at an unmapped address
 * (PAGEFAULT0001-0003), an unknown system call (0004) and an undefined instruction (0005), and the
 * first four between helper processes with CSpaces and VSpaces of their own (1001-1004). Each
 * runs with an unbadged and a badged handler endpoint, with replies that restart the faulter and
 * replies (or none) that leave it stopped, with the faulter at priorities 100..102 against a
 * handler at 101. The handler checks the fault message, fixes the faulter's registers (GOOD_MAGIC
 * in the register the faulting code uses, the PC past the faulting instruction) and replies.
 *
 * A load or store is `tsel4_read32`/`tsel4_write32` through the thread's VSpace: it faults at
 * MEMORY_INSN_ADDR (read_fault_address). The C test's `mov val, reg; jmp *BAD_VADDR` has no
 * TypeScript form (a thread cannot write its own PC, and seL4 refuses WriteRegisters on the
 * calling thread), so the execute-fault faulter is started where that jump lands: its PC at
 * BAD_VADDR with BAD_MAGIC in the register, which is what the kernel sees either way. Where the handler
 * moves the PC past the faulting instruction, it moves it to a function that goes on as the C
 * code does after that instruction: it checks the register and returns from the helper.
 *
 * What the C test does in assembly is done on the faulting thread's own registers: it puts
 * BAD_MAGIC in a register, traps with syscall number 0xc1 (tsel4_rawSyscall: the TypeScript
 * thread's syscall instruction is at SYSCALL_INSN_ADDR, so that is bad_syscall_address and the
 * next instruction bad_syscall_restart_address), and reads the register back after the handler
 * rewrote it to GOOD_MAGIC. The undefined instruction is a TypeScript thread's CPU exception (an
 * uncaught throw, at CRASH_INSN_ADDR): the faulter first points its stack pointer at `val`, whose
 * memory is a cell shared by the threads (their common address space), and the handler resumes
 * it at a restart address: a function that goes on where the C code does after the `ud2`.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen, UndefinedInstruction, uword } from '../src/env.js';
import {
  allocEndpoint,
  cleanupHelper,
  cnodeMint,
  copyCapToProcess,
  createHelperProcess,
  createHelperThread,
  getFreeSlot,
  guardSkipWord,
  type Helper,
  PROCESS_CSPACE_SIZE_BITS,
  readOwnRegister,
  setHelperPriority,
  startHelper,
  waitForHelper,
  writeOwnRegister,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';

const FAULT_DATA_READ_PAGEFAULT = 1;
const FAULT_DATA_WRITE_PAGEFAULT = 2;
const FAULT_INSTRUCTION_PAGEFAULT = 3;
const FAULT_BAD_SYSCALL = 4;
const FAULT_BAD_INSTRUCTION = 5;
const GOOD_MAGIC = 0x15831851;
/** ~GOOD_MAGIC as a C int, as a 32-bit pattern. */
const BAD_MAGIC = ~GOOD_MAGIC >>> 0;
const BAD_SYSCALL_NUMBER = 0xc1;
const EXPECTED_BADGE = 0xabababa;
/** Flag bits of handle_fault's last argument (sel4test packs them above the reply cptr). */
const BADGED = 1;
const RESTART = 2;

/** The register the C test's assembly uses for `val` around the bad syscall, per arch. */
function valRegister(): string {
  const a = L.currentThread().arch.name;
  return a === 'x86_64' ? 'rbx' : a === 'aarch64' ? 'x0' : a === 'riscv64' ? 'a0' : 'r0';
}

/** The address the VM faults are taken at: in the valid part of the address space, well above anything mapped. */
function badVaddr(): number {
  return L.currentThread().arch.name === 'riscv64' ? 0x3cba987650 : 0x7edcba987650;
}

/** sel4utils_is_read_fault for the arch: the fault status of a load or fetch, not a store. */
function isReadFault(fsr: number | bigint): boolean {
  const f = uword(fsr);
  switch (L.currentThread().arch.name) {
    case 'aarch64':
      return (f & (1n << 6n)) === 0n;
    case 'riscv64':
      return f === 1n || f === 2n || f === 5n;
    default:
      return (f & (1n << 1n)) === 0n;
  }
}

/** (int)w == BAD_MAGIC: the low 32 bits, as the C casts compare them. */
function low32(w: number | bigint): number {
  return Number(uword(w) & 0xffffffffn);
}

/** The memory the threads share: `val` of do_bad_instruction lives at VAL_ADDR. */
const VAL_ADDR = 0x7ff0_0000;

interface FaultTest {
  readonly env: Env;
  readonly memory: Map<number, number>;
  /** The faulter's SP before it moved it to &val, and its flags (bad_instruction_sp/_cpsr). */
  badInstructionSp: bigint;
  badInstructionCpsr: bigint;
  /** The address the handler resumes an undefined-instruction faulter at. */
  restartAddress: number;
  /** The address the handler resumes a VM-faulting faulter at (past the faulting instruction). */
  vmRestartAddress: number;
}

/** cause_fault. */
function causeFault(ft: FaultTest) {
  const env: Env = ft.env;
  return function* cause_fault(faultType: number): Gen<number> {
    const reg = valRegister();
    switch (faultType) {
      case FAULT_DATA_READ_PAGEFAULT:
        // do_read_fault: val in the register, a load from BAD_VADDR into it
        writeOwnRegister(reg, BAD_MAGIC);
        writeOwnRegister(reg, yield* L.tsel4_read32(badVaddr()));
        break;
      case FAULT_DATA_WRITE_PAGEFAULT:
        // do_write_fault: val in the register, stored to BAD_VADDR
        writeOwnRegister(reg, BAD_MAGIC);
        yield* L.tsel4_write32(badVaddr(), low32(readOwnRegister(reg)));
        break;
      case FAULT_BAD_SYSCALL: {
        // do_bad_syscall
        writeOwnRegister(reg, BAD_MAGIC);
        yield* L.tsel4_rawSyscall(BAD_SYSCALL_NUMBER);
        const val = low32(readOwnRegister(reg));
        env.check(val === GOOD_MAGIC, `after the bad syscall ${reg} = 0x${val.toString(16)}`);
        break;
      }
      default: {
        // do_bad_instruction: save SP and the flags, point SP at val, execute an undefined instruction
        const arch = L.currentThread().arch;
        const t = L.currentThread();
        ft.memory.set(VAL_ADDR, BAD_MAGIC);
        ft.badInstructionSp = t.ctx.getBig(arch.sp);
        const status = t.ctx.getBig(arch.statusReg);
        // aarch64 user code can read only PSTATE.NZCV
        ft.badInstructionCpsr = arch.name === 'aarch64' ? status & 0xf0000000n : status;
        t.ctx.set(arch.sp, VAL_ADDR, 0);
        throw new UndefinedInstruction();
      }
    }
    return env.result();
  };
}

/** Start `h` where do_instruction_fault's jump lands: PC at BAD_VADDR, BAD_MAGIC in the register. */
function* startAtBadVaddr(h: Helper): Gen {
  const arch = L.currentThread().arch;
  const ctx: L.seL4_UserContext = { [arch.userContextNames[0]!]: badVaddr(), [valRegister()]: BAD_MAGIC };
  const e = yield* L.seL4_TCB_WriteRegisters(h.thread.tcb, 1, 0, arch.userContext.length, ctx);
  if (e !== 0) throw new Error(`WriteRegisters on the faulter: ${L.seL4_ErrorName(e)}`);
}

/** set_good_magic_and_set_pc: GOOD_MAGIC in the faulter's register, its PC at `newPc`. */
function* setGoodMagicAndSetPc(env: Env, tcb: number, newPc: number): Gen {
  const arch = L.currentThread().arch;
  const count = arch.userContext.length;
  const ctx: L.seL4_UserContext = {};
  env.check((yield* L.seL4_TCB_ReadRegisters(tcb, 0, 0, count, ctx)) === 0, 'ReadRegisters on the faulter');
  env.check(low32(ctx[valRegister()] ?? 0) === BAD_MAGIC, `the faulter's ${valRegister()} holds BAD_MAGIC`);
  ctx[valRegister()] = GOOD_MAGIC;
  ctx[arch.userContextNames[0]!] = newPc;
  env.check((yield* L.seL4_TCB_WriteRegisters(tcb, 0, 0, count, ctx)) === 0, 'WriteRegisters on the faulter');
}

/** handle_fault: receive the fault, check its message, fix the faulter up, reply (or not). */
function handleFault(ft: FaultTest) {
  const env: Env = ft.env;
  return function* handle_fault(faultEp: number, tcb: number, expectedFault: number, flags: number): Gen<number> {
    const badged = (flags & BADGED) !== 0;
    const restart = (flags & RESTART) !== 0;
    const senderBadge = { value: 0 as number | bigint };
    let tag = yield* L.seL4_Recv(faultEp, senderBadge);
    env.eq(senderBadge.value, badged ? EXPECTED_BADGE : 0, 'the fault carries the handler cap badge');
    const arch = L.currentThread().arch;
    const layout = L.faultLayout(arch);
    switch (expectedFault) {
      case FAULT_DATA_READ_PAGEFAULT:
      case FAULT_DATA_WRITE_PAGEFAULT:
      case FAULT_INSTRUCTION_PAGEFAULT: {
        const instruction = expectedFault === FAULT_INSTRUCTION_PAGEFAULT;
        env.check(L.seL4_MessageInfo_get_label(tag) === L.seL4_Fault_VMFault, 'label');
        env.check(L.seL4_MessageInfo_get_length(tag) === L.seL4_VMFault_Length, 'length');
        env.check(L.seL4_GetMR(L.seL4_VMFault_IP) === (instruction ? badVaddr() : L.MEMORY_INSN_ADDR), 'IP is the faulting instruction');
        env.check(L.seL4_GetMR(L.seL4_VMFault_Addr) === badVaddr(), 'the fault address');
        if (!instruction) env.check(L.seL4_GetMR(L.seL4_VMFault_PrefetchFault) === 0, 'not a prefetch fault');
        // only ARM and RISC-V set the prefetch flag
        else if (arch.name !== 'x86_64') env.check(L.seL4_GetMR(L.seL4_VMFault_PrefetchFault) === 1, 'a prefetch fault');
        const read = isReadFault(L.seL4_GetMR_big(L.seL4_VMFault_FSR));
        env.check(expectedFault === FAULT_DATA_WRITE_PAGEFAULT ? !read : read, `the fault status says ${read ? 'read' : 'write'}`);
        // clear a register so it is filled in again next time
        L.seL4_SetMR(L.seL4_VMFault_Addr, 0);
        yield* setGoodMagicAndSetPc(env, tcb, ft.vmRestartAddress);
        if (restart) yield* L.seL4_Reply(tag);
        break;
      }
      case FAULT_BAD_SYSCALL: {
        const us = layout.unknownSyscall;
        const badSyscallAddress = L.SYSCALL_INSN_ADDR;
        const restartAddress = L.SYSCALL_INSN_ADDR + arch.syscall.trapInsnBytes;
        env.eq(L.seL4_MessageInfo_get_label(tag), L.seL4_Fault_UnknownSyscall, 'label');
        env.eq(L.seL4_MessageInfo_get_length(tag), us.length, 'length');
        env.eq(L.seL4_GetMR(us.faultIP), badSyscallAddress, 'FaultIP');
        env.eq(low32(L.seL4_GetMR(us.syscall)), BAD_SYSCALL_NUMBER, 'syscall number');
        L.seL4_SetMR(us.faultIP, restartAddress);
        const reg = arch.userContext[arch.userContextNames.indexOf(valRegister())]!;
        const mr = us.registers.indexOf(reg);
        env.eq(low32(L.seL4_GetMR_big(mr)), BAD_MAGIC, `${valRegister()} in the message`);
        L.seL4_SetMR(mr, GOOD_MAGIC);
        // a reply with label 0 restarts the thread; any other label leaves it stopped
        tag = L.seL4_MessageInfo_set_label(tag, restart ? 0 : 1);
        yield* L.seL4_Reply(tag);
        break;
      }
      case FAULT_BAD_INSTRUCTION: {
        const ue = layout.userException;
        env.check(L.seL4_MessageInfo_get_label(tag) === L.seL4_Fault_UserException, 'label');
        env.check(L.seL4_MessageInfo_get_length(tag) === ue.length, 'length');
        env.check(L.seL4_GetMR(ue.faultIP) === L.CRASH_INSN_ADDR, 'FaultIP is the undefined instruction');
        const valptr = L.seL4_GetMR(ue.sp);
        env.check(ft.memory.get(valptr) === BAD_MAGIC, 'SP points at val');
        if (arch.name === 'aarch64') {
          // only PSTATE.nzcv is visible at EL0: it is preserved
          env.check((L.seL4_GetMR_big(2) & ~((1n << 27n) - 1n)) === ft.badInstructionCpsr, 'PSTATE.nzcv preserved');
          // an instruction abort on a 32-bit instruction with ISS 0
          env.check(L.seL4_GetMR(3) === 0x02000000, 'exception class and length');
          env.check(L.seL4_GetMR(4) === 0, 'code');
        } else if (arch.name === 'riscv64') {
          env.check(L.seL4_GetMR(2) === 2, 'illegal instruction cause');
          env.check(L.seL4_GetMR(3) === 0, 'code');
        } else {
          // x86: the flags as the faulter saw them (ignoring the resume flag)
          const maskOut = ~(1n << 16n);
          env.check(((L.seL4_GetMR_big(2) ^ ft.badInstructionCpsr) & maskOut) === 0n, 'flags preserved');
        }
        ft.memory.set(valptr, GOOD_MAGIC);
        L.seL4_SetMR(0, ft.restartAddress);
        L.seL4_SetMR(1, ft.badInstructionSp);
        tag = L.seL4_MessageInfo_set_label(tag, restart ? 0 : 1);
        yield* L.seL4_Reply(tag);
        break;
      }
      default:
        env.assert(false, `unexpected fault type ${expectedFault}`);
    }
    return 0;
  };
}

/** test_fault. */
function* testFault(env: Env, faultType: number, interAS: boolean): Gen {
  const ft: FaultTest = { env, memory: new Map(), badInstructionSp: 0n, badInstructionCpsr: 0n, restartAddress: 0, vmRestartAddress: 0 };
  for (let badged = 0; badged <= 1; badged++) {
    // the endpoint faults arrive on
    let faultEp = yield* allocEndpoint(env);
    if (badged) {
      const badgedFaultEp = getFreeSlot(env);
      yield* cnodeMint(env, faultEp, badgedFaultEp, L.seL4_AllRights, EXPECTED_BADGE);
      faultEp = badgedFaultEp;
    }
    let faulter: Helper;
    let handler: Helper;
    let handlerArg0: number;
    let handlerArg1: number;
    let faulterCspace: number;
    let faulterVspace: number;
    let guardBits: number;
    if (interAS) {
      faulter = yield* createHelperProcess(env, 'faulter');
      handler = yield* createHelperProcess(env, 'handler');
      // the faulter's fault endpoint, in its own CSpace
      const remoteFaultEp = yield* copyCapToProcess(env, faulter, faultEp);
      handlerArg0 = yield* copyCapToProcess(env, handler, faultEp);
      handlerArg1 = yield* copyCapToProcess(env, handler, faulter.thread.tcb);
      faultEp = remoteFaultEp;
      faulterCspace = faulter.process!.cnode;
      faulterVspace = faulter.process!.vspace;
      guardBits = env.wordBits - PROCESS_CSPACE_SIZE_BITS;
    } else {
      faulter = yield* createHelperThread(env, 'faulter');
      handler = yield* createHelperThread(env, 'handler');
      handlerArg0 = faultEp;
      handlerArg1 = faulter.thread.tcb;
      faulterCspace = env.cspaceRoot;
      faulterVspace = env.pageDirectory;
      guardBits = env.wordBits - env.cspaceSizeBits;
    }
    yield* setHelperPriority(env, handler, 101);
    const e = yield* L.seL4_TCB_SetSpace(faulter.thread.tcb, faultEp, faulterCspace, guardSkipWord(guardBits), faulterVspace, L.seL4_NilData);
    env.eq(e, L.seL4_NoError, 'SetSpace on the faulter');

    // where an undefined-instruction faulter goes on after the handler fixed it (the rest of
    // do_bad_instruction, then the helper's return)
    const local = yield* copyCapToProcess(env, faulter, faulter.localEndpoint);
    ft.restartAddress = L.tsel4_functionAddress(function* bad_instruction_restart() {
      env.check(ft.memory.get(VAL_ADDR) === GOOD_MAGIC, 'val is GOOD_MAGIC after the restart');
      env.check(L.currentThread().ctx.getBig(L.currentThread().arch.sp) === ft.badInstructionSp, 'the stack pointer is back');
      for (;;) {
        L.seL4_SetMR(0, env.result());
        yield* L.seL4_Call(local, L.seL4_MessageInfo_new(0, 0, 0, 1));
      }
    });

    // where a VM-faulting faulter goes on past the faulting instruction: the rest of
    // do_read_fault / do_write_fault / do_instruction_fault, then the helper's return
    ft.vmRestartAddress = L.tsel4_functionAddress(function* fault_restart_address() {
      const val = low32(readOwnRegister(valRegister()));
      env.check(val === GOOD_MAGIC, `after the fault ${valRegister()} = 0x${val.toString(16)}`);
      for (;;) {
        L.seL4_SetMR(0, env.result());
        yield* L.seL4_Call(local, L.seL4_MessageInfo_new(0, 0, 0, 1));
      }
    });

    for (let restart = 0; restart <= 1; restart++) {
      const flags = (badged ? BADGED : 0) | (restart ? RESTART : 0);
      for (let prio = 100; prio <= 102; prio++) {
        yield* setHelperPriority(env, faulter, prio);
        yield* startHelper(env, handler, handleFault(ft), handlerArg0, handlerArg1, faultType, flags);
        if (faultType === FAULT_INSTRUCTION_PAGEFAULT) yield* startAtBadVaddr(faulter);
        else yield* startHelper(env, faulter, causeFault(ft), faultType);
        yield* waitForHelper(handler);
        if (restart) yield* waitForHelper(faulter);
      }
    }
    yield* cleanupHelper(env, handler);
    yield* cleanupHelper(env, faulter);
  }
}

describe('faults (faults.c)', () => {
  sel4test('PAGEFAULT0001', 'Test read page fault', (env) => testFault(env, FAULT_DATA_READ_PAGEFAULT, false));
  sel4test('PAGEFAULT0002', 'Test write page fault', (env) => testFault(env, FAULT_DATA_WRITE_PAGEFAULT, false));
  sel4test('PAGEFAULT0003', 'Test execute page fault', (env) => testFault(env, FAULT_INSTRUCTION_PAGEFAULT, false));
  sel4test('PAGEFAULT0004', 'Test unknown system call', (env) => testFault(env, FAULT_BAD_SYSCALL, false));
  sel4test('PAGEFAULT0005', 'Test undefined instruction', (env) => testFault(env, FAULT_BAD_INSTRUCTION, false));
  sel4test('PAGEFAULT1001', 'Test read page fault (inter-AS)', (env) => testFault(env, FAULT_DATA_READ_PAGEFAULT, true));
  sel4test('PAGEFAULT1002', 'Test write page fault (inter-AS)', (env) => testFault(env, FAULT_DATA_WRITE_PAGEFAULT, true));
  sel4test('PAGEFAULT1003', 'Test execute page fault (inter-AS)', (env) => testFault(env, FAULT_INSTRUCTION_PAGEFAULT, true));
  sel4test('PAGEFAULT1004', 'Test unknown system call (inter-AS)', (env) => testFault(env, FAULT_BAD_SYSCALL, true));
});
