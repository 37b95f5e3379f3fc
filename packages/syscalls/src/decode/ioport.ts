/*
 * x86 I/O port invocations (seL4: decodeX86PortControlInvocation and decodeX86PortInvocation in
 * src/arch/x86/object/ioport.c): IOPortControl_Issue hands out a range of ports that no other I/O
 * port cap covers; In8/16/32 and Out8/16/32 reach the board's I/O port bus for ports inside the
 * cap's range.
 */
import type { IoPortSize } from '@tsel4/hal';
import { invokeX86PortControl, invokeX86PortIn, invokeX86PortOut, isIOPortRangeFree } from '@tsel4/kernel';
import { ensureEmptySlot, lookupTargetSlot, type OpResult, SyscallError } from '@tsel4/object';
import { x86_64Labels } from '@tsel4/libsel4';
import { halves, readArgs } from '../args.js';
import type { Invocation } from '../invocation.js';
import { depthArg } from '../words.js';

/** seL4's decodeX86PortControlInvocation. */
export function decodeX86PortControlInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  // the labels of the running build (they follow the IOMMU methods: one fewer without CONFIG_IOMMU)
  const X = x86_64Labels(inv.space.config);
  if (inv.label !== X.X86IOPortControlIssue) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 4 || ex0 === null) return SyscallError.truncatedMessage();
  const a = readArgs(inv, 'X86IOPortControlIssue', 64);
  // seL4 keeps ports as uint16_t: the words are cut to 16 bits before any comparison
  const first = Number(a.first_port & 0xffffn);
  const last = Number(a.last_port & 0xffffn);
  if (last < first) return SyscallError.invalidArgument(1);
  if (!isIOPortRangeFree(k, first, last)) return SyscallError.revokeFirst();
  const dest = lookupTargetSlot(ex0.cap, ...halves(a.index), depthArg(a.depth), k.wordBits, k.space.lookup);
  if (dest instanceof SyscallError) return dest;
  const full = ensureEmptySlot(dest);
  if (full !== null) return full;
  inv.restart();
  invokeX86PortControl(k, first, last, dest, inv.slot);
  return null;
}

/** seL4's ensurePortOperationAllowed: the access must lie inside the cap's range. */
function allowed(inv: Invocation, port: number, size: IoPortSize): boolean {
  return port >= inv.cap.firstPort && port + size - 1 <= inv.cap.lastPort;
}

/** seL4's decodeX86PortInvocation. */
export function decodeX86PortInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  const label = inv.label;
  const X = x86_64Labels(inv.space.config);
  const inSize: IoPortSize | 0 = label === X.X86IOPortIn8 ? 1 : label === X.X86IOPortIn16 ? 2 : label === X.X86IOPortIn32 ? 4 : 0;
  const outSize: IoPortSize | 0 = label === X.X86IOPortOut8 ? 1 : label === X.X86IOPortOut16 ? 2 : label === X.X86IOPortOut32 ? 4 : 0;
  if (inSize !== 0) {
    if (inv.length < 1) return SyscallError.truncatedMessage();
    const port = Number(readArgs(inv, 'X86IOPortIn8', 64).port & 0xffffn);
    if (!allowed(inv, port, inSize)) return SyscallError.illegalOperation();
    inv.restart();
    invokeX86PortIn(k, port, inSize, inv.isCall);
    return null;
  }
  if (outSize !== 0) {
    if (inv.length < 2) return SyscallError.truncatedMessage();
    const a = readArgs(inv, 'X86IOPortOut8', 64);
    const port = Number(a.port & 0xffffn);
    // the data is cut to the access size (the low 32 bits of the word at most)
    const data = Number(a.data & 0xffff_ffffn);
    if (!allowed(inv, port, outSize)) return SyscallError.illegalOperation();
    inv.restart();
    invokeX86PortOut(k, port, outSize, data);
    return null;
  }
  return SyscallError.illegalOperation();
}
