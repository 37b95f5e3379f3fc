/*
 * THE interface table: every classic object invocation seL4 16.0.0 defines, in the order its
 * interface files declare them, which is also the order that numbers their invocation labels
 * (digest 1.9). The kernel's decoders and the user-side stubs both read this table; nothing else
 * restates a label number or an argument position.
 *
 * A method is written as a line of parameters, `name:Type`, with a `*` after the type for a
 * capability argument (passed in caps_or_badges, not in a message register) and `>` before the
 * name for an output. A method the interface XML guards with a build option carries that
 * `<condition>` as its `condition` (x86: CONFIG_IOMMU); seL4's invocation_header_gen.py puts such a
 * label inside `#if`, so every label after it is numbered one less in a build without the option.
 * methodsOf/archLabels number the labels of one KernelConfig (default: every option off, seL4's
 * default build). Options tsel4 never builds with are applied here instead: classic kernel, one
 * core, no hardware debug API, x86_64 without VT-x, ARM without hypervisor or SMMU, RISC-V Sv39.
 *
 * Message packing follows libsel4's stub generator: parameters go in order; each is aligned to
 * min(its size, a word); word-sized ones take a whole message register, small ones (Bool 1 bit,
 * Uint8, Uint16) share a word. Capabilities go to the extra-cap slots in order.
 */

import type { ArchName } from '@tsel4/hal';

/** Value types a parameter can have. */
export type ValueType =
  | 'seL4_Word'
  | 'seL4_Uint8'
  | 'seL4_Uint16'
  | 'seL4_Uint32'
  | 'seL4_Bool'
  | 'seL4_CapRights_t'
  | 'seL4_Time'
  | 'seL4_UserContext'
  | 'seL4_ARM_SMCContext'
  | 'seL4_X86_VMAttributes'
  | 'seL4_ARM_VMAttributes'
  | 'seL4_RISCV_VMAttributes';

/** One argument or result of a method. */
export interface Param {
  readonly name: string;
  /** C type: a value type, or a capability type (seL4_CPtr, seL4_CNode, seL4_TCB, ...). */
  readonly type: string;
  /** True for capability arguments (carried in caps_or_badges). */
  readonly cap: boolean;
}

/** A build option a method's label can depend on (seL4's CONFIG_* in the interface XML). */
export type ConfigVar = 'CONFIG_IOMMU' | 'CONFIG_KERNEL_MCS';

/** A method's `<condition>`: an option, its negation, or all/any of several (seL4: condition.py). */
export type Condition =
  | { readonly config: ConfigVar }
  | { readonly not: Condition }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

/** The build options of a kernel, as far as label numbering goes (absent: off). */
export interface KernelConfig {
  /** CONFIG_IOMMU (x86; BoardOptions.iommu). */
  readonly iommu?: boolean;
  /** CONFIG_KERNEL_MCS (no method carries it yet: the table is the classic kernel's). */
  readonly mcs?: boolean;
}

const CONFIG_FIELD: Readonly<Record<ConfigVar, keyof KernelConfig>> = { CONFIG_IOMMU: 'iommu', CONFIG_KERNEL_MCS: 'mcs' };

/** seL4's default build: every option of KernelConfig off. */
export const DEFAULT_KERNEL_CONFIG: KernelConfig = {};

/** Whether `cond` holds in `config` (no condition: always). */
export function conditionHolds(cond: Condition | undefined, config: KernelConfig): boolean {
  if (cond === undefined) return true;
  if ('config' in cond) return config[CONFIG_FIELD[cond.config]] === true;
  if ('not' in cond) return !conditionHolds(cond.not, config);
  if ('all' in cond) return cond.all.every((c) => conditionHolds(c, config));
  return cond.any.some((c) => conditionHolds(c, config));
}

