// The ABI tables against the digest (spec/SEL4-SEMANTICS.md); each describe names its section.
import { ARCHS, type ArchName } from '@tsel4/hal';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';

describe('digest 1.1: message constants', () => {
  it('has seL4s message limits and priorities', () => {
    expect([L.seL4_MsgLengthBits, L.seL4_MsgMaxLength, L.seL4_MsgExtraCapBits, L.seL4_MsgMaxExtraCaps]).toEqual([7, 120, 2, 3]);
    expect([L.seL4_CapRightsBits, L.seL4_MinPrio, L.seL4_MaxPrio]).toEqual([4, 0, 255]);
  });
  it.each([
    ['x86_64', 64, 52, 4],
    ['aarch64', 64, 52, 4],
    ['riscv64', 64, 52, 4],
    ['ia32', 28, 20, 2],
    ['aarch32', 28, 20, 4],
  ] as const)('%s: badge %i bits, label %i bits, %i fast message registers', (arch, badge, label, fast) => {
    const c = L.archConstants(ARCHS[arch]);
    expect([c.seL4_BadgeBits, c.seL4_LabelBits, c.seL4_FastMessageRegisters]).toEqual([badge, label, fast]);
  });
});

describe('digest 2.1: syscall numbers (classic)', () => {
  it('numbers the API block -1..-8 and the debug block from -9', () => {
    expect([L.seL4_SysCall, L.seL4_SysReplyRecv, L.seL4_SysSend, L.seL4_SysNBSend]).toEqual([-1, -2, -3, -4]);
    expect([L.seL4_SysRecv, L.seL4_SysReply, L.seL4_SysYield, L.seL4_SysNBRecv]).toEqual([-5, -6, -7, -8]);
    expect([L.seL4_SysDebugPutChar, L.seL4_SysDebugDumpScheduler, L.seL4_SysDebugHalt]).toEqual([-9, -10, -11]);
    expect([L.seL4_SysDebugCapIdentify, L.seL4_SysDebugSnapshot, L.seL4_SysDebugNameThread]).toEqual([-12, -13, -14]);
    expect([L.seL4_SysDebugGetThreadAffinity, L.seL4_SysDebugRun, L.seL4_SysSetTLSBase]).toEqual([-16, -17, -30]);
    expect(Object.values(L.SYSCALLS)).toHaveLength(30);
    expect(new Set(Object.values(L.SYSCALLS)).size).toBe(30);
    expect(L.syscallName(-7)).toBe('seL4_SysYield');
  });
  it('lists the MCS numbering shifted by three after Yield', () => {
    expect(L.SYSCALLS_MCS['seL4_SysYield']).toBe(-11);
    expect(L.SYSCALLS_MCS['seL4_SysDebugPutChar']).toBe(-12);
    expect(L.SYSCALLS_MCS['seL4_SysSetTLSBase']).toBe(-33);
  });
});

describe('digest 2.3: errors and lookup failures', () => {
  it('numbers the errors 0..10', () => {
    expect([L.seL4_NoError, L.seL4_InvalidArgument, L.seL4_InvalidCapability, L.seL4_IllegalOperation]).toEqual([0, 1, 2, 3]);
    expect([L.seL4_RangeError, L.seL4_AlignmentError, L.seL4_FailedLookup, L.seL4_TruncatedMessage]).toEqual([4, 5, 6, 7]);
    expect([L.seL4_DeleteFirst, L.seL4_RevokeFirst, L.seL4_NotEnoughMemory, L.seL4_NumErrors]).toEqual([8, 9, 10, 11]);
    expect(L.seL4_ErrorName(8)).toBe('seL4_DeleteFirst');
    expect(L.seL4_ErrorName(11)).toBe('?');
  });
  it('numbers the lookup failures and their extra words', () => {
    expect([L.seL4_NoFailure, L.seL4_InvalidRoot, L.seL4_MissingCapability, L.seL4_DepthMismatch, L.seL4_GuardMismatch]).toEqual([0, 1, 2, 3, 4]);
    expect(L.LOOKUP_FAILURE_EXTRA_WORDS).toEqual([0, 0, 1, 2, 3]);
  });
});

