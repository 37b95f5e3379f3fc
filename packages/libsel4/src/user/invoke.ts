/*
 * Kernel-object invocations from user code, driven by the interface table: the same table the
 * kernel's decoders read. A generated stub (invocations.gen.ts) names its method; this module
 * packs the arguments into message registers and extra caps exactly as libsel4's generated C
 * stubs do (messageLayout), makes the call, and unpacks results. The label is the method's number
 * in the running thread's kernel build (ProgramEnvironment.config): without CONFIG_IOMMU the x86
 * labels after the IOMMU methods are one to three lower.
 */

import { type ArchName } from '@tsel4/hal';
import type { WordInput } from '@tsel4/hal';
import {
  ARCH_METHODS,
  DEFAULT_KERNEL_CONFIG,
  GENERIC_METHODS,
  type KernelConfig,
  messageLayout,
  type MessageLayout,
  type Method,
  methodsOf,
} from '../interface.js';
import { currentThread, type Syscall } from './thread.js';
import { invocationResultBig, invoke } from './syscalls.js';
import { checkField, checkWord } from './words.js';

/** Registers by seL4_UserContext field name ('rip', 'rsp', ... on x86_64; 'pc', 'sp', ... on ARM). */
export type seL4_UserContext = Record<string, WordInput>;

interface Prepared {
  readonly method: Method;
  /**
   * The label the stub sends: the method's number in the running build, or InvalidInvocation (0)
   * for a method the build leaves out (its C stub is not compiled in; the kernel answers any
   * label it does not define with IllegalOperation).
   */
  readonly labelNumber: number;
  readonly layout: MessageLayout;
  /** Index in the stub's argument list of each value slot and each cap. */
  readonly valueArg: readonly number[];
  readonly capArg: readonly number[];
}

const cache = new Map<string, Prepared>();

function prepare(arch: ArchName, config: KernelConfig, wordBits: 32 | 64, ctxWords: number, iface: string, name: string): Prepared {
  const key = `${arch}:${config.iommu === true ? 1 : 0}${config.mcs === true ? 1 : 0}:${iface}:${name}`;
  let p = cache.get(key);
  if (p === undefined) {
    const method = [...GENERIC_METHODS, ...ARCH_METHODS[arch]].find((m) => m.iface === iface && m.name === name);
    if (method === undefined) throw new Error(`${iface}_${name} does not exist on ${arch}`);
    const numbered = methodsOf(arch, config).find((m) => m.label === method.label);
    if (numbered === undefined && method.condition === undefined) throw new Error(`${iface}_${name} has no label on ${arch}`);
    const labelNumber = numbered?.labelNumber ?? 0;
    const layout = messageLayout(method, wordBits, ctxWords);
    const valueArg = layout.values.map((v) => method.params.indexOf(v.param));
    const capArg = layout.caps.map((c) => method.params.indexOf(c));
    p = { method, labelNumber, layout, valueArg, capArg };
    cache.set(key, p);
  }
  return p;
}

function toBig(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError(`argument ${v} is not an integer`);
    return BigInt(v);
  }
  throw new TypeError(`argument ${String(v)} is not a number`);
}

/**
 * Check every argument of a stub as its C type allows (words.ts): the service and each cap a
 * word, each value its field's width (a word, or fewer bits for seL4_Uint8 and the like, 64 bits
 * for a 64-bit value on a 32-bit arch), each register of a seL4_UserContext a word.
 */
function checkArgs(p: Prepared, fn: string, service: unknown, args: readonly unknown[], wordBits: 32 | 64, ctxNames: readonly string[]): void {
  checkWord(fn, '_service', service, wordBits);
  p.layout.caps.forEach((c, i) => checkWord(fn, c.name, args[p.capArg[i]!], wordBits));
  p.layout.values.forEach((slot, i) => {
    const arg = args[p.valueArg[i]!];
    const name = slot.param.name;
    if (slot.param.type === 'seL4_UserContext' || slot.param.type === 'seL4_ARM_SMCContext') {
      const names = slot.param.type === 'seL4_UserContext' ? ctxNames : Array.from({ length: 8 }, (_, j) => `x${j}`);
      const ctx = (arg ?? {}) as Record<string, unknown>;
      for (const n of names) if (ctx[n] !== undefined) checkWord(fn, `${name}.${n}`, ctx[n], wordBits);
      return;
    }
    if (slot.bits >= wordBits) checkWord(fn, name, arg, slot.bits > wordBits ? 64 : wordBits);
    else checkField(fn, name, arg, slot.bits, true);
  });
}

