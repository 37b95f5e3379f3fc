/*
 * seL4_MessageInfo_t (digest 1.3): one word with length (bits 0-6), extraCaps (7-8),
 * capsUnwrapped (9-11) and label (12 up: 52 bits on 64-bit, 20 on 32-bit).
 *
 * The kernel works on the word as two 32-bit halves (`lo`, `hi`); the label is at most 52 bits, so
 * it is always an exact number. `encode`/`decode` give the whole word as a bigint for tests and
 * users. Fields wider than their width are masked, as the C constructor does.
 */

export const MSGINFO_LENGTH_BITS = 7;
export const MSGINFO_EXTRACAPS_BITS = 2;
export const MSGINFO_CAPSUNWRAPPED_BITS = 3;
export const MSGINFO_LABEL_SHIFT = 12;

const TWO20 = 0x100000;
const TWO32 = 4294967296;

/** The fields of a message info word. */
export interface MessageInfoFields {
  /** At most 2^52 − 1 (64-bit) or 2^20 − 1 (32-bit); wider labels are masked. */
  readonly label: number;
  readonly capsUnwrapped: number;
  readonly extraCaps: number;
  readonly length: number;
}

/** seL4_MessageInfo_get_length on the low half. */
export function msgInfoLength(lo: number): number {
  return lo & 0x7f;
}

/** seL4_MessageInfo_get_extraCaps on the low half. */
export function msgInfoExtraCaps(lo: number): number {
  return (lo >>> 7) & 0x3;
}

/** seL4_MessageInfo_get_capsUnwrapped on the low half. */
export function msgInfoCapsUnwrapped(lo: number): number {
  return (lo >>> 9) & 0x7;
}

/** seL4_MessageInfo_get_label from both halves (exact: at most 52 bits). */
export function msgInfoLabel(lo: number, hi: number): number {
  return (lo >>> 12) + hi * TWO20;
}

/** seL4_MessageInfo_set_capsUnwrapped on the low half: the new low half. */
export function msgInfoSetCapsUnwrapped(lo: number, capsUnwrapped: number): number {
  return ((lo & ~0xe00) | ((capsUnwrapped & 0x7) << 9)) >>> 0;
}

/**
 * Low half of the word for these fields. `label` must be a non-negative integer; its bits above the
 * label width are dropped.
 */
export function msgInfoLo(label: number, capsUnwrapped: number, extraCaps: number, length: number): number {
  const labelLow = label % TWO20;
  return ((length & 0x7f) | ((extraCaps & 0x3) << 7) | ((capsUnwrapped & 0x7) << 9) | (labelLow << 12)) >>> 0;
}

/** High half of the word for `label` (always 0 on 32-bit words). */
export function msgInfoHi(wordBits: 32 | 64, label: number): number {
  if (wordBits === 32) return 0;
  return Math.floor(label / TWO20) % TWO32;
}

/** The label masked to the word size's label width, as a non-negative integer. */
export function maskLabel(wordBits: 32 | 64, label: number | bigint): number {
  const width = wordBits === 64 ? 52n : 20n;
  return Number(BigInt.asUintN(Number(width), BigInt(label)));
}

/** seL4_MessageInfo_new as a whole word (bigint), masking each field to its width. */
export function encodeMessageInfo(wordBits: 32 | 64, f: MessageInfoFields): bigint {
  const label = maskLabel(wordBits, f.label);
  const lo = msgInfoLo(label, f.capsUnwrapped, f.extraCaps, f.length);
  const hi = msgInfoHi(wordBits, label);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The fields of a message info word given as a bigint (taken modulo 2^wordBits). */
export function decodeMessageInfo(wordBits: 32 | 64, word: bigint): MessageInfoFields {
  const w = BigInt.asUintN(wordBits, word);
  const lo = Number(w & 0xffffffffn);
  const hi = Number(w >> 32n);
  return {
    label: msgInfoLabel(lo, hi),
    capsUnwrapped: msgInfoCapsUnwrapped(lo),
    extraCaps: msgInfoExtraCaps(lo),
    length: msgInfoLength(lo),
  };
}
