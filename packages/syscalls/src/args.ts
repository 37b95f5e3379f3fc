/*
 * Typed argument readers, made from the interface table's message layout: `args.src_depth` is the
 * word seL4's decoder reads for the parameter `src_depth` of the method, found where libsel4's stub
 * put it, so no decoder restates an argument position.
 *
 * What a parameter reads as follows seL4's kernel, which reads message registers whole
 * (getSyscallArg): a parameter that starts a register reads the whole register, exactly, as a
 * bigint (a depth packed as seL4_Uint8 is still compared as the full word, as seL4 compares it);
 * one packed after another in the same register (CopyRegisters' flags) reads its own bits; a
 * 64-bit seL4_Time on a 32-bit arch reads its two registers. Register-file parameters
 * (seL4_UserContext, seL4_ARM_SMCContext) are not read here.
 */

import { type LabelName, messageLayout, methodNamed, type ValueParamName, type ValueSlot } from '@tsel4/libsel4';

/** Where an invocation's arguments are read from. */
export interface WordSource {
  word(i: number): bigint;
}

/** The value arguments of the method labelled `Lb`, by parameter name. */
export type Args<Lb extends LabelName> = { readonly [K in ValueParamName<Lb>]: bigint };

const layouts = new Map<string, readonly ValueSlot[]>();

function slotsOf(label: LabelName, wordBits: 32 | 64): readonly ValueSlot[] {
  const key = `${wordBits}:${label}`;
  let slots = layouts.get(key);
  if (slots === undefined) {
    const all = messageLayout(methodNamed(label), wordBits, 1).values;
    slots = all.filter((v) => v.param.type !== 'seL4_UserContext' && v.param.type !== 'seL4_ARM_SMCContext');
    layouts.set(key, slots);
  }
  return slots;
}

/** Read the value arguments of the method labelled `label` from `src` (a word size of `wordBits`). */
export function readArgs<Lb extends LabelName>(src: WordSource, label: Lb, wordBits: 32 | 64): Args<Lb> {
  const out: Record<string, bigint> = {};
  for (const v of slotsOf(label, wordBits)) {
    let value: bigint;
    if (v.bits > wordBits) {
      // a 64-bit value over two 32-bit registers, low word first
      value = src.word(v.mr) | (src.word(v.mr + 1) << 32n);
    } else if (v.shift === 0) {
      value = src.word(v.mr);
    } else {
      value = (src.word(v.mr) >> BigInt(v.shift)) & ((1n << BigInt(v.bits)) - 1n);
    }
    out[v.param.name] = value;
  }
  return out as Args<Lb>;
}

/** The message-register index of parameter `name` of `label` (for reading its halves). */
export function argIndex<Lb extends LabelName>(label: Lb, name: ValueParamName<Lb>, wordBits: 32 | 64): number {
  const v = slotsOf(label, wordBits).find((s) => s.param.name === name);
  if (v === undefined) throw new Error(`internal: ${label} has no parameter ${String(name)}`);
  return v.mr;
}

/** Low and high 32-bit halves of a word. */
export function halves(w: bigint): readonly [number, number] {
  return [Number(w & 0xffff_ffffn), Number((w >> 32n) & 0xffff_ffffn)];
}