describe('digest 1.8: object types', () => {
  it('has the generic types 0..4', () => {
    expect([L.seL4_UntypedObject, L.seL4_TCBObject, L.seL4_EndpointObject, L.seL4_NotificationObject, L.seL4_CapTableObject]).toEqual([0, 1, 2, 3, 4]);
  });
  const table: [ArchName, number, string[]][] = [
    // without CONFIG_IOMMU (sel4/arch/objecttype.h: the IOPageTable type is conditional)
    ['x86_64', 12, ['seL4_X86_PDPTObject', 'seL4_X64_PML4Object', 'seL4_X64_HugePageObject', 'seL4_X86_4K', 'seL4_X86_LargePageObject', 'seL4_X86_PageTableObject', 'seL4_X86_PageDirectoryObject']],
    ['aarch64', 10, ['seL4_ARM_HugePageObject', 'seL4_ARM_VSpaceObject', 'seL4_ARM_SmallPageObject', 'seL4_ARM_LargePageObject', 'seL4_ARM_PageTableObject']],
    ['riscv64', 9, ['seL4_RISCV_Giga_Page', 'seL4_RISCV_4K_Page', 'seL4_RISCV_Mega_Page', 'seL4_RISCV_PageTableObject']],
    ['ia32', 9, ['seL4_X86_4K', 'seL4_X86_LargePageObject', 'seL4_X86_PageTableObject', 'seL4_X86_PageDirectoryObject']],
    ['aarch32', 11, ['seL4_ARM_PageDirectoryObject', 'seL4_ARM_SmallPageObject', 'seL4_ARM_LargePageObject', 'seL4_ARM_SectionObject', 'seL4_ARM_SuperSectionObject', 'seL4_ARM_PageTableObject']],
  ];
  it.each(table)('%s: seL4_ObjectTypeCount %i, arch types from 5 in order', (arch, count, names) => {
    expect(L.objectTypeCount(arch)).toBe(count);
    names.forEach((n, i) => expect(L.objectTypeByName(arch, n)).toBe(5 + i));
  });
  it('with CONFIG_IOMMU, x86 has seL4_X86_IOPageTableObject last (x86_64: 12 of 13; ia32: 9 of 10)', () => {
    expect(L.objectTypeCount('x86_64', true)).toBe(13);
    expect(L.objectType('x86_64', 12, true)?.name).toBe('seL4_X86_IOPageTableObject');
    expect(L.objectType('x86_64', 12)).toBeUndefined();
    expect(L.objectTypeCount('ia32', true)).toBe(10);
    expect(L.objectTypeCount('aarch64', true)).toBe(10);
    expect(L.seL4_X86_IOPageTableObject_NoIOMMU).toBe(0xffffff);
  });
  it('knows each arch 4 KiB frame', () => {
    expect(L.smallPageObject('x86_64')).toBe(8);
    expect(L.smallPageObject('aarch64')).toBe(7);
    expect(L.smallPageObject('riscv64')).toBe(6);
  });
});

