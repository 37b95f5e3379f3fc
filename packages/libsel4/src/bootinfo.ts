/*
 * seL4_BootInfo (digest 10): what the kernel gives the root task about its initial CSpace and the
 * machine's memory, in a 4 KiB frame. Every field is a word except the untyped descriptors'
 * sizeBits and isDevice bytes; each descriptor is two words.
 */

import { doubleHi, doubleLo, type PhysicalMemory, wordToDouble } from '@tsel4/hal';

/** Default CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS. */
export const MAX_BOOTINFO_UNTYPED_CAPS = 230;

/** A range of slots [start, end) in the root CNode. */
export interface seL4_SlotRegion {
  readonly start: number;
  readonly end: number;
}

/** One untyped capability handed to the root task. */
export interface seL4_UntypedDesc {
  readonly paddr: number;
  readonly sizeBits: number;
  readonly isDevice: number;
}

export interface seL4_BootInfo {
  readonly extraLen: number;
  readonly nodeID: number;
  readonly numNodes: number;
  readonly numIOPTLevels: number;
  /** Address of the root task's IPC buffer. */
  readonly ipcBuffer: number;
  readonly empty: seL4_SlotRegion;
  readonly sharedFrames: seL4_SlotRegion;
  readonly userImageFrames: seL4_SlotRegion;
  readonly userImagePaging: seL4_SlotRegion;
  readonly ioSpaceCaps: seL4_SlotRegion;
  readonly extraBIPages: seL4_SlotRegion;
  readonly initThreadCNodeSizeBits: number;
  readonly initThreadDomain: number;
  readonly untyped: seL4_SlotRegion;
  /** One entry per slot of `untyped`. */
  readonly untypedList: readonly seL4_UntypedDesc[];
}

/** Word index of each field (classic kernel layout). */
export const BOOTINFO_WORD = {
  extraLen: 0,
  nodeID: 1,
  numNodes: 2,
  numIOPTLevels: 3,
  ipcBuffer: 4,
  empty: 5,
  sharedFrames: 7,
  userImageFrames: 9,
  userImagePaging: 11,
  ioSpaceCaps: 13,
  extraBIPages: 15,
  initThreadCNodeSizeBits: 17,
  initThreadDomain: 18,
  untyped: 19,
  untypedList: 21,
} as const;

/** Byte offset of `field` for the word size. */
export function bootInfoOffset(wordBits: 32 | 64, field: keyof typeof BOOTINFO_WORD): number {
  return BOOTINFO_WORD[field] * (wordBits / 8);
}

/** Bytes of the whole structure with the default untyped list. */
export function bootInfoSize(wordBits: 32 | 64): number {
  const w = wordBits / 8;
  return (BOOTINFO_WORD.untypedList + 2 * MAX_BOOTINFO_UNTYPED_CAPS) * w;
}

function writeWord(mem: PhysicalMemory, addr: number, wordBits: 32 | 64, v: number): void {
  if (wordBits === 64) mem.writeWord64(addr, doubleLo(v), doubleHi(v));
  else mem.writeU32(addr, v >>> 0);
}

function readWord(mem: PhysicalMemory, addr: number, wordBits: 32 | 64): number {
  if (wordBits === 64) return wordToDouble(mem.readWordLo(addr), mem.readWordHi(addr));
  return mem.readU32(addr);
}