/** `cond` as a C preprocessor expression, as seL4's condition_to_cpp writes it. */
export function conditionToCpp(cond: Condition): string {
  if ('config' in cond) return `defined(${cond.config})`;
  if ('not' in cond) return `!(${conditionToCpp(cond.not)})`;
  const parts = ('all' in cond ? cond.all : cond.any).map((c) => `(${conditionToCpp(c)})`);
  return parts.join('all' in cond ? ' && ' : ' || ');
}

const CONFIG_FIELDS = Object.values(CONFIG_FIELD);

/** A number naming the options `config` turns on (one bit each; computed without allocating). */
function configKey(config: KernelConfig): number {
  let key = 0;
  for (let i = 0; i < CONFIG_FIELDS.length; i++) if (config[CONFIG_FIELDS[i]!] === true) key |= 1 << i;
  return key;
}

/** One object invocation; `Lb` is its label name and `S` its parameter line, as literal types. */
export interface Method<Lb extends string = string, S extends readonly string[] = readonly string[]> {
  /** C interface (the invoked cap's type): 'seL4_CNode'. */
  readonly iface: string;
  /** C method name: 'Mint' (the stub is seL4_CNode_Mint). */
  readonly name: string;
  /** Invocation label name: 'CNodeMint'. */
  readonly label: Lb;
  /** The parameter line(s) the method was written with (their types carry the names). */
  readonly spec: S;
  /** Inputs after the invoked capability, in order. */
  readonly params: readonly Param[];
  /** Outputs (returned in the reply's message registers). */
  readonly results: readonly Param[];
  /** The build options the method exists under (the XML's `<condition>`); absent: always. */
  readonly condition?: Condition;
}

/** The full C name of a method's stub: seL4_CNode_Mint. */
export function stubName(m: Method): string {
  return `${m.iface}_${m.name}`;
}

const VALUE_TYPES: ReadonlySet<string> = new Set<ValueType>([
  'seL4_Word', 'seL4_Uint8', 'seL4_Uint16', 'seL4_Uint32', 'seL4_Bool', 'seL4_CapRights_t',
  'seL4_Time', 'seL4_UserContext', 'seL4_ARM_SMCContext', 'seL4_X86_VMAttributes',
  'seL4_ARM_VMAttributes', 'seL4_RISCV_VMAttributes',
]);

function method<const Lb extends string, const S extends readonly string[]>(
  iface: string,
  name: string,
  label: Lb,
  ...spec: S
): Method<Lb, S> {
  const params: Param[] = [];
  const results: Param[] = [];
  for (const tok of spec.join(' ').split(/\s+/).filter(Boolean)) {
    const out = tok.startsWith('>');
    const [pname, rawType] = (out ? tok.slice(1) : tok).split(':') as [string, string | undefined];
    if (rawType === undefined) throw new Error(`interface: bad parameter '${tok}' in ${label}`);
    const cap = rawType.endsWith('*');
    const type = cap ? rawType.slice(0, -1) : rawType;
    if (!cap && !VALUE_TYPES.has(type)) throw new Error(`interface: unknown type '${type}' in ${label}`);
    (out ? results : params).push({ name: pname, type, cap });
  }
  return { iface, name, label, spec, params, results };
}

/** `m` present only in builds where `condition` holds (the XML's `<condition>`). */
function when<M extends Method>(condition: Condition, m: M): M {
  return { ...m, condition };
}

const IOMMU: Condition = { config: 'CONFIG_IOMMU' };

// ---------------------------------------------------------------------------------------------
// Generic methods (libsel4/include/interfaces/object-api.xml), classic configuration.

const W = 'seL4_Word';

