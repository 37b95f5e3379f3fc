/*
 * Syscall numbers (digest 2.1), generated in seL4 from libsel4/include/api/syscall.xml. The
 * classic (non-MCS) numbering is what tsel4's kernel implements; the MCS numbering is listed for
 * reference and for tools that read MCS traces.
 */

export const seL4_SysCall = -1;
export const seL4_SysReplyRecv = -2;
export const seL4_SysSend = -3;
export const seL4_SysNBSend = -4;
export const seL4_SysRecv = -5;
export const seL4_SysReply = -6;
export const seL4_SysYield = -7;
export const seL4_SysNBRecv = -8;
export const seL4_SysDebugPutChar = -9;
export const seL4_SysDebugDumpScheduler = -10;
export const seL4_SysDebugHalt = -11;
export const seL4_SysDebugCapIdentify = -12;
export const seL4_SysDebugSnapshot = -13;
export const seL4_SysDebugNameThread = -14;
export const seL4_SysDebugSendIPI = -15;
export const seL4_SysDebugGetThreadAffinity = -16;
export const seL4_SysDebugRun = -17;
export const seL4_SysBenchmarkFlushCaches = -18;
export const seL4_SysBenchmarkResetLog = -19;
export const seL4_SysBenchmarkFinalizeLog = -20;
export const seL4_SysBenchmarkSetLogBuffer = -21;
export const seL4_SysBenchmarkNullSyscall = -22;
export const seL4_SysBenchmarkGetThreadUtilisation = -23;
export const seL4_SysBenchmarkResetThreadUtilisation = -24;
export const seL4_SysBenchmarkDumpAllThreadsUtilisation = -25;
export const seL4_SysBenchmarkResetAllThreadsUtilisation = -26;
export const seL4_SysX86DangerousWRMSR = -27;
export const seL4_SysX86DangerousRDMSR = -28;
export const seL4_SysVMEnter = -29;
export const seL4_SysSetTLSBase = -30;

/** The API block: numbers in [SYSCALL_MIN, SYSCALL_MAX] go to the syscall handler (non-MCS). */
export const SYSCALL_MAX = -1;
export const SYSCALL_MIN = -8;

/** Every classic syscall and debug call, by C name. */
export const SYSCALLS: Readonly<Record<string, number>> = {
  seL4_SysCall,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysYield,
  seL4_SysNBRecv,
  seL4_SysDebugPutChar,
  seL4_SysDebugDumpScheduler,
  seL4_SysDebugHalt,
  seL4_SysDebugCapIdentify,
  seL4_SysDebugSnapshot,
  seL4_SysDebugNameThread,
  seL4_SysDebugSendIPI,
  seL4_SysDebugGetThreadAffinity,
  seL4_SysDebugRun,
  seL4_SysBenchmarkFlushCaches,
  seL4_SysBenchmarkResetLog,
  seL4_SysBenchmarkFinalizeLog,
  seL4_SysBenchmarkSetLogBuffer,
  seL4_SysBenchmarkNullSyscall,
  seL4_SysBenchmarkGetThreadUtilisation,
  seL4_SysBenchmarkResetThreadUtilisation,
  seL4_SysBenchmarkDumpAllThreadsUtilisation,
  seL4_SysBenchmarkResetAllThreadsUtilisation,
  seL4_SysX86DangerousWRMSR,
  seL4_SysX86DangerousRDMSR,
  seL4_SysVMEnter,
  seL4_SysSetTLSBase,
};

/**
 * The MCS configuration's syscall numbering, as libsel4 defines it (issue 2 asks for it listed
 * beside the classic one). Data only: tsel4 runs the classic kernel, whose entry decodes
 * SYSCALLS above; MCS is in the root README's list of what tsel4 does not have.
 */
export const SYSCALLS_MCS: Readonly<Record<string, number>> = {
  seL4_SysCall: -1,
  seL4_SysReplyRecv: -2,
  seL4_SysNBSendRecv: -3,
  seL4_SysNBSendWait: -4,
  seL4_SysSend: -5,
  seL4_SysNBSend: -6,
  seL4_SysRecv: -7,
  seL4_SysNBRecv: -8,
  seL4_SysWait: -9,
  seL4_SysNBWait: -10,
  seL4_SysYield: -11,
  seL4_SysDebugPutChar: -12,
  seL4_SysDebugDumpScheduler: -13,
  seL4_SysDebugHalt: -14,
  seL4_SysDebugCapIdentify: -15,
  seL4_SysDebugSnapshot: -16,
  seL4_SysDebugNameThread: -17,
  seL4_SysDebugSendIPI: -18,
  seL4_SysDebugGetThreadAffinity: -19,
  seL4_SysDebugRun: -20,
  seL4_SysBenchmarkFlushCaches: -21,
  seL4_SysBenchmarkResetLog: -22,
  seL4_SysBenchmarkFinalizeLog: -23,
  seL4_SysBenchmarkSetLogBuffer: -24,
  seL4_SysBenchmarkNullSyscall: -25,
  seL4_SysBenchmarkGetThreadUtilisation: -26,
  seL4_SysBenchmarkResetThreadUtilisation: -27,
  seL4_SysBenchmarkDumpAllThreadsUtilisation: -28,
  seL4_SysBenchmarkResetAllThreadsUtilisation: -29,
  seL4_SysX86DangerousWRMSR: -30,
  seL4_SysX86DangerousRDMSR: -31,
  seL4_SysVMEnter: -32,
  seL4_SysSetTLSBase: -33,
};

/** The C name of a classic syscall number, or undefined. */
export function syscallName(n: number): string | undefined {
  for (const [name, v] of Object.entries(SYSCALLS)) if (v === n) return name;
  return undefined;
}
