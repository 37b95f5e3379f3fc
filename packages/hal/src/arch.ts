/*
 * Architecture descriptions: the facts about each CPU architecture that seL4's user-visible
 * behaviour depends on.
 *
 * Register numbers are seL4's own (`enum _register` in the kernel's registerset.h for each arch),
 * so a register index here is the index seL4 uses in a TCB's saved context. The syscall register
 * convention, the message registers carried in CPU registers, the `seL4_UserContext` order used by
 * TCB_ReadRegisters/WriteRegisters, the register lists of the UnknownSyscall and UserException
 * fault messages, and the object sizes all come from seL4 16.0.0 (digest sections 1.2, 1.5, 8.3)
 * for the default (non-MCS, debug, FPU where the platform has one) configuration.
 */

/** The architectures tsel4 describes. */
export type ArchName = 'x86_64' | 'aarch64' | 'riscv64' | 'ia32' | 'aarch32';

/** Object sizes as log2 of bytes (digest 1.5). */
export interface ObjectSizes {
  /** seL4_SlotBits: one CNode slot (CTE). */
  readonly slotBits: number;
  /** seL4_EndpointBits. */
  readonly endpointBits: number;
  /** seL4_NotificationBits (non-MCS). */
  readonly notificationBits: number;
  /** seL4_TCBBits. */
  readonly tcbBits: number;
  /** seL4_PageBits: the small frame. */
  readonly pageBits: number;
  /** seL4_LargePageBits. */
  readonly largePageBits: number;
  /** seL4_HugePageBits, or null where the arch has none. */
  readonly hugePageBits: number | null;
  /** seL4_MinUntypedBits. */
  readonly minUntypedBits: number;
  /** seL4_MaxUntypedBits. */
  readonly maxUntypedBits: number;
  /** seL4_IPCBufferSizeBits. */
  readonly ipcBufferSizeBits: number;
  /** seL4_PageTableBits: the lowest paging structure. */
  readonly pageTableBits: number;
  /** seL4_VSpaceBits: the root paging structure. */
  readonly vspaceBits: number;
  /** seL4_ASIDPoolBits. */
  readonly asidPoolBits: number;
}

/** seL4's syscall register convention for an arch (digest 1.2). */
export interface SyscallConvention {
  /** Register holding the syscall number. */
  readonly syscallReg: number;
  /** Register holding the invoked cptr on entry (seL4's capRegister). */
  readonly capReg: number;
  /** Register receiving the badge on return (seL4's badgeRegister; the same as capReg). */
  readonly badgeReg: number;
  /** Register holding the message info word, in and out (msgInfoRegister). */
  readonly infoReg: number;
  /** Registers carrying the first message registers (seL4's msgRegisters[]). */
  readonly msgRegs: readonly number[];
  /** Bytes of the trapping instruction (syscall/svc/ecall/sysenter). */
  readonly trapInsnBytes: number;
}

/** One architecture. Everything a kernel needs to know about it that seL4 makes visible. */
/** tsel4's kinds of paging structure across the arches (the kernel's PagingObject kinds). */
export type PagingKind = 'pml4' | 'pdpt' | 'pd' | 'pt' | 'vspace' | 'iopt';
/** The kinds a VSpace root can be. */
export type VSpaceRootKind = 'pml4' | 'vspace' | 'pd' | 'pt';