export const GENERIC_METHODS = [
  method('seL4_Untyped', 'Retype', 'UntypedRetype',
    `type:${W} size_bits:${W} root:seL4_CNode* node_index:${W} node_depth:${W} node_offset:${W} num_objects:${W}`),
  method('seL4_TCB', 'ReadRegisters', 'TCBReadRegisters',
    `suspend_source:seL4_Bool arch_flags:seL4_Uint8 count:${W} >regs:seL4_UserContext`),
  method('seL4_TCB', 'WriteRegisters', 'TCBWriteRegisters',
    `resume_target:seL4_Bool arch_flags:seL4_Uint8 count:${W} regs:seL4_UserContext`),
  method('seL4_TCB', 'CopyRegisters', 'TCBCopyRegisters',
    'source:seL4_TCB* suspend_source:seL4_Bool resume_target:seL4_Bool transfer_frame:seL4_Bool',
      'transfer_integer:seL4_Bool arch_flags:seL4_Uint8'),
  method('seL4_TCB', 'Configure', 'TCBConfigure',
    `fault_ep:${W} cspace_root:seL4_CNode* cspace_root_data:${W} vspace_root:seL4_CPtr*`,
      `vspace_root_data:${W} buffer:${W} bufferFrame:seL4_CPtr*`),
  method('seL4_TCB', 'SetPriority', 'TCBSetPriority', `authority:seL4_TCB* priority:${W}`),
  method('seL4_TCB', 'SetMCPriority', 'TCBSetMCPriority', `authority:seL4_TCB* mcp:${W}`),
  method('seL4_TCB', 'SetSchedParams', 'TCBSetSchedParams', `authority:seL4_TCB* mcp:${W} priority:${W}`),
  method('seL4_TCB', 'SetIPCBuffer', 'TCBSetIPCBuffer', `buffer:${W} bufferFrame:seL4_CPtr*`),
  method('seL4_TCB', 'SetSpace', 'TCBSetSpace',
    `fault_ep:${W} cspace_root:seL4_CNode* cspace_root_data:${W} vspace_root:seL4_CPtr* vspace_root_data:${W}`),
  method('seL4_TCB', 'Suspend', 'TCBSuspend'),
  method('seL4_TCB', 'Resume', 'TCBResume'),
  method('seL4_TCB', 'BindNotification', 'TCBBindNotification', 'notification:seL4_CPtr*'),
  method('seL4_TCB', 'UnbindNotification', 'TCBUnbindNotification'),
  method('seL4_TCB', 'SetTLSBase', 'TCBSetTLSBase', `tls_base:${W}`),
  method('seL4_TCB', 'SetFlags', 'TCBSetFlags', `clear:${W} set:${W} >flags:${W}`),
  method('seL4_CNode', 'Revoke', 'CNodeRevoke', `index:${W} depth:seL4_Uint8`),
  method('seL4_CNode', 'Delete', 'CNodeDelete', `index:${W} depth:seL4_Uint8`),
  method('seL4_CNode', 'CancelBadgedSends', 'CNodeCancelBadgedSends', `index:${W} depth:seL4_Uint8`),
  method('seL4_CNode', 'Copy', 'CNodeCopy',
    `dest_index:${W} dest_depth:seL4_Uint8 src_root:seL4_CNode* src_index:${W} src_depth:seL4_Uint8 rights:seL4_CapRights_t`),
  method('seL4_CNode', 'Mint', 'CNodeMint',
    `dest_index:${W} dest_depth:seL4_Uint8 src_root:seL4_CNode* src_index:${W} src_depth:seL4_Uint8`,
      `rights:seL4_CapRights_t badge:${W}`),
  method('seL4_CNode', 'Move', 'CNodeMove',
    `dest_index:${W} dest_depth:seL4_Uint8 src_root:seL4_CNode* src_index:${W} src_depth:seL4_Uint8`),
  method('seL4_CNode', 'Mutate', 'CNodeMutate',
    `dest_index:${W} dest_depth:seL4_Uint8 src_root:seL4_CNode* src_index:${W} src_depth:seL4_Uint8 badge:${W}`),
  method('seL4_CNode', 'Rotate', 'CNodeRotate',
    `dest_index:${W} dest_depth:seL4_Uint8 dest_badge:${W} pivot_root:seL4_CNode* pivot_index:${W}`,
      `pivot_depth:seL4_Uint8 pivot_badge:${W} src_root:seL4_CNode* src_index:${W} src_depth:seL4_Uint8`),
  method('seL4_CNode', 'SaveCaller', 'CNodeSaveCaller', `index:${W} depth:seL4_Uint8`),
  method('seL4_IRQControl', 'Get', 'IRQIssueIRQHandler', `irq:${W} root:seL4_CNode* index:${W} depth:seL4_Uint8`),
  method('seL4_IRQHandler', 'Ack', 'IRQAckIRQ'),
  method('seL4_IRQHandler', 'SetNotification', 'IRQSetIRQHandler', 'notification:seL4_CPtr*'),
  method('seL4_IRQHandler', 'Clear', 'IRQClearIRQHandler'),
  method('seL4_DomainSet', 'Set', 'DomainSetSet', 'domain:seL4_Uint8 thread:seL4_TCB*'),
  method('seL4_DomainSet', 'ScheduleConfigure', 'DomainScheduleConfigure',
    `index:${W} domain:seL4_Uint8 duration:seL4_Time`),
  method('seL4_DomainSet', 'ScheduleSetStart', 'DomainScheduleSetStart', `index:${W}`),
];

