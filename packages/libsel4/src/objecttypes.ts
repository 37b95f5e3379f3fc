/*
 * seL4_ObjectType numbering (digest 1.8): the five generic types, then the arch types in the order
 * the arch headers list them, for each arch's default configuration (x86_64: huge pages on, no
 * IOMMU, no VT-x; aarch64 and aarch32: no hypervisor, no SMMU; riscv64: Sv39). An x86 build with
 * CONFIG_IOMMU adds seL4_X86_IOPageTableObject as the last type (seL4:
 * libsel4/arch_include/x86/sel4/arch/objecttype.h); without it the name is 0xffffff.
 */

import type { ArchName } from '@tsel4/hal';

export const seL4_UntypedObject = 0;
export const seL4_TCBObject = 1;
export const seL4_EndpointObject = 2;
export const seL4_NotificationObject = 3;
export const seL4_CapTableObject = 4;
/** Count of generic (non-arch) object types in the classic kernel. */
export const seL4_NonArchObjectTypeCount = 5;

/** What an object type is, independent of arch numbering. */
export type ObjectKind =
  | 'untyped'
  | 'tcb'
  | 'endpoint'
  | 'notification'
  | 'cnode'
  | 'frame'
  | 'pagetable'
  | 'vspace'
  | 'iopagetable';

/** One object type of an arch: its C name, number, kind, and (frames/paging) size in bits. */
export interface ObjectTypeInfo {
  readonly name: string;
  readonly value: number;
  readonly kind: ObjectKind;
  /** For frames: the frame size; for paging structures: the object size. */
  readonly sizeBits?: number;
  /** Paging level of a paging structure, 0 = the VSpace root. */
  readonly level?: number;
}

const GENERIC: readonly ObjectTypeInfo[] = [
  { name: 'seL4_UntypedObject', value: 0, kind: 'untyped' },
  { name: 'seL4_TCBObject', value: 1, kind: 'tcb' },
  { name: 'seL4_EndpointObject', value: 2, kind: 'endpoint' },
  { name: 'seL4_NotificationObject', value: 3, kind: 'notification' },
  { name: 'seL4_CapTableObject', value: 4, kind: 'cnode' },
];

function arch(list: readonly Omit<ObjectTypeInfo, 'value'>[]): readonly ObjectTypeInfo[] {
  return [...GENERIC, ...list.map((t, i) => ({ ...t, value: seL4_NonArchObjectTypeCount + i }))];
}