export interface Arch {
  readonly name: ArchName;
  /** seL4_WordBits. */
  readonly wordBits: 32 | 64;
  /** seL4_WordSizeBits. */
  readonly wordSizeBits: 2 | 3;
  /** Bytes in a word. */
  readonly wordBytes: 4 | 8;
  /** Names of the saved context registers; the index is seL4's register number. */
  readonly registers: readonly string[];
  readonly syscall: SyscallConvention;
  /** Register numbers that matter to the kernel beyond the syscall convention. */
  readonly faultIP: number;
  readonly nextIP: number;
  readonly sp: number;
  readonly tlsBase: number;
  /** Flags/status register written by Arch_initContext (FLAGS, SPSR_EL1, SSTATUS, CPSR). */
  readonly statusReg: number;
  /** Registers and values of a fresh context (Arch_initContext), besides zeros. */
  readonly initialContext: readonly (readonly [reg: number, value: number])[];
  /**
   * seL4_UserContext field order (frameRegisters then gpRegisters): register numbers, and the C
   * field names. ReadRegisters/WriteRegisters count from the start of this list.
   */
  readonly userContext: readonly number[];
  readonly userContextNames: readonly string[];
  /** Number of frame registers (the first part of userContext). */
  readonly frameRegisterCount: number;
  /** Registers of the UnknownSyscall fault message, in message order (the syscall number follows). */
  readonly unknownSyscallMessage: readonly number[];
  /** Registers of the UserException fault message, in order (Number and Code follow). */
  readonly userExceptionMessage: readonly number[];
  /** Registers carrying a function's first arguments in the C calling convention. */
  readonly argRegs: readonly number[];
  /** Link register for the return address, or null where it is on the stack (x86). */
  readonly linkReg: number | null;
  readonly objects: ObjectSizes;
  /**
   * The kind of paging structure at each level of a walk, the VSpace root first (seL4's
   * PML4/PDPT/PD/PT on x86_64, VSpace then page tables on aarch64, page tables at every level on
   * riscv64).
   */
  readonly pagingKinds: readonly [root: VSpaceRootKind, ...below: PagingKind[]];
  /** The arch has x86 I/O ports (an IOPortControl cap at boot, a port bus on the board). */
  readonly ioPorts: boolean;
  /**
   * seL4's sanitiseRegister for a user-written register value (WriteRegisters, fault replies),
   * on the word `hi:lo`; returns the sanitised halves.
   */
  sanitise(reg: number, lo: number, hi: number): [lo: number, hi: number];
}

function indexOf(names: readonly string[]): (n: string) => number {
  return (n) => {
    const i = names.indexOf(n);
    if (i < 0) throw new Error(`internal: no register ${n}`);
    return i;
  };
}

function regs(names: readonly string[], list: string): number[] {
  const r = indexOf(names);
  return list.split(/[\s,]+/).filter(Boolean).map(r);
}

// ---------------------------------------------------------------------------------------------
// x86_64: include/arch/x86/arch/64/mode/machine/registerset.h
const X64_REGS = [
  'RDI', 'RSI', 'RAX', 'RBX', 'RBP', 'R12', 'R13', 'R14', 'RDX', 'R10', 'R8', 'R9', 'R15',
  'FLAGS', 'NextIP', 'Error', 'RSP', 'FaultIP', 'R11', 'RCX', 'CS', 'SS', 'FS_BASE', 'GS_BASE',
] as const;
const x64 = indexOf(X64_REGS);
const X86_FLAGS_TF = 1 << 8;
const X86_FLAGS_IF = 1 << 9;
const X86_FLAGS_HIGH = 1 << 1;
const X86_FLAGS_LOW = (1 << 3) | (1 << 5);
const X86_FLAGS_MASK = 0xfff;

export const x86_64: Arch = {
  name: 'x86_64',
  wordBits: 64,
  wordSizeBits: 3,
  wordBytes: 8,
  registers: X64_REGS,
  syscall: {
    syscallReg: x64('RDX'),
    capReg: x64('RDI'),
    badgeReg: x64('RDI'),
    infoReg: x64('RSI'),
    msgRegs: regs(X64_REGS, 'R10 R8 R9 R15'),
    trapInsnBytes: 2,
  },
  faultIP: x64('FaultIP'),
  nextIP: x64('NextIP'),
  sp: x64('RSP'),
  tlsBase: x64('FS_BASE'),
  statusReg: x64('FLAGS'),
  initialContext: [
    [x64('CS'), (5 << 3) | 3],
    [x64('SS'), (6 << 3) | 3],
    [x64('FLAGS'), X86_FLAGS_IF | X86_FLAGS_HIGH],
  ],
  userContext: regs(
    X64_REGS,
    'FaultIP RSP FLAGS RAX RBX RCX RDX RSI RDI RBP R8 R9 R10 R11 R12 R13 R14 R15 FS_BASE GS_BASE',
  ),
  userContextNames: [
    'rip', 'rsp', 'rflags', 'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp',
    'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'fs_base', 'gs_base',
  ],
  frameRegisterCount: 18,
  unknownSyscallMessage: regs(
    X64_REGS,
    'RAX RBX RCX RDX RSI RDI RBP R8 R9 R10 R11 R12 R13 R14 R15 FaultIP RSP FLAGS',
  ),
  userExceptionMessage: regs(X64_REGS, 'FaultIP RSP FLAGS'),
  argRegs: regs(X64_REGS, 'RDI RSI RDX RCX R8 R9'),
  linkReg: null,
  objects: {
    slotBits: 5,
    endpointBits: 4,
    notificationBits: 5,
    tcbBits: 11,
    pageBits: 12,
    largePageBits: 21,
    hugePageBits: 30,
    minUntypedBits: 4,
    maxUntypedBits: 47,
    ipcBufferSizeBits: 10,
    pageTableBits: 12,
    vspaceBits: 12,
    asidPoolBits: 12,
  },
  pagingKinds: ['pml4', 'pdpt', 'pd', 'pt'],
  ioPorts: true,
  sanitise(reg, lo, hi) {
    // seL4: Mode_sanitiseRegister then sanitiseRegister (src/arch/x86/.../registerset.c)
    if (reg === x64('FaultIP') || reg === x64('NextIP') || reg === x64('FS_BASE') || reg === x64('GS_BASE')) {
      // non-canonical addresses (between 0x00007fffffffffff and 0xffff800000000000) become 0
      const canonical = hi <= 0x7fff || hi >= 0xffff8000;
      if (!canonical) return [0, 0];
    }
    if (reg === x64('FLAGS')) {
      let v = lo | X86_FLAGS_HIGH;
      v &= ~X86_FLAGS_LOW;
      v |= X86_FLAGS_IF;
      v &= ~X86_FLAGS_TF;
      v &= X86_FLAGS_MASK;
      return [v >>> 0, 0];
    }
    return [lo, hi];
  },
};

