/*
 * The domain schedule's bounds with more than one domain (seL4 16.0.0: CONFIG_NUM_DOMAIN_SCHEDULES
 * is 100, object/domain.c's checks), and a schedule configured at run time taking effect.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { Machine } from '../src/index.js';

const DOM = L.seL4_CapDomain;

describe('DomainSet_ScheduleConfigure and _ScheduleSetStart with 4 domains (100 entries)', () => {
  it('answers with bounds from 100 entries and runs the new schedule', () => {
    const out: string[] = [];
    const m: Machine = new Machine(
      function* () {
        const say = (e: number, ...mrs: number[]) => out.push([L.seL4_ErrorName(e), ...mrs].join(' '));
        let e = yield* L.seL4_DomainSet_ScheduleConfigure(DOM, 99, 0, 5);
        say(e, L.seL4_GetMR(0), L.seL4_GetMR(1));
        e = yield* L.seL4_DomainSet_ScheduleConfigure(DOM, 98, 4, 5);
        say(e, L.seL4_GetMR(0), L.seL4_GetMR(1));
        e = yield* L.seL4_DomainSet_ScheduleSetStart(DOM, 100);
        say(e, L.seL4_GetMR(0), L.seL4_GetMR(1));
        e = yield* L.seL4_DomainSet_ScheduleSetStart(DOM, 99);
        say(e, L.seL4_GetMR(0));
        say(yield* L.seL4_DomainSet_ScheduleConfigure(DOM, 98, 3, 7));
        say(yield* L.seL4_DomainSet_ScheduleSetStart(DOM, 98));
      } as L.ThreadFunction,
      { kernel: { numDomains: 4 } },
    );
    // domain 0 never runs again (entry 98 is all the schedule has): stop on cycles
    expect(m.run({ maxSteps: 50, maxCycles: 20_000_000 }).reason).toBe("cycles");
    expect(out).toEqual([
      'seL4_RangeError 0 98', // the last entry stays an end marker
      'seL4_RangeError 0 3', // domain 4 of 0..3
      'seL4_RangeError 0 99',
      'seL4_InvalidArgument 0', // entry 99 is an end marker
      'seL4_NoError',
      // SetStart(98) switches to domain 3 at once: the root task (domain 0) never sees its reply
    ]);
    // SetStart ended the current entry: the next schedule() wrapped onto entry 98
    expect(m.k.domainSchedule[98]).toEqual({ domain: 3, length: 7 });
    expect(m.k.domScheduleStart).toBe(98);
    expect(m.k.domScheduleIdx).toBe(98);
    expect(m.k.curDomain).toBe(3);
  });
});
