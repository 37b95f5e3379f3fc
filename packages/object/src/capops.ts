/*
 * Pure functions on caps (seL4: src/object/objecttype.c and the arch objecttype.c files):
 * derivation, cap data updates, rights masking, and the region and object comparisons the
 * derivation tree is built on.
 */

import { wordEq } from '@tsel4/hal';
import { capDataGuardHi, capDataGuardLo, capDataGuardSize } from '@tsel4/libsel4';
import {
  type Cap,
  CapType,
  EP_CAN_GRANT,
  EP_CAN_GRANT_REPLY,
  EP_CAN_RECEIVE,
  EP_CAN_SEND,
  NULL_CAP,
  VMKernelOnly,
  VMReadOnly,
  VMReadWrite,
  cnodeCapSetGuard,
  cnodeCapSetGuardSize,
  endpointCapSetBadge,
  endpointCapSetRights,
  frameCapSetVMRights,
  frameCapUnmapped,
  notificationCapSetBadge,
  notificationCapSetRights,
  replyCapSetCanGrant,
} from './cap.js';
import type { Cte } from './cte.js';
import { SyscallError } from './errors.js';
import { ensureNoChildren } from './mdb.js';

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
  if (a.type === CapType.IOPortControl && b.type === CapType.IOPort) return false;
  if (a.type === CapType.SGISignal) return false; // seL4: Arch_sameObjectAs
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

/** seL4's hasCancelSendRights: an endpoint cap with all four rights. */
export function hasCancelSendRights(cap: Cap): boolean {
  return (
    cap.type === CapType.Endpoint &&
    (cap.rights & (EP_CAN_SEND | EP_CAN_RECEIVE | EP_CAN_GRANT | EP_CAN_GRANT_REPLY)) ===
      (EP_CAN_SEND | EP_CAN_RECEIVE | EP_CAN_GRANT | EP_CAN_GRANT_REPLY)
  );
}

/**
 * seL4's deriveCap: the cap a copy of `cap` (from `slot`) should hold. Null for caps that cannot
 * be copied (zombies, IRQ control, reply caps, IO port control); RevokeFirst for an untyped with
 * children; IllegalOperation for an unmapped paging structure.
 */
export function deriveCap(slot: Cte, cap: Cap): Cap | SyscallError {
  switch (cap.type) {
    case CapType.Zombie:
    case CapType.IrqControl:
    case CapType.Reply:
    case CapType.IOPortControl:
      return NULL_CAP;
    case CapType.Untyped: {
      const err = ensureNoChildren(slot);
      return err === null ? cap : err;
    }
    case CapType.PageTable:
      return cap.isMapped ? cap : SyscallError.illegalOperation();
    case CapType.Frame:
      return frameCapUnmapped(cap);
    default:
      return cap;
  }
}

/**
 * seL4's updateCapData: apply Mint/Mutate/Rotate data. `preserve` is true for Mutate and Rotate.
 * Endpoint and notification caps take a badge only from Mint, and only when unbadged; CNode caps
 * take a new guard (masked to its size) unless guard size plus radix would exceed the word.
 * Returns the null cap where seL4 does.
 */
export function updateCapData(preserve: boolean, dataLo: number, dataHi: number, cap: Cap, wordBits: 32 | 64): Cap {
  switch (cap.type) {
    case CapType.Endpoint:
    case CapType.Notification: {
      if (preserve || cap.isBadged) return NULL_CAP;
      // The badge field is 28 bits wide on 32-bit arches: the upper bits are dropped.
      const lo = wordBits === 64 ? dataLo : dataLo & 0x0fffffff;
      const hi = wordBits === 64 ? dataHi : 0;
      return cap.type === CapType.Endpoint ? endpointCapSetBadge(cap, lo, hi) : notificationCapSetBadge(cap, lo, hi);
    }
    case CapType.CNode: {
      const guardSize = capDataGuardSize(wordBits, dataLo);
      if (guardSize + cap.radix > wordBits) return NULL_CAP;
      let gLo = capDataGuardLo(wordBits, dataLo, dataHi);
      let gHi = capDataGuardHi(wordBits, dataHi);
      if (guardSize < 32) {
        gLo = guardSize === 0 ? 0 : (gLo & ((1 << guardSize) - 1)) >>> 0;
        gHi = 0;
      } else if (guardSize < 64) {
        gHi = guardSize === 32 ? 0 : (gHi & ((2 ** (guardSize - 32)) - 1)) >>> 0;
      }
      return cnodeCapSetGuardSize(cnodeCapSetGuard(cap, gLo, gHi), guardSize);
    }
    default:
      return cap;
  }
}

/** seL4's maskVMRights for frames. */
export function maskVMRights(vmRights: number, mask: number): number {
  const canRead = (mask & 2) !== 0;
  const canWrite = (mask & 1) !== 0;
  if (vmRights === VMReadOnly && canRead) return VMReadOnly;
  if (vmRights === VMReadWrite && canRead) return canWrite ? VMReadWrite : VMReadOnly;
  return VMKernelOnly;
}

/** seL4's maskCapRights: AND the rights of endpoint, notification, reply and frame caps with `mask`. */
export function maskCapRights(mask: number, cap: Cap): Cap {
  switch (cap.type) {
    case CapType.Endpoint: {
      const r = cap.rights & mask & 0xf;
      return r === cap.rights ? cap : endpointCapSetRights(cap, r);
    }
    case CapType.Notification: {
      const r = cap.rights & mask & (EP_CAN_SEND | EP_CAN_RECEIVE);
      return r === cap.rights ? cap : notificationCapSetRights(cap, r);
    }
    case CapType.Reply: {
      const canGrant = cap.canGrant && (mask & EP_CAN_GRANT) !== 0;
      return canGrant === cap.canGrant ? cap : replyCapSetCanGrant(cap, canGrant);
    }
    case CapType.Frame: {
      const r = maskVMRights(cap.vmRights, mask);
      return r === cap.vmRights ? cap : frameCapSetVMRights(cap, r);
    }
    default:
      return cap;
  }
}