/** Every object type of each arch, in numbering order. */
export const OBJECT_TYPES: Readonly<Record<ArchName, readonly ObjectTypeInfo[]>> = {
  x86_64: arch([
    { name: 'seL4_X86_PDPTObject', kind: 'pagetable', sizeBits: 12, level: 1 },
    { name: 'seL4_X64_PML4Object', kind: 'vspace', sizeBits: 12, level: 0 },
    { name: 'seL4_X64_HugePageObject', kind: 'frame', sizeBits: 30 },
    { name: 'seL4_X86_4K', kind: 'frame', sizeBits: 12 },
    { name: 'seL4_X86_LargePageObject', kind: 'frame', sizeBits: 21 },
    { name: 'seL4_X86_PageTableObject', kind: 'pagetable', sizeBits: 12, level: 3 },
    { name: 'seL4_X86_PageDirectoryObject', kind: 'pagetable', sizeBits: 12, level: 2 },
  ]),
  aarch64: arch([
    { name: 'seL4_ARM_HugePageObject', kind: 'frame', sizeBits: 30 },
    { name: 'seL4_ARM_VSpaceObject', kind: 'vspace', sizeBits: 12, level: 0 },
    { name: 'seL4_ARM_SmallPageObject', kind: 'frame', sizeBits: 12 },
    { name: 'seL4_ARM_LargePageObject', kind: 'frame', sizeBits: 21 },
    { name: 'seL4_ARM_PageTableObject', kind: 'pagetable', sizeBits: 12 },
  ]),
  riscv64: arch([
    { name: 'seL4_RISCV_Giga_Page', kind: 'frame', sizeBits: 30 },
    { name: 'seL4_RISCV_4K_Page', kind: 'frame', sizeBits: 12 },
    { name: 'seL4_RISCV_Mega_Page', kind: 'frame', sizeBits: 21 },
    { name: 'seL4_RISCV_PageTableObject', kind: 'pagetable', sizeBits: 12 },
  ]),
  ia32: arch([
    { name: 'seL4_X86_4K', kind: 'frame', sizeBits: 12 },
    { name: 'seL4_X86_LargePageObject', kind: 'frame', sizeBits: 22 },
    { name: 'seL4_X86_PageTableObject', kind: 'pagetable', sizeBits: 12, level: 1 },
    { name: 'seL4_X86_PageDirectoryObject', kind: 'vspace', sizeBits: 12, level: 0 },
  ]),
  aarch32: arch([
    { name: 'seL4_ARM_PageDirectoryObject', kind: 'vspace', sizeBits: 14, level: 0 },
    { name: 'seL4_ARM_SmallPageObject', kind: 'frame', sizeBits: 12 },
    { name: 'seL4_ARM_LargePageObject', kind: 'frame', sizeBits: 16 },
    { name: 'seL4_ARM_SectionObject', kind: 'frame', sizeBits: 20 },
    { name: 'seL4_ARM_SuperSectionObject', kind: 'frame', sizeBits: 24 },
    { name: 'seL4_ARM_PageTableObject', kind: 'pagetable', sizeBits: 10, level: 1 },
  ]),
};

/** seL4_X86_IOPageTableObject's value in a build without CONFIG_IOMMU (not a type). */
export const seL4_X86_IOPageTableObject_NoIOMMU = 0xffffff;

const IOMMU_TYPES: Partial<Record<ArchName, readonly ObjectTypeInfo[]>> = {
  x86_64: [...OBJECT_TYPES.x86_64, { name: 'seL4_X86_IOPageTableObject', value: OBJECT_TYPES.x86_64.length, kind: 'iopagetable', sizeBits: 12 }],
  ia32: [...OBJECT_TYPES.ia32, { name: 'seL4_X86_IOPageTableObject', value: OBJECT_TYPES.ia32.length, kind: 'iopagetable', sizeBits: 12 }],
};

/**
 * Every object type of `arch` in numbering order; with `iommu` (CONFIG_IOMMU, x86 only) the
 * list has seL4_X86_IOPageTableObject at its end.
 */
export function objectTypes(arch: ArchName, iommu = false): readonly ObjectTypeInfo[] {
  return (iommu ? IOMMU_TYPES[arch] : undefined) ?? OBJECT_TYPES[arch];
}

/** seL4_ObjectTypeCount of an arch (with `iommu`: of a build with CONFIG_IOMMU). */
export function objectTypeCount(arch: ArchName, iommu = false): number {
  return objectTypes(arch, iommu).length;
}

/** The object type `value` of `arch`, or undefined when it is not a type there. */
export function objectType(arch: ArchName, value: number, iommu = false): ObjectTypeInfo | undefined {
  return Number.isInteger(value) ? objectTypes(arch, iommu)[value] : undefined;
}

/** The number of the object type called `name` on `arch`, or undefined. */
export function objectTypeByName(arch: ArchName, name: string): number | undefined {
  return OBJECT_TYPES[arch].find((t) => t.name === name)?.value;
}

/** The arch's small (4 KiB) frame object type number. */
export function smallPageObject(arch: ArchName): number {
  const t = OBJECT_TYPES[arch].find((o) => o.kind === 'frame' && o.sizeBits === 12);
  if (t === undefined) throw new Error(`internal: ${arch} has no 4 KiB frame type`);
  return t.value;
}

/** The C name of object type `value` on `arch` ("seL4_TCBObject"), or "object type N". */
export function objectTypeName(arch: ArchName, value: number): string {
  return objectType(arch, value)?.name ?? `object type ${value}`;
}
