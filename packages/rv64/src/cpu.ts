/*
 * One RISC-V hart at user level (RV64GC): its registers, its translation caches, and the
 * fetch-decode-execute loop.
 *
 * `run(budget)` executes at most `budget` instructions and returns -1 when the budget is used up,
 * or the `scause` of the trap that stopped it (ecall 8, ebreak 3, illegal instruction 2, page and
 * access faults 12/13/15 and 1/5/7, AMO/LR/SC misalignment 4/6). On a trap `pc` is the trapping
 * instruction's address (sepc) and `tval` the faulting address or instruction bits (stval);
 * nothing has been retired for it. The kernel decides what comes next (for an ecall it moves the
 * pc past the instruction, as seL4 does).
 *
 * Registers: x[2r] and x[2r+1] are the low and high int32 halves of xr; x0 is never written (the
 * decoder sends writes to x0 to the sink pair 64/65). FP registers are raw 64-bit patterns
 * (NaN-boxed singles) in `f` (Int32Array halves, same layout).
 *
 * Speed: each instruction is decoded once per page into the page's decode cache (memory.ts) and
 * the loop switches on numeric case labels (a jump table); loads and stores check a 256-entry
 * direct-mapped translation cache inline and fall back to `loadSlow`/`storeSlow` for misses,
 * accesses straddling a page, and faults. Misaligned loads and stores are performed (as QEMU with
 * OpenSBI's misaligned-access emulation does under seL4); misaligned LR/SC/AMOs trap. Nothing in
 * the loop allocates, except 64-bit division of operands wider than 32 bits (BigInt) and the FP
 * slow paths (fpu.ts).
 */
import { decode } from './decode.js';
import { execFp } from './fpu.js';
import { div, mul, mulh, out } from './int64.js';
import { Access, Cause, type DecodedPage, type Rv64Page, type Rv64Translator } from './memory.js';

const TLB_SIZE = 256;
const TWO32 = 4294967296;
/** User addresses: Sv39's lower half, below 2^38. The high word of a user address is below this. */
const USER_HI_LIMIT = 0x40;

/** The fetch base when no page is current: far from any pc the loop can hold (pcs are >= 0). */
const NO_BASE = -0x40000000;

/** The result of `run` when the budget ran out. */
export const BUDGET_EXHAUSTED = -1;

export interface Rv64Options {
  /** Decode each instruction once per page (default true); false decodes on every execution. */
  readonly decodeCache?: boolean;
}

export class Rv64Cpu {
  /** Integer registers as int32 halves: x[2r] low, x[2r+1] high; 64/65 is the x0 sink. */
  readonly x = new Int32Array(66);
  /** FP registers as raw bit patterns: f[2r] low, f[2r+1] high. */
  readonly f = new Int32Array(64);
  /** The pc (a user address, below 2^38, so exact as a number). */
  pc = 0;
  /** fcsr's fields. */
  fflags = 0;
  frm = 0;
  /** Instructions retired (instret; also what cycle and time read: deterministic). */
  instret = 0;
  /** The trap's scause and stval (as two int32 halves) after `run` returned one. */
  cause = 0;
  tvalLo = 0;
  tvalHi = 0;
  /** LR/SC reservation: valid flag and address. */
  reserved = false;
  reservation = 0;

  private readonly decodeCache: boolean;
  private readonly tags = new Int32Array(3 * TLB_SIZE).fill(-1);
  private readonly pages: (Rv64Page | null)[] = new Array<Rv64Page | null>(3 * TLB_SIZE).fill(null);
  private readonly scratch: DecodedPage = { w: new Int32Array(2048), imm: new Int32Array(2048) };
  private readonly dec = new Int32Array(2);
  private readonly loadTags = this.tags.subarray(TLB_SIZE, 2 * TLB_SIZE);
  private readonly storeTags = this.tags.subarray(2 * TLB_SIZE, 3 * TLB_SIZE);
  /** Result of loadSlow; value for storeSlow. */
  private vlo = 0;
  private vhi = 0;
  /** Fetch state handed from fetchSlow to the loop. */
  private fetchCode: DecodedPage;
  private fetchIdx = 0;
  private fetchBase = NO_BASE;
  /** Instructions retired so far in the current run (for CSR reads of instret). */
  private runCount = 0;

