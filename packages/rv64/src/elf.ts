/*
 * ELF64 little-endian RISC-V executables: the header, the PT_LOAD segments and the symbol table.
 *
 * A loader (a board's boot code) places each segment's file bytes at its virtual address and
 * zero-fills up to memsz, as seL4's elfloader does. Errors name what is wrong with the file
 * (`ElfError`): not ELF, not 64-bit little-endian, not RISC-V, not an executable, a segment
 * outside the file.
 */

export interface ElfSegment {
  readonly vaddr: number;
  readonly memsz: number;
  readonly filesz: number;
  /** The segment's file bytes (filesz long). */
  readonly data: Uint8Array;
  /** PF_R, PF_W, PF_X as 'r', 'w', 'x'. */
  readonly flags: string;
}

export interface ElfImage {
  readonly entry: number;
  /** e_flags (RISC-V: 1 = RVC, 4 = double-float ABI). */
  readonly flags: number;
  readonly segments: readonly ElfSegment[];
  /** Symbol name to value, from .symtab when present. */
  readonly symbols: ReadonlyMap<string, number>;
  /** The executable sections' [addr, size) ranges, from the section headers. */
  readonly code: readonly { readonly addr: number; readonly size: number }[];
}

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHF_EXECINSTR = 4;

function u64(d: DataView, off: number): number {
  const lo = d.getUint32(off, true);
  const hi = d.getUint32(off + 4, true);
  if (hi >= 0x200000) throw new ElfError(`a 64-bit field at 0x${off.toString(16)} does not fit 53 bits`);
  return hi * 4294967296 + lo;
}

export function parseElf(bytes: Uint8Array): ElfImage {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file');
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new ElfError('not a 64-bit little-endian ELF file');
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = d.getUint16(16, true);
  const machine = d.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`not a RISC-V ELF file (e_machine ${machine})`);
  if (type !== 2) throw new ElfError(`not an executable (e_type ${type})`);
  const entry = u64(d, 24);
  const phoff = u64(d, 32);
  const shoff = u64(d, 40);
  const flags = d.getUint32(48, true);
  const phentsize = d.getUint16(54, true);
  const phnum = d.getUint16(56, true);
  const shentsize = d.getUint16(58, true);
  const shnum = d.getUint16(60, true);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (p + 56 > bytes.length) throw new ElfError('program header outside the file');
    if (d.getUint32(p, true) !== PT_LOAD) continue;
    const pf = d.getUint32(p + 4, true);
    const offset = u64(d, p + 8);
    const vaddr = u64(d, p + 16);
    const filesz = u64(d, p + 32);
    const memsz = u64(d, p + 40);
    if (offset + filesz > bytes.length) throw new ElfError(`segment at 0x${vaddr.toString(16)} extends past the end of the file`);
    if (filesz > memsz) throw new ElfError(`segment at 0x${vaddr.toString(16)} has filesz > memsz`);
    const fl = (pf & 4 ? 'r' : '') + (pf & 2 ? 'w' : '') + (pf & 1 ? 'x' : '');
    segments.push({ vaddr, memsz, filesz, data: bytes.subarray(offset, offset + filesz), flags: fl });
  }
  if (segments.length === 0) throw new ElfError('no PT_LOAD segment');
  const symbols = new Map<string, number>();
  const code: { addr: number; size: number }[] = [];
  if (shoff !== 0 && shoff + shnum * shentsize <= bytes.length) {
    const sh = (i: number) => shoff + i * shentsize;
    for (let i = 0; i < shnum; i++) {
      const s = sh(i);
      const shType = d.getUint32(s + 4, true);
      const shFlags = u64(d, s + 8);
      if ((shFlags & SHF_EXECINSTR) !== 0 && shType === 1) code.push({ addr: u64(d, s + 16), size: u64(d, s + 32) });
      if (shType !== SHT_SYMTAB) continue;
      const off = u64(d, s + 24);
      const size = u64(d, s + 32);
      const link = d.getUint32(s + 40, true);
      const strOff = u64(d, sh(link) + 24);
      for (let e = off; e + 24 <= off + size; e += 24) {
        const nameOff = d.getUint32(e, true);
        if (nameOff === 0) continue;
        let end = strOff + nameOff;
        while (end < bytes.length && bytes[end] !== 0) end++;
        const name = String.fromCharCode(...bytes.subarray(strOff + nameOff, end)); // symbol names are ASCII
        symbols.set(name, u64(d, e + 8));
      }
    }
  }
  return { entry, flags, segments, symbols, code };
}
