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
} from '@tsel4/object';
import { seL4_RISCV_ExecuteNever } from '@tsel4/libsel4';
import type { Invocation } from '../invocation.js';
import { decodeASIDControl, decodeASIDPool, decodeGetAddress, noVSpaceForASID, roundDown } from './asid.js';

/** seL4's decodeRISCVPageTableInvocation. */
function decodeRISCVPageTable(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  if (inv.label === inv.L['RISCVPageTableUnmap']) {
    if (!isFinalCapability(inv.slot)) return SyscallError.revokeFirst();
    // a VSpace root is unmapped only by deleting it
    if (cap.isMapped && findVSpaceForASID(k, cap.mappedAsid) === cap.obj) return SyscallError.revokeFirst();
    inv.restart();
    performPageTableUnmap(k, inv.slot);
    return null;
  }
  if (inv.label !== inv.L['RISCVPageTableMap']) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 2 || ex0 === null) return SyscallError.truncatedMessage();
  if (cap.isMapped) return SyscallError.invalidCapability(0);
  const vaddr = inv.arg(0);
  const rootCap = ex0.cap;
  if (rootCap.type !== CapType.PageTable || !rootCap.isMapped) return SyscallError.invalidCapability(1);
  const root = rootCap.obj as PagingObject;
  const asid = rootCap.mappedAsid;
  if (vaddr >= k.vspace!.userTop) return SyscallError.invalidArgument(0);
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

/** seL4's decodeRISCVFrameInvocation. */
function decodeRISCVFrame(inv: Invocation): OpResult {
  const k = inv.k;
  const L = inv.L;
  const cap = inv.cap;
  const frame = cap.obj as Frame;
  const bits = frame.sizeBits;
  switch (inv.label) {
    case L['RISCVPageMap']: {
      const ex0 = inv.extra(0);
      if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
      const vaddr = inv.arg(0);
      const rightsMask = inv.lo(1);
      const attr = inv.lo(2) & seL4_RISCV_ExecuteNever;
      const rootCap = ex0.cap;
      if (rootCap.type !== CapType.PageTable || !rootCap.isMapped) return SyscallError.invalidCapability(1);
      const root = rootCap.obj as PagingObject;
      const asid = rootCap.mappedAsid;
      const found = findVSpaceForASID(k, asid);
      if (found === null) return noVSpaceForASID();
      if (found !== root) return SyscallError.invalidCapability(1);
      if (vaddr + 2 ** bits - 1 >= k.vspace!.userTop) return SyscallError.invalidArgument(0);
      if (!checkVPAlignment(bits, inv.lo(0))) return SyscallError.alignmentError();
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
      const newCap = cap.with({ lo: vaddr, a: asid, b: 1 });
      // seL4's makeUserPTE: no read, no write and no execute is an invalid entry
      const entry = rights === VMKernelOnly && !executable ? null : new PageEntry(frame.addr, bits, rights, attr);
      inv.restart();
      performMap(k, inv.slot, newCap, slot, entry);
      return null;
    }
    case L['RISCVPageUnmap']:
      inv.restart();
      performPageUnmap(k, inv.slot);
      return null;
    case L['RISCVPageGetAddress']:
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
      return decodeASIDControl(inv, 'RISCVASIDControlMakePool');
    case CapType.ASIDPool:
      return decodeASIDPool(inv, 'RISCVASIDPoolAssign');
    default:
      return SyscallError.illegalOperation();
  }
}
