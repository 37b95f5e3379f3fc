/*
 * x86 I/O port invocations (seL4: decodeX86PortControlInvocation and decodeX86PortInvocation in
 * src/arch/x86/object/ioport.c): IOPortControl_Issue hands out a range of ports that no other I/O
 * port cap covers; In8/16/32 and Out8/16/32 reach the board's I/O port bus for ports inside the
 * cap's range.
 */
import type { IoPortSize } from '@tsel4/hal';
import { invokeX86PortControl, invokeX86PortIn, invokeX86PortOut, isIOPortRangeFree } from '@tsel4/kernel';
import { ensureEmptySlot, lookupTargetSlot, type OpResult, SyscallError } from '@tsel4/object';
import type { Invocation } from '../invocation.js';

/** seL4's decodeX86PortControlInvocation. */
export function decodeX86PortControlInvocation(inv: Invocation): OpResult {
  const k = inv.k;
  if (inv.label !== inv.L['X86IOPortControlIssue']) return SyscallError.illegalOperation();
  const ex0 = inv.extra(0);
  if (inv.length < 4 || ex0 === null) return SyscallError.truncatedMessage();
  const first = inv.lo(0) & 0xffff;
  const last = inv.lo(1) & 0xffff;
  if (last < first) return SyscallError.invalidArgument(1);
  if (!isIOPortRangeFree(k, first, last)) return SyscallError.revokeFirst();
  const dest = lookupTargetSlot(ex0.cap, inv.lo(2), inv.hi(2), inv.arg(3), k.wordBits, k.space.lookup);
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
  const L = inv.L;
  const label = inv.label;
  const inSize: IoPortSize | 0 = label === L['X86IOPortIn8'] ? 1 : label === L['X86IOPortIn16'] ? 2 : label === L['X86IOPortIn32'] ? 4 : 0;
  const outSize: IoPortSize | 0 = label === L['X86IOPortOut8'] ? 1 : label === L['X86IOPortOut16'] ? 2 : label === L['X86IOPortOut32'] ? 4 : 0;
  if (inSize !== 0) {
    if (inv.length < 1) return SyscallError.truncatedMessage();
    const port = inv.lo(0) & 0xffff;
    if (!allowed(inv, port, inSize)) return SyscallError.illegalOperation();
    inv.restart();
    invokeX86PortIn(k, port, inSize, inv.isCall);
    return null;
  }
  if (outSize !== 0) {
    if (inv.length < 2) return SyscallError.truncatedMessage();
    const port = inv.lo(0) & 0xffff;
    // the data is cut to the access size (the low 32 bits of the word at most)
    const data = inv.lo(1);
    if (!allowed(inv, port, outSize)) return SyscallError.illegalOperation();
    inv.restart();
    invokeX86PortOut(k, port, outSize, data);
    return null;
  }
  return SyscallError.illegalOperation();
}
