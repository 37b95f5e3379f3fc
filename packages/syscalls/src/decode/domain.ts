/*
 * DomainSet invocations (seL4: src/object/domain.c). The domain schedule has
 * `domainScheduleLength` entries; an entry of duration 0 is an end marker.
 */

import { rescheduleRequired, setDomain } from '@tsel4/kernel';
import { CapType, type OpResult, SyscallError, type Tcb } from '@tsel4/object';
import type { Invocation } from '../invocation.js';
import { performing } from './cnode.js';

/** seL4's CONFIG_NUM_DOMAIN_SCHEDULES default. */
export const DOMAIN_SCHEDULE_LENGTH = 256;

export function decodeDomainInvocation(inv: Invocation): OpResult {
  const L = inv.L;
  const k = inv.k;
  const numDomains = k.config.numDomains;
  switch (inv.label) {
    case L['DomainSetSet']: {
      if (inv.length === 0) return SyscallError.truncatedMessage();
      const domain = inv.arg(0);
      if (domain >= numDomains) return SyscallError.invalidArgument(0);
      const ex0 = inv.extra(0);
      if (ex0 === null) return SyscallError.truncatedMessage();
      if (ex0.cap.type !== CapType.Thread) return SyscallError.invalidArgument(1);
      const tcb = ex0.cap.obj as Tcb;
      return performing(inv, () => {
        setDomain(k, tcb, domain);
        return null;
      });
    }
    case L['DomainScheduleConfigure']: {
      const timeWords = k.wordBits === 64 ? 1 : 2;
      if (inv.length < 2 + timeWords) return SyscallError.truncatedMessage();
      const index = inv.arg(0);
      const domain = inv.arg(1);
      const duration = timeWords === 1 ? inv.arg(2) : inv.arg(2) + inv.arg(3) * 4294967296;
      // the high 32 bits of the 64-bit duration, exact (duration itself may round as a double)
      const durationHi = timeWords === 1 ? inv.hi(2) : inv.lo(3);
      if (index >= DOMAIN_SCHEDULE_LENGTH - 1) return SyscallError.rangeError(0, DOMAIN_SCHEDULE_LENGTH - 2);
      if (domain >= numDomains) return SyscallError.rangeError(0, numDomains - 1);
      if (durationHi >= 0x100_0000) return SyscallError.invalidArgument(2); // > DSCHED_MAX_DURATION (2^56 - 1)
      if (duration === 0 && domain !== 0) return SyscallError.invalidArgument(1);
      if (index === k.domScheduleStart && duration === 0) return SyscallError.invalidArgument(2);
      return performing(inv, () => {
        while (k.domainSchedule.length <= index) k.domainSchedule.push({ domain: 0, length: 0 });
        k.domainSchedule[index] = { domain, length: duration };
        return null;
      });
    }
    case L['DomainScheduleSetStart']: {
      if (inv.length < 1) return SyscallError.truncatedMessage();
      const index = inv.arg(0);
      if (index >= DOMAIN_SCHEDULE_LENGTH) return SyscallError.rangeError(0, DOMAIN_SCHEDULE_LENGTH - 1);
      const entry = k.domainSchedule[index];
      if (entry === undefined || entry.length === 0) return SyscallError.invalidArgument(0);
      return performing(inv, () => {
        k.domScheduleStart = index;
        k.domainTime = 0;
        k.domScheduleIdx = k.domainSchedule.length - 1;
        rescheduleRequired(k);
        return null;
      });
    }
    default:
      return SyscallError.illegalOperation();
  }
}
