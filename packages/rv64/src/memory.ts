/*
 * How the CPU reaches memory: pages handed out by a translator that the board or kernel provides.
 *
 * The CPU never sees physical addresses. For a virtual page number and an access kind it asks the
 * translator (`Rv64Translator.translate`) once; the answer is either the page (a DataView over its
 * 4096 bytes, the same object every time for one frame) or a fault cause, the `scause` value the
 * hardware would raise (12/13/15 page faults, 1/5/7 access faults). The CPU keeps the answers in a
 * small per-hart translation cache, one per access kind; whoever changes a mapping (unmap, remap,
 * ASID change, thread switch to another VSpace) calls `Rv64Cpu.flushTranslations()`.
 *
 * Each page also carries the CPU's decode cache for it (`code`). A store by the CPU drops it; anyone
 * else writing into a frame (the kernel copying an IPC message, a loader) calls `invalidateCode`.
 *
 * `FlatMemory` is a simple translator for tests and benches: a sparse map of pages with the
 * permissions given when they are added.
 */

/** The CPU's decoded instructions of one page (2048 halfword slots). Owned by the CPU. */
export interface DecodedPage {
  readonly w: Int32Array;
  readonly imm: Int32Array;
}

/** One 4 KiB page as the CPU reaches it. */
export interface Rv64Page {
  /** The page's 4096 bytes (little-endian accesses). */
  readonly data: DataView;
  /** The decode cache of this page, or null. */
  code: DecodedPage | null;
}

/** Access kinds, as the translator is asked. */
export const Access = { Fetch: 0, Load: 1, Store: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

/** RISC-V `scause` values the CPU returns; the translator returns the fault ones. */
export const Cause = {
  InstructionMisaligned: 0,
  InstructionAccessFault: 1,
  IllegalInstruction: 2,
  Breakpoint: 3,
  LoadMisaligned: 4,
  LoadAccessFault: 5,
  StoreMisaligned: 6,
  StoreAccessFault: 7,
  UserEcall: 8,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
} as const;

export interface Rv64Translator {
  /**
   * The page holding virtual page number `vpn` (address >> 12, below 2^26: the CPU itself faults
   * addresses outside Sv39's user half) for an access of kind `access`, or the fault cause.
   */
  translate(vpn: number, access: Access): Rv64Page | number;
}

/** Drop the decode cache of a page written by someone other than the CPU. */
export function invalidateCode(page: Rv64Page): void {
  page.code = null;
}

export function newPage(): Rv64Page {
  return { data: new DataView(new ArrayBuffer(4096)), code: null };
}

/** A sparse virtual memory for tests and benches: pages with fixed permissions (r, w, x bits). */
export class FlatMemory implements Rv64Translator {
  private readonly pages = new Map<number, { page: Rv64Page; perms: number }>();

  /** Map zeroed pages over [addr, addr + size) with permissions 'rwx'-style, e.g. 'rx'. */
  map(addr: number, size: number, perms: string): void {
    const p = (perms.includes('r') ? 1 : 0) | (perms.includes('w') ? 2 : 0) | (perms.includes('x') ? 4 : 0);
    for (let a = Math.floor(addr / 4096) * 4096; a < addr + size; a += 4096) {
      const vpn = a / 4096;
      const old = this.pages.get(vpn);
      this.pages.set(vpn, { page: old?.page ?? newPage(), perms: p });
    }
  }

  unmap(addr: number): void {
    this.pages.delete(Math.floor(addr / 4096));
  }

  page(addr: number): Rv64Page | undefined {
    return this.pages.get(Math.floor(addr / 4096))?.page;
  }

  translate(vpn: number, access: Access): Rv64Page | number {
    const e = this.pages.get(vpn);
    const need = access === Access.Fetch ? 4 : access === Access.Load ? 1 : 2;
    if (e === undefined || (e.perms & need) === 0) {
      return access === Access.Fetch ? Cause.InstructionPageFault : access === Access.Load ? Cause.LoadPageFault : Cause.StorePageFault;
    }
    return e.page;
  }

  /** Write bytes (a loader's or test's write: drops decode caches). */
  write(addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const a = addr + i;
      const p = this.page(a);
      if (p === undefined) throw new Error(`FlatMemory: 0x${a.toString(16)} is not mapped`);
      p.data.setUint8(a & 0xfff, bytes[i]!);
      p.code = null;
    }
  }

  read(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const a = addr + i;
      const p = this.page(a);
      if (p === undefined) throw new Error(`FlatMemory: 0x${a.toString(16)} is not mapped`);
      out[i] = p.data.getUint8(a & 0xfff);
    }
    return out;
  }
}
