/*
 * libsel4's constants (digest 1.1, 1.5, 10): message limits, priorities, the root task's fixed
 * capability slots, and the per-architecture values that follow from the arch description.
 */

import type { Arch } from '@tsel4/hal';

export const seL4_MsgLengthBits = 7;
/** Most message registers a message can carry. */
export const seL4_MsgMaxLength = 120;
export const seL4_MsgExtraCapBits = 2;
/** Most capabilities a message can carry (2^seL4_MsgExtraCapBits - 1). */
export const seL4_MsgMaxExtraCaps = 3;
export const seL4_CapRightsBits = 4;
export const seL4_MinPrio = 0;
export const seL4_MaxPrio = 255;
/** Words of an IPC buffer: tag, msg[120], userData, caps_or_badges[3], receive path (3). */
export const seL4_IPCBufferWords = 128;

// Fixed slots of the root task's CNode (seL4_RootCNodeCapSlots, digest 10).
export const seL4_CapNull = 0;
export const seL4_CapInitThreadTCB = 1;
export const seL4_CapInitThreadCNode = 2;
export const seL4_CapInitThreadVSpace = 3;
export const seL4_CapInitThreadPD = seL4_CapInitThreadVSpace;
export const seL4_CapIRQControl = 4;
export const seL4_CapASIDControl = 5;
export const seL4_CapInitThreadASIDPool = 6;
export const seL4_CapIOPortControl = 7;
export const seL4_CapIOSpace = 8;
export const seL4_CapBootInfoFrame = 9;
export const seL4_CapInitThreadIPCBuffer = 10;
export const seL4_CapDomain = 11;
export const seL4_CapSMMUSIDControl = 12;
export const seL4_CapSMMUCBControl = 13;
export const seL4_CapInitThreadSC = 14;
export const seL4_CapSMC = 15;
export const seL4_NumInitialCaps = 16;

/** seL4_NilData: cap data meaning "no change". */
export const seL4_NilData = 0;

/** Constants that depend on the architecture. */
export interface ArchConstants {
  readonly seL4_WordBits: number;
  readonly seL4_WordSizeBits: number;
  readonly seL4_SlotBits: number;
  readonly seL4_EndpointBits: number;
  readonly seL4_NotificationBits: number;
  readonly seL4_TCBBits: number;
  readonly seL4_PageBits: number;
  readonly seL4_LargePageBits: number;
  readonly seL4_MinUntypedBits: number;
  readonly seL4_MaxUntypedBits: number;
  readonly seL4_IPCBufferSizeBits: number;
  readonly seL4_PageTableBits: number;
  readonly seL4_VSpaceBits: number;
  readonly seL4_ASIDPoolBits: number;
  /** seL4_FastMessageRegisters (n_msgRegisters). */
  readonly seL4_FastMessageRegisters: number;
  /** Width of a badge: 64 on 64-bit, 28 on 32-bit (digest 1.1). */
  readonly seL4_BadgeBits: number;
  /** Width of the MessageInfo label: 52 on 64-bit, 20 on 32-bit. */
  readonly seL4_LabelBits: number;
  /** Words of seL4_UserContext (what ReadRegisters can return at most). */
  readonly seL4_UserContextWords: number;
  readonly seL4_UnknownSyscall_Length: number;
  readonly seL4_UserException_Length: number;
}

/** The arch-dependent constants of `arch`. */
export function archConstants(arch: Arch): ArchConstants {
  const o = arch.objects;
  const w64 = arch.wordBits === 64;
  return {
    seL4_WordBits: arch.wordBits,
    seL4_WordSizeBits: arch.wordSizeBits,
    seL4_SlotBits: o.slotBits,
    seL4_EndpointBits: o.endpointBits,
    seL4_NotificationBits: o.notificationBits,
    seL4_TCBBits: o.tcbBits,
    seL4_PageBits: o.pageBits,
    seL4_LargePageBits: o.largePageBits,
    seL4_MinUntypedBits: o.minUntypedBits,
    seL4_MaxUntypedBits: o.maxUntypedBits,
    seL4_IPCBufferSizeBits: o.ipcBufferSizeBits,
    seL4_PageTableBits: o.pageTableBits,
    seL4_VSpaceBits: o.vspaceBits,
    seL4_ASIDPoolBits: o.asidPoolBits,
    seL4_FastMessageRegisters: arch.syscall.msgRegs.length,
    seL4_BadgeBits: w64 ? 64 : 28,
    seL4_LabelBits: w64 ? 52 : 20,
    seL4_UserContextWords: arch.userContext.length,
    seL4_UnknownSyscall_Length: arch.unknownSyscallMessage.length + 1,
    seL4_UserException_Length: arch.userExceptionMessage.length + 2,
  };
}
