/*
 * x86_64 address-space invocations (seL4: decodeX86MMUInvocation and decodeX86FrameInvocation in
 * src/arch/x86/kernel/vspace.c, decodeX64PageDirectoryInvocation, decodeX64PDPTInvocation and
 * decodeX86ModeMapPage in src/arch/x86/64/kernel/vspace.c, the IOMMU checks of
 * src/arch/x86/object/iospace.c).
 *
 * x86 walks are typed: a page table can only go into a page directory, a directory into a PDPT,
 * a PDPT into the PML4, and each lookup fails with MissingCapability naming the bits still to
 * translate (39, 30, 21). Mapping a 4 KiB frame over an existing 4 KiB mapping replaces it, as
 * seL4 does on x86; a large or huge page over a table is DeleteFirst. tsel4 has no IOMMU
 * hardware, so no IOSpace cap exists: MapIO and IOPageTable_Map go as far as seL4 goes before it
 * needs one. Labels are those of the machine's build (x86_64Labels(config)): without CONFIG_IOMMU
 * the IOMMU methods have none (their cases never match: IllegalOperation, as in seL4 where the
 * #ifdef leaves them out) and the labels after them are lower.
 */

import {
  findVSpaceForASID,
  isValidVTableRoot,
  lookupPDPTSlot,
  lookupPDSlot,
  lookupPML4Slot,
  lookupX86PTSlot,
  performMap,
  performPageTableUnmap,
  performPageUnmap,
  type PTSlot,
  checkVPAlignment,
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
  FRAME_MAPPED_VSPACE,
  frameCapMapped,
  pageTableCapMapped,
  pageTableCapSetIsMapped,
} from '@tsel4/object';
import { x86_64Labels } from '@tsel4/libsel4';
import { readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { small, wrapAdd } from '../words.js';
import { decodeASIDControl, decodeASIDPool, decodeGetAddress, noVSpaceForASID, roundDown } from './asid.js';

/** seL4's decodeX86FrameInvocation. */
function decodeX86Frame(inv: Invocation): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  const frame = cap.obj as Frame;
  // the labels of the running build: without CONFIG_IOMMU, X86PageMapIO is NO_LABEL and the
  // labels after it close up (seL4: the #ifdef CONFIG_IOMMU case is not compiled in)
  const X = x86_64Labels(inv.space.config);
  switch (inv.label) {
    case X.X86PageMap: {
      const ex0 = inv.extra(0);
      if (inv.length < 3 || ex0 === null) return SyscallError.truncatedMessage();
      const bits = frame.sizeBits;
      const a = readArgs(inv, 'X86PageMap', 64);
      const rightsMask = Number(a.rights & 0xffff_ffffn);
      const attr = Number(a.attr & 7n);
      const vspaceCap = ex0.cap;
      if (!isValidVTableRoot(k, vspaceCap)) return SyscallError.invalidCapability(1);
      const root = vspaceCap.obj as PagingObject;
      const asid = vspaceCap.mappedAsid;
      const top = BigInt(k.vspace!.userTop);
      if (cap.mappedAsid !== ASID_INVALID) {
        if (cap.mappedAsid !== asid) return SyscallError.invalidCapability(1);
        if (cap.mapType !== FRAME_MAPPED_VSPACE) return SyscallError.illegalOperation();
        if (BigInt(cap.mappedVaddr) !== a.vaddr) return SyscallError.invalidArgument(0);
      } else if (a.vaddr > top || wrapAdd(a.vaddr, 1n << BigInt(bits), 64) > top) {
        // vtop is computed in word arithmetic: the first test catches a sum that wrapped
        return SyscallError.invalidArgument(0);
      }
      const vaddr = small(a.vaddr);
      const found = findVSpaceForASID(k, asid);
      if (found === null) return noVSpaceForASID();
      if (found !== root) return SyscallError.invalidCapability(1);
      const rights = maskVMRights(cap.vmRights, rightsMask);
      if (!checkVPAlignment(bits, inv.lo(0))) return SyscallError.alignmentError();
      const newCap = frameCapMapped(cap, asid, vaddr);
      let slot: PTSlot | LookupFault;
      if (bits === k.arch.objects.pageBits) {
        slot = lookupX86PTSlot(root, vaddr);
        if (slot instanceof LookupFault) return SyscallError.failedLookup(false, slot);
      } else {
        // seL4: createSafeMappingEntries_PDE / _PDPTE refuse to replace a table with a page
        slot = bits === k.arch.objects.largePageBits ? lookupPDSlot(root, vaddr) : lookupPDPTSlot(root, vaddr);
        if (slot instanceof LookupFault) return SyscallError.failedLookup(false, slot);
        const e = slot.table.entries[slot.index];
        if (e !== null && !(e instanceof PageEntry)) return SyscallError.deleteFirst();
      }
      const s = slot;
      inv.restart();
      performMap(k, inv.slot, newCap, s, new PageEntry(frame.addr, bits, rights, attr));
      return null;
    }
    case X.X86PageUnmap:
      inv.restart();
      if (inv.slot.cap.mappedAsid !== ASID_INVALID) performPageUnmap(k, inv.slot);
      return null;
    case X.X86PageMapIO: {
      // seL4: decodeX86IOMapInvocation, up to the IOSpace cap no tsel4 board can give
      const ex0 = inv.extra(0);
      if (ex0 === null || inv.length < 2) return SyscallError.truncatedMessage();
      if (frame.sizeBits !== k.arch.objects.pageBits) return SyscallError.invalidCapability(0);
      if (cap.mappedAsid !== ASID_INVALID) return SyscallError.invalidCapability(0);
      return SyscallError.invalidCapability(0);
    }
    case X.X86PageGetAddress:
      return decodeGetAddress(inv);
    default:
      return SyscallError.illegalOperation();
  }
}