// ---------------------------------------------------------------------------------------------
// aarch64: include/arch/arm/arch/64/mode/machine/registerset.h
const A64_REGS = [
  ...Array.from({ length: 31 }, (_, i) => `X${i}`),
  'SP_EL0', 'ELR_EL1', 'SPSR_EL1', 'FaultIP', 'TPIDR_EL0', 'TPIDRRO_EL0',
] as const;
const a64 = indexOf(A64_REGS);
/** PSTATE_USER in a debug build: PMODE_FIRQ | PMODE_EL0t. */
const A64_PSTATE_USER = 1 << 6;

export const aarch64: Arch = {
  name: 'aarch64',
  wordBits: 64,
  wordSizeBits: 3,
  wordBytes: 8,
  registers: A64_REGS,
  syscall: {
    syscallReg: a64('X7'),
    capReg: a64('X0'),
    badgeReg: a64('X0'),
    infoReg: a64('X1'),
    msgRegs: regs(A64_REGS, 'X2 X3 X4 X5'),
    trapInsnBytes: 4,
  },
  faultIP: a64('FaultIP'),
  nextIP: a64('ELR_EL1'),
  sp: a64('SP_EL0'),
  tlsBase: a64('TPIDR_EL0'),
  statusReg: a64('SPSR_EL1'),
  initialContext: [[a64('SPSR_EL1'), A64_PSTATE_USER]],
  userContext: regs(
    A64_REGS,
    'FaultIP SP_EL0 SPSR_EL1 X0 X1 X2 X3 X4 X5 X6 X7 X8 X16 X17 X18 X29 X30 ' +
      'X9 X10 X11 X12 X13 X14 X15 X19 X20 X21 X22 X23 X24 X25 X26 X27 X28 TPIDR_EL0 TPIDRRO_EL0',
  ),
  userContextNames: [
    'pc', 'sp', 'spsr', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x16', 'x17', 'x18',
    'x29', 'x30', 'x9', 'x10', 'x11', 'x12', 'x13', 'x14', 'x15', 'x19', 'x20', 'x21', 'x22', 'x23',
    'x24', 'x25', 'x26', 'x27', 'x28', 'tpidr_el0', 'tpidrro_el0',
  ],
  frameRegisterCount: 17,
  unknownSyscallMessage: regs(A64_REGS, 'X0 X1 X2 X3 X4 X5 X6 X7 FaultIP SP_EL0 ELR_EL1 SPSR_EL1'),
  userExceptionMessage: regs(A64_REGS, 'FaultIP SP_EL0 SPSR_EL1'),
  argRegs: regs(A64_REGS, 'X0 X1 X2 X3 X4 X5 X6 X7'),
  linkReg: a64('X30'),
  objects: {
    slotBits: 5,
    endpointBits: 4,
    notificationBits: 5,
    tcbBits: 11,
    pageBits: 12,
    largePageBits: 21,
    hugePageBits: 30,
    minUntypedBits: 4,
    maxUntypedBits: 47,
    ipcBufferSizeBits: 10,
    pageTableBits: 12,
    vspaceBits: 12,
    asidPoolBits: 12,
  },
  pagingKinds: ['vspace', 'pt', 'pt', 'pt'],
  ioPorts: false,
  sanitise(reg, lo, hi) {
    // seL4: sanitiseRegister (include/arch/arm/arch/64/mode/kernel/thread.h), no hypervisor
    if (reg === a64('SPSR_EL1')) return [((lo & 0xf0000000) | A64_PSTATE_USER) >>> 0, 0];
    return [lo, hi];
  },
};

