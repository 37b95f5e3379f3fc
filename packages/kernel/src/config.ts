/*
 * Kernel configuration (seL4's CONFIG_* values that change user-visible behaviour), as a value:
 * one Kernel can be built with one configuration and another beside it with another.
 */

/** A domain schedule entry: run `domain` for `length` timer ticks. */
export interface DomainScheduleEntry {
  readonly domain: number;
  readonly length: number;
}

export interface KernelConfig {
  /** CONFIG_NUM_PRIORITIES (256). */
  readonly numPriorities: number;
  /** CONFIG_NUM_DOMAINS (1). */
  readonly numDomains: number;
  /** The domain schedule (one entry of domain 0 by default). */
  readonly domainSchedule: readonly DomainScheduleEntry[];
  /** CONFIG_TIME_SLICE: timeslice in timer ticks (5). */
  readonly timeSlice: number;
  /** CONFIG_ROOT_CNODE_SIZE_BITS (12). */
  readonly rootCNodeSizeBits: number;
  /** CONFIG_RETYPE_FAN_OUT_LIMIT (256). */
  readonly retypeFanOutLimit: number;
  /** CONFIG_MAX_NUM_WORK_UNITS_PER_PREEMPTION (100). */
  readonly workUnitsPerPreemption: number;
  /** Simulated cycles one unit of preemptible work (deleting one cap) costs. */
  readonly workUnitCycles: number;
}

export const DEFAULT_KERNEL_CONFIG: KernelConfig = {
  numPriorities: 256,
  numDomains: 1,
  domainSchedule: [{ domain: 0, length: 1 }],
  timeSlice: 5,
  rootCNodeSizeBits: 12,
  retypeFanOutLimit: 256,
  workUnitsPerPreemption: 100,
  workUnitCycles: 300,
};

/** The configuration with `overrides` applied; throws a RangeError naming a bad value. */
export function kernelConfig(overrides: Partial<KernelConfig> = {}): KernelConfig {
  const c = { ...DEFAULT_KERNEL_CONFIG, ...overrides };
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`kernel config: ${what}`);
  };
  check(c.numPriorities === 256, 'numPriorities must be 256 (seL4 has 256 priorities)');
  check(Number.isInteger(c.numDomains) && c.numDomains >= 1 && c.numDomains <= 256, 'numDomains must be 1..256');
  check(c.domainSchedule.length >= 1, 'the domain schedule needs at least one entry');
  for (const e of c.domainSchedule) {
    check(Number.isInteger(e.domain) && e.domain >= 0 && e.domain < c.numDomains, `schedule domain ${e.domain} is not below numDomains`);
    check(Number.isInteger(e.length) && e.length >= 1, 'schedule lengths must be at least one tick');
  }
  check(Number.isInteger(c.timeSlice) && c.timeSlice >= 1, 'timeSlice must be at least 1 tick');
  check(Number.isInteger(c.rootCNodeSizeBits) && c.rootCNodeSizeBits >= 5 && c.rootCNodeSizeBits <= 24, 'rootCNodeSizeBits must be 5..24');
  return c;
}
