/*
 * x86 MSI lines cannot be masked (seL4: pc99's maskInterrupt ignores x86_irq_state_irq_msi), so
 * an MSI raised again before the handler's Ack is delivered at once; an IOAPIC line stays masked
 * until the Ack.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { Machine } from '../src/index.js';

const CN = L.seL4_CapInitThreadCNode;

function run(msi: boolean): string[] {
  const log: string[] = [];
  const vector = 5;
  const line = 16 + vector; // irq_user_min + vector
  const m: Machine = new Machine(function* () {
    const bi = L.seL4_GetBootInfo();
    const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
    const [ntfn, handler, badged] = [bi.empty.start, bi.empty.start + 1, bi.empty.start + 2];
    yield* L.seL4_Untyped_Retype(ut, L.seL4_NotificationObject, 0, CN, 0, 0, ntfn, 1);
    yield* L.seL4_CNode_Mint(CN, badged, 64, CN, ntfn, 64, L.seL4_AllRights, 1);
    const e = msi
      ? yield* L.seL4_IRQControl_GetMSI(L.seL4_CapIRQControl, CN, handler, 64, 0, 3, 0, 0, vector)
      : yield* L.seL4_IRQControl_GetIOAPIC(L.seL4_CapIRQControl, CN, handler, 64, 0, 9, 0, 0, vector);
    log.push(`get ${L.seL4_ErrorName(e)}`);
    yield* L.seL4_IRQHandler_SetNotification(handler, badged);
    const badge = { value: 0 as L.seL4_Word };
    m.board.irq.raise(line);
    yield* L.seL4_Wait(ntfn, badge);
    log.push('first delivered');
    m.board.irq.raise(line); // again, before the Ack
    yield* L.seL4_Yield(); // the interrupt is taken when the kernel is entered
    yield* L.seL4_Poll(ntfn, badge);
    log.push(`second before Ack: ${badge.value === 0 ? 'no' : 'yes'}`);
    yield* L.seL4_IRQHandler_Ack(handler);
    yield* L.seL4_Poll(ntfn, badge);
    log.push(`after Ack: ${badge.value === 0 ? 'no' : 'yes'}`);
  } as L.ThreadFunction);
  m.run();
  log.push(`masked at the end: ${m.board.irq.isMasked(line)}`);
  return log;
}

describe('x86 MSI lines are never masked', () => {
  it('an MSI raised again before the Ack is delivered at once', () => {
    expect(run(true)).toEqual(['get seL4_NoError', 'first delivered', 'second before Ack: yes', 'after Ack: no', 'masked at the end: false']);
  });
  it('an IOAPIC line stays masked until the Ack', () => {
    expect(run(false)).toEqual(['get seL4_NoError', 'first delivered', 'second before Ack: no', 'after Ack: yes', 'masked at the end: true']);
  });
});
