/*
 * Physical memory of a board: RAM and device regions, backed lazily by 4 KiB pages.
 *
 * Nothing is allocated for a region until a page of it is written: a 4 GiB board costs a few
 * kilobytes of directory until touched. Each region has a two-level page directory (1024 entries
 * of 1024 pages), so a lookup is two array loads, and an untouched page reads as zeros. Words are
 * little-endian; a 64-bit word is read and written as its two 32-bit halves so that no value ever
 * passes through a double.
 *
 * The kernel reaches memory through here for frames and IPC buffers. A bad physical address (outside
 * every region, or misaligned for a word access) is a bug in the caller, never a user mistake, and
 * throws a PhysicalAddressError naming the address and the board.
 *
 * Optionally a MemoryBacking holds RAM outside the JS heap (the native C bridge gives one, so that C
 * code addresses the same bytes): each 4 KiB page is then a view into the backing's 4 MiB chunks
 * instead of its own typed array, and zeroing whole pages hands them back to the backing. Without a
 * backing, nothing changes: pages are plain typed arrays.
 */

export const PAGE_BITS = 12;
export const PAGE_SIZE = 1 << PAGE_BITS;
const WORDS_PER_PAGE = PAGE_SIZE >> 2;
const DIR_BITS = 10;
const DIR_SIZE = 1 << DIR_BITS;

/** What a region of the physical address space holds. */
export type RegionKind = 'ram' | 'device';

/** A region of physical address space. `base` and `size` are multiples of 4 KiB. */
export interface MemoryRegion {
  readonly name: string;
  readonly kind: RegionKind;
  readonly base: number;
  readonly size: number;
}

/** A physical address that no region holds, or a misaligned word access. */
export class PhysicalAddressError extends Error {
  constructor(
    readonly board: string,
    readonly address: number,
    reason: string,
  ) {
    super(`${board}: physical address 0x${address.toString(16)} ${reason}`);
    this.name = 'PhysicalAddressError';
  }
}

/**
 * Memory outside the JS heap that holds some regions' bytes. Memory handed out must read as zeros
 * until written.
 */
export interface MemoryBacking {
  /** True when this backing holds `region` (asked once, when the memory is built). */
  backs(region: MemoryRegion): boolean;
  /** The bytes `[offset, offset + length)` of `region` (a whole 4 MiB directory or the region's tail). */
  chunk(region: MemoryRegion, offset: number, length: number): ArrayBuffer;
  /** Make the whole pages `[offset, offset + length)` of `region` read as zeros again. */
  discard(region: MemoryRegion, offset: number, length: number): void;
}

const CHUNK_BYTES = DIR_SIZE * PAGE_SIZE;

class Region {
  /** Page directories: dirs[d][p] is page (d * 1024 + p) of the region, or undefined (zeros). */
  readonly dirs: (Uint32Array | undefined)[][] = [];
  readonly end: number;
  /** With a backing: the backing's chunk behind each directory. */
  readonly chunks: (ArrayBuffer | undefined)[] = [];
  constructor(
    readonly desc: MemoryRegion,
    readonly backing: MemoryBacking | null,
  ) {
    this.end = desc.base + desc.size;
  }

  /** A new page: zeros, in the JS heap or in the backing. */
  newPage(d: number, p: number): Uint32Array {
    const b = this.backing;
    if (b === null) return new Uint32Array(WORDS_PER_PAGE);
    let chunk = this.chunks[d];
    if (chunk === undefined) {
      const offset = d * CHUNK_BYTES;
      chunk = b.chunk(this.desc, offset, Math.min(CHUNK_BYTES, this.desc.size - offset));
      this.chunks[d] = chunk;
    }
    return new Uint32Array(chunk, p * PAGE_SIZE, WORDS_PER_PAGE);
  }
}

/** Saved contents of a memory: every touched page, by page-aligned physical address. */
export interface MemoryState {
  readonly pages: ReadonlyArray<readonly [address: number, base64: string]>;
}

export class PhysicalMemory {
  private readonly regions: Region[];
  private last: Region;
  private touched = 0;
  /** One-entry cache of the last page looked up: its page number (address / 4096) and contents. */
  private cachePfn = -1;
  private cachePage: Uint32Array | undefined = undefined;

  constructor(
    readonly boardName: string,
    regions: readonly MemoryRegion[],
    /** Where RAM lives when not in the JS heap (see MemoryBacking); default: the JS heap. */
    backing: MemoryBacking | null = null,
  ) {
    if (regions.length === 0) throw new Error(`${boardName}: a board needs at least one region`);
    const sorted = [...regions].sort((a, b) => a.base - b.base);
    for (let i = 0; i < sorted.length; i++) {
      const r = sorted[i]!;
      if (r.base % PAGE_SIZE !== 0 || r.size % PAGE_SIZE !== 0 || r.size <= 0) {
        throw new Error(`${boardName}: region ${r.name} is not whole 4 KiB pages`);
      }
      const next = sorted[i + 1];
      if (next && r.base + r.size > next.base) {
        throw new Error(`${boardName}: regions ${r.name} and ${next.name} overlap`);
      }
    }
    this.regions = sorted.map((r) => new Region(r, backing !== null && backing.backs(r) ? backing : null));
    this.last = this.regions[0]!;
  }