// ---------------------------------------------------------------------------------------------
// Arch methods: sel4_arch interface files first, then arch ones (that is the label order).

const X86_VMA = 'seL4_X86_VMAttributes';
const ARM_VMA = 'seL4_ARM_VMAttributes';
const RV_VMA = 'seL4_RISCV_VMAttributes';

function x86Arch(ia32: boolean) {
  return [
    method('seL4_X86_PageDirectory', 'Map', 'X86PageDirectoryMap', `vspace:seL4_CPtr* vaddr:${W} attr:${X86_VMA}`),
    method('seL4_X86_PageDirectory', 'Unmap', 'X86PageDirectoryUnmap'),
    ...(ia32
      ? [method('seL4_X86_PageDirectory', 'GetStatusBits', 'X86PageDirectoryGetStatusBits',
          `vaddr:${W} >accessed:${W} >dirty:${W}`)]
      : []),
    method('seL4_X86_PageTable', 'Map', 'X86PageTableMap', `vspace:seL4_CPtr* vaddr:${W} attr:${X86_VMA}`),
    method('seL4_X86_PageTable', 'Unmap', 'X86PageTableUnmap'),
    when(IOMMU, method('seL4_X86_IOPageTable', 'Map', 'X86IOPageTableMap', `iospace:seL4_X86_IOSpace* ioaddr:${W}`)),
    when(IOMMU, method('seL4_X86_IOPageTable', 'Unmap', 'X86IOPageTableUnmap')),
    method('seL4_X86_Page', 'Map', 'X86PageMap', `vspace:seL4_CPtr* vaddr:${W} rights:seL4_CapRights_t attr:${X86_VMA}`),
    method('seL4_X86_Page', 'Unmap', 'X86PageUnmap'),
    when(IOMMU, method('seL4_X86_Page', 'MapIO', 'X86PageMapIO', `iospace:seL4_X86_IOSpace* rights:seL4_CapRights_t ioaddr:${W}`)),
    method('seL4_X86_Page', 'GetAddress', 'X86PageGetAddress', `>paddr:${W}`),
    method('seL4_X86_ASIDControl', 'MakePool', 'X86ASIDControlMakePool',
      `untyped:seL4_Untyped* root:seL4_CNode* index:${W} depth:seL4_Uint8`),
    method('seL4_X86_ASIDPool', 'Assign', 'X86ASIDPoolAssign', 'vspace:seL4_CPtr*'),
    method('seL4_X86_IOPortControl', 'Issue', 'X86IOPortControlIssue',
      `first_port:${W} last_port:${W} root:seL4_CNode* index:${W} depth:seL4_Uint8`),
    method('seL4_X86_IOPort', 'In8', 'X86IOPortIn8', '>result:seL4_Uint8 port:seL4_Uint16'),
    method('seL4_X86_IOPort', 'In16', 'X86IOPortIn16', '>result:seL4_Uint16 port:seL4_Uint16'),
    method('seL4_X86_IOPort', 'In32', 'X86IOPortIn32', '>result:seL4_Uint32 port:seL4_Uint16'),
    method('seL4_X86_IOPort', 'Out8', 'X86IOPortOut8', `port:${W} data:${W}`),
    method('seL4_X86_IOPort', 'Out16', 'X86IOPortOut16', `port:${W} data:${W}`),
    method('seL4_X86_IOPort', 'Out32', 'X86IOPortOut32', `port:${W} data:${W}`),
    method('seL4_IRQControl', 'GetIOAPIC', 'X86IRQIssueIRQHandlerIOAPIC',
      `root:seL4_CNode* index:${W} depth:seL4_Uint8 ioapic:${W} pin:${W} level:${W} polarity:${W} vector:${W}`),
    method('seL4_IRQControl', 'GetMSI', 'X86IRQIssueIRQHandlerMSI',
      `root:seL4_CNode* index:${W} depth:seL4_Uint8 pci_bus:${W} pci_dev:${W} pci_func:${W} handle:${W} vector:${W}`),
  ];
}

