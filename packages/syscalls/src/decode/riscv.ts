/*
 * riscv64 (Sv39) address-space invocations (seL4: decodeRISCVMMUInvocation,
 * decodeRISCVPageTableInvocation and decodeRISCVFrameInvocation in src/arch/riscv/kernel/vspace.c).
 *
 * On RISC-V the VSpace root is a page table like the others: the one an ASID names. Unlike x86
 * and ARM, RISC-V refuses to map a frame over an existing mapping (DeleteFirst) unless it is the
 * same cap remapping at the same address. A mapping with no rights and no execute permission is
 * an invalid entry, as seL4's makeUserPTE makes it: the cap says mapped, the address faults.
 */

import {
  checkVPAlignment,
  findVSpaceForASID,
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
  VMKernelOnly,
  frameCapMapped,
  pageTableCapMapped,
} from '@tsel4/object';
import { RISCV64Label as R, seL4_RISCV_ExecuteNever } from '@tsel4/libsel4';
import { readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { small, wrapAdd } from '../words.js';
import { decodeASIDControl, decodeASIDPool, decodeGetAddress, noVSpaceForASID, roundDown } from './asid.js';

/** seL4's decodeRISCVPageTableInvocation. */
function decodeRISCVPageTable(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  if (inv.label === R.RISCVPageTableUnmap) {
    if (!isFinalCapability(inv.slot)) return SyscallError.revokeFirst();
    // a VSpace root is unmapped only by deleting it
    if (cap.isMapped && findVSpaceForASID(k, cap.mappedAsid) === cap.obj) return SyscallError.revokeFirst();
    inv.restart();
    performPageTableUnmap(k, inv.slot);
    return null;
  }
  if (inv.label !== R.RISCVPageTableMap) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 2 || ex0 === null) return SyscallError.truncatedMessage();
  if (cap.isMapped) return SyscallError.invalidCapability(0);
  const { vaddr: word } = readArgs(inv, 'RISCVPageTableMap', 64);
  const rootCap = ex0.cap;
  if (rootCap.type !== CapType.PageTable || !rootCap.isMapped) return SyscallError.invalidCapability(1);
  const root = rootCap.obj as PagingObject;
  const asid = rootCap.mappedAsid;
  if (word >= BigInt(k.vspace!.userTop)) return SyscallError.invalidArgument(0);
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

/** seL4's decodeRISCVFrameInvocation. */
function decodeRISCVFrame(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  const frame = cap.obj as Frame;
  const bits = frame.sizeBits;
  switch (inv.label) {
    case R.RISCVPageMap: {
      const ex0 = inv.extra(0);
      if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
      const a = readArgs(inv, 'RISCVPageMap', 64);
      const rightsMask = Number(a.rights & 0xffff_ffffn);
      const attr = Number(a.attr & BigInt(seL4_RISCV_ExecuteNever));
      const rootCap = ex0.cap;
      if (rootCap.type !== CapType.PageTable || !rootCap.isMapped) return SyscallError.invalidCapability(1);
      const root = rootCap.obj as PagingObject;
      const asid = rootCap.mappedAsid;
      const found = findVSpaceForASID(k, asid);
      if (found === null) return noVSpaceForASID();
      if (found !== root) return SyscallError.invalidCapability(1);
      // seL4 computes vtop = vaddr + BIT(size) - 1 in word arithmetic: near 2^64 it wraps to a
      // small value, passes, and the alignment check answers
      if (wrapAdd(a.vaddr, (1n << BigInt(bits)) - 1n, 64) >= BigInt(k.vspace!.userTop)) return SyscallError.invalidArgument(0);
      if (!checkVPAlignment(bits, Number(a.vaddr & 0xffff_ffffn))) return SyscallError.alignmentError();
      const vaddr = small(a.vaddr);
      const slot = lookupPTSlot(k, root, vaddr);
      if (slot.bitsLeft !== bits) return SyscallError.failedLookup(false, LookupFault.missingCapability(slot.bitsLeft));
      const existing = slot.table.entries[slot.index];
      if (cap.mappedAsid !== ASID_INVALID) {
        if (cap.mappedAsid !== asid) return SyscallError.invalidCapability(1);
        if (cap.mappedVaddr !== vaddr) return SyscallError.invalidArgument(0);
      } else if (existing !== null) {
        return SyscallError.deleteFirst();
      }
      const rights = maskVMRights(cap.vmRights, rightsMask);
      const executable = (attr & seL4_RISCV_ExecuteNever) === 0;
      const newCap = frameCapMapped(cap, asid, vaddr);
      // seL4's makeUserPTE: no read, no write and no execute is an invalid entry
      const entry = rights === VMKernelOnly && !executable ? null : new PageEntry(frame.addr, bits, rights, attr);
      inv.restart();
      performMap(k, inv.slot, newCap, slot, entry);
      return null;
    }
    case R.RISCVPageUnmap:
      inv.restart();
      performPageUnmap(k, inv.slot);
      return null;
    case R.RISCVPageGetAddress:
      return decodeGetAddress(inv);
    default:
      return SyscallError.illegalOperation();
  }
}

/** seL4's decodeRISCVMMUInvocation. */
export function decodeRISCVMMUInvocation(inv: Invocation): OpResult {
  switch (inv.cap.type) {
    case CapType.Frame:
      return decodeRISCVFrame(inv);
    case CapType.PageTable:
      return decodeRISCVPageTable(inv);
    case CapType.ASIDControl:
      return decodeASIDControl(inv, R.RISCVASIDControlMakePool);
    case CapType.ASIDPool:
      return decodeASIDPool(inv, R.RISCVASIDPoolAssign);
    default:
      return SyscallError.illegalOperation();
  }
}