  /** The regions of this memory, lowest address first. */
  get layout(): readonly MemoryRegion[] {
    return this.regions.map((r) => r.desc);
  }

  /** The region holding `addr`, or undefined. */
  regionOf(addr: number): MemoryRegion | undefined {
    return this.findRegion(addr)?.desc;
  }

  /** True when `[addr, addr + len)` lies wholly inside one region. */
  contains(addr: number, len: number): boolean {
    const r = this.findRegion(addr);
    return r !== undefined && addr + len <= r.end;
  }

  /** Bytes of backing store allocated so far (touched pages times 4 KiB). */
  get touchedBytes(): number {
    return this.touched * PAGE_SIZE;
  }

  private findRegion(addr: number): Region | undefined {
    const l = this.last;
    if (addr >= l.desc.base && addr < l.end) return l;
    for (const r of this.regions) {
      if (addr >= r.desc.base && addr < r.end) {
        this.last = r;
        return r;
      }
    }
    return undefined;
  }

  private region(addr: number): Region {
    const r = this.findRegion(addr);
    if (r === undefined) throw new PhysicalAddressError(this.boardName, addr, 'is outside every memory region');
    return r;
  }

  /**
   * The 4 KiB page holding `addr` as 1024 little-endian 32-bit words, allocated (zeroed) if it was
   * never touched. Index a word with `(addr & 0xfff) >>> 2`.
   */
  page(addr: number): Uint32Array {
    const pfn = Math.floor(addr / PAGE_SIZE);
    if (pfn === this.cachePfn && this.cachePage !== undefined) return this.cachePage;
    const r = this.region(addr);
    const pn = Math.floor((addr - r.desc.base) / PAGE_SIZE);
    const d = pn >>> DIR_BITS;
    let dir = r.dirs[d];
    if (dir === undefined) {
      dir = new Array<Uint32Array | undefined>(DIR_SIZE).fill(undefined);
      r.dirs[d] = dir;
    }
    const p = pn & (DIR_SIZE - 1);
    let page = dir[p];
    if (page === undefined) {
      page = r.newPage(d, p);
      dir[p] = page;
      this.touched++;
    }
    this.cachePfn = pfn;
    this.cachePage = page;
    return page;
  }

  /**
   * The page holding `addr` if it was ever written, else undefined (it reads as zeros). A backed
   * page is always returned: code outside JS may have written it.
   */
  private peekPage(addr: number): Uint32Array | undefined {
    if (Math.floor(addr / PAGE_SIZE) === this.cachePfn) return this.cachePage;
    const r = this.region(addr);
    const pn = Math.floor((addr - r.desc.base) / PAGE_SIZE);
    const p = r.dirs[pn >>> DIR_BITS]?.[pn & (DIR_SIZE - 1)];
    return p === undefined && r.backing !== null ? this.page(addr) : p;
  }

  private checkAligned(addr: number, bytes: number): void {
    // `&` keeps the low bits of any integer address, even above 2^32
    if ((addr & (bytes - 1)) !== 0) {
      throw new PhysicalAddressError(this.boardName, addr, `is not aligned for a ${bytes}-byte access`);
    }
  }

  readU32(addr: number): number {
    this.checkAligned(addr, 4);
    const p = this.peekPage(addr);
    return p === undefined ? 0 : p[(addr & 0xfff) >>> 2]!;
  }

  writeU32(addr: number, value: number): void {
    this.checkAligned(addr, 4);
    this.page(addr)[(addr & 0xfff) >>> 2] = value;
  }

  readU8(addr: number): number {
    const p = this.peekPage(addr);
    if (p === undefined) return 0;
    const w = p[(addr & 0xfff) >>> 2]!;
    return (w >>> ((addr & 3) * 8)) & 0xff;
  }

  writeU8(addr: number, value: number): void {
    const p = this.page(addr);
    const i = (addr & 0xfff) >>> 2;
    const shift = (addr & 3) * 8;
    p[i] = (p[i]! & ~(0xff << shift)) | ((value & 0xff) << shift);
  }

  /** Low half of the 64-bit word at `addr` (8-byte aligned). */
  readWordLo(addr: number): number {
    this.checkAligned(addr, 8);
    const p = this.peekPage(addr);
    return p === undefined ? 0 : p[(addr & 0xfff) >>> 2]!;
  }

  /** High half of the 64-bit word at `addr` (8-byte aligned). */
  readWordHi(addr: number): number {
    this.checkAligned(addr, 8);
    const p = this.peekPage(addr);
    return p === undefined ? 0 : p[((addr & 0xfff) >>> 2) + 1]!;
  }