/** What differs between the three x86_64 table invocations. */
interface X86Table {
  readonly map: 'X86PageTableMap' | 'X86PageDirectoryMap' | 'X86PDPTMap';
  readonly unmap: 'X86PageTableUnmap' | 'X86PageDirectoryUnmap' | 'X86PDPTUnmap';
  /** Bits of the region one such table covers (its mapped address is aligned to it). */
  readonly coverBits: number;
  /** The lookup of the entry the table goes into. */
  lookup(root: PagingObject, vaddr: number): PTSlot | LookupFault;
}

const PT: X86Table = { map: 'X86PageTableMap', unmap: 'X86PageTableUnmap', coverBits: 21, lookup: lookupPDSlot };
const PD: X86Table = { map: 'X86PageDirectoryMap', unmap: 'X86PageDirectoryUnmap', coverBits: 30, lookup: lookupPDPTSlot };
const PDPT: X86Table = { map: 'X86PDPTMap', unmap: 'X86PDPTUnmap', coverBits: 39, lookup: lookupPML4Slot };

/**
 * seL4's decodeX86PageTableInvocation, decodeX64PageDirectoryInvocation and
 * decodeX64PDPTInvocation: the same checks in the same order, one level apart.
 */
function decodeX86Table(inv: Invocation, t: X86Table): OpResult {
  const k = inv.k;
  const cap = inv.cap;
  const X = x86_64Labels(inv.space.config);
  if (inv.label === X[t.unmap]) {
    if (!isFinalCapability(inv.slot)) return SyscallError.revokeFirst();
    inv.restart();
    performPageTableUnmap(k, inv.slot);
    return null;
  }
  if (inv.label !== X[t.map]) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 2 || ex0 === null) return SyscallError.truncatedMessage();
  if (cap.isMapped) return SyscallError.invalidCapability(0);
  // the vaddr parameter is MR0 for each of the three (PageTable, PageDirectory, PDPT)
  const word = readArgs(inv, 'X86PageTableMap', 64).vaddr & ~((1n << BigInt(t.coverBits)) - 1n);
  const vspaceCap = ex0.cap;
  if (!isValidVTableRoot(k, vspaceCap)) return SyscallError.invalidCapability(1);
  const root = vspaceCap.obj as PagingObject;
  const asid = vspaceCap.mappedAsid;
  if (word > BigInt(k.vspace!.userTop)) return SyscallError.invalidArgument(0);
  const vaddr = small(word);
  const found = findVSpaceForASID(k, asid);
  if (found === null) return noVSpaceForASID();
  if (found !== root) return SyscallError.invalidCapability(1);
  const slot = t.lookup(root, vaddr);
  if (slot instanceof LookupFault) return SyscallError.failedLookup(false, slot);
  if (slot.table.entries[slot.index] !== null) return SyscallError.deleteFirst();
  const newCap = pageTableCapMapped(cap, asid, vaddr);
  inv.restart();
  performMap(k, inv.slot, newCap, slot, cap.obj as PagingObject);
  return null;
}

/** seL4's decodeX86IOPTInvocation, up to the IOSpace cap no tsel4 board can give. */
function decodeX86IOPageTable(inv: Invocation): OpResult {
  const X = x86_64Labels(inv.space.config);
  if (inv.label === X.X86IOPageTableUnmap) {
    // never mapped (nothing can map it): only the cap's flag is cleared
    inv.restart();
    inv.slot.cap = pageTableCapSetIsMapped(inv.slot.cap, false);
    return null;
  }
  if (inv.label !== X.X86IOPageTableMap) return SyscallError.illegalOperation();
  if (inv.extra(0) === null || inv.length < 1) return SyscallError.truncatedMessage();
  return SyscallError.invalidCapability(0);
}

/** seL4's decodeX86MMUInvocation (and decodeX86ModeMMUInvocation) for every x86_64 arch cap it decodes. */
export function decodeX86MMUInvocation(inv: Invocation): OpResult {
  const cap = inv.cap;
  const X = x86_64Labels(inv.space.config);
  switch (cap.type) {
    case CapType.Frame:
      return decodeX86Frame(inv);
    case CapType.PageTable:
      switch ((cap.obj as PagingObject).kind) {
        case 'pt':
          return decodeX86Table(inv, PT);
        case 'pd':
          return decodeX86Table(inv, PD);
        case 'pdpt':
          return decodeX86Table(inv, PDPT);
        case 'iopt':
          return decodeX86IOPageTable(inv);
        default:
          // a PML4 has no invocations
          return SyscallError.illegalOperation();
      }
    case CapType.ASIDControl:
      return decodeASIDControl(inv, X.X86ASIDControlMakePool);
    case CapType.ASIDPool:
      return decodeASIDPool(inv, X.X86ASIDPoolAssign);
    default:
      return SyscallError.illegalOperation();
  }
}
