/*
 * Fault messages (digest 8.2, 8.3): the label of each fault type and the layout of the message a
 * fault handler receives. Register-carrying layouts (UnknownSyscall, UserException) depend on the
 * arch and are derived from its description.
 */

import type { Arch } from '@tsel4/hal';

// seL4_FaultType, classic kernel.
export const seL4_Fault_NullFault = 0;
export const seL4_Fault_CapFault = 1;
export const seL4_Fault_UnknownSyscall = 2;
export const seL4_Fault_UserException = 3;
/** Only with the hardware debug API, which tsel4 does not have. */
export const seL4_Fault_DebugException = 4;
export const seL4_Fault_VMFault = 5;

// seL4_CapFault_Msg
export const seL4_CapFault_IP = 0;
export const seL4_CapFault_Addr = 1;
export const seL4_CapFault_InRecvPhase = 2;
export const seL4_CapFault_LookupFailureType = 3;
export const seL4_CapFault_BitsLeft = 4;
export const seL4_CapFault_DepthMismatch_BitsFound = 5;
export const seL4_CapFault_GuardMismatch_GuardFound = seL4_CapFault_DepthMismatch_BitsFound;
export const seL4_CapFault_GuardMismatch_BitsFound = 6;

// seL4_VMFault_Msg
export const seL4_VMFault_IP = 0;
export const seL4_VMFault_Addr = 1;
export const seL4_VMFault_PrefetchFault = 2;
export const seL4_VMFault_FSR = 3;
export const seL4_VMFault_Length = 4;

/** Layout of the arch-dependent fault messages. */
export interface FaultLayout {
  /** UnknownSyscall: word index of FaultIP, SP and the syscall number, and the length. */
  readonly unknownSyscall: {
    readonly faultIP: number;
    readonly sp: number;
    readonly syscall: number;
    readonly length: number;
    /** Register written by each word (the syscall word last, not a register). */
    readonly registers: readonly number[];
  };
  /** UserException: FaultIP, SP, (FLAGS), Number, Code and the length. */
  readonly userException: {
    readonly faultIP: number;
    readonly sp: number;
    readonly number: number;
    readonly code: number;
    readonly length: number;
    readonly registers: readonly number[];
  };
}

/** The fault-message layouts of `arch`. */
export function faultLayout(arch: Arch): FaultLayout {
  const us = arch.unknownSyscallMessage;
  const ue = arch.userExceptionMessage;
  return {
    unknownSyscall: {
      faultIP: us.indexOf(arch.faultIP),
      sp: us.indexOf(arch.sp),
      syscall: us.length,
      length: us.length + 1,
      registers: us,
    },
    userException: {
      faultIP: ue.indexOf(arch.faultIP),
      sp: ue.indexOf(arch.sp),
      number: ue.length,
      code: ue.length + 1,
      length: ue.length + 2,
      registers: ue,
    },
  };
}

/** The C name of a fault label ("seL4_Fault_CapFault"), or undefined. */
export function faultName(label: number): string | undefined {
  return [
    'seL4_Fault_NullFault',
    'seL4_Fault_CapFault',
    'seL4_Fault_UnknownSyscall',
    'seL4_Fault_UserException',
    'seL4_Fault_DebugException',
    'seL4_Fault_VMFault',
  ][label];
}
