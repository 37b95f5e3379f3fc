/*
 * The IPC buffer (digest 1.4): 128 words aligned to their own size (1 KiB on 64-bit, 512 B on
 * 32-bit): tag, msg[120], userData, caps_or_badges[3], receiveCNode, receiveIndex, receiveDepth.
 *
 * IPCBufferView is a typed view over board memory: it holds the backing page and the index of the
 * buffer's first 32-bit word in it, so each access is one or two array loads. Words are exact on
 * both word sizes (two halves on 64-bit boards).
 */

import type { PhysicalMemory } from '@tsel4/hal';
import { wordHi, wordLo, wordToBigInt, type WordInput } from '@tsel4/hal';

export const IPCBUF_TAG = 0;
/** Word index of msg[0]. */
export const IPCBUF_MSG = 1;
export const IPCBUF_USER_DATA = 121;
/** Word index of caps_or_badges[0]. */
export const IPCBUF_CAPS_OR_BADGES = 122;
export const IPCBUF_RECEIVE_CNODE = 125;
export const IPCBUF_RECEIVE_INDEX = 126;
export const IPCBUF_RECEIVE_DEPTH = 127;
export const IPCBUF_WORDS = 128;

/** Byte offset of word `i` of an IPC buffer on a board with `wordBits`-bit words. */
export function ipcBufferByteOffset(wordBits: 32 | 64, i: number): number {
  return i * (wordBits / 8);
}

/** A view of one IPC buffer in board memory. */
export class IPCBufferView {
  /** 32-bit words per machine word: 2 on 64-bit boards, 1 on 32-bit. */
  readonly stride: 1 | 2;

  constructor(
    /** The 4 KiB page holding the buffer, as 32-bit words. */
    readonly page: Uint32Array,
    /** Index in `page` of the buffer's first 32-bit word. */
    readonly base: number,
    readonly wordBits: 32 | 64,
  ) {
    this.stride = wordBits === 64 ? 2 : 1;
  }

  /**
   * The buffer at physical address `addr`. The address must be aligned to the buffer's size (the
   * kernel checks that before it ever builds a view); a misaligned one throws.
   */
  static at(memory: PhysicalMemory, addr: number, wordBits: 32 | 64): IPCBufferView {
    const size = wordBits === 64 ? 1024 : 512;
    if (addr % size !== 0) throw new RangeError(`IPC buffer address 0x${addr.toString(16)} is not ${size}-byte aligned`);
    return new IPCBufferView(memory.page(addr), (addr & 0xfff) >>> 2, wordBits);
  }

  /** Low half of word i. */
  lo(i: number): number {
    return this.page[this.base + i * this.stride]!;
  }

  /** High half of word i (0 on 32-bit boards). */
  hi(i: number): number {
    return this.stride === 2 ? this.page[this.base + 2 * i + 1]! : 0;
  }

  /** Set word i to `hi:lo`. */
  set(i: number, lo: number, hi: number): void {
    const j = this.base + i * this.stride;
    this.page[j] = lo;
    if (this.stride === 2) this.page[j + 1] = hi;
  }

  /** Word i as an unsigned bigint. */
  getBig(i: number): bigint {
    return wordToBigInt(this.lo(i), this.hi(i));
  }

  /** Set word i from a number or bigint (modulo 2^wordBits). */
  setWord(i: number, v: WordInput): void {
    this.set(i, wordLo(v), this.stride === 2 ? wordHi(v) : 0);
  }
}
