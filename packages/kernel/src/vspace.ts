/*
 * The address-space checks the TCB invocations need (seL4: isValidVTableRoot and
 * checkValidIPCBuffer in the arch vspace.c files). Mapping itself is not here yet.
 */

import { type Cap, CapType, type Frame, type PagingObject, SyscallError } from '@tsel4/object';
import type { Kernel } from './kernel.js';

/** seL4's isValidVTableRoot: a VSpace root cap that has an ASID. */
export function isValidVTableRoot(k: Kernel, cap: Cap): boolean {
  return cap.type === CapType.PageTable && cap.isMapped && (cap.obj as PagingObject).kind === k.vspaceRootKind;
}

/** seL4's checkValidIPCBuffer: a non-device frame cap and an address aligned to the buffer size. */
export function checkValidIPCBuffer(k: Kernel, addrLo: number, cap: Cap): SyscallError | null {
  if (cap.type !== CapType.Frame) return SyscallError.illegalOperation();
  if ((cap.obj as Frame).isDevice) return SyscallError.illegalOperation();
  const bits = k.arch.objects.ipcBufferSizeBits;
  if ((addrLo & ((1 << bits) - 1)) !== 0) return SyscallError.alignmentError();
  return null;
}
