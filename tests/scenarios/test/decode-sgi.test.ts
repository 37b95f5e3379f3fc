/*
 * aarch64 SGIs (seL4 16.0.0, GICv2, one core): IRQControl_IssueSGISignal's checks in
 * Arch_decodeIRQControlInvocation's order (length and root cap, irq < NUM_SGIS (16), target <
 * GIC_SGI_NUM_TARGETS (8), then the destination slot), the sgi_signal_cap it makes (tag 27), and
 * invoking that cap: any label raises the SGI on its target (decodeSGISignalInvocation), which a
 * handler for IRQ irq delivers to its notification.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Case, inv, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const IRQC = L.seL4_CapIRQControl;

let sgi = 0;
let sgi1 = 0;

const cases: Case[] = [
  { name: 'with 3 words', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 0, k.empty], [CN]), expect: 'TruncatedMessage' },
  { name: 'without the root cap', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 0, k.empty, 64]), expect: 'TruncatedMessage' },
  { name: 'irq 16', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [16, 0, k.empty, 64], [CN]), expect: 'RangeError 0 15' },
  { name: 'irq 16 and target 8 (the irq first)', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [16, 8, k.empty, 64], [CN]), expect: 'RangeError 0 15' },
  { name: 'target 8', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 8, k.empty, 64], [CN]), expect: 'InvalidArgument 1' },
  { name: 'target 8 into a bad slot (the target first)', run: () => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 8, 0x10000, 64], [CN]), expect: 'InvalidArgument 1' },
  { name: 'into a bad slot', run: () => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 0, 0x10000, 64], [CN]), expect: 'FailedLookup 0 4 64 0 52' },
  { name: 'into an occupied slot', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 0, k.ep, 64], [CN]), expect: 'DeleteFirst' },
  {
    name: 'irq 1, target 0',
    run: function* (k) {
      sgi = k.empty;
      return yield* inv(IRQC, 'ARMIRQIssueSGISignal', [1, 0, k.empty, 64], [CN]);
    },
    expect: 'NoError',
  },
  {
    name: 'irq 15, target 7 (no core there; accepted)',
    run: function* (k) {
      sgi1 = k.empty2;
      return yield* inv(IRQC, 'ARMIRQIssueSGISignal', [15, 7, k.empty2, 64], [CN]);
    },
    expect: 'NoError',
  },
  { name: 'the cap is an sgi_signal_cap (tag 27)', run: function* () { return String(yield* L.seL4_DebugCapIdentify(sgi)); }, expect: '27' },
  { name: 'a second cap for the same SGI', run: (k) => inv(IRQC, 'ARMIRQIssueSGISignal', [1, 0, k.c.alloc.allocSlot(), 64], [CN]), expect: 'NoError' },
  { name: 'invoking it with a Call and any label', run: () => inv(sgi, 'CNodeCopy', [1, 2]), expect: 'NoError' },
  { name: 'invoking the target-7 cap', run: () => inv(sgi1, 'IRQAckIRQ', []), expect: 'NoError' },
  {
    name: 'copying it',
    run: (k) => inv(CN, 'CNodeCopy', [k.c.alloc.allocSlot(), 64, sgi, 64, 0xf], [CN]),
    expect: 'NoError',
  },
  {
    name: 'the caps are IRQControl\'s children: revoking IRQControl deletes them',
    run: function* () {
      const e = yield* L.seL4_CNode_Revoke(CN, IRQC, 64);
      return `${L.seL4_ErrorName(e).replace(/^seL4_/, '')} ${yield* L.seL4_DebugCapIdentify(sgi)} ${yield* L.seL4_DebugCapIdentify(sgi1)}`;
    },
    expect: 'NoError 0 0',
  },
];

describe('IRQControl_IssueSGISignal and SGI signal caps on qemu-arm-virt', () => {
  const got = runTable(cases, 'qemu-arm-virt');
  it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
    expect(got.get(name)).toBe(expected);
  });
  it('a signal on the cap delivers SGI 1 to the handler of IRQ 1; target 7 raises nothing', () => {
    const out: string[] = [];
    runTable(
      [
        {
          name: 'deliver',
          run: function* (k) {
            const [handler, s0, s7] = [k.c.alloc.allocSlot(), k.c.alloc.allocSlot(), k.c.alloc.allocSlot()];
            const badged = k.c.alloc.allocSlot();
            yield* L.seL4_CNode_Mint(CN, badged, 64, CN, k.ntfn, 64, L.seL4_AllRights, 0x40);
            out.push(L.seL4_ErrorName(yield* L.seL4_IRQControl_Get(IRQC, 1, CN, handler, 64)));
            yield* L.seL4_IRQHandler_SetNotification(handler, badged);
            yield* L.seL4_IRQControl_IssueSGISignal(IRQC, 1, 7, CN, s7, 64);
            yield* L.seL4_IRQControl_IssueSGISignal(IRQC, 1, 0, CN, s0, 64);
            const badge = { value: 0 as L.seL4_Word };
            yield* L.seL4_Signal(s7);
            yield* L.seL4_Poll(k.ntfn, badge);
            out.push(`target 7: badge ${badge.value}`);
            yield* L.seL4_Signal(s0);
            yield* L.seL4_Wait(k.ntfn, badge);
            out.push(`target 0: badge ${badge.value}`);
            return '';
          },
          expect: '',
        },
      ],
      'qemu-arm-virt',
    );
    expect(out).toEqual(['seL4_NoError', 'target 7: badge 0', 'target 0: badge 64']);
  });
});