/** The four cache-maintenance methods of ARM pages and VSpace roots. */
export const ARM_CACHE_OPS = ['Clean_Data', 'Invalidate_Data', 'CleanInvalidate_Data', 'Unify_Instruction'] as const;
export type ArmCacheOp = (typeof ARM_CACHE_OPS)[number];

function armCacheOps<const P extends string, const A extends string, const B extends string>(iface: string, prefix: P, a: A, b: B) {
  return ARM_CACHE_OPS.map((op) =>
    method(iface, op, `${prefix}${op}` as `${P}${ArmCacheOp}`, `${a}:${W} ${b}:${W}` as `${A}:seL4_Word ${B}:seL4_Word`),
  );
}

function armArch() {
  return [
    method('seL4_ARM_PageTable', 'Map', 'ARMPageTableMap', `vspace:seL4_CPtr* vaddr:${W} attr:${ARM_VMA}`),
    method('seL4_ARM_PageTable', 'Unmap', 'ARMPageTableUnmap'),
    method('seL4_ARM_Page', 'Map', 'ARMPageMap', `vspace:seL4_CPtr* vaddr:${W} rights:seL4_CapRights_t attr:${ARM_VMA}`),
    method('seL4_ARM_Page', 'Unmap', 'ARMPageUnmap'),
    ...armCacheOps('seL4_ARM_Page', 'ARMPage', 'start_offset', 'end_offset'),
    method('seL4_ARM_Page', 'GetAddress', 'ARMPageGetAddress', `>paddr:${W}`),
    method('seL4_ARM_ASIDControl', 'MakePool', 'ARMASIDControlMakePool',
      `untyped:seL4_Untyped* root:seL4_CNode* index:${W} depth:seL4_Uint8`),
    method('seL4_ARM_ASIDPool', 'Assign', 'ARMASIDPoolAssign', 'vspace:seL4_CPtr*'),
    method('seL4_IRQControl', 'GetTrigger', 'ARMIRQIssueIRQHandlerTrigger',
      `irq:${W} trigger:${W} root:seL4_CNode* index:${W} depth:seL4_Uint8`),
    method('seL4_IRQControl', 'IssueSGISignal', 'ARMIRQIssueSGISignal',
      `irq:${W} target:${W} root:seL4_CNode* index:${W} depth:seL4_Uint8`),
  ];
}