  /** Write the 64-bit word `hi:lo` at `addr` (8-byte aligned). */
  writeWord64(addr: number, lo: number, hi: number): void {
    this.checkAligned(addr, 8);
    const p = this.page(addr);
    const i = (addr & 0xfff) >>> 2;
    p[i] = lo;
    p[i + 1] = hi;
  }

  /** The 64-bit word at `addr` as a bigint. */
  readWord64Big(addr: number): bigint {
    return (BigInt(this.readWordHi(addr)) << 32n) | BigInt(this.readWordLo(addr));
  }

  /** Write a 64-bit word given as a bigint (taken modulo 2^64). */
  writeWord64Big(addr: number, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.writeWord64(addr, Number(v & 0xffffffffn), Number(v >> 32n));
  }

  /** Copy `len` bytes starting at `addr` out of memory. */
  readBytes(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const a = addr + done;
      const inPage = Math.min(len - done, PAGE_SIZE - (a & 0xfff));
      const p = this.peekPage(a);
      if (p !== undefined) out.set(new Uint8Array(p.buffer, p.byteOffset + (a & 0xfff), inPage), done);
      done += inPage;
    }
    return out;
  }

  /** Copy `data` into memory starting at `addr`. */
  writeBytes(addr: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const inPage = Math.min(data.length - done, PAGE_SIZE - (a & 0xfff));
      const p = this.page(a);
      new Uint8Array(p.buffer, p.byteOffset + (a & 0xfff), inPage).set(data.subarray(done, done + inPage));
      done += inPage;
    }
  }

  /**
   * Zero `[addr, addr + len)`. Whole pages go back to untouched (no backing store); partial pages
   * are cleared in place.
   */
  zero(addr: number, len: number): void {
    let done = 0;
    while (done < len) {
      const a = addr + done;
      const off = a & 0xfff;
      const inPage = Math.min(len - done, PAGE_SIZE - off);
      const r = this.region(a);
      const pn = Math.floor((a - r.desc.base) / PAGE_SIZE);
      const dir = r.dirs[pn >>> DIR_BITS];
      const p = dir?.[pn & (DIR_SIZE - 1)];
      if (inPage === PAGE_SIZE && r.backing !== null) {
        // a run of whole backed pages in this region: the backing zeroes them all at once
        const run = Math.min(Math.floor((len - done) / PAGE_SIZE), (r.end - a) / PAGE_SIZE);
        r.backing.discard(r.desc, a - r.desc.base, run * PAGE_SIZE);
        for (let i = 0; i < run; i++) this.forget(r, pn + i);
        done += run * PAGE_SIZE;
        continue;
      }
      if (r.backing !== null && p === undefined) {
        // code outside JS may have written a page JS never looked at
        const q = this.page(a);
        new Uint8Array(q.buffer, q.byteOffset + off, inPage).fill(0);
      } else if (dir !== undefined && p !== undefined) {
        if (inPage === PAGE_SIZE) {
          this.forget(r, pn);
        } else {
          new Uint8Array(p.buffer, p.byteOffset + off, inPage).fill(0);
        }
      }
      done += inPage;
    }
  }

  /** Drop page `pn` of region `r` from the directory (its contents are zero or given back). */
  private forget(r: Region, pn: number): void {
    const dir = r.dirs[pn >>> DIR_BITS];
    const p = dir?.[pn & (DIR_SIZE - 1)];
    if (dir === undefined || p === undefined) return;
    dir[pn & (DIR_SIZE - 1)] = undefined;
    this.touched--;
    if (p === this.cachePage) this.invalidateCache();
  }

  private invalidateCache(): void {
    this.cachePfn = -1;
    this.cachePage = undefined;
  }

  /** Every touched page, for snapshots. */
  getState(): MemoryState {
    const pages: [number, string][] = [];
    for (const r of this.regions) {
      r.dirs.forEach((dir, d) => {
        dir?.forEach((p, i) => {
          if (p !== undefined) {
            const addr = r.desc.base + ((d << DIR_BITS) + i) * PAGE_SIZE;
            pages.push([addr, bytesToBase64(new Uint8Array(p.buffer, p.byteOffset, p.byteLength))]);
          }
        });
      });
    }
    return { pages };
  }

  /** Restore the contents saved by getState (every page not in the state becomes zeros). */
  setState(state: MemoryState): void {
    for (const r of this.regions) {
      if (r.backing !== null) r.backing.discard(r.desc, 0, r.desc.size);
      r.dirs.length = 0;
    }
    this.touched = 0;
    this.invalidateCache();
    for (const [addr, b64] of state.pages) {
      const bytes = base64ToBytes(b64);
      if (bytes.length !== PAGE_SIZE) {
        throw new PhysicalAddressError(this.boardName, addr, 'has a saved page of the wrong size');
      }
      this.page(addr).set(new Uint32Array(bytes.buffer, 0, PAGE_SIZE / 4));
    }
  }
}

/** Base64 of `bytes` with the web platform's btoa (no Node Buffer: the board runs in browsers). */
function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x2000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(bin);
}

/** The bytes of a base64 string (atob), in a fresh buffer. */
function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