  constructor(
    public translator: Rv64Translator,
    options: Rv64Options = {},
  ) {
    this.decodeCache = options.decodeCache ?? true;
    this.fetchCode = this.scratch;
  }

  /** Forget every cached translation (unmap, remap, ASID change, switch to another VSpace). */
  flushTranslations(): void {
    this.tags.fill(-1);
    this.pages.fill(null);
  }

  getX(r: number): bigint {
    return BigInt.asIntN(64, (BigInt(this.x[2 * r + 1]! >>> 0) << 32n) | BigInt(this.x[2 * r]! >>> 0));
  }
  /** Unsigned view of xr. */
  getXu(r: number): bigint {
    return BigInt.asUintN(64, this.getX(r));
  }
  setX(r: number, v: bigint | number): void {
    if (r === 0) return;
    const u = BigInt.asUintN(64, BigInt(v));
    this.x[2 * r] = Number(u & 0xffffffffn) | 0;
    this.x[2 * r + 1] = Number(u >> 32n) | 0;
  }
  getF(r: number): bigint {
    return (BigInt(this.f[2 * r + 1]! >>> 0) << 32n) | BigInt(this.f[2 * r]! >>> 0);
  }
  setF(r: number, bits: bigint): void {
    const u = BigInt.asUintN(64, bits);
    this.f[2 * r] = Number(u & 0xffffffffn) | 0;
    this.f[2 * r + 1] = Number(u >> 32n) | 0;
  }
  get tval(): bigint {
    return (BigInt(this.tvalHi >>> 0) << 32n) | BigInt(this.tvalLo >>> 0);
  }

  private trap(cause: number, tlo: number, thi: number): number {
    this.cause = cause;
    this.tvalLo = tlo;
    this.tvalHi = thi;
    return cause;
  }

  /** The page for `vpn` and `access` through the translation cache, or null with the fault recorded. */
  private page(vpn: number, access: Access, lo: number, hi: number): Rv64Page | null {
    const t = access * TLB_SIZE + (vpn & (TLB_SIZE - 1));
    if (this.tags[t] === vpn) return this.pages[t]!;
    const r = this.translator.translate(vpn, access);
    if (typeof r === 'number') {
      this.trap(r, lo, hi);
      return null;
    }
    this.tags[t] = vpn;
    this.pages[t] = r;
    return r;
  }

  private static faultFor(access: Access): number {
    return access === Access.Fetch ? Cause.InstructionPageFault : access === Access.Load ? Cause.LoadPageFault : Cause.StorePageFault;
  }

  /** Read `size` bytes at (hi:lo) into vlo/vhi, sign- or zero-extended; false on a fault. */
  loadSlow(lo: number, hi: number, size: number, signed: boolean, access: Access = Access.Load): boolean {
    if ((hi >>> 0) >= USER_HI_LIMIT) {
      this.trap(Rv64Cpu.faultFor(access), lo, hi);
      return false;
    }
    const off = lo & 0xfff;
    const vpn = (hi << 20) | (lo >>> 12);
    const p = this.page(vpn, access, lo, hi);
    if (p === null) return false;
    let vl: number;
    let vh = 0;
    if (off + size <= 4096) {
      const d = p.data;
      if (size === 1) vl = signed ? d.getInt8(off) : d.getUint8(off);
      else if (size === 2) vl = signed ? d.getInt16(off, true) : d.getUint16(off, true);
      else if (size === 4) vl = d.getInt32(off, true);
      else { vl = d.getInt32(off, true); vh = d.getInt32(off + 4, true); }
    } else {
      // Straddles two pages: translate the second (its fault reports its first byte's address).
      const nlo = (lo & ~0xfff) + 4096;
      const nhi = nlo === TWO32 ? hi + 1 : hi;
      if ((nhi >>> 0) >= USER_HI_LIMIT) {
        this.trap(Rv64Cpu.faultFor(access), nlo | 0, nhi);
        return false;
      }
      const q = this.page((nhi << 20) | ((nlo | 0) >>> 12), access, nlo | 0, nhi);
      if (q === null) return false;
      vl = 0;
      for (let i = size - 1; i >= 0; i--) {
        const o = off + i;
        const byte = o < 4096 ? p.data.getUint8(o) : q.data.getUint8(o - 4096);
        if (i >= 4) vh = (vh << 8) | byte;
        else vl = (vl << 8) | byte;
      }
      if (size === 1) vl = signed ? (vl << 24) >> 24 : vl;
      else if (size === 2) vl = signed ? (vl << 16) >> 16 : vl;
    }
    // vl is already sign- or zero-extended for 1 and 2 bytes; 4 bytes is the raw int32.
    this.vlo = vl | 0;
    this.vhi = size === 8 ? vh | 0 : size === 4 ? (signed ? vl >> 31 : 0) : vl >> 31;
    return true;
  }

