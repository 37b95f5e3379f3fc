/*
 * What the capability derivation tree compares caps by (seL4: src/object/objecttype.c and the arch
 * objecttype.c files): the memory a physical cap names, sameRegionAs, sameObjectAs and
 * isCapRevocable. The tree (mdb.ts) and the cap operations (capops.ts) both build on these, so
 * they sit below both.
 */

import { wordEq } from '@tsel4/hal';
import { type Cap, CapType } from './cap.js';

/** True for the architecture-specific cap types (seL4: isArchCap). */
export function isArchCap(cap: Cap): boolean {
  return cap.type >= CapType.Frame;
}

/** seL4's cap_get_capIsPhysical: the cap names memory. */
export function capIsPhysical(cap: Cap): boolean {
  switch (cap.type) {
    case CapType.Untyped:
    case CapType.Endpoint:
    case CapType.Notification:
    case CapType.CNode:
    case CapType.Thread:
    case CapType.Zombie:
    case CapType.Frame:
    case CapType.PageTable:
    case CapType.ASIDPool:
      return true;
    default:
      return false;
  }
}

/** Physical address of what a physical cap names (seL4: cap_get_capPtr). */
export function capPtr(cap: Cap): number {
  if (cap.type === CapType.Untyped) return cap.untypedBase;
  return cap.obj === null ? 0 : cap.obj.addr;
}

/** log2 of the bytes a physical cap names (seL4: cap_get_capSizeBits). */
export function capSizeBits(cap: Cap): number {
  if (cap.type === CapType.Untyped) return cap.blockSize;
  return cap.obj === null ? 0 : cap.obj.sizeBits;
}

/** seL4's sameRegionAs: does `b` name memory or authority inside what `a` names? */
export function sameRegionAs(a: Cap, b: Cap): boolean {
  switch (a.type) {
    case CapType.Untyped: {
      if (!capIsPhysical(b)) return false;
      const aBase = a.untypedBase;
      const bBase = capPtr(b);
      const aTop = aBase + 2 ** a.blockSize - 1;
      const bTop = bBase + 2 ** capSizeBits(b) - 1;
      return aBase <= bBase && bTop <= aTop && bBase <= bTop;
    }
    case CapType.Endpoint:
    case CapType.Notification:
    case CapType.Thread:
      return b.type === a.type && b.obj === a.obj;
    case CapType.CNode:
      return b.type === CapType.CNode && b.obj === a.obj && b.radix === a.radix;
    case CapType.Reply:
      return b.type === CapType.Reply && b.obj === a.obj;
    case CapType.Domain:
      return b.type === CapType.Domain;
    case CapType.IrqControl:
      // seL4: ... || Arch_isIRQControlDescendant(cap_b), an SGI signal cap on ARM
      return b.type === CapType.IrqControl || b.type === CapType.IrqHandler || b.type === CapType.SGISignal;
    case CapType.IrqHandler:
      return b.type === CapType.IrqHandler && b.irq === a.irq;
    case CapType.Frame: {
      if (b.type !== CapType.Frame) return false;
      const botA = capPtr(a);
      const botB = capPtr(b);
      const topA = botA + 2 ** capSizeBits(a) - 1;
      const topB = botB + 2 ** capSizeBits(b) - 1;
      return botA <= botB && topA >= topB && botB <= topB;
    }
    case CapType.PageTable:
      return b.type === CapType.PageTable && b.obj === a.obj;
    case CapType.ASIDControl:
      return b.type === CapType.ASIDControl;
    case CapType.ASIDPool:
      return b.type === CapType.ASIDPool && b.obj === a.obj;
    case CapType.IOPortControl:
      return b.type === CapType.IOPortControl || b.type === CapType.IOPort;
    case CapType.IOPort:
      return b.type === CapType.IOPort && b.firstPort === a.firstPort && b.lastPort === a.lastPort;
    case CapType.SGISignal:
      return b.type === CapType.SGISignal && b.sgiIrq === a.sgiIrq && b.sgiTarget === a.sgiTarget;
    default:
      return false;
  }
}

/** seL4's sameObjectAs: do `a` and `b` name the same object? */
export function sameObjectAs(a: Cap, b: Cap): boolean {
  if (a.type === CapType.Untyped || a.type === CapType.IrqControl) return false;
  if (a.type === CapType.SGISignal) return false; // seL4: Arch_sameObjectAs
  if (a.type === CapType.IOPortControl && b.type === CapType.IOPort) return false;
  if (a.type === CapType.Frame && b.type === CapType.Frame) {
    return a.obj === b.obj || (capPtr(a) === capPtr(b) && capSizeBits(a) === capSizeBits(b));
  }
  return sameRegionAs(a, b);
}

/** seL4's isCapRevocable: is a cap derived from `src` as `derived` an original (can it have children)? */
export function isCapRevocable(derived: Cap, src: Cap): boolean {
  switch (derived.type) {
    case CapType.Endpoint:
    case CapType.Notification:
      return !wordEq(derived.badgeLo, derived.badgeHi, src.badgeLo, src.badgeHi);
    case CapType.IrqHandler:
      return src.type === CapType.IrqControl;
    case CapType.Untyped:
      return true;
    case CapType.IOPort:
      return src.type === CapType.IOPortControl;
    default:
      return false;
  }
}