// ---------------------------------------------------------------------------------------------
// riscv64: include/arch/riscv/arch/machine/registerset.h
const RV_REGS = [
  'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1',
  'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11',
  't3', 't4', 't5', 't6', 'SCAUSE', 'SSTATUS', 'FaultIP', 'NextIP',
] as const;
const rv = indexOf(RV_REGS);
const RV_SSTATUS_SPIE = 0x20;

export const riscv64: Arch = {
  name: 'riscv64',
  wordBits: 64,
  wordSizeBits: 3,
  wordBytes: 8,
  registers: RV_REGS,
  syscall: {
    syscallReg: rv('a7'),
    capReg: rv('a0'),
    badgeReg: rv('a0'),
    infoReg: rv('a1'),
    msgRegs: regs(RV_REGS, 'a2 a3 a4 a5'),
    trapInsnBytes: 4,
  },
  faultIP: rv('FaultIP'),
  nextIP: rv('NextIP'),
  sp: rv('sp'),
  tlsBase: rv('tp'),
  statusReg: rv('SSTATUS'),
  initialContext: [[rv('SSTATUS'), RV_SSTATUS_SPIE]],
  userContext: regs(
    RV_REGS,
    'FaultIP ra sp gp s0 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 ' +
      'a0 a1 a2 a3 a4 a5 a6 a7 t0 t1 t2 t3 t4 t5 t6 tp',
  ),
  userContextNames: [
    'pc', 'ra', 'sp', 'gp', 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10',
    's11', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 't0', 't1', 't2', 't3', 't4', 't5',
    't6', 'tp',
  ],
  frameRegisterCount: 16,
  unknownSyscallMessage: regs(RV_REGS, 'FaultIP sp ra a0 a1 a2 a3 a4 a5 a6'),
  userExceptionMessage: regs(RV_REGS, 'FaultIP sp'),
  argRegs: regs(RV_REGS, 'a0 a1 a2 a3 a4 a5 a6 a7'),
  linkReg: rv('ra'),
  objects: {
    slotBits: 5,
    endpointBits: 4,
    notificationBits: 5,
    tcbBits: 11,
    pageBits: 12,
    largePageBits: 21,
    hugePageBits: 30,
    minUntypedBits: 4,
    maxUntypedBits: 38,
    ipcBufferSizeBits: 10,
    pageTableBits: 12,
    vspaceBits: 12,
    asidPoolBits: 12,
  },
  pagingKinds: ['pt', 'pt', 'pt'],
  ioPorts: false,
  sanitise(_reg, lo, hi) {
    return [lo, hi];
  },
};

// ---------------------------------------------------------------------------------------------
// ia32: include/arch/x86/arch/32/mode/machine/registerset.h (register 0 is unused)
const IA32_REGS = [
  '-', 'EAX', 'EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'FaultIP', 'Error', 'NextIP', 'CS',
  'FLAGS', 'ESP', 'SS', 'FS_BASE', 'GS_BASE',
] as const;
const ia = indexOf(IA32_REGS);

export const ia32: Arch = {
  name: 'ia32',
  wordBits: 32,
  wordSizeBits: 2,
  wordBytes: 4,
  registers: IA32_REGS,
  syscall: {
    syscallReg: ia('EAX'),
    capReg: ia('EBX'),
    badgeReg: ia('EBX'),
    infoReg: ia('ESI'),
    msgRegs: regs(IA32_REGS, 'EDI EBP'),
    trapInsnBytes: 2,
  },
  faultIP: ia('FaultIP'),
  nextIP: ia('NextIP'),
  sp: ia('ESP'),
  tlsBase: ia('GS_BASE'),
  statusReg: ia('FLAGS'),
  initialContext: [
    [ia('CS'), (3 << 3) | 3],
    [ia('SS'), (4 << 3) | 3],
    [ia('FLAGS'), X86_FLAGS_IF | X86_FLAGS_HIGH],
  ],
  userContext: regs(IA32_REGS, 'FaultIP ESP FLAGS EAX EBX ECX EDX ESI EDI EBP FS_BASE GS_BASE'),
  userContextNames: [
    'eip', 'esp', 'eflags', 'eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'fs_base', 'gs_base',
  ],
  frameRegisterCount: 10,
  unknownSyscallMessage: regs(IA32_REGS, 'EAX EBX ECX EDX ESI EDI EBP FaultIP ESP FLAGS'),
  userExceptionMessage: regs(IA32_REGS, 'FaultIP ESP FLAGS'),
  argRegs: [],
  linkReg: null,
  objects: {
    slotBits: 4,
    endpointBits: 4,
    notificationBits: 4,
    tcbBits: 11,
    pageBits: 12,
    largePageBits: 22,
    hugePageBits: null,
    minUntypedBits: 4,
    maxUntypedBits: 29,
    ipcBufferSizeBits: 9,
    pageTableBits: 12,
    vspaceBits: 12,
    asidPoolBits: 12,
  },
  pagingKinds: ['pd', 'pt'],
  ioPorts: true,
  sanitise(reg, lo, hi) {
    if (reg === ia('FLAGS')) {
      let v = lo | X86_FLAGS_HIGH;
      v &= ~X86_FLAGS_LOW;
      v |= X86_FLAGS_IF;
      v &= ~X86_FLAGS_TF;
      v &= X86_FLAGS_MASK;
      return [v >>> 0, 0];
    }
    return [lo, hi];
  },
};

