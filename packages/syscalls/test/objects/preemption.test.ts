/*
 * Where long operations reach a preemption point, as in seL4 16.0.0: finaliseSlot after each
 * reduceZombie step, which clears one slot of a dying CNode (empty ones included), and
 * resetUntypedCap after each 2^CONFIG_RESET_CHUNK_BITS (256) bytes it clears, from the top down.
 * A preemption point that reports an interrupt stops the operation; repeating it continues.
 */
import { seL4_CapTableObject, seL4_EndpointObject, smallPageObject } from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { CapType, type CNodeObj, cteMove, PREEMPTED } from '@tsel4/object';
import { UT_SLOT, world } from './fixture.js';
import { del, retype } from './helpers.js';

/** Count preemption points; report an interrupt at the `stopAt`-th one (1-based) if given. */
function counting(w: ReturnType<typeof world>, stopAt = 0): { n: number } {
  const c = { n: 0 };
  w.space.hooks = { ...w.space.hooks, preemptionPoint: () => ++c.n === stopAt };
  return c;
}

describe('preemption points (seL4: finaliseSlot, resetUntypedCap)', () => {
  it('one per slot of a CNode finalised through a zombie, empty slots included', () => {
    const w = world();
    expect(retype(w, seL4_CapTableObject, 6, 40)).toBeNull(); // 64 slots
    const cn = w.slot(40).cap.obj as CNodeObj;
    expect(retype(w, seL4_EndpointObject, 0, 41)).toBeNull();
    // one cap inside, in slot 3 of the 64 (tsel4 used to skip the 60 empty slots above it)
    cteMove(w.slot(41).cap, w.slot(41), cn.slotAt(3));
    const c = counting(w);
    expect(del(w, 40)).toBeNull();
    expect(c.n).toBe(64);
    expect(cn.slotAt(3).cap.type).toBe(CapType.Null);
    expect(w.calls.filter((l) => l.startsWith('cancelAllIPC'))).toHaveLength(1);
  });

  it('a CNode deletion preempted part-way continues from where it stopped', () => {
    const w = world();
    expect(retype(w, seL4_CapTableObject, 6, 40)).toBeNull();
    const c = counting(w, 10);
    expect(del(w, 40)).toBe(PREEMPTED);
    expect(w.slot(40).cap.type).toBe(CapType.Zombie);
    expect(w.slot(40).cap.zombieNumber).toBe(54);
    expect(del(w, 40)).toBeNull();
    expect(c.n).toBe(64);
    expect(w.slot(40).cap.type).toBe(CapType.Null);
  });

  it('one per 256 bytes an untyped reset clears; the watermark stops where it was preempted', () => {
    const w = world('pc99', { untypedBits: 16 });
    // the boot untyped is full: its first Retype clears all 2^16 bytes (256 chunks)
    let c = counting(w);
    expect(retype(w, smallPageObject('x86_64'), 0, 40)).toBeNull();
    expect(c.n).toBe(256);
    expect(retype(w, seL4_EndpointObject, 0, 41)).toBeNull();
    const used = w.slot(UT_SLOT).cap.freeOffset; // a page and an endpoint
    expect(used).toBe(4096 + 16);
    expect(del(w, 40)).toBeNull();
    expect(del(w, 41)).toBeNull();
    // 4112 bytes: chunks at 0x1000 and 0x0f00 .. 0x0000, 17 of them
    c = counting(w, 5);
    expect(retype(w, seL4_EndpointObject, 0, 42)).toBe(PREEMPTED);
    expect(w.slot(UT_SLOT).cap.freeOffset).toBe(0xc00);
    expect(retype(w, seL4_EndpointObject, 0, 42)).toBeNull();
    expect(c.n).toBe(5 + 12);
    expect(w.slot(UT_SLOT).cap.freeOffset).toBe(16);
  });
});