  /** Write the low `size` bytes of (vhi:vlo) at (hi:lo); false on a fault. */
  storeSlow(lo: number, hi: number, size: number, vl: number, vh: number): boolean {
    if ((hi >>> 0) >= USER_HI_LIMIT) {
      this.trap(Cause.StorePageFault, lo, hi);
      return false;
    }
    const off = lo & 0xfff;
    const p = this.page((hi << 20) | (lo >>> 12), Access.Store, lo, hi);
    if (p === null) return false;
    let q: Rv64Page | null = null;
    if (off + size > 4096) {
      const nlo = (lo & ~0xfff) + 4096;
      const nhi = nlo === TWO32 ? hi + 1 : hi;
      if ((nhi >>> 0) >= USER_HI_LIMIT) {
        this.trap(Cause.StorePageFault, nlo | 0, nhi);
        return false;
      }
      q = this.page((nhi << 20) | ((nlo | 0) >>> 12), Access.Store, nlo | 0, nhi);
      if (q === null) return false;
      q.code = null;
    }
    p.code = null;
    for (let i = 0; i < size; i++) {
      const o = off + i;
      const byte = (i < 4 ? vl >>> (8 * i) : vh >>> (8 * (i - 4))) & 255;
      if (o < 4096) p.data.setUint8(o, byte);
      else q!.data.setUint8(o - 4096, byte);
    }
    return true;
  }

  /** Find and decode the instruction at `pc` outside the fast path; 0 or a fault cause. */
  private fetchSlow(pc: number): number {
    const lo = pc % TWO32 | 0;
    const hi = Math.floor(pc / TWO32);
    if (hi >= USER_HI_LIMIT || pc < 0) return this.trap(Cause.InstructionPageFault, lo, hi);
    const vpn = Math.floor(pc / 4096);
    const p = this.page(vpn, Access.Fetch, lo, hi);
    if (p === null) return this.cause;
    const off = pc - vpn * 4096;
    const idx = off >> 1;
    const low = p.data.getUint16(off, true);
    if ((low & 3) === 3 && off === 4094) {
      // A 32-bit instruction straddling two pages: decoded every time, never cached.
      const npc = pc + 2;
      const q = this.page(vpn + 1, Access.Fetch, npc % TWO32 | 0, Math.floor(npc / TWO32));
      if (q === null) return this.cause;
      decode(low | (q.data.getUint16(0, true) << 16), this.dec);
      this.scratch.w[0] = this.dec[0]!;
      this.scratch.imm[0] = this.dec[1]!;
      this.fetchCode = this.scratch;
      this.fetchIdx = 0;
      this.fetchBase = NO_BASE;
      return 0;
    }
    let code = this.scratch;
    let at = 0;
    if (this.decodeCache) {
      if (p.code === null) p.code = { w: new Int32Array(2048), imm: new Int32Array(2048) };
      code = p.code;
      at = idx;
      if (code.w[at] !== 0) {
        // decoded before: only the fetch state was missing (a new run, a new page)
        this.fetchCode = code;
        this.fetchIdx = at;
        this.fetchBase = vpn * 4096;
        return 0;
      }
    }
    decode((low & 3) === 3 ? low | (p.data.getUint16(off + 2, true) << 16) : low, this.dec);
    code.w[at] = this.dec[0]!;
    code.imm[at] = this.dec[1]!;
    this.fetchCode = code;
    this.fetchIdx = at;
    this.fetchBase = this.decodeCache ? vpn * 4096 : NO_BASE;
    return 0;
  }

