/*
 * Address-space facts of the ABI (libsel4's arch types.h and constants.h, the kernel's
 * hardware.h; digest 1.5): the VM attribute values each arch accepts in Page_Map, the last user
 * address, the ASID pool geometry, and the paging levels of each 64-bit arch with the page size
 * a level can hold. The kernel's walks and the user helpers read these; nothing else restates
 * them.
 */

import type { ArchName } from '@tsel4/hal';
import { OBJECT_TYPES } from './objecttypes.js';

// seL4_X86_VMAttributes
export const seL4_X86_Default_VMAttributes = 0;
export const seL4_X86_WriteBack = 0;
export const seL4_X86_WriteThrough = 1;
export const seL4_X86_CacheDisabled = 2;
export const seL4_X86_Uncacheable = 3;
export const seL4_X86_WriteCombining = 4;

// seL4_ARM_VMAttributes
export const seL4_ARM_PageCacheable = 0x01;
export const seL4_ARM_ParityEnabled = 0x02;
export const seL4_ARM_Default_VMAttributes = 0x03;
export const seL4_ARM_ExecuteNever = 0x04;

// seL4_RISCV_VMAttributes
export const seL4_RISCV_ExecuteNever = 0x1;
export const seL4_RISCV_Default_VMAttributes = 0;

/** One level of a page-table walk, root first. */
export interface PagingLevel {
  /** The C name of the structure at this level (seL4_X64_PML4, seL4_X86_PDPT, ...). */
  readonly name: string;
  /** Bits of the address below this level's index (12 + 9 * levels below). */
  readonly shift: number;
  /** Bits of the index into a structure of this level. */
  readonly indexBits: number;
  /** log2 of the page an entry of this level can map directly, or null (no page here). */
  readonly pageBits: number | null;
}

/** The address-space geometry of an arch. */
export interface VSpaceGeometry {
  /** The kernel's USER_TOP: the highest address user mappings may use. */
  readonly userTop: number;
  /** libsel4's seL4_UserTop (first address above user space on x86_64 and RISC-V). */
  readonly seL4_UserTop: number;
  readonly seL4_NumASIDPoolsBits: number;
  readonly seL4_ASIDPoolIndexBits: number;
  /** The walk, from the VSpace root down to the level of 4 KiB pages. */
  readonly levels: readonly PagingLevel[];
  /** The VM attributes a plain mapping uses (seL4_*_Default_VMAttributes). */
  readonly defaultVMAttributes: number;
}

const L = (name: string, shift: number, pageBits: number | null): PagingLevel => ({ name, shift, indexBits: 9, pageBits });

const GEOMETRY: Partial<Record<ArchName, VSpaceGeometry>> = {
  x86_64: {
    userTop: 0x7fff_ffff_ffff,
    seL4_UserTop: 0x7fff_ffff_f000,
    seL4_NumASIDPoolsBits: 3,
    seL4_ASIDPoolIndexBits: 9,
    levels: [L('seL4_X64_PML4', 39, null), L('seL4_X86_PDPT', 30, 30), L('seL4_X86_PageDirectory', 21, 21), L('seL4_X86_PageTable', 12, 12)],
    defaultVMAttributes: seL4_X86_Default_VMAttributes,
  },
  aarch64: {
    userTop: 0x7fff_ffff_ffff,
    seL4_UserTop: 0x7fff_ffff_ffff,
    seL4_NumASIDPoolsBits: 7,
    seL4_ASIDPoolIndexBits: 9,
    levels: [L('seL4_ARM_VSpace', 39, null), L('seL4_ARM_PageTable', 30, 30), L('seL4_ARM_PageTable', 21, 21), L('seL4_ARM_PageTable', 12, 12)],
    defaultVMAttributes: seL4_ARM_Default_VMAttributes,
  },
  riscv64: {
    userTop: 0x3f_ffff_f000,
    seL4_UserTop: 0x3f_ffff_f000,
    seL4_NumASIDPoolsBits: 7,
    seL4_ASIDPoolIndexBits: 9,
    levels: [L('seL4_RISCV_PageTable', 30, 30), L('seL4_RISCV_PageTable', 21, 21), L('seL4_RISCV_PageTable', 12, 12)],
    defaultVMAttributes: seL4_RISCV_Default_VMAttributes,
  },
};

