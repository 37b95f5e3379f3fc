/*
 * aarch64 address-space invocations (seL4: decodeARMMMUInvocation, decodeARMVSpaceRootInvocation,
 * decodeARMPageTableInvocation and decodeARMFrameInvocation in src/arch/arm/64/kernel/vspace.c).
 *
 * ARM has one page-table object for every level below the VSpace root: a page table goes wherever
 * the walk for its address stops, and a frame maps where the walk stops if that level holds
 * pages of its size (else FailedLookup with MissingCapability naming the bits left there).
 * Mapping over an existing page of the same size replaces it, as on seL4. The cache-maintenance
 * calls check what seL4 checks and then do nothing: the simulated board has no caches.
 */

import {
  checkVPAlignment,
  findVSpaceForASID,
  isValidVTableRoot,
  lookupPTSlot,
  performMap,
  performPageTableUnmap,
  performPageUnmap,
} from '@tsel4/kernel';
import {
  ASID_INVALID,
  CapType,
  type Frame,
  isFinalCapability,
  LookupFault,
  maskVMRights,
  type OpResult,
  PageEntry,
  type PagingObject,
  SyscallError,
  VMReadWrite,
} from '@tsel4/object';
import type { Invocation } from '../invocation.js';
import { decodeASIDControl, decodeASIDPool, decodeGetAddress, noVSpaceForASID, roundDown } from './asid.js';

const CACHE_OPS = ['Clean_Data', 'Invalidate_Data', 'CleanInvalidate_Data', 'Unify_Instruction'] as const;

/**
 * seL4's performPageFlush / performVSpaceFlush, for a cache-maintenance call that passed its
 * checks: the simulated board has no caches, so there is nothing to clean or invalidate.
 */
function performFlush(): void {}

/** Restart, then the flush (the end of every successful cache-operation decode). */
function flush(inv: Invocation): OpResult {
  inv.restart();
  performFlush();
  return null;
}

/** seL4's decodeARMVSpaceRootInvocation: only the cache operations. */
function decodeARMVSpaceRoot(inv: Invocation): OpResult {
  const k = inv.k;
  const L = inv.L;
  const op = CACHE_OPS.find((o) => inv.label === L[`ARMVSpace${o}`]);
  if (op === undefined) return SyscallError.illegalOperation();
  if (inv.length < 2) return SyscallError.truncatedMessage();
  const start = inv.arg(0);
  const end = inv.arg(1);
  if (end <= start) return SyscallError.invalidArgument(1);
  if (end > k.vspace!.userTop) return SyscallError.illegalOperation();
  if (!isValidVTableRoot(k, inv.cap)) return SyscallError.invalidCapability(0);
  const root = inv.cap.obj as PagingObject;
  const found = findVSpaceForASID(k, inv.cap.mappedAsid);
  if (found === null) return noVSpaceForASID();
  if (found !== root) return SyscallError.invalidCapability(0);
  const slot = lookupPTSlot(k, root, start);
  const pte = slot.table.entries[slot.index];
  // no page there: nothing can be cached for it, and seL4 succeeds quietly
  if (!(pte instanceof PageEntry)) return flush(inv);
  const bits = slot.bitsLeft;
  if (roundDown(start, bits) !== roundDown(end - 1, bits)) {
    return SyscallError.rangeError(start, roundDown(start, bits) + 2 ** bits - 1);
  }
  if (op === 'Invalidate_Data' && pte.rights !== VMReadWrite) return SyscallError.illegalOperation();
  return flush(inv);
}

/** seL4's decodeARMPageTableInvocation. */
function decodeARMPageTable(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  if (inv.label === inv.L['ARMPageTableUnmap']) {
    if (!isFinalCapability(inv.slot)) return SyscallError.revokeFirst();
    inv.restart();
    performPageTableUnmap(k, inv.slot);
    return null;
  }
  if (inv.label !== inv.L['ARMPageTableMap']) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 2 || ex0 === null) return SyscallError.truncatedMessage();
  if (cap.isMapped) return SyscallError.invalidCapability(0);
  const vaddr = inv.arg(0);
  const vspaceCap = ex0.cap;
  if (!isValidVTableRoot(k, vspaceCap)) return SyscallError.invalidCapability(1);
  const root = vspaceCap.obj as PagingObject;
  const asid = vspaceCap.mappedAsid;
  if (vaddr > k.vspace!.userTop) return SyscallError.invalidArgument(0);
  const found = findVSpaceForASID(k, asid);
  if (found === null) return noVSpaceForASID();
  if (found !== root) return SyscallError.invalidCapability(1);
  const slot = lookupPTSlot(k, root, vaddr);
  if (slot.bitsLeft === k.arch.objects.pageBits || slot.table.entries[slot.index] !== null) {
    return SyscallError.deleteFirst();
  }
  const newCap = cap.with({ lo: roundDown(vaddr, slot.bitsLeft), a: asid, b: 1 });
  inv.restart();
  performMap(k, inv.slot, newCap, slot, cap.obj as PagingObject);
  return null;
}