describe('digest 1.9: invocation labels', () => {
  const generic = [
    'UntypedRetype', 'TCBReadRegisters', 'TCBWriteRegisters', 'TCBCopyRegisters', 'TCBConfigure', 'TCBSetPriority',
    'TCBSetMCPriority', 'TCBSetSchedParams', 'TCBSetIPCBuffer', 'TCBSetSpace', 'TCBSuspend', 'TCBResume',
    'TCBBindNotification', 'TCBUnbindNotification', 'TCBSetTLSBase', 'TCBSetFlags', 'CNodeRevoke', 'CNodeDelete',
    'CNodeCancelBadgedSends', 'CNodeCopy', 'CNodeMint', 'CNodeMove', 'CNodeMutate', 'CNodeRotate', 'CNodeSaveCaller',
    'IRQIssueIRQHandler', 'IRQAckIRQ', 'IRQSetIRQHandler', 'IRQClearIRQHandler', 'DomainSetSet',
    'DomainScheduleConfigure', 'DomainScheduleSetStart',
  ];
  it.each(['x86_64', 'aarch64', 'riscv64', 'ia32', 'aarch32'] as const)('%s numbers the generic labels 1..32', (arch) => {
    generic.forEach((l, i) => expect(L.invocationLabel(arch, l)).toBe(i + 1));
    expect(L.nInvocationLabels).toBe(33);
  });
  it('starts the arch labels at 33 (aarch64: ARMVSpaceClean_Data = 33)', () => {
    expect(L.invocationLabel('aarch64', 'ARMVSpaceClean_Data')).toBe(33);
    expect(L.invocationLabel('aarch64', 'ARMPageTableMap')).toBe(38);
    expect(L.invocationLabel('aarch64', 'ARMPageMap')).toBe(40);
    expect(L.invocationLabel('x86_64', 'X86PDPTMap')).toBe(33);
    // seL4's default x86_64 build has no CONFIG_IOMMU
    expect(L.invocationLabel('x86_64', 'X86PageMap')).toBe(39);
    expect(L.invocationLabel('x86_64', 'X86IRQIssueIRQHandlerMSI')).toBe(52);
    expect(L.invocationLabel('riscv64', 'RISCVPageTableMap')).toBe(33);
    expect(L.invocationLabel('riscv64', 'RISCVIRQIssueIRQHandlerTrigger')).toBe(40);
  });
  // object-api-arch.xml (x86): IOPageTable Map and Unmap come between PageTable_Unmap and
  // Page_Map, Page_MapIO between Page_Unmap and Page_GetAddress, each <condition> CONFIG_IOMMU;
  // invocation_header_gen.py puts each inside #if, so the labels after them close up without it
  const iommu = { iommu: true };
  it('x86_64 without CONFIG_IOMMU: no IOMMU labels, and the labels after them 2 or 3 lower', () => {
    const labels = L.methodsOf('x86_64').map((m) => m.label);
    for (const l of ['X86IOPageTableMap', 'X86IOPageTableUnmap', 'X86PageMapIO']) expect(labels).not.toContain(l);
    expect(() => L.invocationLabel('x86_64', 'X86PageMapIO')).toThrow(/no invocation label/);
    expect(L.X86_64Label.X86PageMapIO).toBe(L.NO_LABEL);
    expect(L.invocationLabel('x86_64', 'X86PageTableUnmap')).toBe(38);
    expect(L.invocationLabel('x86_64', 'X86PageUnmap')).toBe(40);
    expect(L.invocationLabel('x86_64', 'X86PageGetAddress')).toBe(41);
    expect(L.invocationLabel('x86_64', 'X86IOPortControlIssue')).toBe(44);
    expect(L.invocationLabel('x86_64', 'X86IOPortIn8')).toBe(45);
    expect(L.x86_64Labels().X86IRQIssueIRQHandlerIOAPIC).toBe(51);
    expect(L.methodsOf('x86_64').length + 1).toBe(53); // nArchInvocationLabels
  });
  it('x86_64 with CONFIG_IOMMU: IOPageTable 39, 40, Page_MapIO 43, and the rest after them', () => {
    expect(L.invocationLabel('x86_64', 'X86PageTableUnmap', iommu)).toBe(38);
    expect(L.invocationLabel('x86_64', 'X86IOPageTableMap', iommu)).toBe(39);
    expect(L.invocationLabel('x86_64', 'X86IOPageTableUnmap', iommu)).toBe(40);
    expect(L.invocationLabel('x86_64', 'X86PageMap', iommu)).toBe(41);
    expect(L.invocationLabel('x86_64', 'X86PageMapIO', iommu)).toBe(43);
    expect(L.invocationLabel('x86_64', 'X86PageGetAddress', iommu)).toBe(44);
    expect(L.invocationLabel('x86_64', 'X86IOPortControlIssue', iommu)).toBe(47);
    expect(L.x86_64Labels(iommu).X86IOPortIn8).toBe(48);
    expect(L.x86_64Labels(iommu).X86IRQIssueIRQHandlerMSI).toBe(55);
    expect(L.methodsOf('x86_64', iommu).length + 1).toBe(56);
  });
  it('the IOMMU condition is a general field: ia32 closes up the same way; no other arch depends on it', () => {
    expect(L.findMethod('x86_64', 'seL4_X86_Page', 'MapIO', iommu)?.condition).toEqual({ config: 'CONFIG_IOMMU' });
    expect(L.conditionToCpp({ config: 'CONFIG_IOMMU' })).toBe('defined(CONFIG_IOMMU)');
    expect(L.conditionHolds({ not: { config: 'CONFIG_KERNEL_MCS' } }, {})).toBe(true);
    expect(L.conditionHolds({ all: [{ config: 'CONFIG_IOMMU' }, { config: 'CONFIG_KERNEL_MCS' }] }, iommu)).toBe(false);
    expect(L.invocationLabel('ia32', 'X86PageGetAddress', iommu) - L.invocationLabel('ia32', 'X86PageGetAddress')).toBe(3);
    for (const arch of ['aarch64', 'riscv64', 'aarch32'] as const) {
      expect(L.methodsOf(arch, iommu).map((m) => m.labelNumber)).toEqual(L.methodsOf(arch).map((m) => m.labelNumber));
    }
    expect(L.GenericLabel).toBe(L.genericLabels({}));
  });
  it('has no label twice on one arch', () => {
    for (const arch of ['x86_64', 'aarch64', 'riscv64', 'ia32', 'aarch32'] as const) {
      const labels = L.methodsOf(arch).map((m) => m.label);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});

describe('digest 5.2 / 6 / 7.2: argument packing from the interface table', () => {
  const layout = (iface: string, name: string, arch: ArchName = 'x86_64') => {
    const m = L.findMethod(arch, iface, name);
    if (m === undefined) throw new Error(`no ${iface}_${name}`);
    const a = ARCHS[arch];
    return L.messageLayout(m, a.wordBits, a.userContext.length);
  };
  const mrs = (l: L.MessageLayout) => Object.fromEntries(l.values.map((v) => [v.param.name, [v.mr, v.shift]]));

  it('CNode_Copy: MR0..4 = dest_index, dest_depth, src_index, src_depth, rights; cap0 = src_root', () => {
    const l = layout('seL4_CNode', 'Copy');
    expect(mrs(l)).toEqual({ dest_index: [0, 0], dest_depth: [1, 0], src_index: [2, 0], src_depth: [3, 0], rights: [4, 0] });
    expect(l.caps.map((c) => c.name)).toEqual(['src_root']);
    expect(l.inputWords).toBe(5);
  });
  it('CNode_Mint adds the badge in MR5; Mutate has it in MR4', () => {
    expect(layout('seL4_CNode', 'Mint').values.at(-1)).toMatchObject({ mr: 5, shift: 0 });
    expect(layout('seL4_CNode', 'Mutate').values.at(-1)).toMatchObject({ mr: 4, shift: 0 });
  });
  it('CNode_Rotate: 8 words, caps pivot_root then src_root', () => {
    const l = layout('seL4_CNode', 'Rotate');
    expect(l.inputWords).toBe(8);
    expect(l.caps.map((c) => c.name)).toEqual(['pivot_root', 'src_root']);
    expect(mrs(l)['pivot_badge']).toEqual([5, 0]);
  });
  it('Untyped_Retype: MR0..5 = type, size_bits, node_index, node_depth, node_offset, num_objects', () => {
    const l = layout('seL4_Untyped', 'Retype');
    expect(l.values.map((v) => v.mr)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(l.inputWords).toBe(6);
  });
  it('TCB_ReadRegisters: suspend bit 0 and arch flags bits 8-15 of MR0, count in MR1', () => {
    const l = layout('seL4_TCB', 'ReadRegisters');
    expect(mrs(l)).toEqual({ suspend_source: [0, 0], arch_flags: [0, 8], count: [1, 0] });
    expect(l.results[0]).toMatchObject({ mr: 0, bits: 20 * 64 });
  });
  it('TCB_WriteRegisters: the user context follows from MR2 (22 words on x86_64, 38 on aarch64)', () => {
    expect(layout('seL4_TCB', 'WriteRegisters').inputWords).toBe(22);
    expect(layout('seL4_TCB', 'WriteRegisters', 'aarch64').inputWords).toBe(38);
  });
  it('TCB_CopyRegisters packs four bools and the arch flags into MR0', () => {
    const l = layout('seL4_TCB', 'CopyRegisters');
    expect(l.values.map((v) => [v.mr, v.shift])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [0, 8]]);
    expect(l.inputWords).toBe(1);
  });
  it('TCB_Configure: MR0..3 = fault_ep, cspace data, vspace data, buffer; three caps', () => {
    const l = layout('seL4_TCB', 'Configure');
    expect(l.values.map((v) => v.param.name)).toEqual(['fault_ep', 'cspace_root_data', 'vspace_root_data', 'buffer']);
    expect(l.caps.map((c) => c.name)).toEqual(['cspace_root', 'vspace_root', 'bufferFrame']);
  });
  it('DomainSet_Set: domain in MR0, the thread as cap 0', () => {
    const l = layout('seL4_DomainSet', 'Set');
    expect(l.inputWords).toBe(1);
    expect(l.caps.map((c) => c.name)).toEqual(['thread']);
  });
  it('a 64-bit seL4_Time takes two words on 32-bit archs', () => {
    const l = layout('seL4_DomainSet', 'ScheduleConfigure', 'aarch32');
    expect(l.values.map((v) => [v.mr, v.bits])).toEqual([[0, 32], [1, 8], [2, 64]]);
    expect(l.inputWords).toBe(4);
  });
});

describe('capability tags (seL4_DebugCapIdentify)', () => {
  it('matches the values the reference scenarios print on x86_64', () => {
    const t = L.CAP_TAGS.x86_64;
    expect([t['null_cap'], t['untyped_cap'], t['endpoint_cap'], t['notification_cap'], t['reply_cap']]).toEqual([0, 2, 4, 6, 8]);
    expect([t['cnode_cap'], t['thread_cap'], t['frame_cap'], t['pml4_cap'], t['io_port_control_cap']]).toEqual([10, 12, 1, 9, 31]);
  });
});

describe('digest 10: root CNode slots', () => {
  it('places the initial caps in slots 0..15', () => {
    expect([L.seL4_CapNull, L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadCNode, L.seL4_CapInitThreadVSpace]).toEqual([0, 1, 2, 3]);
    expect([L.seL4_CapIRQControl, L.seL4_CapASIDControl, L.seL4_CapInitThreadASIDPool, L.seL4_CapIOPortControl]).toEqual([4, 5, 6, 7]);
    expect([L.seL4_CapIOSpace, L.seL4_CapBootInfoFrame, L.seL4_CapInitThreadIPCBuffer, L.seL4_CapDomain]).toEqual([8, 9, 10, 11]);
    expect([L.seL4_CapSMMUSIDControl, L.seL4_CapSMMUCBControl, L.seL4_CapInitThreadSC, L.seL4_CapSMC]).toEqual([12, 13, 14, 15]);
    expect(L.seL4_NumInitialCaps).toBe(16);
  });
});

describe('digest 8.2 / 8.3: fault labels and layouts', () => {
  it('numbers the classic fault types', () => {
    expect([L.seL4_Fault_NullFault, L.seL4_Fault_CapFault, L.seL4_Fault_UnknownSyscall, L.seL4_Fault_UserException, L.seL4_Fault_VMFault]).toEqual([0, 1, 2, 3, 5]);
    expect([L.seL4_CapFault_IP, L.seL4_CapFault_Addr, L.seL4_CapFault_InRecvPhase, L.seL4_CapFault_LookupFailureType]).toEqual([0, 1, 2, 3]);
    expect([L.seL4_CapFault_BitsLeft, L.seL4_CapFault_GuardMismatch_GuardFound, L.seL4_CapFault_GuardMismatch_BitsFound]).toEqual([4, 5, 6]);
    expect(L.seL4_VMFault_Length).toBe(4);
  });
  it.each([
    ['x86_64', 19, 15, 16, 18, 5],
    ['aarch64', 13, 8, 9, 12, 5],
    ['riscv64', 11, 0, 1, 10, 4],
    ['ia32', 11, 7, 8, 10, 5],
    ['aarch32', 13, 8, 9, 12, 5],
  ] as const)('%s: UnknownSyscall length %i (FaultIP %i, SP %i, Syscall %i); UserException length %i', (arch, len, ip, sp, sys, ue) => {
    const f = L.faultLayout(ARCHS[arch]);
    expect([f.unknownSyscall.length, f.unknownSyscall.faultIP, f.unknownSyscall.sp, f.unknownSyscall.syscall]).toEqual([len, ip, sp, sys]);
    expect(f.userException.length).toBe(ue);
    expect(L.archConstants(ARCHS[arch]).seL4_UnknownSyscall_Length).toBe(len);
  });
});
