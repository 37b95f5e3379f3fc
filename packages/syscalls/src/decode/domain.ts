/*
 * DomainSet invocations (seL4: decodeDomainInvocation, src/object/domain.c). The domain schedule
 * has CONFIG_NUM_DOMAIN_SCHEDULES entries (`k.config.numDomainSchedules`: 100 with more than one
 * domain, 2 with one); an entry of duration 0 is an end marker, and the last entry always is.
 * Every argument is compared as the exact word (a domain of 2^64 - 1 is out of range, not rounded
 * into it); then the caller is set to Restart and the kernel's setDomain / invokeDomainSchedule*
 * runs.
 */

import { GenericLabel as L } from '@tsel4/libsel4';
import { invokeDomainScheduleConfigure, invokeDomainScheduleSetStart, setDomain } from '@tsel4/kernel';
import { CapType, type OpResult, SyscallError, type Tcb } from '@tsel4/object';
import { readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { small } from '../words.js';

/** seL4's DSCHED_MAX_DURATION: a duration must fit in 56 bits. */
const MAX_DURATION = (1n << 56n) - 1n;

export function decodeDomainInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  const wordBits = k.wordBits;
  const numDomains = BigInt(k.config.numDomains);
  const domScheduleLength = k.config.numDomainSchedules;
  switch (inv.label) {
    case L.DomainSetSet: {
      if (inv.length === 0) return SyscallError.truncatedMessage();
      const { domain } = readArgs(inv, 'DomainSetSet', wordBits);
      if (domain >= numDomains) return SyscallError.invalidArgument(0);
      const ex0 = inv.extra(0);
      if (ex0 === null) return SyscallError.truncatedMessage();
      if (ex0.cap.type !== CapType.Thread) return SyscallError.invalidArgument(1);
      const tcb = ex0.cap.obj as Tcb;
      inv.restart();
      setDomain(k, tcb, small(domain));
      return null;
    }
    case L.DomainScheduleConfigure: {
      const timeWords = wordBits === 64 ? 1 : 2;
      if (inv.length < 2 + timeWords) return SyscallError.truncatedMessage();
      const { index, domain, duration } = readArgs(inv, 'DomainScheduleConfigure', wordBits);
      // the last entry stays an end marker
      if (index >= BigInt(domScheduleLength - 1)) return SyscallError.rangeError(0, domScheduleLength - 2);
      if (domain >= numDomains) return SyscallError.rangeError(0, k.config.numDomains - 1);
      // seL4 16.0.0: InvalidArgument 2 (not a RangeError) for a duration above DSCHED_MAX_DURATION
      if (duration > MAX_DURATION) return SyscallError.invalidArgument(2);
      if (duration === 0n && domain !== 0n) return SyscallError.invalidArgument(1);
      if (index === BigInt(k.domScheduleStart) && duration === 0n) return SyscallError.invalidArgument(2);
      inv.restart();
      // a duration is kept as a number of ticks: exact up to 2^53, far beyond any run's length
      invokeDomainScheduleConfigure(k, small(index), small(domain), Number(duration));
      return null;
    }
    case L.DomainScheduleSetStart: {
      if (inv.length < 1) return SyscallError.truncatedMessage();
      const { index } = readArgs(inv, 'DomainScheduleSetStart', wordBits);
      if (index >= BigInt(domScheduleLength)) return SyscallError.rangeError(0, domScheduleLength - 1);
      if (k.domainSchedule[small(index)]!.length === 0) return SyscallError.invalidArgument(0); // an end marker
      inv.restart();
      invokeDomainScheduleSetStart(k, small(index));
      return null;
    }
    default:
      return SyscallError.illegalOperation();
  }
}