// ---------------------------------------------------------------------------------------------
// aarch32: include/arch/arm/arch/32/mode/machine/registerset.h
const A32_REGS = [
  'R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10', 'R11', 'R12', 'SP', 'LR',
  'NextIP', 'CPSR', 'FaultIP', 'TPIDRURW', 'TPIDRURO',
] as const;
const a32 = indexOf(A32_REGS);
/** CPSR_USER in a debug build: PMASK_FIRQ | PMODE_USER. */
const A32_CPSR_USER = (1 << 6) | 0x10;

export const aarch32: Arch = {
  name: 'aarch32',
  wordBits: 32,
  wordSizeBits: 2,
  wordBytes: 4,
  registers: A32_REGS,
  syscall: {
    syscallReg: a32('R7'),
    capReg: a32('R0'),
    badgeReg: a32('R0'),
    infoReg: a32('R1'),
    msgRegs: regs(A32_REGS, 'R2 R3 R4 R5'),
    trapInsnBytes: 4,
  },
  faultIP: a32('FaultIP'),
  nextIP: a32('NextIP'),
  sp: a32('SP'),
  tlsBase: a32('TPIDRURW'),
  statusReg: a32('CPSR'),
  initialContext: [[a32('CPSR'), A32_CPSR_USER]],
  userContext: regs(
    A32_REGS,
    'FaultIP SP CPSR R0 R1 R8 R9 R10 R11 R12 R2 R3 R4 R5 R6 R7 LR TPIDRURW TPIDRURO',
  ),
  userContextNames: [
    'pc', 'sp', 'cpsr', 'r0', 'r1', 'r8', 'r9', 'r10', 'r11', 'r12', 'r2', 'r3', 'r4', 'r5', 'r6',
    'r7', 'r14', 'tpidrurw', 'tpidruro',
  ],
  frameRegisterCount: 10,
  unknownSyscallMessage: regs(A32_REGS, 'R0 R1 R2 R3 R4 R5 R6 R7 FaultIP SP LR CPSR'),
  userExceptionMessage: regs(A32_REGS, 'FaultIP SP CPSR'),
  argRegs: regs(A32_REGS, 'R0 R1 R2 R3'),
  linkReg: a32('LR'),
  objects: {
    slotBits: 4,
    endpointBits: 4,
    notificationBits: 4,
    tcbBits: 9,
    pageBits: 12,
    largePageBits: 16,
    hugePageBits: null,
    minUntypedBits: 4,
    maxUntypedBits: 29,
    ipcBufferSizeBits: 9,
    pageTableBits: 10,
    vspaceBits: 14,
    asidPoolBits: 12,
  },
  pagingKinds: ['vspace', 'pt'],
  ioPorts: false,
  sanitise(reg, lo, hi) {
    // seL4: sanitiseRegister (include/arch/arm/arch/32/mode/kernel/thread.h)
    if (reg === a32('CPSR')) return [((lo & 0xf8000000) | A32_CPSR_USER) >>> 0, 0];
    return [lo, hi];
  },
};

/** Every architecture, by name. */
export const ARCHS: Readonly<Record<ArchName, Arch>> = { x86_64, aarch64, riscv64, ia32, aarch32 };

/** The architecture called `name`, or undefined. */
export function archByName(name: string): Arch | undefined {
  return Object.prototype.hasOwnProperty.call(ARCHS, name) ? ARCHS[name as ArchName] : undefined;
}

/** Number of message registers carried in CPU registers (seL4's n_msgRegisters). */
export function msgRegisterCount(arch: Arch): number {
  return arch.syscall.msgRegs.length;
}