  /** Run at most `budget` instructions; BUDGET_EXHAUSTED (-1) or the cause of the trap that stopped it. */
  run(budget: number): number {
    const x = this.x;
    const ltag = this.loadTags;
    const stag = this.storeTags;
    const pages = this.pages;
    let pc = this.pc;
    let n = 0;
    let cw = this.scratch.w;
    let ci = this.scratch.imm;
    let base = NO_BASE;
    let result = BUDGET_EXHAUSTED;
    loop: while (n < budget) {
      const off = pc - base;
      let idx = off >> 1;
      let w = 0;
      if (off >= 0 && off < 4096) w = cw[idx]!;
      if (w === 0) {
        this.runCount = n;
        if (this.fetchSlow(pc) !== 0) { result = this.cause; break; }
        cw = this.fetchCode.w;
        ci = this.fetchCode.imm;
        idx = this.fetchIdx;
        base = this.fetchBase;
        w = cw[idx]!;
      }
      const imm = ci[idx]!;
      const rd = (w >> 8) & 127;
      const r1 = (w >> 15) & 127;
      const r2 = (w >> 22) & 127;
      let npc = pc + 4 - ((w >> 28) & 2);
      switch (w & 255) {
        case 1: // LUI
          x[rd] = imm; x[rd + 1] = imm >> 31;
          break;
        case 2: { // AUIPC
          const v = pc + imm;
          x[rd] = v | 0; x[rd + 1] = Math.floor(v / TWO32) | 0;
          break;
        }
        case 3: // JAL
          x[rd] = npc | 0; x[rd + 1] = Math.floor(npc / TWO32) | 0;
          npc = pc + imm;
          break;
        case 4: { // JALR
          const al = x[r1]!;
          const lo = (al + imm) | 0;
          const hi = (x[r1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          x[rd] = npc | 0; x[rd + 1] = Math.floor(npc / TWO32) | 0;
          if (hi >>> 0 >= USER_HI_LIMIT) {
            // Outside Sv39's user half: the fetch there is a page fault. The pc is the target
            // (rounded if beyond 2^53); tval has it exactly.
            pc = hi * TWO32 + ((lo & ~1) >>> 0);
            n++;
            result = this.trap(Cause.InstructionPageFault, lo & ~1, hi);
            break loop;
          }
          npc = hi * TWO32 + ((lo & ~1) >>> 0);
          break;
        }
        case 5: // BEQ
          if (x[r1] === x[r2] && x[r1 + 1] === x[r2 + 1]) npc = pc + imm;
          break;
        case 6: // BNE
          if (x[r1] !== x[r2] || x[r1 + 1] !== x[r2 + 1]) npc = pc + imm;
          break;
        case 7: { // BLT
          const ah = x[r1 + 1]!, bh = x[r2 + 1]!;
          if (ah < bh || (ah === bh && x[r1]! >>> 0 < x[r2]! >>> 0)) npc = pc + imm;
          break;
        }
        case 8: { // BGE
          const ah = x[r1 + 1]!, bh = x[r2 + 1]!;
          if (!(ah < bh || (ah === bh && x[r1]! >>> 0 < x[r2]! >>> 0))) npc = pc + imm;
          break;
        }
        case 9: { // BLTU
          const ah = x[r1 + 1]! >>> 0, bh = x[r2 + 1]! >>> 0;
          if (ah < bh || (ah === bh && x[r1]! >>> 0 < x[r2]! >>> 0)) npc = pc + imm;
          break;
        }
        case 10: { // BGEU
          const ah = x[r1 + 1]! >>> 0, bh = x[r2 + 1]! >>> 0;
          if (!(ah < bh || (ah === bh && x[r1]! >>> 0 < x[r2]! >>> 0))) npc = pc + imm;
          break;
        }
        case 11: // LB
        case 12: // LH
        case 13: // LW
        case 14: // LD
        case 15: // LBU
        case 16: // LHU
        case 17: { // LWU
          const al = x[r1]!;
          const lo = (al + imm) | 0;
          const hi = (x[r1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const op = w & 255;
          const o = lo & 0xfff;
          if (hi >>> 0 < USER_HI_LIMIT && o <= 4088) {
            const vpn = (hi << 20) | (lo >>> 12);
            const t = vpn & (TLB_SIZE - 1);
            if (ltag[t] === vpn) {
              const d = pages[TLB_SIZE + t]!.data;
              let v: number;
              switch (op) {
                case 11: v = d.getInt8(o); x[rd] = v; x[rd + 1] = v >> 31; break; // LB
                case 12: v = d.getInt16(o, true); x[rd] = v; x[rd + 1] = v >> 31; break; // LH
                case 13: v = d.getInt32(o, true); x[rd] = v; x[rd + 1] = v >> 31; break; // LW
                case 14: x[rd] = d.getInt32(o, true); x[rd + 1] = d.getInt32(o + 4, true); break; // LD
                case 15: x[rd] = d.getUint8(o); x[rd + 1] = 0; break; // LBU
                case 16: x[rd] = d.getUint16(o, true); x[rd + 1] = 0; break; // LHU
                default: x[rd] = d.getInt32(o, true); x[rd + 1] = 0; break; // LWU
              }
              break;
            }
          }
          const size = op === 14 ? 8 : op === 13 || op === 17 ? 4 : op === 12 || op === 16 ? 2 : 1;
          if (!this.loadSlow(lo, hi, size, op <= 14)) { result = this.cause; break loop; }
          x[rd] = this.vlo; x[rd + 1] = this.vhi;
          break;
        }
        case 18: // SB
        case 19: // SH
        case 20: // SW
        case 21: { // SD
          const al = x[r1]!;
          const lo = (al + imm) | 0;
          const hi = (x[r1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const op = w & 255;
          const o = lo & 0xfff;
          if (hi >>> 0 < USER_HI_LIMIT && o <= 4088) {
            const vpn = (hi << 20) | (lo >>> 12);
            const t = vpn & (TLB_SIZE - 1);
            if (stag[t] === vpn) {
              const p = pages[2 * TLB_SIZE + t]!;
              if (p.code !== null) { p.code = null; base = NO_BASE; }
              const d = p.data;
              switch (op) {
                case 18: d.setInt8(o, x[r2]!); break; // SB
                case 19: d.setInt16(o, x[r2]!, true); break; // SH
                case 20: d.setInt32(o, x[r2]!, true); break; // SW
                default: d.setInt32(o, x[r2]!, true); d.setInt32(o + 4, x[r2 + 1]!, true); break; // SD
              }
              break;
            }
          }
          const size = op === 21 ? 8 : op === 20 ? 4 : op === 19 ? 2 : 1;
          if (!this.storeSlow(lo, hi, size, x[r2]!, x[r2 + 1]!)) { result = this.cause; break loop; }
          base = NO_BASE;
          break;
        }
        case 22: { // ADDI
          const al = x[r1]!;
          const lo = (al + imm) | 0;
          x[rd + 1] = (x[r1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          x[rd] = lo;
          break;
        }
        case 23: { // SLTI
          const ah = x[r1 + 1]!, bh = imm >> 31;
          const v = ah < bh || (ah === bh && x[r1]! >>> 0 < imm >>> 0) ? 1 : 0;
          x[rd] = v; x[rd + 1] = 0;
          break;
        }
        case 24: { // SLTIU
          const ah = x[r1 + 1]! >>> 0, bh = (imm >> 31) >>> 0;
          const v = ah < bh || (ah === bh && x[r1]! >>> 0 < imm >>> 0) ? 1 : 0;
          x[rd] = v; x[rd + 1] = 0;
          break;
        }
        case 25: // XORI
          x[rd + 1] = x[r1 + 1]! ^ (imm >> 31); x[rd] = x[r1]! ^ imm;
          break;
        case 26: // ORI
          x[rd + 1] = x[r1 + 1]! | (imm >> 31); x[rd] = x[r1]! | imm;
          break;
        case 27: // ANDI
          x[rd + 1] = x[r1 + 1]! & (imm >> 31); x[rd] = x[r1]! & imm;
          break;
        case 28: // SLLI
          shl(x, rd, x[r1]!, x[r1 + 1]!, imm);
          break;
        case 29: // SRLI
          shr(x, rd, x[r1]!, x[r1 + 1]!, imm, false);
          break;
        case 30: // SRAI
          shr(x, rd, x[r1]!, x[r1 + 1]!, imm, true);
          break;
        case 31: { // ADD
          const al = x[r1]!;
          const lo = (al + x[r2]!) | 0;
          x[rd + 1] = (x[r1 + 1]! + x[r2 + 1]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          x[rd] = lo;
          break;
        }
        case 32: { // SUB
          const al = x[r1]!, bl = x[r2]!;
          x[rd + 1] = (x[r1 + 1]! - x[r2 + 1]! - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
          x[rd] = (al - bl) | 0;
          break;
        }
        case 33: // SLL
          shl(x, rd, x[r1]!, x[r1 + 1]!, x[r2]! & 63);
          break;
        case 34: { // SLT
          const ah = x[r1 + 1]!, bh = x[r2 + 1]!;
          x[rd] = ah < bh || (ah === bh && x[r1]! >>> 0 < x[r2]! >>> 0) ? 1 : 0; x[rd + 1] = 0;
          break;
        }
        case 35: { // SLTU
          const ah = x[r1 + 1]! >>> 0, bh = x[r2 + 1]! >>> 0;
          x[rd] = ah < bh || (ah === bh && x[r1]! >>> 0 < x[r2]! >>> 0) ? 1 : 0; x[rd + 1] = 0;
          break;
        }
        case 36: // XOR
          x[rd] = x[r1]! ^ x[r2]!; x[rd + 1] = x[r1 + 1]! ^ x[r2 + 1]!;
          break;
        case 37: // SRL
          shr(x, rd, x[r1]!, x[r1 + 1]!, x[r2]! & 63, false);
          break;
        case 38: // SRA
          shr(x, rd, x[r1]!, x[r1 + 1]!, x[r2]! & 63, true);
          break;
        case 39: // OR
          x[rd] = x[r1]! | x[r2]!; x[rd + 1] = x[r1 + 1]! | x[r2 + 1]!;
          break;
        case 40: // AND
          x[rd] = x[r1]! & x[r2]!; x[rd + 1] = x[r1 + 1]! & x[r2 + 1]!;
          break;
        case 41: { // ADDIW
          const v = (x[r1]! + imm) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 42: { // SLLIW
          const v = x[r1]! << imm;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 43: { // SRLIW
          const v = (x[r1]! >>> imm) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 44: { // SRAIW
          const v = x[r1]! >> imm;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 45: { // ADDW
          const v = (x[r1]! + x[r2]!) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 46: { // SUBW
          const v = (x[r1]! - x[r2]!) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 47: { // SLLW
          const v = x[r1]! << (x[r2]! & 31);
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 48: { // SRLW
          const v = (x[r1]! >>> (x[r2]! & 31)) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 49: { // SRAW
          const v = x[r1]! >> (x[r2]! & 31);
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 50: // FENCE
          break;
        case 51: // FENCE_I
          base = NO_BASE;
          break;
        case 52: // ECALL
          result = this.trap(Cause.UserEcall, 0, 0);
          break loop;
        case 53: // EBREAK
          result = this.trap(Cause.Breakpoint, pc % TWO32 | 0, Math.floor(pc / TWO32));
          break loop;
        case 54: // MUL
          mul(x[r1]!, x[r1 + 1]!, x[r2]!, x[r2 + 1]!);
          x[rd] = out[0]!; x[rd + 1] = out[1]!;
          break;
        case 55: // MULH
        case 56: // MULHSU
        case 57: { // MULHU
          const op = w & 255;
          mulh(x[r1]!, x[r1 + 1]!, x[r2]!, x[r2 + 1]!, op !== 57, op === 55);
          x[rd] = out[0]!; x[rd + 1] = out[1]!;
          break;
        }
        case 58: // DIV
        case 59: // DIVU
        case 60: // REM
        case 61: { // REMU
          const op = w & 255;
          div(x[r1]!, x[r1 + 1]!, x[r2]!, x[r2 + 1]!, op === 58 || op === 60, op >= 60);
          x[rd] = out[0]!; x[rd + 1] = out[1]!;
          break;
        }
        case 62: { // MULW
          const v = Math.imul(x[r1]!, x[r2]!);
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 63: { // DIVW
          const a = x[r1]!, b = x[r2]!;
          const v = b === 0 ? -1 : a === -0x80000000 && b === -1 ? a : (a / b) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 64: { // DIVUW
          const a = x[r1]! >>> 0, b = x[r2]! >>> 0;
          const v = b === 0 ? -1 : (a / b) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 65: { // REMW
          const a = x[r1]!, b = x[r2]!;
          const v = b === 0 ? a : b === -1 ? 0 : (a % b) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 66: { // REMUW
          const a = x[r1]! >>> 0, b = x[r2]! >>> 0;
          const v = b === 0 ? a | 0 : (a % b) | 0;
          x[rd] = v; x[rd + 1] = v >> 31;
          break;
        }
        case 95: // FLW
        case 96: // FLD
        case 97: // FSW
        case 98: { // FSD
          const al = x[r1]!;
          const lo = (al + imm) | 0;
          const hi = (x[r1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const op = w & 255;
          const f = this.f;
          if (op === 95 || op === 96) {
            if (!this.loadSlow(lo, hi, op === 96 ? 8 : 4, true)) { result = this.cause; break loop; }
            f[2 * rd] = this.vlo; f[2 * rd + 1] = op === 96 ? this.vhi : -1; // NaN-box a single
          } else {
            if (!this.storeSlow(lo, hi, op === 98 ? 8 : 4, f[2 * r2]!, f[2 * r2 + 1]!)) { result = this.cause; break loop; }
            base = NO_BASE;
          }
          break;
        }
        case 255: // ILLEGAL
          result = this.trap(Cause.IllegalInstruction, imm, 0);
          break loop;
        default: {
          // A, Zicsr and the FP operations: out of line.
          this.runCount = n;
          const op = w & 255;
          const c = op < 89 ? this.amo(op, rd, r1, r2) : op < 95 ? this.csr(op, rd, r1, imm) : execFp(this, op, rd, r1, r2, imm);
          if (c !== 0) { result = c === Cause.IllegalInstruction ? this.illegalAt(pc) : c; break loop; }
          if (op < 89) base = NO_BASE; // an AMO or SC may have stored into a code page
        }
      }
      pc = npc;
      n++;
    }
    this.pc = pc;
    this.instret += n;
    this.runCount = 0;
    return result;
  }

  /** An illegal instruction found while executing (a bad CSR or rounding mode): stval = its bits. */
  private illegalAt(pc: number): number {
    const lo = pc % TWO32 | 0;
    const hi = Math.floor(pc / TWO32);
    const p = this.page(Math.floor(pc / 4096), Access.Fetch, lo, hi);
    let bits = 0;
    if (p !== null) {
      const off = pc % 4096;
      bits = p.data.getUint16(off, true);
      if ((bits & 3) === 3 && off < 4094) bits |= p.data.getUint16(off + 2, true) << 16;
    }
    return this.trap(Cause.IllegalInstruction, bits, 0);
  }

  /** LR/SC and the AMOs (A extension); 0 or a trap cause. */
  private amo(op: number, rd: number, r1: number, r2: number): number {
    const x = this.x;
    const dbl = op >= 78;
    const size = dbl ? 8 : 4;
    const kind = dbl ? op - 11 : op; // the .W number
    const lo = x[r1]!;
    const hi = x[r1 + 1]!;
    if ((lo & (size - 1)) !== 0) return this.trap(kind === 67 ? Cause.LoadMisaligned : Cause.StoreMisaligned, lo, hi);
    const addr = hi * TWO32 + (lo >>> 0);
    if (kind === 67) { // LR
      if (!this.loadSlow(lo, hi, size, true)) return this.cause;
      x[rd] = this.vlo; x[rd + 1] = this.vhi;
      this.reserved = true;
      this.reservation = addr;
      return 0;
    }
    if (kind === 68) { // SC
      const ok = this.reserved && this.reservation === addr;
      this.reserved = false;
      if (ok) {
        if (!this.storeSlow(lo, hi, size, x[r2]!, x[r2 + 1]!)) return this.cause;
        x[rd] = 0;
      } else {
        x[rd] = 1;
      }
      x[rd + 1] = 0;
      return 0;
    }
    // AMOs need write permission: take the store translation for the read too.
    if (!this.loadSlow(lo, hi, size, true, Access.Store)) return this.cause;
    const al = this.vlo, ah = this.vhi;
    const bl = x[r2]!, bh = dbl ? x[r2 + 1]! : x[r2]! >> 31;
    let vl = bl, vh = bh;
    switch (kind) {
      case 69: break; // AMOSWAP
      case 70: { // AMOADD
        vl = (al + bl) | 0;
        vh = (ah + bh + ((vl >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        break;
      }
      case 71: vl = al ^ bl; vh = ah ^ bh; break; // AMOXOR
      case 72: vl = al & bl; vh = ah & bh; break; // AMOAND
      case 73: vl = al | bl; vh = ah | bh; break; // AMOOR
      default: {
        const signed = kind === 74 || kind === 75;
        const ahc = signed ? ah : ah >>> 0, bhc = signed ? bh : bh >>> 0;
        const aLess = ahc < bhc || (ahc === bhc && al >>> 0 < bl >>> 0);
        const takeA = kind === 74 || kind === 76 ? aLess : !aLess;
        if (takeA) { vl = al; vh = ah; }
      }
    }
    if (!this.storeSlow(lo, hi, size, vl, vh)) return this.cause;
    x[rd] = al; x[rd + 1] = ah;
    return 0;
  }

  /** Zicsr on the user CSRs; 0 or IllegalInstruction. */
  private csr(op: number, rd: number, r1: number, num: number): number {
    const x = this.x;
    let old: number;
    let oldHi = 0;
    const count = this.instret + this.runCount;
    switch (num) {
      case 0x001: old = this.fflags; break;
      case 0x002: old = this.frm; break;
      case 0x003: old = this.fflags | (this.frm << 5); break;
      case 0xc00: // cycle
      case 0xc01: // time
      case 0xc02: // instret
        old = count % TWO32 | 0;
        oldHi = Math.floor(count / TWO32) | 0;
        break;
      default:
        return Cause.IllegalInstruction;
    }
    const imm = op >= 92;
    const src = imm ? r1 : x[r1]!;
    const srcIsZero = imm ? r1 === 0 : r1 === 0;
    const writes = op === 89 || op === 92 || !srcIsZero;
    if (writes) {
      if (num >= 0xc00) return Cause.IllegalInstruction; // read-only CSRs
      const kind = op >= 92 ? op - 3 : op;
      const v = kind === 89 ? src : kind === 90 ? old | src : old & ~src;
      if (num === 0x001) this.fflags = v & 31;
      else if (num === 0x002) this.frm = v & 7;
      else { this.fflags = v & 31; this.frm = (v >> 5) & 7; }
    }
    x[rd] = old; x[rd + 1] = oldHi;
    return 0;
  }
}

function shl(x: Int32Array, rd: number, al: number, ah: number, sh: number): void {
  if (sh === 0) { x[rd] = al; x[rd + 1] = ah; }
  else if (sh < 32) { x[rd + 1] = (ah << sh) | (al >>> (32 - sh)); x[rd] = al << sh; }
  else { x[rd + 1] = al << (sh - 32); x[rd] = 0; }
}

function shr(x: Int32Array, rd: number, al: number, ah: number, sh: number, arith: boolean): void {
  if (sh === 0) { x[rd] = al; x[rd + 1] = ah; }
  else if (sh < 32) { x[rd] = (al >>> sh) | (ah << (32 - sh)); x[rd + 1] = arith ? ah >> sh : ah >>> sh; }
  else { x[rd] = arith ? ah >> (sh - 32) : ah >>> (sh - 32); x[rd + 1] = arith ? ah >> 31 : 0; }
}