function riscvArch() {
  return [
    method('seL4_RISCV_PageTable', 'Map', 'RISCVPageTableMap', `vspace:seL4_RISCV_PageTable* vaddr:${W} attr:${RV_VMA}`),
    method('seL4_RISCV_PageTable', 'Unmap', 'RISCVPageTableUnmap'),
    method('seL4_RISCV_Page', 'Map', 'RISCVPageMap',
      `vspace:seL4_RISCV_PageTable* vaddr:${W} rights:seL4_CapRights_t attr:${RV_VMA}`),
    method('seL4_RISCV_Page', 'Unmap', 'RISCVPageUnmap'),
    method('seL4_RISCV_Page', 'GetAddress', 'RISCVPageGetAddress', `>paddr:${W}`),
    method('seL4_RISCV_ASIDControl', 'MakePool', 'RISCVASIDControlMakePool',
      `untyped:seL4_Untyped* root:seL4_CNode* index:${W} depth:seL4_Uint8`),
    method('seL4_RISCV_ASIDPool', 'Assign', 'RISCVASIDPoolAssign', 'vspace:seL4_CPtr*'),
    method('seL4_IRQControl', 'GetTrigger', 'RISCVIRQIssueIRQHandlerTrigger',
      `irq:${W} trigger:${W} root:seL4_CNode* index:${W} depth:seL4_Uint8`),
  ];
}

const X86_64_METHODS = [
  method('seL4_X86_PDPT', 'Map', 'X86PDPTMap', `pml4:seL4_X64_PML4* vaddr:${W} attr:${X86_VMA}`),
  method('seL4_X86_PDPT', 'Unmap', 'X86PDPTUnmap'),
  ...x86Arch(false),
];
const AARCH64_METHODS = [
  ...armCacheOps('seL4_ARM_VSpace', 'ARMVSpace', 'start', 'end'),
  method('seL4_ARM_SMC', 'Call', 'ARMSMCCall', 'smc_args:seL4_ARM_SMCContext >smc_response:seL4_ARM_SMCContext'),
  ...armArch(),
];
const RISCV64_METHODS = riscvArch();
const IA32_METHODS = x86Arch(true);
const AARCH32_METHODS = [...armCacheOps('seL4_ARM_PageDirectory', 'ARMPD', 'start', 'end'), ...armArch()];

/** Arch-specific methods of each arch, in label order (sel4_arch file first, then arch file). */
export const ARCH_METHODS: Readonly<Record<ArchName, readonly Method[]>> = {
  x86_64: X86_64_METHODS,
  aarch64: AARCH64_METHODS,
  riscv64: RISCV64_METHODS,
  ia32: IA32_METHODS,
  aarch32: AARCH32_METHODS,
};

/** Number of generic labels, counting InvalidInvocation at 0 (seL4's nInvocationLabels; no generic method is conditional yet). */
export const nInvocationLabels = GENERIC_METHODS.length + 1;

// ---------------------------------------------------------------------------------------------
// Typed labels: a label name that is not in the table is a compile error.

type AnyMethod = Method<string, readonly string[]>;
type LabelsOf<T extends readonly AnyMethod[]> = T[number]['label'];

/** Label names of the generic methods (their numbers are the same on every arch). */
export type GenericLabelName = LabelsOf<typeof GENERIC_METHODS>;

/**
 * A method that a configuration leaves out has this label number in that configuration's label
 * object: no message carries a negative label, so a decoder's `case` for it never matches (as its
 * `#ifdef` leaves the case out of seL4's decoder).
 */
export const NO_LABEL = -1;

/** methodsOf's lists, by arch and configuration. */
const numbered = new Map<string, readonly NumberedMethod[]>();

function labelTable<const T extends readonly AnyMethod[]>(
  arch: ArchName,
  methods: T,
  config: KernelConfig,
): Readonly<Record<LabelsOf<T>, number>> {
  const out: Record<string, number> = Object.fromEntries(methods.map((m) => [m.label, NO_LABEL]));
  for (const m of methodsOf(arch, config)) if (m.label in out) out[m.label] = m.labelNumber;
  return out as Record<LabelsOf<T>, number>;
}

function labelCache<const T extends readonly AnyMethod[]>(arch: ArchName, methods: T) {
  const byConfig = new Map<number, Readonly<Record<LabelsOf<T>, number>>>();
  return (config: KernelConfig = DEFAULT_KERNEL_CONFIG): Readonly<Record<LabelsOf<T>, number>> => {
    const key = configKey(config);
    let t = byConfig.get(key);
    if (t === undefined) {
      t = labelTable(arch, methods, config);
      byConfig.set(key, t);
    }
    return t;
  };
}

