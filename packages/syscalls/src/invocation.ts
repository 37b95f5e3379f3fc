/*
 * One kernel-object invocation being decoded: the invoked cap and slot, the label, the message
 * length, the caller's IPC buffer, and accessors for the arguments as seL4's getSyscallArg reads
 * them (registers first, then the buffer).
 */

import { invocationLabel, methodsOf } from '@tsel4/libsel4';
import type { ArchName } from '@tsel4/hal';
import { argHi, argLo, type Kernel } from '@tsel4/kernel';
import type { Cap, Cte, Tcb } from '@tsel4/object';

/** Label numbers of one arch, by label name. */
export type Labels = Readonly<Record<string, number>>;

const labelCache = new Map<ArchName, Labels>();

/** The label numbers of `arch` (from the interface table). */
export function labelsOf(arch: ArchName): Labels {
  let l = labelCache.get(arch);
  if (l === undefined) {
    l = Object.fromEntries(methodsOf(arch).map((m) => [m.label, invocationLabel(arch, m.label)]));
    labelCache.set(arch, l);
  }
  return l;
}

export class Invocation {
  constructor(
    readonly k: Kernel,
    readonly L: Labels,
    readonly cur: Tcb,
    readonly label: number,
    /** Message length after truncation to the registers when the caller has no IPC buffer. */
    readonly length: number,
    readonly buf: number,
    readonly cptrLo: number,
    readonly cptrHi: number,
    readonly slot: Cte,
    readonly cap: Cap,
    readonly isCall: boolean,
    readonly isBlocking: boolean,
  ) {}

  /** Argument i as a number (word halves folded: exact up to 2^53, ordered beyond). */
  arg(i: number): number {
    return argHi(this.k, this.cur, this.buf, i) * 4294967296 + argLo(this.k, this.cur, this.buf, i);
  }

  lo(i: number): number {
    return argLo(this.k, this.cur, this.buf, i);
  }

  hi(i: number): number {
    return argHi(this.k, this.cur, this.buf, i);
  }

  /** Extra cap i (current_extra_caps.excaprefs[i]) or null. */
  extra(i: number): Cte | null {
    for (let j = 0; j <= i; j++) if (this.k.extraCaps[j] === null || this.k.extraCaps[j] === undefined) return null;
    return this.k.extraCaps[i]!;
  }
}
