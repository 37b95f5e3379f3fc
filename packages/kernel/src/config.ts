/*
 * Kernel configuration (seL4's CONFIG_* values that change user-visible behaviour), as a value:
 * one Kernel can be built with one configuration and another beside it with another.
 */

/** A domain schedule entry: run `domain` for `length` timer ticks. */
export interface DomainScheduleEntry {
  readonly domain: number;
  readonly length: number;
}

/**
 * seL4's DSCHED_MAX_DURATION (include/object/domain.h): a schedule entry keeps its duration in
 * the low 56 bits of a 64-bit word. As a double it reads 2^56 (2^56 - 1 is not representable);
 * no run counts down that many ticks, so the rounding is never observable.
 */
export const DSCHED_MAX_DURATION = 2 ** 56 - 1;

/** seL4's config.cmake default for KernelNumDomainSchedules: 100 with more than one domain, else 2. */
export function defaultNumDomainSchedules(numDomains: number): number {
  return numDomains > 1 ? 100 : 2;
}

export interface KernelConfig {
  /** CONFIG_NUM_PRIORITIES (256). */
  readonly numPriorities: number;
  /** CONFIG_NUM_DOMAINS (1). */
  readonly numDomains: number;
  /** CONFIG_NUM_DOMAIN_SCHEDULES: entries in the domain schedule, the last always an end marker
   *  (seL4's default: 100 with more than one domain, 2 with one). */
  readonly numDomainSchedules: number;
  /**
   * The schedule at boot. seL4 16.0.0 boots with `{(domain 0, DSCHED_MAX_DURATION)}` and the
   * root task configures the rest with DomainSet_ScheduleConfigure; that is the default. Giving
   * more entries is a tsel4 shortcut for the same Configure calls made before the root task runs
   * (start index 0, domain time the first entry's duration).
   */
  readonly domainSchedule: readonly DomainScheduleEntry[];
  /** CONFIG_TIME_SLICE: timeslice in timer ticks (5). */
  readonly timeSlice: number;
  /** CONFIG_ROOT_CNODE_SIZE_BITS (12). */
  readonly rootCNodeSizeBits: number;
  /** CONFIG_RETYPE_FAN_OUT_LIMIT (256). */
  readonly retypeFanOutLimit: number;
  /** CONFIG_MAX_NUM_WORK_UNITS_PER_PREEMPTION (100). */
  readonly workUnitsPerPreemption: number;
  /** Simulated cycles one unit of preemptible work (deleting one cap, clearing one reset chunk) costs. */
  readonly workUnitCycles: number;
  /** CONFIG_RESET_CHUNK_BITS (8): an untyped reset clears 2^this bytes per preemption point. */
  readonly resetChunkBits: number;
}

export const DEFAULT_KERNEL_CONFIG: KernelConfig = {
  numPriorities: 256,
  numDomains: 1,
  numDomainSchedules: defaultNumDomainSchedules(1),
  domainSchedule: [{ domain: 0, length: DSCHED_MAX_DURATION }],
  timeSlice: 5,
  rootCNodeSizeBits: 12,
  retypeFanOutLimit: 256,
  workUnitsPerPreemption: 100,
  workUnitCycles: 300,
  resetChunkBits: 8,
};

/** The configuration with `overrides` applied; throws a RangeError naming a bad value. */
export function kernelConfig(overrides: Partial<KernelConfig> = {}): KernelConfig {
  const c = {
    ...DEFAULT_KERNEL_CONFIG,
    ...overrides,
    numDomainSchedules: overrides.numDomainSchedules ?? defaultNumDomainSchedules(overrides.numDomains ?? DEFAULT_KERNEL_CONFIG.numDomains),
  };
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`kernel config: ${what}`);
  };
  check(c.numPriorities === 256, 'numPriorities must be 256 (seL4 has 256 priorities)');
  check(Number.isInteger(c.numDomains) && c.numDomains >= 1 && c.numDomains <= 256, 'numDomains must be 1..256');
  check(Number.isInteger(c.numDomainSchedules) && c.numDomainSchedules >= 2, 'numDomainSchedules must be at least 2');
  check(c.domainSchedule.length >= 1, 'the domain schedule needs at least one entry');
  check(c.domainSchedule.length < c.numDomainSchedules, 'the domain schedule needs fewer entries than numDomainSchedules (the last is an end marker)');
  for (const e of c.domainSchedule) {
    check(Number.isInteger(e.domain) && e.domain >= 0 && e.domain < c.numDomains, `schedule domain ${e.domain} is not below numDomains`);
    check(Number.isInteger(e.length) && e.length >= 1 && e.length <= DSCHED_MAX_DURATION, 'schedule lengths must be 1..2^56-1 ticks');
  }
  check(Number.isInteger(c.timeSlice) && c.timeSlice >= 1, 'timeSlice must be at least 1 tick');
  check(Number.isInteger(c.rootCNodeSizeBits) && c.rootCNodeSizeBits >= 5 && c.rootCNodeSizeBits <= 24, 'rootCNodeSizeBits must be 5..24');
  return c;
}
