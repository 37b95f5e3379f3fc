// Every number in the arch descriptions against the digest (spec/SEL4-SEMANTICS.md), one table per
// section. A row is [arch, value-in-tsel4, value-in-the-digest].
import { describe, expect, it } from 'vitest';
import { ARCHS, type Arch, type ArchName, archByName, msgRegisterCount } from '../src/index.js';

const names = (a: Arch, regs: readonly number[]) => regs.map((r) => a.registers[r]);

describe('digest 1.1: word size', () => {
  it.each([
    ['x86_64', 64, 3],
    ['aarch64', 64, 3],
    ['riscv64', 64, 3],
    ['ia32', 32, 2],
    ['aarch32', 32, 2],
  ] as const)('%s has %i-bit words (seL4_WordSizeBits %i)', (arch, bits, sizeBits) => {
    const a = ARCHS[arch];
    expect(a.wordBits).toBe(bits);
    expect(a.wordSizeBits).toBe(sizeBits);
    expect(a.wordBytes).toBe(bits / 8);
  });
});

describe('digest 1.2: syscall register convention', () => {
  it.each([
    ['x86_64', ['R10', 'R8', 'R9', 'R15'], 'RDI', 'RSI', 'RDX'],
    ['aarch64', ['X2', 'X3', 'X4', 'X5'], 'X0', 'X1', 'X7'],
    ['riscv64', ['a2', 'a3', 'a4', 'a5'], 'a0', 'a1', 'a7'],
    ['aarch32', ['R2', 'R3', 'R4', 'R5'], 'R0', 'R1', 'R7'],
    ['ia32', ['EDI', 'EBP'], 'EBX', 'ESI', 'EAX'],
  ] as const)('%s: MRs in %j, cap/badge %s, info %s, syscall %s', (arch, mrs, cap, info, sys) => {
    const a = ARCHS[arch];
    expect(names(a, a.syscall.msgRegs)).toEqual(mrs);
    expect(a.registers[a.syscall.capReg]).toBe(cap);
    expect(a.registers[a.syscall.badgeReg]).toBe(cap);
    expect(a.registers[a.syscall.infoReg]).toBe(info);
    expect(a.registers[a.syscall.syscallReg]).toBe(sys);
    expect(msgRegisterCount(a)).toBe(mrs.length);
  });
});

describe('digest 1.5: object sizes', () => {
  // slot, endpoint, notification, tcb, page, minUntyped, maxUntyped, ipcBuffer, large, huge, vspace root
  const table: [ArchName, number, number, number, number, number, number, number, number, number, number | null, number][] = [
    ['x86_64', 5, 4, 5, 11, 12, 4, 47, 10, 21, 30, 12],
    ['aarch64', 5, 4, 5, 11, 12, 4, 47, 10, 21, 30, 12],
    ['riscv64', 5, 4, 5, 11, 12, 4, 38, 10, 21, 30, 12],
    ['ia32', 4, 4, 4, 11, 12, 4, 29, 9, 22, null, 12],
    ['aarch32', 4, 4, 4, 9, 12, 4, 29, 9, 16, null, 14],
  ];
  it.each(table)('%s', (arch, slot, ep, ntfn, tcb, page, minU, maxU, ipcbuf, large, huge, vspace) => {
    const o = ARCHS[arch].objects;
    expect([o.slotBits, o.endpointBits, o.notificationBits, o.tcbBits, o.pageBits]).toEqual([slot, ep, ntfn, tcb, page]);
    expect([o.minUntypedBits, o.maxUntypedBits, o.ipcBufferSizeBits]).toEqual([minU, maxU, ipcbuf]);
    expect([o.largePageBits, o.hugePageBits, o.vspaceBits]).toEqual([large, huge, vspace]);
  });
});

describe('digest 7.2: seL4_UserContext (ReadRegisters count limits)', () => {
  it.each([
    ['x86_64', 20, 18, 'rip'],
    ['aarch64', 36, 17, 'pc'],
    ['riscv64', 32, 16, 'pc'],
    ['ia32', 12, 10, 'eip'],
    ['aarch32', 19, 10, 'pc'],
  ] as const)('%s has %i registers, %i frame registers, first %s = FaultIP', (arch, n, frame, first) => {
    const a = ARCHS[arch];
    expect(a.userContext).toHaveLength(n);
    expect(a.userContextNames).toHaveLength(n);
    expect(a.frameRegisterCount).toBe(frame);
    expect(a.userContextNames[0]).toBe(first);
    expect(a.userContext[0]).toBe(a.faultIP);
    expect(new Set(a.userContext).size).toBe(n);
  });
});

describe('digest 8.3: fault message register lists', () => {
  it('x86_64 UnknownSyscall: RAX..R15, FaultIP, SP, FLAGS then the syscall (length 19)', () => {
    const a = ARCHS.x86_64;
    expect(names(a, a.unknownSyscallMessage)).toEqual([
      'RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15',
      'FaultIP', 'RSP', 'FLAGS',
    ]);
  });
  it('aarch64 UnknownSyscall: X0-X7, FaultIP, SP, LR (ELR), SPSR then the syscall (length 13)', () => {
    const a = ARCHS.aarch64;
    expect(names(a, a.unknownSyscallMessage)).toEqual([
      'X0', 'X1', 'X2', 'X3', 'X4', 'X5', 'X6', 'X7', 'FaultIP', 'SP_EL0', 'ELR_EL1', 'SPSR_EL1',
    ]);
  });
  it('ia32 UnknownSyscall has 10 registers then the syscall (length 11)', () => {
    expect(ARCHS.ia32.unknownSyscallMessage).toHaveLength(10);
  });
  it.each([
    ['x86_64', ['FaultIP', 'RSP', 'FLAGS']],
    ['aarch64', ['FaultIP', 'SP_EL0', 'SPSR_EL1']],
    ['riscv64', ['FaultIP', 'sp']],
  ] as const)('%s UserException registers %j (then Number, Code)', (arch, regs) => {
    const a = ARCHS[arch];
    expect(names(a, a.userExceptionMessage)).toEqual(regs);
  });
});

describe('register sanitising (seL4 sanitiseRegister)', () => {
  it('x86_64 makes a non-canonical FaultIP 0 and keeps a canonical one', () => {
    const a = ARCHS.x86_64;
    expect(a.sanitise(a.faultIP, 0, 0x00008000)).toEqual([0, 0]);
    expect(a.sanitise(a.faultIP, 0x1234, 0x00007fff)).toEqual([0x1234, 0x7fff]);
    expect(a.sanitise(a.faultIP, 0x1234, 0xffff8000)).toEqual([0x1234, 0xffff8000]);
  });
  it('x86_64 FLAGS: IF and bit 1 forced on, TF, bits 3/5 and bits above 11 cleared', () => {
    const a = ARCHS.x86_64;
    expect(a.sanitise(a.statusReg, 0xffffffff, 0xffffffff)).toEqual([0xfff & ~(1 << 8) & ~0x28, 0]);
    expect(a.sanitise(a.statusReg, 0, 0)).toEqual([0x202, 0]);
  });
  it('aarch64 SPSR keeps only NZCV and is forced to EL0t with FIQ masked', () => {
    const a = ARCHS.aarch64;
    expect(a.sanitise(a.statusReg, 0xf00003c5, 0)).toEqual([0xf0000040, 0]);
  });
});

describe('archByName', () => {
  it('finds each arch and nothing else', () => {
    for (const n of Object.keys(ARCHS)) expect(archByName(n)?.name).toBe(n);
    expect(archByName('mips')).toBeUndefined();
    expect(archByName('toString')).toBeUndefined();
  });
});