/** seL4's decodeARMFrameInvocation. */
function decodeARMFrame(inv: Invocation): OpResult {
  const k = inv.k;
  const L = inv.L;
  const cap = inv.cap;
  const frame = cap.obj as Frame;
  const bits = frame.sizeBits;
  if (inv.label === L['ARMPageMap']) {
    const ex0 = inv.extra(0);
    if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
    const vaddr = inv.arg(0);
    const attr = inv.lo(2) & 7;
    const vspaceCap = ex0.cap;
    const rights = maskVMRights(cap.vmRights, inv.lo(1));
    if (!isValidVTableRoot(k, vspaceCap)) return SyscallError.invalidCapability(1);
    const root = vspaceCap.obj as PagingObject;
    const asid = vspaceCap.mappedAsid;
    const found = findVSpaceForASID(k, asid);
    if (found === null) return noVSpaceForASID();
    if (found !== root) return SyscallError.invalidCapability(1);
    if (!checkVPAlignment(bits, inv.lo(0))) return SyscallError.alignmentError();
    if (cap.mappedAsid !== ASID_INVALID) {
      if (cap.mappedAsid !== asid) return SyscallError.invalidCapability(1);
      if (cap.mappedVaddr !== vaddr) return SyscallError.invalidArgument(0);
    } else if (vaddr + 2 ** bits - 1 > k.vspace!.userTop) {
      return SyscallError.invalidArgument(0);
    }
    const newCap = cap.with({ lo: vaddr, a: asid, b: 1 });
    const slot = lookupPTSlot(k, root, vaddr);
    if (slot.bitsLeft !== bits) return SyscallError.failedLookup(false, LookupFault.missingCapability(slot.bitsLeft));
    inv.restart();
    performMap(k, inv.slot, newCap, slot, new PageEntry(frame.addr, bits, rights, attr));
    return null;
  }
  if (inv.label === L['ARMPageUnmap']) {
    inv.restart();
    performPageUnmap(k, inv.slot);
    return null;
  }
  const op = CACHE_OPS.find((o) => inv.label === L[`ARMPage${o}`]);
  if (op !== undefined) {
    if (inv.length < 2) return SyscallError.truncatedMessage();
    if (cap.mappedAsid === ASID_INVALID) return SyscallError.illegalOperation();
    const vaddr = cap.mappedVaddr;
    const root = findVSpaceForASID(k, cap.mappedAsid);
    if (root === null) return noVSpaceForASID();
    const start = inv.arg(0);
    const end = inv.arg(1);
    if (end <= start) return SyscallError.invalidArgument(1);
    const size = 2 ** bits;
    if (start >= size || end > size) return SyscallError.invalidArgument(0);
    // the cap's mapping must still be the one in the page table
    const slot = lookupPTSlot(k, root, vaddr);
    const pte = slot.table.entries[slot.index];
    if (slot.bitsLeft !== bits || !(pte instanceof PageEntry) || pte.paddr !== frame.addr) {
      return SyscallError.invalidCapability(0);
    }
    if (op === 'Invalidate_Data' && pte.rights !== VMReadWrite) return SyscallError.illegalOperation();
    return flush(inv);
  }
  if (inv.label === L['ARMPageGetAddress']) return decodeGetAddress(inv);
  return SyscallError.illegalOperation();
}

/** seL4's decodeARMMMUInvocation. */
export function decodeARMMMUInvocation(inv: Invocation): OpResult {
  const cap = inv.cap;
  switch (cap.type) {
    case CapType.Frame:
      return decodeARMFrame(inv);
    case CapType.PageTable:
      return (cap.obj as PagingObject).kind === 'vspace' ? decodeARMVSpaceRoot(inv) : decodeARMPageTable(inv);
    case CapType.ASIDControl:
      return decodeASIDControl(inv, 'ARMASIDControlMakePool');
    case CapType.ASIDPool:
      return decodeASIDPool(inv, 'ARMASIDPoolAssign');
    default:
      return SyscallError.illegalOperation();
  }
}
