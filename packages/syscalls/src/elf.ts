/*
 * Booting an ELF root task built for seL4 on riscv64 (seL4's build system, sel4runtime, musl), as
 * seL4's elfloader and boot do it: the ELF's whole range [lowest PT_LOAD vaddr, highest end),
 * page-rounded, becomes the root task's image, mapped page by page at its link addresses in the
 * root VSpace (bootinfo's userImageFrames and userImagePaging), with each segment's file bytes
 * copied in and the rest zero; the IPC buffer frame right after the image, the bootinfo frame
 * after that, a0 = the bootinfo address, pc = the ELF entry. The root task and every thread it
 * starts run on the RISC-V CPU (rv64thread.ts).
 *
 * With the default 3 GiB the board boots as seL4 does on QEMU virt with the RAM its reference
 * kernel was built for (hal's BoardSpec.sel4Boot, kernel bootmem.ts): seL4's untyped list, the root
 * server objects at the top of RAM, and extra bootinfo (an FDT header, id 6, and a device tree)
 * after the bootinfo frame. Another RAM size uses the board's own map and no extra bootinfo.
 */
import { parseElf } from '@tsel4/rv64';
import { Access, newTranslation, translateUser } from '@tsel4/kernel';
import { Machine, type MachineOptions } from './machine.js';
import { Rv64Code } from './rv64thread.js';

const PAGE = 4096;
/** The RAM seL4's reference runs on QEMU virt had. */
export const ELF_DEFAULT_RAM_BYTES = 3072 * 1024 * 1024;

export class ElfBootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfBootError';
  }
}

/** A machine whose root task is the RISC-V ELF `bytes`. */
export function elfMachine(bytes: Uint8Array, opts: MachineOptions = {}): { machine: Machine; code: Rv64Code } {
  const elf = parseElf(bytes);
  const board = opts.board ?? 'qemu-riscv-virt';
  if (board !== 'qemu-riscv-virt') throw new ElfBootError(`a RISC-V ELF runs on the qemu-riscv-virt board, not '${board}'`);
  const lo = Math.min(...elf.segments.map((s) => s.vaddr));
  const hi = Math.max(...elf.segments.map((s) => s.vaddr + s.memsz));
  const vaddr = Math.floor(lo / PAGE) * PAGE;
  const pages = Math.ceil(hi / PAGE) - vaddr / PAGE;
  const code = new Rv64Code();
  const machine = new Machine(elf.entry, {
    ...opts,
    board,
    ramBytes: opts.ramBytes ?? ELF_DEFAULT_RAM_BYTES,
    foreignCode: [...(opts.foreignCode ?? []), code],
    rootImage: { vaddr, pages },
  });
  code.attach(machine);
  // Copy each segment's file bytes into the image frames (already zeroed by boot).
  const t = newTranslation();
  const root = machine.boot.rootTcb;
  for (const seg of elf.segments) {
    for (let off = 0; off < seg.filesz; ) {
      const va = seg.vaddr + off;
      const n = Math.min(PAGE - (va % PAGE), seg.filesz - off);
      if (translateUser(machine.k, root, va, Access.Read, t) !== null) throw new ElfBootError(`0x${va.toString(16)} is not in the root task's image`);
      machine.board.memory.writeBytes(t.paddr, seg.data.subarray(off, off + n));
      off += n;
    }
  }
  return { machine, code };
}
