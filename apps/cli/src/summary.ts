/*
 * Plain-text summaries: a board and the ABI it runs (`tsel4 board`), and the table that ends
 * every `tsel4 run` (from the Machine's statistics; it lives in @tsel4/syscalls).
 */
import { type Board, wordToHex } from '@tsel4/hal';
import { archConstants, methodsOf, OBJECT_TYPES, SYSCALLS } from '@tsel4/libsel4';

const MiB = 1024 * 1024;

export function boardSummary(board: Board): string {
  const a = board.arch;
  const c = archConstants(a);
  const reg = (r: number) => a.registers[r];
  const lines = [
    `board ${board.name}: ${board.spec.description}`,
    `  arch ${a.name}, ${a.wordBits}-bit words, ${board.spec.clockHz / 1e6} MHz clock, timer tick every ${board.spec.tickMs} ms (IRQ ${board.spec.timerIrq})`,
    ...board.ram.map((r) => `  RAM    ${wordToHex(r.base % 2 ** 32, Math.floor(r.base / 2 ** 32)).padEnd(12)} ${(r.size / MiB).toFixed(0)} MiB`),
    ...board.devices.map((d) => `  device ${wordToHex(d.base % 2 ** 32, Math.floor(d.base / 2 ** 32)).padEnd(12)} ${d.name} (${d.size / 1024} KiB)`),
    `syscall convention: number in ${reg(a.syscall.syscallReg)}, cptr/badge in ${reg(a.syscall.capReg)}, info in ${reg(a.syscall.infoReg)}, MR0-${a.syscall.msgRegs.length - 1} in ${a.syscall.msgRegs.map(reg).join(', ')}`,
    `object sizes (bits): slot ${c.seL4_SlotBits}, endpoint ${c.seL4_EndpointBits}, notification ${c.seL4_NotificationBits}, TCB ${c.seL4_TCBBits}, page ${c.seL4_PageBits}, untyped ${c.seL4_MinUntypedBits}..${c.seL4_MaxUntypedBits}, IPC buffer ${c.seL4_IPCBufferSizeBits}`,
    `ABI: ${Object.keys(SYSCALLS).length} syscalls, ${OBJECT_TYPES[a.name].length} object types, ${methodsOf(a.name).length} object invocations (labels 1..${methodsOf(a.name).length})`,
  ];
  return lines.join('\n');
}

/** The table `tsel4 run` ends with (in @tsel4/syscalls, so the playground prints the same one). */
export { runSummary } from '@tsel4/syscalls';