/** The address-space geometry of `arch`, or undefined for the 32-bit arches (no mapping there yet). */
export function vspaceGeometry(arch: ArchName): VSpaceGeometry | undefined {
  return GEOMETRY[arch];
}

/**
 * Whether a VM fault's status word says the access was a read (sel4utils_is_read_fault): on x86
 * bit 1 of the page-fault error code, on ARM the WnR bit of the syndrome (bit 6 of ESR on aarch64,
 * bit 11 of DFSR on aarch32), on RISC-V anything
 * but a store fault (7).
 */
export function isReadFault(arch: ArchName, fsr: number): boolean {
  switch (arch) {
    case 'x86_64':
    case 'ia32':
      return (fsr & 2) === 0;
    case 'aarch64':
      return (fsr & 0x40) === 0;
    case 'aarch32':
      return (fsr & 0x800) === 0;
    case 'riscv64':
      return fsr !== 7;
  }
}

/** An arch's address-space objects: their object types and the interfaces that invoke them. */
export interface VSpaceObjects {
  /** Object type of a VSpace root (seL4_X64_PML4Object, seL4_ARM_VSpaceObject, a RISC-V page table). */
  readonly vspaceType: number;
  /** Object type of the paging structure at `level` of the walk (1 = just below the root). */
  tableType(level: number): number;
  /** Object type of a frame of 2^bits bytes. */
  frameType(bits: number): number;
  /** Interface of frame invocations (seL4_X86_Page, seL4_ARM_Page, seL4_RISCV_Page). */
  readonly pageIface: string;
  /** Interface of the invocations of a paging structure at `level`. */
  tableIface(level: number): string;
  readonly asidControlIface: string;
  readonly asidPoolIface: string;
}

function byName(arch: ArchName, name: string): number {
  const t = OBJECT_TYPES[arch].find((o) => o.name === name);
  if (t === undefined) throw new Error(`internal: ${arch} has no object type ${name}`);
  return t.value;
}

function frameByBits(arch: ArchName, bits: number): number {
  const t = OBJECT_TYPES[arch].find((o) => o.kind === 'frame' && o.sizeBits === bits);
  if (t === undefined) throw new RangeError(`${arch} has no frames of 2^${bits} bytes`);
  return t.value;
}

/** The address-space objects of `arch`, or undefined for the 32-bit arches. */
export function vspaceObjects(arch: ArchName): VSpaceObjects | undefined {
  switch (arch) {
    case 'x86_64': {
      const tables = ['', 'seL4_X86_PDPT', 'seL4_X86_PageDirectory', 'seL4_X86_PageTable'];
      const types = ['', 'seL4_X86_PDPTObject', 'seL4_X86_PageDirectoryObject', 'seL4_X86_PageTableObject'];
      return {
        vspaceType: byName(arch, 'seL4_X64_PML4Object'),
        tableType: (level) => byName(arch, types[level] ?? ''),
        frameType: (bits) => frameByBits(arch, bits),
        pageIface: 'seL4_X86_Page',
        tableIface: (level) => tables[level] ?? 'seL4_X86_PageTable',
        asidControlIface: 'seL4_X86_ASIDControl',
        asidPoolIface: 'seL4_X86_ASIDPool',
      };
    }
    case 'aarch64':
      return {
        vspaceType: byName(arch, 'seL4_ARM_VSpaceObject'),
        tableType: () => byName(arch, 'seL4_ARM_PageTableObject'),
        frameType: (bits) => frameByBits(arch, bits),
        pageIface: 'seL4_ARM_Page',
        tableIface: () => 'seL4_ARM_PageTable',
        asidControlIface: 'seL4_ARM_ASIDControl',
        asidPoolIface: 'seL4_ARM_ASIDPool',
      };
    case 'riscv64':
      return {
        vspaceType: byName(arch, 'seL4_RISCV_PageTableObject'),
        tableType: () => byName(arch, 'seL4_RISCV_PageTableObject'),
        frameType: (bits) => frameByBits(arch, bits),
        pageIface: 'seL4_RISCV_Page',
        tableIface: () => 'seL4_RISCV_PageTable',
        asidControlIface: 'seL4_RISCV_ASIDControl',
        asidPoolIface: 'seL4_RISCV_ASIDPool',
      };
    default:
      return undefined;
  }
}
