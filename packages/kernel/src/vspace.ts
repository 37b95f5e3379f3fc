/*
 * Address spaces (seL4: src/arch/x86/kernel/vspace.c, src/arch/x86/64/kernel/vspace.c,
 * src/arch/arm/64/kernel/vspace.c, src/arch/riscv/kernel/vspace.c, and Arch_finaliseCap in the
 * arch objecttype.c files).
 *
 * A VSpace is a tree of paging structures under a root that an ASID names. This module has the
 * walks seL4 makes (the typed x86_64 lookups with their missing-capability faults, and the
 * generic walk of aarch64 and RISC-V that stops at the first entry that is not a table), the
 * operations that cannot fail once an invocation is decoded (map, unmap, GetAddress), and what
 * deleting a frame, paging structure or ASID pool cap does to the mappings. The decoding itself,
 * with every check in seL4's order, is the syscalls package's (decode/x86.ts, arm.ts, riscv.ts).
 *
 * The kernel never reads an IPC buffer through these tables: it uses the frame cap in the TCB
 * (ipcbuffer.ts), as seL4 does. User programs' loads and stores go through translate.ts.
 */

import { doubleHi, doubleLo } from '@tsel4/hal';
import {
  ASID_INVALID,
  type AsidPool,
  type Cap,
  CapType,
  type Cte,
  type Frame,
  LookupFault,
  PageEntry,
  type PagingEntry,
  PagingObject,
  SyscallError,
  ThreadState,
  frameCapUnmapped,
  pageTableCapSetIsMapped,
} from '@tsel4/object';
import { deleteASID, deleteASIDPool, findVSpaceForASID } from './asid.js';
import { lookupIPCBuffer, setMR } from './ipcbuffer.js';
import type { Kernel } from './kernel.js';
import { setReg } from './registers.js';
import { setThreadState } from './scheduler.js';

/** seL4's isValidVTableRoot (and isValidNativeRoot): a VSpace root cap that has an ASID. */
export function isValidVTableRoot(k: Kernel, cap: Cap): boolean {
  return cap.type === CapType.PageTable && cap.isMapped && (cap.obj as PagingObject).kind === k.vspaceRootKind;
}

/** seL4's isVTableRoot: a VSpace root cap, with or without an ASID. */
export function isVTableRoot(k: Kernel, cap: Cap): boolean {
  return cap.type === CapType.PageTable && (cap.obj as PagingObject).kind === k.vspaceRootKind;
}

/** seL4's checkValidIPCBuffer: a non-device frame cap and an address aligned to the buffer size. */
export function checkValidIPCBuffer(k: Kernel, addrLo: number, cap: Cap): SyscallError | null {
  if (cap.type !== CapType.Frame) return SyscallError.illegalOperation();
  if ((cap.obj as Frame).isDevice) return SyscallError.illegalOperation();
  const bits = k.arch.objects.ipcBufferSizeBits;
  if ((addrLo & ((1 << bits) - 1)) !== 0) return SyscallError.alignmentError();
  return null;
}

/** seL4's checkVPAlignment: `vaddrLo` (the low half suffices: pages are at most 2^30) is page aligned. */
export function checkVPAlignment(sizeBits: number, vaddrLo: number): boolean {
  return (vaddrLo & (2 ** sizeBits - 1)) === 0;
}

/** 2^i for every bit position of a word. */
export const POW2: readonly number[] = Array.from({ length: 65 }, (_, i) => 2 ** i);

/** The index `vaddr` selects in a structure whose entries each cover 2^shift bytes. */
export function indexAt(vaddr: number, shift: number): number {
  return (vaddr / POW2[shift]!) & 511;
}

/** One entry of a paging structure, as seL4's lookup functions point at it. */
export interface PTSlot {
  readonly table: PagingObject;
  readonly index: number;
  /** Bits of the address that entry covers (the size of a page it could map). */
  readonly bitsLeft: number;
}

/**
 * seL4's lookupPTSlot on aarch64 and RISC-V: walk down from `root` while entries are tables; the
 * slot where the walk stops, and the page size it could hold. Never fails.
 */
export function lookupPTSlot(k: Kernel, root: PagingObject, vaddr: number): PTSlot {
  const levels = k.vspace!.levels;
  let level = 0;
  let table = root;
  let index = indexAt(vaddr, levels[0]!.shift);
  while (level < levels.length - 1) {
    const e = table.entries[index];
    if (!(e instanceof PagingObject)) break;
    level++;
    table = e;
    index = indexAt(vaddr, levels[level]!.shift);
  }
  return { table, index, bitsLeft: levels[level]!.shift };
}

// --- the x86_64 walks: each level must be present, else a missing-capability lookup fault

/** seL4's lookupPML4Slot. */
export function lookupPML4Slot(root: PagingObject, vaddr: number): PTSlot {
  return { table: root, index: indexAt(vaddr, 39), bitsLeft: 39 };
}

function lookupBelow(slot: PTSlot, vaddr: number, shift: number): PTSlot | LookupFault {
  const e = slot.table.entries[slot.index];
  if (!(e instanceof PagingObject)) return LookupFault.missingCapability(slot.bitsLeft);
  return { table: e, index: indexAt(vaddr, shift), bitsLeft: shift };
}

/** seL4's lookupPDPTSlot: MissingCapability(39) when the PML4 entry is not present. */
export function lookupPDPTSlot(root: PagingObject, vaddr: number): PTSlot | LookupFault {
  return lookupBelow(lookupPML4Slot(root, vaddr), vaddr, 30);
}

/** seL4's lookupPDSlot: MissingCapability(30) when the PDPT entry is not a page directory. */
export function lookupPDSlot(root: PagingObject, vaddr: number): PTSlot | LookupFault {
  const s = lookupPDPTSlot(root, vaddr);
  return s instanceof LookupFault ? s : lookupBelow(s, vaddr, 21);
}

