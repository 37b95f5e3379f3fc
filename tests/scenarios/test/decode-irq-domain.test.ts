/*
 * IRQControl, IRQHandler and DomainSet decoding (seL4: decodeIRQControlInvocation and the arch
 * versions, decodeIRQHandlerInvocation, decodeDomainInvocation). pc99 is an IOAPIC configuration,
 * where the generic Get is an illegal operation; ARM and RISC-V check the IRQ number against the
 * board's maxIRQ, RISC-V from 1.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Case, inv, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const IRQC = L.seL4_CapIRQControl;
const DOM = L.seL4_CapDomain;

/** The handler slot the pc99 table's successful GetIOAPIC fills. */
let handler = 0;

const pc99: Case[] = [
  { name: 'a CNode label on IRQControl', run: (k) => inv(IRQC, 'CNodeCopy', [k.empty, 64]), expect: 'IllegalOperation' },
  { name: 'Get with 2 words', run: () => inv(IRQC, 'IRQIssueIRQHandler', [1, 0], [CN]), expect: 'TruncatedMessage' },
  { name: 'Get (IOAPIC configuration)', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [1, k.empty, 64], [CN]), expect: 'IllegalOperation' },
  { name: 'GetIOAPIC with 6 words', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 1, 0, 0], [CN]), expect: 'TruncatedMessage' },
  { name: 'GetIOAPIC vector 108', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 1, 0, 0, 108], [CN]), expect: 'RangeError 0 107' },
  { name: 'GetIOAPIC into a bad slot', run: () => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [0x10000, 64, 0, 1, 0, 0, 2], [CN]), expect: 'FailedLookup 0 4 64 0 52' },
  { name: 'GetIOAPIC into an occupied slot', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.ep, 64, 0, 1, 0, 0, 2], [CN]), expect: 'DeleteFirst' },
  { name: 'GetIOAPIC ioapic 1 (there is one)', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 1, 1, 0, 0, 2], [CN]), expect: 'RangeError 0 0' },
  { name: 'GetIOAPIC pin 24', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 24, 0, 0, 2], [CN]), expect: 'RangeError 0 23' },
  { name: 'GetIOAPIC level 2', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 1, 2, 0, 2], [CN]), expect: 'RangeError 0 1' },
  { name: 'GetIOAPIC polarity 2', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 1, 0, 2, 2], [CN]), expect: 'RangeError 0 1' },
  {
    name: 'GetIOAPIC',
    run: (k) => {
      handler = k.empty;
      return inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 1, 0, 0, 2], [CN]);
    },
    expect: 'NoError',
  },
  { name: 'GetIOAPIC of an active IRQ', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty2, 64, 0, 1, 0, 0, 2], [CN]), expect: 'RevokeFirst' },
  { name: 'GetMSI PCI bus 256', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [k.empty2, 64, 256, 0, 0, 0, 3], [CN]), expect: 'RangeError 0 255' },
  { name: 'GetMSI PCI device 32', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [k.empty2, 64, 0, 32, 0, 0, 3], [CN]), expect: 'RangeError 0 31' },
  { name: 'GetMSI PCI function 8', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [k.empty2, 64, 0, 0, 8, 0, 3], [CN]), expect: 'RangeError 0 7' },
  { name: 'GetMSI with 6 words', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [k.empty2, 64, 0, 0, 0, 0], [CN]), expect: 'TruncatedMessage' },
  { name: 'GetMSI of an active IRQ', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [k.empty2, 64, 0, 0, 0, 0, 2], [CN]), expect: 'RevokeFirst' },
  { name: 'GetMSI into a bad slot', run: () => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [0x10000, 64, 0, 0, 0, 0, 3], [CN]), expect: 'FailedLookup 0 4 64 0 52' },
  { name: 'GetMSI into an occupied slot', run: (k) => inv(IRQC, 'X86IRQIssueIRQHandlerMSI', [k.ep, 64, 0, 0, 0, 0, 3], [CN]), expect: 'DeleteFirst' },
  { name: 'handler: SetNotification without a cap', run: () => inv(handler, 'IRQSetIRQHandler', []), expect: 'TruncatedMessage' },
  { name: 'handler: SetNotification with an endpoint', run: (k) => inv(handler, 'IRQSetIRQHandler', [], [k.ep]), expect: 'InvalidCapability 0' },
  {
    name: 'handler: SetNotification through a cap without Write',
    run: function* (k) {
      const ro = k.c.alloc.allocSlot();
      yield* L.seL4_CNode_Copy(CN, ro, 64, CN, k.ntfn, 64, L.seL4_CapRights_new(0, 0, 1, 0));
      return yield* inv(handler, 'IRQSetIRQHandler', [], [ro]);
    },
    expect: 'InvalidCapability 0',
  },
  { name: 'handler: SetNotification', run: (k) => inv(handler, 'IRQSetIRQHandler', [], [k.ntfn]), expect: 'NoError' },
  { name: 'handler: Ack', run: () => inv(handler, 'IRQAckIRQ', []), expect: 'NoError' },
  { name: 'handler: Clear', run: () => inv(handler, 'IRQClearIRQHandler', []), expect: 'NoError' },
  { name: 'handler: a TCB label', run: () => inv(handler, 'TCBSuspend', []), expect: 'IllegalOperation' },
  { name: 'DomainSet_Set without words', run: (k) => inv(DOM, 'DomainSetSet', [], [k.tcb]), expect: 'TruncatedMessage' },
  { name: 'DomainSet_Set domain 1 (one domain)', run: (k) => inv(DOM, 'DomainSetSet', [1], [k.tcb]), expect: 'InvalidArgument 0' },
  { name: 'DomainSet_Set without a TCB cap', run: () => inv(DOM, 'DomainSetSet', [0]), expect: 'TruncatedMessage' },
  { name: 'DomainSet_Set on an endpoint', run: (k) => inv(DOM, 'DomainSetSet', [0], [k.ep]), expect: 'InvalidArgument 1' },
  { name: 'DomainSet_Set', run: (k) => inv(DOM, 'DomainSetSet', [0], [k.tcb]), expect: 'NoError' },
  // one domain: CONFIG_NUM_DOMAIN_SCHEDULES is 2 (config.cmake), entry 1 the fixed end marker
  { name: 'ScheduleConfigure with 2 words', run: () => inv(DOM, 'DomainScheduleConfigure', [0, 0]), expect: 'TruncatedMessage' },
  { name: 'ScheduleConfigure index 1 (the last stays an end marker)', run: () => inv(DOM, 'DomainScheduleConfigure', [1, 0, 5]), expect: 'RangeError 0 0' },
  { name: 'ScheduleConfigure domain 1', run: () => inv(DOM, 'DomainScheduleConfigure', [0, 1, 5]), expect: 'RangeError 0 0' },
  { name: 'ScheduleConfigure a duration of 2^56', run: () => inv(DOM, 'DomainScheduleConfigure', [0, 0, 2n ** 56n]), expect: 'InvalidArgument 2' },
  { name: 'ScheduleConfigure a duration of 2^56 - 1', run: () => inv(DOM, 'DomainScheduleConfigure', [0, 0, 2n ** 56n - 1n]), expect: 'NoError' },
  { name: 'ScheduleConfigure an end marker at the start index', run: () => inv(DOM, 'DomainScheduleConfigure', [0, 0, 0]), expect: 'InvalidArgument 2' },
  { name: 'ScheduleConfigure', run: () => inv(DOM, 'DomainScheduleConfigure', [0, 0, 5]), expect: 'NoError' },
  { name: 'ScheduleSetStart without words', run: () => inv(DOM, 'DomainScheduleSetStart', []), expect: 'TruncatedMessage' },
  { name: 'ScheduleSetStart 2', run: () => inv(DOM, 'DomainScheduleSetStart', [2]), expect: 'RangeError 0 1' },
  { name: 'ScheduleSetStart 1 (an end marker)', run: () => inv(DOM, 'DomainScheduleSetStart', [1]), expect: 'InvalidArgument 0' },
  { name: 'ScheduleSetStart', run: () => inv(DOM, 'DomainScheduleSetStart', [0]), expect: 'NoError' },
  { name: 'a CNode label on the domain cap', run: () => inv(DOM, 'CNodeCopy', [0, 0]), expect: 'IllegalOperation' },
];

