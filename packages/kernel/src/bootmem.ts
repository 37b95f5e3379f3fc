/*
 * seL4's boot-time physical memory plan, for a board that describes it (BoardSpec.sel4Boot):
 * where the elfloader leaves the kernel image, the device tree and the root task's image, which
 * RAM is free (seL4: init_freemem), where the root server's objects go (the top-most fitting
 * chunk of the last free region), and the untyped list (seL4: create_untypeds: device untypeds
 * for every gap below CONFIG_PADDR_USER_DEVICE_TOP that is neither RAM nor a kernel device frame,
 * then the kernel image's boot part, then the free regions in order). Also the minimal device
 * tree tsel4 hands over as extra bootinfo (its header and length are what seL4 reports; its
 * content is tsel4's own, describing the board's RAM).
 */
import type { Sel4BootMemory } from '@tsel4/hal';

export interface PRegion {
  start: number;
  end: number;
}

export interface UntypedBlock {
  readonly base: number;
  readonly bits: number;
  readonly isDevice: boolean;
}

/** seL4_BootInfoHeader ids (libsel4 bootinfo_types.h). */
export const SEL4_BOOTINFO_HEADER_PADDING = 0;
export const SEL4_BOOTINFO_HEADER_FDT = 6;

const msb = (x: number): number => Math.floor(Math.log2(x));
function ctz(x: number): number {
  let n = 0;
  while (x % 2 ** (n + 1) === 0) n++;
  return n;
}

/**
 * seL4: create_untypeds_for_region. Each block is as large as the rest of the region allows,
 * capped at 2^maxBits and at the alignment of its base; blocks below 2^minBits are skipped (and
 * their bytes lost), as seL4 does.
 */
export function sel4RegionUntypeds(start: number, end: number, isDevice: boolean, minBits: number, maxBits: number): UntypedBlock[] {
  const out: UntypedBlock[] = [];
  let s = start;
  while (s < end) {
    let bits = Math.min(msb(end - s), maxBits);
    if (s !== 0) bits = Math.min(bits, ctz(s));
    if (bits >= minBits) out.push({ base: s, bits, isDevice });
    s += 2 ** bits;
  }
  return out;
}

/** seL4: calculate_extra_bi_size_bits. */
export function extraBiSizeBits(size: number, pageBits: number): number {
  if (size === 0) return 0;
  const rounded = Math.ceil(size / 2 ** pageBits) * 2 ** pageBits;
  let bits = msb(rounded);
  if (size > 2 ** bits) bits++;
  return bits;
}

export interface Sel4MemoryPlan {
  /** Physical address of the device tree copy, and of the root task's image (ui_p_reg). */
  readonly dtbPaddr: number;
  readonly imagePaddr: number;
  /** The root server objects' chunk [start, start + size). */
  readonly rootserverStart: number;
  /** Where the kernel's own statically allocated objects (the idle thread) may live. */
  readonly kernelDataPaddr: number;
  readonly untypeds: readonly UntypedBlock[];
}

/**
 * Plan the boot memory of `ram` as seL4 does, for a root task image of `imageBytes` and root
 * server objects of `rootserverBytes` aligned to 2^rootserverAlignBits.
 */