/** Pack the value arguments into message words, as the C stub generator does. */
function packWords(p: Prepared, args: readonly unknown[], wordBits: 32 | 64, ctxNames: readonly string[]): WordInput[] {
  const words: bigint[] = new Array<bigint>(p.layout.inputWords).fill(0n);
  const wb = BigInt(wordBits);
  p.layout.values.forEach((slot, i) => {
    const arg = args[p.valueArg[i]!];
    if (slot.param.type === 'seL4_UserContext' || slot.param.type === 'seL4_ARM_SMCContext') {
      const ctx = (arg ?? {}) as Record<string, WordInput>;
      const n = slot.bits / wordBits;
      const names = slot.param.type === 'seL4_UserContext' ? ctxNames : Array.from({ length: 8 }, (_, j) => `x${j}`);
      for (let j = 0; j < n; j++) words[slot.mr + j] = BigInt.asUintN(wordBits, toBig(ctx[names[j]!] ?? 0));
      return;
    }
    const v = toBig(arg);
    if (slot.bits > wordBits) {
      // a 64-bit value on a 32-bit word: low word first
      words[slot.mr] = BigInt.asUintN(wordBits, v);
      words[slot.mr + 1] = BigInt.asUintN(wordBits, v >> wb);
      return;
    }
    const masked = slot.bits === wordBits ? BigInt.asUintN(wordBits, v) : BigInt.asUintN(slot.bits, v);
    words[slot.mr] = words[slot.mr]! | (masked << BigInt(slot.shift));
  });
  return words;
}

/**
 * Invoke method iface_name on `service` with the stub's arguments (in the method's parameter
 * order). Returns the seL4_Error.
 */
export function invokeMethod(iface: string, name: string, service: WordInput, args: readonly unknown[]): Syscall<number> {
  const t = currentThread();
  const a = t.ctx.arch;
  const p = prepare(a.name, t.env.config ?? DEFAULT_KERNEL_CONFIG, a.wordBits, a.userContext.length, iface, name);
  checkArgs(p, `${iface}_${name}`, service, args, a.wordBits, a.userContextNames);
  const words = packWords(p, args, a.wordBits, a.userContextNames);
  const caps = p.capArg.map((i) => args[i] as WordInput);
  return invoke(service, p.labelNumber, caps, words) as Syscall<number>;
}

/** Result word `i` of the last invocation of iface_name, unpacked by the method's result layout. */
export function resultOf(iface: string, name: string, field: string): number | bigint {
  const t = currentThread();
  const a = t.ctx.arch;
  const p = prepare(a.name, t.env.config ?? DEFAULT_KERNEL_CONFIG, a.wordBits, a.userContext.length, iface, name);
  const slot = p.layout.results.find((r) => r.param.name === field);
  if (slot === undefined) throw new Error(`${iface}_${name} has no result ${field}`);
  if (slot.bits > a.wordBits) {
    return (invocationResultBig(slot.mr + 1) << BigInt(a.wordBits)) | invocationResultBig(slot.mr);
  }
  if (slot.bits === a.wordBits) {
    const big = invocationResultBig(slot.mr);
    return big < 1n << 53n ? Number(big) : big;
  }
  return Number((invocationResultBig(slot.mr) >> BigInt(slot.shift)) & ((1n << BigInt(slot.bits)) - 1n));
}

/** Copy `count` registers of a ReadRegisters reply into `regs` (seL4_UserContext order). */
export function readRegistersInto(regs: seL4_UserContext, count: number): void {
  const a = currentThread().ctx.arch;
  for (let i = 0; i < count && i < a.userContextNames.length; i++) {
    const v = invocationResultBig(i);
    regs[a.userContextNames[i]!] = v < 1n << 53n ? Number(v) : v;
  }
}
