/*
 * What a debug seL4 prints on its console (seL4: faulthandler.c's print_fault and
 * handleDoubleFault, the arch vspace.c files' Arch_userStackTrace, api/debug.h's
 * debug_dumpScheduler, machine/io.c's printf).
 *
 * seL4 16.0.0's kernel printf is musl's: `%p` is the pointer in hex with at least 2 * sizeof(void *)
 * digits, zero-padded, with "0x" before it unless it is zero (so NULL prints as 16 zeros on a
 * 64-bit kernel); `%lx` is plain hex; `%40s` pads on the left. Thread pointers are tcb_t
 * addresses in the kernel window: the board's physical address of the TCB object, plus the
 * arch's PPTR_BASE, plus TCB_OFFSET (half the object; the CNode part comes first).
 *
 * These go through Kernel.print (the debug prints), which the machine hands to whoever shows
 * them; userError's messages go only to the kernel log.
 */

import type { ArchName } from '@tsel4/hal';
import { seL4_Fault_CapFault, seL4_Fault_NullFault, seL4_Fault_UnknownSyscall, seL4_Fault_UserException, seL4_Fault_VMFault } from '@tsel4/libsel4';
import { CapType, type Fault, PageEntry, PagingObject, type Tcb, TCB_VTABLE } from '@tsel4/object';
import type { Kernel } from './kernel.js';
import { regHi, regLo } from './registers.js';
import { indexAt } from './vspace.js';

/** CONFIG_USER_STACK_TRACE_LENGTH's default: words of stack a double fault prints. */
export const USER_STACK_TRACE_LENGTH = 16;

/** The kernel window's base (PPTR_BASE, with PADDR_BASE 0) as halves, per 64-bit arch. */
const PPTR_BASE_HI: Partial<Record<ArchName, number>> = { x86_64: 0xffffff80, aarch64: 0xffffff80, riscv64: 0xffffffc0 };

function hex(v: number): string {
  return (v >>> 0).toString(16);
}

/** C's `%lx` (no leading zeros) of a word given as halves. */
export function printLx(lo: number, hi: number): string {
  return hi === 0 ? hex(lo) : hex(hi) + hex(lo).padStart(8, '0');
}

/** seL4's printf `%p` of a word given as halves, on a kernel with `wordBits`-bit pointers. */
export function printPtr(lo: number, hi: number, wordBits: 32 | 64): string {
  const digits = wordBits / 4;
  const s = wordBits === 64 ? hex(hi).padStart(8, '0') + hex(lo).padStart(8, '0') : hex(lo).padStart(8, '0');
  const padded = s.padStart(digits, '0');
  return lo === 0 && hi === 0 ? padded : '0x' + padded;
}

/** The tcb_t pointer a debug kernel prints for `t` (TCB_PTR of the object, in the kernel window). */
export function tcbPointer(k: Kernel, t: Tcb): [number, number] {
  const p = t.addr + 2 ** (k.arch.objects.tcbBits - 1);
  const lo = p % 4294967296;
  const hi = Math.floor(p / 4294967296) + (PPTR_BASE_HI[k.arch.name] ?? 0);
  return [lo, hi >>> 0];
}

/** seL4's print_fault. */
export function printFault(k: Kernel, f: Fault): string {
  const p = (lo: number, hi: number) => printPtr(lo, hi, k.wordBits);
  switch (f.type) {
    case seL4_Fault_NullFault:
      return 'null fault';
    case seL4_Fault_CapFault:
      return `cap fault in ${f.inReceivePhase ? 'receive' : 'send'} phase at address ${p(f.addrLo, f.addrHi)}`;
    case seL4_Fault_VMFault:
      return `vm fault on ${f.instructionFault ? 'code' : 'data'} at address ${p(f.addrLo, f.addrHi)} with status ${p(f.fsr, 0)}`;
    case seL4_Fault_UnknownSyscall:
      return `unknown syscall ${p(f.syscallNumberLo, f.syscallNumberHi)}`;
    case seL4_Fault_UserException:
      return `user exception ${p(f.number, 0)} code ${p(f.code, 0)}`;
    default:
      return 'unknown fault';
  }
}

/** A word of `t`'s memory at `vaddr` through its VSpace root, or null where nothing is mapped. */
function readUserWord(k: Kernel, root: PagingObject, vaddr: number): [number, number] | null {
  const g = k.vspace;
  if (g === undefined || vaddr < 0 || vaddr > g.userTop) return null;
  let level = 0;
  let e = root.entries[indexAt(vaddr, g.levels[0]!.shift)] ?? null;
  while (e instanceof PagingObject) {
    level++;
    const l = g.levels[level];
    if (l === undefined) return null;
    e = e.entries[indexAt(vaddr, l.shift)] ?? null;
  }
  if (!(e instanceof PageEntry)) return null;
  const paddr = e.paddr + (vaddr % 2 ** e.sizeBits);
  const lo = k.memory.readWordLo(paddr);
  return [lo, k.wordBits === 64 ? k.memory.readWordHi(paddr) : 0];
}

/** seL4's Arch_userStackTrace: the words at the thread's stack pointer, one line each. */
export function userStackTrace(k: Kernel, t: Tcb): string[] {
  const a = k.arch;
  const cap = t.ctes[TCB_VTABLE]!.cap;
  const root = cap.type === CapType.PageTable ? (cap.obj as PagingObject) : null;
  if (root === null || root.kind !== k.vspaceRootKind || (a.name === 'riscv64' && !cap.isMapped)) return ['Invalid vspace'];
  const spLo = regLo(t, a.sp);
  const spHi = regHi(t, a.sp);
  const wordBytes = k.wordBits / 8;
  if (spLo % wordBytes !== 0) {
    if (a.name === 'x86_64') return ['RSP not aligned'];
    if (a.name === 'riscv64') return [`SP ${printPtr(spLo, spHi, k.wordBits)} not aligned`];
    return ['SP not aligned'];
  }
  const lines: string[] = [];
  const sp = spLo + spHi * 4294967296;
  for (let i = 0; i < USER_STACK_TRACE_LENGTH; i++) {
    const addr = sp + i * wordBytes;
    const lo = addr % 4294967296;
    const hi = Math.floor(addr / 4294967296) % 4294967296;
    const w = readUserWord(k, root, addr);
    lines.push(w === null ? `0x${printLx(lo, hi)}: INVALID` : `0x${printLx(lo, hi)}: 0x${printLx(w[0], w[1])}`);
  }
  return lines;
}

/**
 * seL4's handleDoubleFault's message (classic kernel, debug build): `second` happened while
 * handling `first` in `t`.
 */
export function doubleFaultMessage(k: Kernel, t: Tcb, first: Fault, second: Fault): string[] {
  const [plo, phi] = tcbPointer(k, t);
  const pc = k.arch.faultIP;
  return [
    `Caught ${printFault(k, second)}`,
    'while trying to handle:',
    printFault(k, first),
    `in thread ${printPtr(plo, phi, k.wordBits)} "${t.name}" at address ${printPtr(regLo(t, pc), regHi(t, pc), k.wordBits)}`,
    'With stack:',
    ...userStackTrace(k, t),
  ];
}