export function planSel4Memory(
  m: Sel4BootMemory,
  ram: PRegion,
  pageBits: number,
  imageBytes: number,
  rootserverBytes: number,
  rootserverAlignBits: number,
  minBits: number,
  maxBits: number,
): Sel4MemoryPlan {
  const page = 2 ** pageBits;
  const roundUp = (x: number) => Math.ceil(x / page) * page;
  // the elfloader: kernel, then the device tree (page aligned), then the user image
  const kernel: PRegion = { start: m.kernelImageBase, end: m.kernelImageBase + m.kernelImageBytes };
  const dtbPaddr = roundUp(kernel.end);
  const dtb: PRegion = { start: dtbPaddr, end: dtbPaddr + m.dtbBytes };
  const imagePaddr = roundUp(dtb.end);
  const ui: PRegion = { start: imagePaddr, end: imagePaddr + imageBytes };
  // seL4: init_freemem — the available RAM minus the reserved regions, in order
  const reserved = [kernel, dtb, ui].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const freemem: PRegion[] = [];
  let cur = ram.start;
  for (const r of reserved) {
    if (r.start > cur) freemem.push({ start: cur, end: Math.min(r.start, ram.end) });
    cur = Math.max(cur, r.end);
  }
  if (cur < ram.end) freemem.push({ start: cur, end: ram.end });
  // the root server objects: the top-most aligned chunk of the last free region that fits
  let rootserverStart = -1;
  for (let i = freemem.length - 1; i >= 0; i--) {
    const f = freemem[i]!;
    const start = Math.floor((f.end - rootserverBytes) / 2 ** rootserverAlignBits) * 2 ** rootserverAlignBits;
    if (f.end - rootserverBytes >= 0 && start >= f.start) {
      freemem.splice(i + 1, 0, { start: start + rootserverBytes, end: f.end });
      f.end = start;
      rootserverStart = start;
      break;
    }
  }
  if (rootserverStart < 0) throw new RangeError('boot: no free region fits the root server objects');
  // seL4: create_untypeds — device gaps first, then the kernel's boot part, then free memory
  const taken: PRegion[] = [ram, ...m.kernelDeviceFrames.map((d) => ({ start: d.base, end: d.base + d.size }))].sort(
    (a, b) => a.start - b.start,
  );
  const untypeds: UntypedBlock[] = [];
  let start = 0;
  for (const t of taken) {
    if (start < t.start) untypeds.push(...sel4RegionUntypeds(start, t.start, true, minBits, maxBits));
    start = Math.max(start, t.end);
  }
  if (start < m.paddrUserDeviceTop) untypeds.push(...sel4RegionUntypeds(start, m.paddrUserDeviceTop, true, minBits, maxBits));
  untypeds.push(...sel4RegionUntypeds(kernel.start, kernel.start + m.kernelBootBytes, false, minBits, maxBits));
  for (const f of freemem) untypeds.push(...sel4RegionUntypeds(f.start, f.end, false, minBits, maxBits));
  return { dtbPaddr, imagePaddr, rootserverStart, kernelDataPaddr: kernel.start + m.kernelBootBytes, untypeds };
}

/**
 * A minimal valid flattened device tree (version 17) of exactly `totalSize` bytes: a root node
 * with #address-cells/#size-cells 2 and a compatible string, a memory node for `ram`, an empty
 * /chosen, then free space up to totalSize (the header's totalsize covers it, as `dtc -S` does).
 */
export function minimalFdt(totalSize: number, ram: { base: number; size: number }, compatible: string): Uint8Array {
  const strings: string[] = [];
  const nameOff = (n: string): number => {
    let off = 0;
    for (const s of strings) {
      if (s === n) return off;
      off += s.length + 1;
    }
    strings.push(n);
    return off;
  };
  const struct: number[] = [];
  const u32 = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const pad = () => {
    while (struct.length % 4 !== 0) struct.push(0);
  };
  const bytesOf = (s: string) => [...s].map((c) => c.charCodeAt(0) & 0xff);
  const beginNode = (name: string) => {
    u32(1);
    struct.push(...bytesOf(name), 0);
    pad();
  };
  const prop = (name: string, value: number[]) => {
    u32(3);
    u32(value.length);
    u32(nameOff(name));
    struct.push(...value);
    pad();
  };
  const cells = (...v: number[]) => v.flatMap((x) => [(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff]);
  const hi = (x: number) => Math.floor(x / 2 ** 32) >>> 0;
  const lo = (x: number) => x >>> 0;
  beginNode('');
  prop('#address-cells', cells(2));
  prop('#size-cells', cells(2));
  prop('compatible', [...bytesOf(compatible), 0]);
  beginNode('chosen');
  u32(2);
  beginNode(`memory@${ram.base.toString(16)}`);
  prop('device_type', [...bytesOf('memory'), 0]);
  prop('reg', cells(hi(ram.base), lo(ram.base), hi(ram.size), lo(ram.size)));
  u32(2);
  u32(2);
  u32(9);
  const stringBytes = strings.flatMap((s) => [...bytesOf(s), 0]);
  const HEADER = 40;
  const rsvOff = HEADER; // one empty reservation entry (16 zero bytes), 8-aligned
  const structOff = rsvOff + 16;
  const stringsOff = structOff + struct.length;
  const used = stringsOff + stringBytes.length;
  if (used > totalSize) throw new RangeError(`a device tree needs at least ${used} bytes, not ${totalSize}`);
  const out = new Uint8Array(totalSize);
  const dv = new DataView(out.buffer);
  const header = [0xd00dfeed, totalSize, structOff, stringsOff, rsvOff, 17, 16, 0, stringBytes.length, struct.length];
  header.forEach((v, i) => dv.setUint32(i * 4, v, false));
  out.set(struct, structOff);
  out.set(stringBytes, stringsOff);
  return out;
}