/** seL4's lookupPTSlot on x86: MissingCapability(21) when the PD entry is not a page table. */
export function lookupX86PTSlot(root: PagingObject, vaddr: number): PTSlot | LookupFault {
  const s = lookupPDSlot(root, vaddr);
  return s instanceof LookupFault ? s : lookupBelow(s, vaddr, 12);
}

// --- performing (cannot fail once decoded)

/** Put `entry` (a page, the next-level table, or an invalid entry) at `slot`, and `newCap` in `capSlot`. */
export function performMap(k: Kernel, capSlot: Cte, newCap: Cap, slot: PTSlot, entry: PagingEntry): void {
  capSlot.cap = newCap;
  slot.table.entries[slot.index] = entry;
  k.vmEpoch++;
}

/**
 * seL4's unmapPage: if `asid` still names a VSpace in which `vaddr` maps a page of 2^sizeBits
 * bytes at `paddr`, remove that entry; otherwise do nothing.
 */
export function unmapPage(k: Kernel, sizeBits: number, asid: number, vaddr: number, paddr: number): void {
  const root = findVSpaceForASID(k, asid);
  if (root === null) return;
  const s = lookupPTSlot(k, root, vaddr);
  if (s.bitsLeft !== sizeBits) return;
  const e = s.table.entries[s.index];
  if (!(e instanceof PageEntry) || e.paddr !== paddr) return;
  s.table.entries[s.index] = null;
  k.vmEpoch++;
}

/**
 * seL4's unmapPageTable (and unmapPageDirectory, unmapPDPT): if the walk for `vaddr` in the VSpace
 * `asid` names reaches `target`, clear the entry that points at it.
 */
export function unmapPageTable(k: Kernel, asid: number, vaddr: number, target: PagingObject): void {
  const root = findVSpaceForASID(k, asid);
  if (root === null) return;
  const levels = k.vspace!.levels;
  let table = root;
  let parent: PagingObject | null = null;
  let parentIndex = 0;
  for (let i = 0; i < levels.length - 1 && table !== target; i++) {
    const index = indexAt(vaddr, levels[i]!.shift);
    const e = table.entries[index];
    if (!(e instanceof PagingObject)) return;
    parent = table;
    parentIndex = index;
    table = e;
  }
  if (table !== target || parent === null) return;
  parent.entries[parentIndex] = null;
  k.vmEpoch++;
}

/** seL4's perform*PageTableInvocationUnmap: unmap the table in `slot`, clear it, mark its cap unmapped. */
export function performPageTableUnmap(k: Kernel, slot: Cte): void {
  const cap = slot.cap;
  if (cap.isMapped) {
    const table = cap.obj as PagingObject;
    unmapPageTable(k, cap.mappedAsid, cap.mappedVaddr, table);
    table.clear();
    k.vmEpoch++;
  }
  slot.cap = pageTableCapSetIsMapped(slot.cap, false);
}

/** seL4's performPageInvocationUnmap: remove the frame's mapping (if any) and forget it in the cap. */
export function performPageUnmap(k: Kernel, slot: Cte): void {
  const cap = slot.cap;
  if (cap.mappedAsid !== ASID_INVALID) {
    const f = cap.obj as Frame;
    unmapPage(k, f.sizeBits, cap.mappedAsid, cap.mappedVaddr, f.addr);
  }
  slot.cap = frameCapUnmapped(slot.cap);
}

/**
 * seL4's performPageGetAddress: reply (to a Call) with the frame's physical address in MR0. Like
 * seL4 it leaves the caller Running, so no empty success reply follows.
 */
export function performPageGetAddress(k: Kernel, paddr: number, isCall: boolean): void {
  const t = k.curThread;
  if (isCall) {
    const buf = lookupIPCBuffer(true, t);
    setReg(t, k.arch.syscall.badgeReg, 0, 0);
    const len = setMR(k, t, buf, 0, doubleLo(paddr), doubleHi(paddr));
    setReg(t, k.arch.syscall.infoReg, len, 0);
  }
  setThreadState(k, t, ThreadState.Running);
}

/**
 * seL4's Arch_finaliseCap for frames, paging structures and ASID pools: a frame cap's own mapping
 * goes with it (every frame cap maps at most once); the last cap of a mapped paging structure
 * unmaps it; the last cap of a VSpace root takes its ASID away; the last cap of an ASID pool
 * empties its ASID table entry.
 */
export function archFinaliseCap(k: Kernel, cap: Cap, final: boolean): void {
  if (k.vspace === undefined) return;
  switch (cap.type) {
    case CapType.Frame:
      if (cap.mappedAsid !== ASID_INVALID) {
        const f = cap.obj as Frame;
        unmapPage(k, f.sizeBits, cap.mappedAsid, cap.mappedVaddr, f.addr);
      }
      break;
    case CapType.PageTable: {
      if (!final || !cap.isMapped) break;
      const table = cap.obj as PagingObject;
      const asid = cap.mappedAsid;
      if (table.kind === 'pml4' || table.kind === 'vspace') {
        deleteASID(k, asid, table);
      } else if (k.arch.name === 'riscv64' && findVSpaceForASID(k, asid) === table) {
        // a RISC-V root is a page table like the others: the ASID says which one it is
        deleteASID(k, asid, table);
      } else {
        unmapPageTable(k, asid, cap.mappedVaddr, table);
      }
      break;
    }
    case CapType.ASIDPool:
      if (final) deleteASIDPool(k, cap.asidBase, cap.obj as AsidPool);
      break;
  }
  // a VSpace root slot of a TCB may be emptied here: translations must be looked up again
  k.vmEpoch++;
}