const arm: Case[] = [
  { name: 'Get IRQ 160 (maxIRQ 159)', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [160, k.empty, 64], [CN]), expect: 'RangeError 0 159' },
  { name: 'Get the kernel timer IRQ (27)', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [27, k.empty, 64], [CN]), expect: 'RevokeFirst' },
  { name: 'Get IRQ 40', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [40, k.empty, 64], [CN]), expect: 'NoError' },
  { name: 'Get IRQ 40 again', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [40, k.empty2, 64], [CN]), expect: 'RevokeFirst' },
  { name: 'GetTrigger with 3 words', run: (k) => inv(IRQC, 'ARMIRQIssueIRQHandlerTrigger', [41, 0, k.empty2], [CN]), expect: 'TruncatedMessage' },
  { name: 'Get IRQ 41 into an occupied slot', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [41, k.ep, 64], [CN]), expect: 'DeleteFirst' },
  { name: 'Get IRQ 41 into a bad slot', run: () => inv(IRQC, 'IRQIssueIRQHandler', [41, 0x10000, 64], [CN]), expect: 'FailedLookup 0 4 64 0 52' },
  { name: 'GetTrigger IRQ 160', run: (k) => inv(IRQC, 'ARMIRQIssueIRQHandlerTrigger', [160, 0, k.empty2, 64], [CN]), expect: 'RangeError 0 159' },
  { name: 'GetTrigger the kernel timer IRQ', run: (k) => inv(IRQC, 'ARMIRQIssueIRQHandlerTrigger', [27, 0, k.empty2, 64], [CN]), expect: 'RevokeFirst' },
  { name: 'GetTrigger into an occupied slot', run: (k) => inv(IRQC, 'ARMIRQIssueIRQHandlerTrigger', [42, 0, k.ep, 64], [CN]), expect: 'DeleteFirst' },
  { name: 'GetTrigger into a bad slot', run: () => inv(IRQC, 'ARMIRQIssueIRQHandlerTrigger', [42, 0, 0x10000, 64], [CN]), expect: 'FailedLookup 0 4 64 0 52' },
];

const riscv: Case[] = [
  { name: 'Get IRQ 0 (irqInvalid)', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [0, k.empty, 64], [CN]), expect: 'RangeError 1 96' },
  { name: 'Get IRQ 97', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [97, k.empty, 64], [CN]), expect: 'RangeError 1 96' },
  { name: 'Get IRQ 5', run: (k) => inv(IRQC, 'IRQIssueIRQHandler', [5, k.empty, 64], [CN]), expect: 'NoError' },
];

for (const [board, cases] of [['pc99', pc99], ['qemu-arm-virt', arm], ['qemu-riscv-virt', riscv]] as const) {
  describe(`IRQ and domain decoding on ${board}`, () => {
    const got = runTable(cases, board);
    it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
      expect(got.get(name)).toBe(expected);
    });
  });
}
