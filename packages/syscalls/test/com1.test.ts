/*
 * A root task driving pc99's COM1 through I/O port caps, as one does on seL4 under QEMU's pc
 * machine: the scratch register keeps what is written, LSR says the transmitter is empty, and
 * bytes written to THR reach the console.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { runMachine } from '../src/index.js';

describe('pc99 COM1 through seL4_X86_IOPort', () => {
  it('prints through THR after polling LSR, and reads back the scratch register', () => {
    const seen: number[] = [];
    const r = runMachine(function* () {
      const slot = L.seL4_GetBootInfo().empty.start;
      seen.push(yield* L.seL4_X86_IOPortControl_Issue(L.seL4_CapIOPortControl, 0x3f8, 0x3ff, L.seL4_CapInitThreadCNode, slot, 64));
      yield* L.seL4_X86_IOPort_Out8(slot, 0x3ff, 0xa5);
      seen.push(Number((yield* L.seL4_X86_IOPort_In8(slot, 0x3ff)).result));
      for (const ch of 'COM1\n') {
        const lsr = Number((yield* L.seL4_X86_IOPort_In8(slot, 0x3fd)).result);
        seen.push(lsr);
        yield* L.seL4_X86_IOPort_Out8(slot, 0x3f8, ch.charCodeAt(0));
      }
    } as L.ThreadFunction);
    expect(seen).toEqual([L.seL4_NoError, 0xa5, 0x60, 0x60, 0x60, 0x60, 0x60]);
    expect(r.console).toBe('COM1\n');
  });
});