/** Write `bi` into memory at `addr` (the bootinfo frame). Throws if the list is too long. */
export function writeBootInfo(mem: PhysicalMemory, addr: number, wordBits: 32 | 64, bi: seL4_BootInfo): void {
  if (bi.untypedList.length > MAX_BOOTINFO_UNTYPED_CAPS) {
    throw new RangeError(`bootinfo holds at most ${MAX_BOOTINFO_UNTYPED_CAPS} untypeds, got ${bi.untypedList.length}`);
  }
  const w = wordBits / 8;
  const put = (i: number, v: number) => writeWord(mem, addr + i * w, wordBits, v);
  const region = (i: number, r: seL4_SlotRegion) => {
    put(i, r.start);
    put(i + 1, r.end);
  };
  put(BOOTINFO_WORD.extraLen, bi.extraLen);
  put(BOOTINFO_WORD.nodeID, bi.nodeID);
  put(BOOTINFO_WORD.numNodes, bi.numNodes);
  put(BOOTINFO_WORD.numIOPTLevels, bi.numIOPTLevels);
  put(BOOTINFO_WORD.ipcBuffer, bi.ipcBuffer);
  region(BOOTINFO_WORD.empty, bi.empty);
  region(BOOTINFO_WORD.sharedFrames, bi.sharedFrames);
  region(BOOTINFO_WORD.userImageFrames, bi.userImageFrames);
  region(BOOTINFO_WORD.userImagePaging, bi.userImagePaging);
  region(BOOTINFO_WORD.ioSpaceCaps, bi.ioSpaceCaps);
  region(BOOTINFO_WORD.extraBIPages, bi.extraBIPages);
  put(BOOTINFO_WORD.initThreadCNodeSizeBits, bi.initThreadCNodeSizeBits);
  put(BOOTINFO_WORD.initThreadDomain, bi.initThreadDomain);
  region(BOOTINFO_WORD.untyped, bi.untyped);
  bi.untypedList.forEach((u, i) => {
    const at = addr + (BOOTINFO_WORD.untypedList + 2 * i) * w;
    writeWord(mem, at, wordBits, u.paddr);
    // second word: sizeBits byte, isDevice byte, padding
    if (wordBits === 64) mem.writeWord64(at + w, (u.sizeBits & 0xff) | ((u.isDevice & 0xff) << 8), 0);
    else mem.writeU32(at + w, (u.sizeBits & 0xff) | ((u.isDevice & 0xff) << 8));
  });
}

/** Read the bootinfo structure at `addr`. */
export function readBootInfo(mem: PhysicalMemory, addr: number, wordBits: 32 | 64): seL4_BootInfo {
  const w = wordBits / 8;
  const get = (i: number) => readWord(mem, addr + i * w, wordBits);
  const region = (i: number): seL4_SlotRegion => ({ start: get(i), end: get(i + 1) });
  const untyped = region(BOOTINFO_WORD.untyped);
  const count = Math.max(0, Math.min(MAX_BOOTINFO_UNTYPED_CAPS, untyped.end - untyped.start));
  const untypedList: seL4_UntypedDesc[] = [];
  for (let i = 0; i < count; i++) {
    const at = addr + (BOOTINFO_WORD.untypedList + 2 * i) * w;
    const second = wordBits === 64 ? mem.readWordLo(at + w) : mem.readU32(at + w);
    untypedList.push({ paddr: readWord(mem, at, wordBits), sizeBits: second & 0xff, isDevice: (second >>> 8) & 0xff });
  }
  return {
    extraLen: get(BOOTINFO_WORD.extraLen),
    nodeID: get(BOOTINFO_WORD.nodeID),
    numNodes: get(BOOTINFO_WORD.numNodes),
    numIOPTLevels: get(BOOTINFO_WORD.numIOPTLevels),
    ipcBuffer: get(BOOTINFO_WORD.ipcBuffer),
    empty: region(BOOTINFO_WORD.empty),
    sharedFrames: region(BOOTINFO_WORD.sharedFrames),
    userImageFrames: region(BOOTINFO_WORD.userImageFrames),
    userImagePaging: region(BOOTINFO_WORD.userImagePaging),
    ioSpaceCaps: region(BOOTINFO_WORD.ioSpaceCaps),
    extraBIPages: region(BOOTINFO_WORD.extraBIPages),
    initThreadCNodeSizeBits: get(BOOTINFO_WORD.initThreadCNodeSizeBits),
    initThreadDomain: get(BOOTINFO_WORD.initThreadDomain),
    untyped,
    untypedList,
  };
}
