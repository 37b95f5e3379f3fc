/*
 * Pure functions on caps (seL4: src/object/objecttype.c and the arch objecttype.c files):
 * derivation, cap data updates, rights masking. The region and object comparisons the derivation
 * tree is built on are in capregion.ts, below both this file and the tree (mdb.ts).
 */

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
