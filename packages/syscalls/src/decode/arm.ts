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
  frameCapMapped,
  pageTableCapMapped,
} from '@tsel4/object';
import { AArch64Label as A, ARM_CACHE_OPS, type ArmCacheOp } from '@tsel4/libsel4';
import { readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { small, wrapAdd } from '../words.js';
import { decodeASIDControl, decodeASIDPool, decodeGetAddress, noVSpaceForASID, roundDown } from './asid.js';

/** The cache operation a label names, for a VSpace root or a frame (first label of the four). */
function cacheOp(label: number, first: number): ArmCacheOp | undefined {
  return ARM_CACHE_OPS[label - first];
}

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
  const op = cacheOp(inv.label, A.ARMVSpaceClean_Data);
  if (op === undefined) return SyscallError.illegalOperation();
  if (inv.length < 2) return SyscallError.truncatedMessage();
  // the same two words for each of the four operations
  const a = readArgs(inv, 'ARMVSpaceClean_Data', 64);
  if (a.end <= a.start) return SyscallError.invalidArgument(1);
  if (a.end > BigInt(k.vspace!.userTop)) return SyscallError.illegalOperation();
  const start = small(a.start);
  const end = small(a.end);
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
  if (inv.label === A.ARMPageTableUnmap) {
    if (!isFinalCapability(inv.slot)) return SyscallError.revokeFirst();
    inv.restart();
    performPageTableUnmap(k, inv.slot);
    return null;
  }
  if (inv.label !== A.ARMPageTableMap) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 2 || ex0 === null) return SyscallError.truncatedMessage();
  if (cap.isMapped) return SyscallError.invalidCapability(0);
  const { vaddr: word } = readArgs(inv, 'ARMPageTableMap', 64);
  const vspaceCap = ex0.cap;
  if (!isValidVTableRoot(k, vspaceCap)) return SyscallError.invalidCapability(1);
  const root = vspaceCap.obj as PagingObject;
  const asid = vspaceCap.mappedAsid;
  if (word > BigInt(k.vspace!.userTop)) return SyscallError.invalidArgument(0);
  const vaddr = small(word);
  const found = findVSpaceForASID(k, asid);
  if (found === null) return noVSpaceForASID();
  if (found !== root) return SyscallError.invalidCapability(1);
  const slot = lookupPTSlot(k, root, vaddr);
  if (slot.bitsLeft === k.arch.objects.pageBits || slot.table.entries[slot.index] !== null) {
    return SyscallError.deleteFirst();
  }
  const newCap = pageTableCapMapped(cap, asid, roundDown(vaddr, slot.bitsLeft));
  inv.restart();
  performMap(k, inv.slot, newCap, slot, cap.obj as PagingObject);
  return null;
}

/** seL4's decodeARMFrameInvocation. */
function decodeARMFrame(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  const frame = cap.obj as Frame;
  const bits = frame.sizeBits;
  if (inv.label === A.ARMPageMap) {
    const ex0 = inv.extra(0);
    if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
    const a = readArgs(inv, 'ARMPageMap', 64);
    const attr = Number(a.attr & 7n);
    const vspaceCap = ex0.cap;
    const rights = maskVMRights(cap.vmRights, Number(a.rights & 0xffff_ffffn));
    if (!isValidVTableRoot(k, vspaceCap)) return SyscallError.invalidCapability(1);
    const root = vspaceCap.obj as PagingObject;
    const asid = vspaceCap.mappedAsid;
    const found = findVSpaceForASID(k, asid);
    if (found === null) return noVSpaceForASID();
    if (found !== root) return SyscallError.invalidCapability(1);
    if (!checkVPAlignment(bits, Number(a.vaddr & 0xffff_ffffn))) return SyscallError.alignmentError();
    if (cap.mappedAsid !== ASID_INVALID) {
      if (cap.mappedAsid !== asid) return SyscallError.invalidCapability(1);
      if (BigInt(cap.mappedVaddr) !== a.vaddr) return SyscallError.invalidArgument(0);
    } else if (wrapAdd(a.vaddr, (1n << BigInt(bits)) - 1n, 64) > BigInt(k.vspace!.userTop)) {
      // vtop in word arithmetic (an aligned vaddr cannot wrap, so this is exact)
      return SyscallError.invalidArgument(0);
    }
    const vaddr = small(a.vaddr);
    const newCap = frameCapMapped(cap, asid, vaddr);
    const slot = lookupPTSlot(k, root, vaddr);
    if (slot.bitsLeft !== bits) return SyscallError.failedLookup(false, LookupFault.missingCapability(slot.bitsLeft));
    inv.restart();
    performMap(k, inv.slot, newCap, slot, new PageEntry(frame.addr, bits, rights, attr));
    return null;
  }
  if (inv.label === A.ARMPageUnmap) {
    inv.restart();
    performPageUnmap(k, inv.slot);
    return null;
  }
  const op = cacheOp(inv.label, A.ARMPageClean_Data);
  if (op !== undefined) {
    if (inv.length < 2) return SyscallError.truncatedMessage();
    if (cap.mappedAsid === ASID_INVALID) return SyscallError.illegalOperation();
    const vaddr = cap.mappedVaddr;
    const root = findVSpaceForASID(k, cap.mappedAsid);
    if (root === null) return noVSpaceForASID();
    const a = readArgs(inv, 'ARMPageClean_Data', 64);
    if (a.end_offset <= a.start_offset) return SyscallError.invalidArgument(1);
    const size = 1n << BigInt(bits);
    if (a.start_offset >= size || a.end_offset > size) return SyscallError.invalidArgument(0);
    // the cap's mapping must still be the one in the page table
    const slot = lookupPTSlot(k, root, vaddr);
    const pte = slot.table.entries[slot.index];
    if (slot.bitsLeft !== bits || !(pte instanceof PageEntry) || pte.paddr !== frame.addr) {
      return SyscallError.invalidCapability(0);
    }
    if (op === 'Invalidate_Data' && pte.rights !== VMReadWrite) return SyscallError.illegalOperation();
    return flush(inv);
  }
  if (inv.label === A.ARMPageGetAddress) return decodeGetAddress(inv);
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
      return decodeASIDControl(inv, A.ARMASIDControlMakePool);
    case CapType.ASIDPool:
      return decodeASIDPool(inv, A.ARMASIDPoolAssign);
    default:
      return SyscallError.illegalOperation();
  }
}
