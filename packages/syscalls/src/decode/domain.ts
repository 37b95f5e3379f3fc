/*
 * DomainSet invocations (seL4: src/object/domain.c). The domain schedule has
 * CONFIG_NUM_DOMAIN_SCHEDULES entries (`k.config.numDomainSchedules`: 100 with more than one
 * domain, 2 with one); an entry of duration 0 is an end marker, and the last entry always is.
 */

import { rescheduleRequired, setDomain } from '@tsel4/kernel';
import { CapType, type OpResult, SyscallError, type Tcb } from '@tsel4/object';
import type { Invocation } from '../invocation.js';
import { performing } from './cnode.js';

export function decodeDomainInvocation(inv: Invocation): OpResult {
  const L = inv.L;
  const k = inv.k;
  const numDomains = k.config.numDomains;
  const domScheduleLength = k.config.numDomainSchedules;
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
      // the last entry stays an end marker
      if (index >= domScheduleLength - 1) return SyscallError.rangeError(0, domScheduleLength - 2);
      if (domain >= numDomains) return SyscallError.rangeError(0, numDomains - 1);
      // seL4 16.0.0: InvalidArgument 2 (not a RangeError) for a duration above DSCHED_MAX_DURATION
      if (durationHi >= 0x100_0000) return SyscallError.invalidArgument(2);
      if (duration === 0 && domain !== 0) return SyscallError.invalidArgument(1);
      if (index === k.domScheduleStart && duration === 0) return SyscallError.invalidArgument(2);
      return performing(inv, () => {
        k.domainSchedule[index] = { domain, length: duration }; // seL4: invokeDomainScheduleConfigure
        return null;
      });
    }
    case L['DomainScheduleSetStart']: {
      if (inv.length < 1) return SyscallError.truncatedMessage();
      const index = inv.arg(0);
      if (index >= domScheduleLength) return SyscallError.rangeError(0, domScheduleLength - 1);
      if (k.domainSchedule[index]!.length === 0) return SyscallError.invalidArgument(0); // an end marker
      return performing(inv, () => {
        // seL4: invokeDomainScheduleSetStart ends the current entry; nextDomain steps onto the
        // last entry (always an end marker) and so wraps to the new start
        k.domScheduleStart = index;
        k.domainTime = 0;
        k.domScheduleIdx = domScheduleLength - 2;
        rescheduleRequired(k);
        return null;
      });
    }
    default:
      return SyscallError.illegalOperation();
  }
}