/** The generic invocation labels (seL4's enum invocation_label) of a configuration, by name. */
export const genericLabels = labelCache('x86_64', GENERIC_METHODS);
/** The arch invocation labels (seL4's enum arch_invocation_label) of a configuration, by name. */
export const x86_64Labels = labelCache('x86_64', X86_64_METHODS);
export const aarch64Labels = labelCache('aarch64', AARCH64_METHODS);
export const riscv64Labels = labelCache('riscv64', RISCV64_METHODS);
export const ia32Labels = labelCache('ia32', IA32_METHODS);
export const aarch32Labels = labelCache('aarch32', AARCH32_METHODS);

/** The labels of seL4's default build (no IOMMU, classic kernel); the kernel's decoders use x86_64Labels(config). */
export const GenericLabel = genericLabels();
export const X86_64Label = x86_64Labels();
export const AArch64Label = aarch64Labels();
export const RISCV64Label = riscv64Labels();
export const IA32Label = ia32Labels();
export const AArch32Label = aarch32Labels();

/** Every method of the table, with its label and parameter names as literal types. */
export type TableMethod =
  | (typeof GENERIC_METHODS)[number]
  | (typeof X86_64_METHODS)[number]
  | (typeof AARCH64_METHODS)[number]
  | (typeof RISCV64_METHODS)[number]
  | (typeof IA32_METHODS)[number]
  | (typeof AARCH32_METHODS)[number];

/** Every label name of every arch. */
export type LabelName = TableMethod['label'];

type ParamName<T extends string, Cap extends boolean> = T extends `>${string}`
  ? never
  : T extends `${infer N}:${infer Ty}`
    ? Ty extends `${string}*`
      ? Cap extends true ? N : never
      : Cap extends true ? never : N
    : never;
type ParamNames<S extends string, Cap extends boolean> = S extends `${infer A} ${infer R}`
  ? ParamName<A, Cap> | ParamNames<R, Cap>
  : ParamName<S, Cap>;

/** The table's method labelled `Lb` (a method type may carry several labels: the cache ops). */
type Match<M, Lb> = M extends { label: infer X } ? (Lb extends X ? M : never) : never;
type SpecOf<Lb extends LabelName> = Match<TableMethod, Lb>['spec'][number];

/** The value (message-register) parameter names of the method labelled `Lb`. */
export type ValueParamName<Lb extends LabelName> = ParamNames<SpecOf<Lb>, false>;
/** The capability parameter names of the method labelled `Lb`. */
export type CapParamName<Lb extends LabelName> = ParamNames<SpecOf<Lb>, true>;

const allMethods: readonly AnyMethod[] = [
  ...GENERIC_METHODS, ...X86_64_METHODS, ...AARCH64_METHODS, ...RISCV64_METHODS, ...IA32_METHODS, ...AARCH32_METHODS,
];

/** The method labelled `label` (the first arch that has it: the layout is the same on each). */
export function methodNamed<Lb extends LabelName>(label: Lb): Method<Lb> {
  const m = allMethods.find((x) => x.label === label);
  if (m === undefined) throw new Error(`no method labelled ${label}`);
  return m as Method<Lb>;
}

/** Every method of `arch`, generic first, with its invocation label number. */
export interface NumberedMethod extends Method {
  readonly labelNumber: number;
}

/**
 * Every method available on `arch` in a build with `config` (default: seL4's default build), with
 * label numbers as seL4 16.0.0 numbers them there: a method whose condition does not hold has no
 * label, and the labels after it close up (seL4: the `#if` around it in the generated enum).
 */
