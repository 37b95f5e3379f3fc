/*
 * The domain schedule's shape at boot (seL4 16.0.0: config.cmake's KernelNumDomainSchedules,
 * kernel/boot.c's init_core_state, object/domain.h's DSCHED_MAX_DURATION).
 */
import { createBoard } from '@tsel4/hal';
import { describe, expect, it } from 'vitest';
import { bootKernel, createKernel, DSCHED_MAX_DURATION, kernelConfig } from '../src/index.js';

describe('the domain schedule', () => {
  it('has 2 entries with one domain and 100 with more (config.cmake)', () => {
    expect(kernelConfig().numDomainSchedules).toBe(2);
    expect(kernelConfig({ numDomains: 2 }).numDomainSchedules).toBe(100);
    expect(kernelConfig({ numDomains: 16 }).numDomainSchedules).toBe(100);
    expect(kernelConfig({ numDomains: 4, numDomainSchedules: 7 }).numDomainSchedules).toBe(7);
  });

  it('boots as {(domain 0, DSCHED_MAX_DURATION)} with the domain time at the maximum (boot.c)', () => {
    for (const numDomains of [1, 4]) {
      const k = createKernel(createBoard('pc99'), { numDomains });
      bootKernel(k, { entry: 0x40_1000 });
      expect(DSCHED_MAX_DURATION).toBe(Number(2n ** 56n - 1n));
      expect(k.domainSchedule.length).toBe(numDomains > 1 ? 100 : 2);
      expect(k.domainSchedule[0]).toEqual({ domain: 0, length: DSCHED_MAX_DURATION });
      expect(k.domainSchedule.slice(1).every((e) => e.domain === 0 && e.length === 0)).toBe(true);
      expect(k.curDomain).toBe(0);
      expect(k.domainTime).toBe(DSCHED_MAX_DURATION);
      expect(k.domScheduleIdx).toBe(0);
      expect(k.domScheduleStart).toBe(0);
    }
  });

  it('refuses a preloaded schedule that leaves no end marker', () => {
    const two = [{ domain: 0, length: 1 }, { domain: 1, length: 1 }];
    expect(() => kernelConfig({ numDomains: 2, numDomainSchedules: 2, domainSchedule: two })).toThrow(RangeError);
    expect(kernelConfig({ numDomains: 2, domainSchedule: two }).domainSchedule).toEqual(two);
  });
});