export function methodsOf(arch: ArchName, config: KernelConfig = DEFAULT_KERNEL_CONFIG): readonly NumberedMethod[] {
  const key = `${arch}:${configKey(config)}`;
  let list = numbered.get(key);
  if (list === undefined) {
    list = [...GENERIC_METHODS, ...ARCH_METHODS[arch]]
      .filter((m) => conditionHolds(m.condition, config))
      .map((m, i) => ({ ...m, labelNumber: i + 1 }));
    numbered.set(key, list);
  }
  return list;
}

/** The label number of invocation label `label` ('CNodeMint') on `arch`; throws if unknown there. */
export function invocationLabel(arch: ArchName, label: string, config: KernelConfig = DEFAULT_KERNEL_CONFIG): number {
  const m = methodsOf(arch, config).find((x) => x.label === label);
  if (m === undefined) throw new Error(`no invocation label ${label} on ${arch} in this configuration`);
  return m.labelNumber;
}

/** The method with label number `n` on `arch`, or undefined (0 is InvalidInvocation). */
export function methodByLabel(arch: ArchName, n: number, config: KernelConfig = DEFAULT_KERNEL_CONFIG): NumberedMethod | undefined {
  return n >= 1 ? methodsOf(arch, config)[n - 1] : undefined;
}

/** The method `iface_name` ('seL4_CNode', 'Mint') on `arch` in `config`, or undefined. */
export function findMethod(arch: ArchName, iface: string, name: string, config: KernelConfig = DEFAULT_KERNEL_CONFIG): NumberedMethod | undefined {
  return methodsOf(arch, config).find((m) => m.iface === iface && m.name === name);
}

// ---------------------------------------------------------------------------------------------
// Message layout

/** Where one value parameter travels in the message. */
export interface ValueSlot {
  readonly param: Param;
  /** Message register holding its first bit. */
  readonly mr: number;
  /** Bit offset in that register. */
  readonly shift: number;
  /** Width in bits (a multiple of the word size for word-sized and larger types). */
  readonly bits: number;
}

/** How a method's arguments are packed. */
export interface MessageLayout {
  readonly values: readonly ValueSlot[];
  /** Capability arguments in extra-cap order. */
  readonly caps: readonly Param[];
  /** Message registers the inputs use (the length of the request). */
  readonly inputWords: number;
  /** Result slots (outputs packed the same way from MR0). */
  readonly results: readonly ValueSlot[];
}

/** Size in bits of a value type for a word size and arch. */
export function typeBits(type: string, wordBits: 32 | 64, userContextWords: number): number {
  switch (type) {
    case 'seL4_Bool':
      return 1;
    case 'seL4_Uint8':
      return 8;
    case 'seL4_Uint16':
      return 16;
    case 'seL4_Uint32':
      return 32;
    case 'seL4_Time':
      return 64;
    case 'seL4_UserContext':
      return userContextWords * wordBits;
    case 'seL4_ARM_SMCContext':
      return 8 * wordBits;
    default:
      return wordBits;
  }
}

function pack(params: readonly Param[], wordBits: 32 | 64, userContextWords: number): ValueSlot[] {
  let used = 0;
  const out: ValueSlot[] = [];
  for (const param of params) {
    const bits = typeBits(param.type, wordBits, userContextWords);
    const align = Math.min(bits, wordBits);
    if (used % align !== 0) used += align - (used % align);
    out.push({ param, mr: Math.floor(used / wordBits), shift: used % wordBits, bits });
    used += bits;
  }
  return out;
}

/** The message layout of `m` for a word size (and the arch's seL4_UserContext length). */
export function messageLayout(m: Method, wordBits: 32 | 64, userContextWords: number): MessageLayout {
  const values = pack(m.params.filter((p) => !p.cap), wordBits, userContextWords);
  const last = values[values.length - 1];
  const inputWords = last === undefined ? 0 : Math.ceil((last.mr * wordBits + last.shift + last.bits) / wordBits);
  return {
    values,
    caps: m.params.filter((p) => p.cap),
    inputWords,
    results: pack(m.results, wordBits, userContextWords),
  };
}

