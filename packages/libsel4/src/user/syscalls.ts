/*
 * The libsel4 user API: syscalls, message registers, message info, caps, bootinfo.
 *
 * Each function mirrors its C libsel4 namesake (classic kernel, x86_64/aarch64/riscv64 stubs):
 * the same arguments in the same order, the same registers loaded, MR0-3 passed in registers and
 * copied back to the IPC buffer as C does. Differences from C:
 *
 * - Syscalls are generators: call them with `yield*` (`const info = yield* seL4_Call(ep, tag)`).
 * - Out parameters (C's `seL4_Word *sender`) are objects with a `value` field (WordOut).
 * - A word (seL4_Word, seL4_CPtr) is a number or a bigint on input; read back as a number it is
 *   exact (negative for words near 2^64, a RangeError for others); `_big` forms return bigints.
 * - seL4_MessageInfo_t is opaque: a number or a bigint; use the accessors, never arithmetic.
 */

import { wordHi, wordLo, wordToBigInt, wordToNumber, type WordInput } from '@tsel4/hal';
import type { seL4_BootInfo } from '../bootinfo.js';
import { cnodeCapDataWord } from '../cnodecapdata.js';
import { IPCBUF_CAPS_OR_BADGES, IPCBUF_RECEIVE_CNODE, IPCBUF_RECEIVE_DEPTH, IPCBUF_RECEIVE_INDEX, IPCBUF_USER_DATA } from '../ipcbuffer.js';
import { msgInfoCapsUnwrapped, msgInfoExtraCaps, msgInfoLabel, msgInfoLength, msgInfoLo, maskLabel } from '../messageinfo.js';
import {
  seL4_SysCall,
  seL4_SysDebugCapIdentify,
  seL4_SysDebugHalt,
  seL4_SysDebugNameThread,
  seL4_SysDebugPutChar,
  seL4_SysDebugSnapshot,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysYield,
  seL4_SysDebugDumpScheduler,
} from '../syscalls.js';
import { currentThread, currentThreadOrNull, Finish, type Syscall, type SyscallTrap, type ThreadFunction, type UserThread, type WordOut } from './runtime.js';

/** A machine word as input: an integer number (negative means two's complement) or a bigint. */
export type seL4_Word = WordInput;
/** A capability pointer. */
export type seL4_CPtr = WordInput;

declare const infoBrand: unique symbol;
/** seL4_MessageInfo_t: opaque; a number when the word fits one, else a bigint. */
export type seL4_MessageInfo_t = (number | bigint) & { readonly [infoBrand]: true };

// --------------------------------------------------------------------------------------------
// Registers and buffer helpers

function setWordReg(t: UserThread, r: number, v: WordInput): void {
  setWordAt(t, 2 * r, v);
}

/** Set the register whose low half is at index i of the register array. */
function setWordAt(t: UserThread, i: number, v: WordInput): void {
  const regs = t.ctx.regs;
  if (typeof v === 'number' && v >>> 0 === v) {
    regs[i] = v;
    regs[i + 1] = 0;
  } else {
    regs[i] = wordLo(v);
    regs[i + 1] = t.stride === 2 ? wordHi(v) : 0;
  }
}

function infoLoHi(info: seL4_MessageInfo_t): [number, number] | number {
  if (typeof info === 'number' && info >>> 0 === info) return info;
  return [wordLo(info), wordHi(info)];
}

function setInfoReg(t: UserThread, info: seL4_MessageInfo_t): void {
  const regs = t.ctx.regs;
  const r = t.infoIdx;
  if (typeof info === 'number' && info >>> 0 === info) {
    regs[r] = info;
    regs[r + 1] = 0;
  } else {
    regs[r] = wordLo(info);
    regs[r + 1] = t.stride === 2 ? wordHi(info) : 0;
  }
}

function arm<R>(t: UserThread, sysno: number, kind: Finish, badgeOut: WordOut | null = null): Syscall<R> {
  const regs = t.ctx.regs;
  const r = t.sysIdx;
  regs[r] = sysno >>> 0;
  regs[r + 1] = t.stride === 2 && sysno < 0 ? 0xffffffff : 0;
  const trap = t.trap;
  trap.kind = kind;
  trap.badgeOut = badgeOut;
  return trap as SyscallTrap as Syscall<never> as Syscall<R>;
}

function bufIndex(t: UserThread, word: number): number {
  return t.ipcBase + word * t.stride;
}

function readBufWord(t: UserThread, word: number): number {
  const j = bufIndex(t, word);
  return t.stride === 2 ? wordToNumber(t.ipcPage[j]!, t.ipcPage[j + 1]!) : t.ipcPage[j]!;
}

function readBufWordBig(t: UserThread, word: number): bigint {
  const j = bufIndex(t, word);
  return wordToBigInt(t.ipcPage[j]!, t.stride === 2 ? t.ipcPage[j + 1]! : 0);
}

function writeBufWord(t: UserThread, word: number, v: WordInput): void {
  const j = bufIndex(t, word);
  if (typeof v === 'number' && v >>> 0 === v) {
    t.ipcPage[j] = v;
    if (t.stride === 2) t.ipcPage[j + 1] = 0;
  } else {
    t.ipcPage[j] = wordLo(v);
    if (t.stride === 2) t.ipcPage[j + 1] = wordHi(v);
  }
}

function checkMR(i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= 120) throw new RangeError(`message register ${i} does not exist (0..119)`);
}

// --------------------------------------------------------------------------------------------
// Message registers and the IPC buffer

/** seL4_GetMR: message register i (0..119) from the IPC buffer, as an exact number. */
export function seL4_GetMR(i: number): number {
  checkMR(i);
  return readBufWord(currentThread(), i + 1);
}

/** seL4_GetMR as a bigint (always exact). */
export function seL4_GetMR_big(i: number): bigint {
  checkMR(i);
  return readBufWordBig(currentThread(), i + 1);
}

/** seL4_SetMR: message register i := v (number or bigint, taken modulo 2^wordBits). */
export function seL4_SetMR(i: number, v: seL4_Word): void {
  checkMR(i);
  writeBufWord(currentThread(), i + 1, v);
}

/** seL4_GetUserData / seL4_SetUserData: the buffer's userData word (the kernel ignores it). */
export function seL4_GetUserData(): number {
  return readBufWord(currentThread(), IPCBUF_USER_DATA);
}
/** seL4_SetUserData: the IPC buffer's userData word (the kernel never reads it). */
export function seL4_SetUserData(v: seL4_Word): void {
  writeBufWord(currentThread(), IPCBUF_USER_DATA, v);
}

/** seL4_GetBadge: caps_or_badges[i] after a receive (the badge of an unwrapped cap). */
export function seL4_GetBadge(i: number): number {
  return readBufWord(currentThread(), IPCBUF_CAPS_OR_BADGES + i);
}
/** seL4_GetBadge as a bigint: the badge of unwrapped extra cap i (IPC buffer caps_or_badges[i]). */
export function seL4_GetBadge_big(i: number): bigint {
  return readBufWordBig(currentThread(), IPCBUF_CAPS_OR_BADGES + i);
}

/** seL4_GetCap / seL4_SetCap: caps_or_badges[i] before a send (a cptr to transfer). */
export function seL4_GetCap(i: number): number {
  return readBufWord(currentThread(), IPCBUF_CAPS_OR_BADGES + i);
}
/** seL4_SetCap: the cptr of extra cap i (0..2) to send (IPC buffer caps_or_badges[i]). */
export function seL4_SetCap(i: number, cptr: seL4_CPtr): void {
  if (!Number.isInteger(i) || i < 0 || i > 2) throw new RangeError(`extra cap ${i} does not exist (0..2)`);
  writeBufWord(currentThread(), IPCBUF_CAPS_OR_BADGES + i, cptr);
}

/** seL4_GetCapReceivePath: [receiveCNode, receiveIndex, receiveDepth]. */
export function seL4_GetCapReceivePath(): [number, number, number] {
  const t = currentThread();
  return [readBufWord(t, IPCBUF_RECEIVE_CNODE), readBufWord(t, IPCBUF_RECEIVE_INDEX), readBufWord(t, IPCBUF_RECEIVE_DEPTH)];
}

/** seL4_SetCapReceivePath: where a received cap goes. */
export function seL4_SetCapReceivePath(receiveCNode: seL4_CPtr, receiveIndex: seL4_CPtr, receiveDepth: seL4_Word): void {
  const t = currentThread();
  writeBufWord(t, IPCBUF_RECEIVE_CNODE, receiveCNode);
  writeBufWord(t, IPCBUF_RECEIVE_INDEX, receiveIndex);
  writeBufWord(t, IPCBUF_RECEIVE_DEPTH, receiveDepth);
}

/** A view of the running thread's IPC buffer (C's seL4_GetIPCBuffer()): word-level access. */
export interface seL4_IPCBuffer {
  /** Word i of the buffer (0 = tag, 1..120 = msg, 121 userData, 122..124 caps_or_badges, ...). */
  get(i: number): number;
  getBig(i: number): bigint;
  set(i: number, v: seL4_Word): void;
}

/** seL4_GetIPCBuffer: the running thread's buffer. */
export function seL4_GetIPCBuffer(): seL4_IPCBuffer {
  const t = currentThread();
  return {
    get: (i) => readBufWord(t, i),
    getBig: (i) => readBufWordBig(t, i),
    set: (i, v) => writeBufWord(t, i, v),
  };
}

// --------------------------------------------------------------------------------------------
// Message info (libsel4's seL4_MessageInfo_* bitfield functions)

function wordBitsNow(): 32 | 64 {
  return currentThreadOrNull()?.ctx.arch.wordBits ?? 64;
}

function makeInfo(label: number, capsUnwrapped: number, extraCaps: number, length: number): seL4_MessageInfo_t {
  const wb = wordBitsNow();
  const lo = msgInfoLo(label, capsUnwrapped, extraCaps, length);
  const hi = wb === 64 ? Math.floor(label / 0x100000) : 0;
  return (hi <= 0x1fffff ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo)) as seL4_MessageInfo_t;
}

/** seL4_MessageInfo_new(label, capsUnwrapped, extraCaps, length); fields are masked as in C. */
export function seL4_MessageInfo_new(label: number | bigint, capsUnwrapped: number, extraCaps: number, length: number): seL4_MessageInfo_t {
  return makeInfo(maskLabel(wordBitsNow(), label), capsUnwrapped, extraCaps, length);
}

/** libsel4's seL4_CNode_CapData_t: one word, read as `.words[0]` as in C. */
export interface seL4_CNode_CapData_t {
  readonly words: readonly [seL4_Word];
}

/**
 * seL4_CNode_CapData_new(guard, guardSize): the data word for Mint/Mutate/Rotate/SetSpace/Configure
 * on a CNode cap, laid out for the running thread's word size (64 bits outside a thread). As in C,
 * pass `.words[0]`. The word is a number when exact, else a bigint.
 */
export function seL4_CNode_CapData_new(guard: seL4_Word, guardSize: number): seL4_CNode_CapData_t {
  const w = cnodeCapDataWord(wordBitsNow(), typeof guard === 'bigint' ? guard : BigInt(guard), guardSize);
  return { words: [w <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w) : w] };
}

function fields(info: seL4_MessageInfo_t): [lo: number, hi: number] {
  const v = infoLoHi(info);
  return typeof v === 'number' ? [v, 0] : v;
}

/** The label (52 bits on 64-bit arches; a number, exact below 2^53). */
export function seL4_MessageInfo_get_label(info: seL4_MessageInfo_t): number {
  const [lo, hi] = fields(info);
  return msgInfoLabel(lo, hi);
}
/** The number of message registers (0..127 as encoded; the kernel clamps to 120). */
export function seL4_MessageInfo_get_length(info: seL4_MessageInfo_t): number {
  return msgInfoLength(fields(info)[0]);
}
/** The number of extra caps (0..3). */
export function seL4_MessageInfo_get_extraCaps(info: seL4_MessageInfo_t): number {
  return msgInfoExtraCaps(fields(info)[0]);
}
/** Bit i set: extra cap i was unwrapped (its badge is in seL4_GetBadge(i)). */
export function seL4_MessageInfo_get_capsUnwrapped(info: seL4_MessageInfo_t): number {
  return msgInfoCapsUnwrapped(fields(info)[0]);
}
/** A copy of `info` with a new label (C's setter returns the new value too). */
export function seL4_MessageInfo_set_label(info: seL4_MessageInfo_t, label: number | bigint): seL4_MessageInfo_t {
  const [lo] = fields(info);
  return makeInfo(maskLabel(wordBitsNow(), label), msgInfoCapsUnwrapped(lo), msgInfoExtraCaps(lo), msgInfoLength(lo));
}
/** A copy of `info` with a new length. */
export function seL4_MessageInfo_set_length(info: seL4_MessageInfo_t, length: number): seL4_MessageInfo_t {
  const [lo, hi] = fields(info);
  return makeInfo(msgInfoLabel(lo, hi), msgInfoCapsUnwrapped(lo), msgInfoExtraCaps(lo), length);
}
/** A copy of `info` with a new extraCaps count. */
export function seL4_MessageInfo_set_extraCaps(info: seL4_MessageInfo_t, extraCaps: number): seL4_MessageInfo_t {
  const [lo, hi] = fields(info);
  return makeInfo(msgInfoLabel(lo, hi), msgInfoCapsUnwrapped(lo), extraCaps, msgInfoLength(lo));
}
/** A copy of `info` with new capsUnwrapped bits. */
export function seL4_MessageInfo_set_capsUnwrapped(info: seL4_MessageInfo_t, capsUnwrapped: number): seL4_MessageInfo_t {
  const [lo, hi] = fields(info);
  return makeInfo(msgInfoLabel(lo, hi), capsUnwrapped, msgInfoExtraCaps(lo), msgInfoLength(lo));
}

// --------------------------------------------------------------------------------------------
// Syscalls

/** seL4_Send: send through `dest` (blocks until a receiver takes it, for an endpoint). */
export function seL4_Send(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): Syscall<void> {
  const t = currentThread();
  setWordAt(t, t.capIdx, dest);
  setInfoReg(t, msgInfo);
  t.copyMRBufferToRegs();
  return arm(t, seL4_SysSend, Finish.None);
}

/** seL4_NBSend: send without blocking (dropped if nobody is waiting). */
export function seL4_NBSend(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): Syscall<void> {
  const t = currentThread();
  setWordAt(t, t.capIdx, dest);
  setInfoReg(t, msgInfo);
  t.copyMRBufferToRegs();
  return arm(t, seL4_SysNBSend, Finish.None);
}

/** seL4_Call: send and wait for the reply; returns the reply's message info. */
export function seL4_Call(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): Syscall<seL4_MessageInfo_t> {
  const t = currentThread();
  setWordAt(t, t.capIdx, dest);
  setInfoReg(t, msgInfo);
  t.copyMRBufferToRegs();
  return arm(t, seL4_SysCall, Finish.Info);
}

/** seL4_Recv: wait for a message on `src`; the sender's badge goes to `sender.value`. */
export function seL4_Recv(src: seL4_CPtr, sender: WordOut | null = null): Syscall<seL4_MessageInfo_t> {
  const t = currentThread();
  setWordAt(t, t.capIdx, src);
  return arm(t, seL4_SysRecv, Finish.InfoBadge, sender);
}

/** seL4_NBRecv: like seL4_Recv but returns at once (badge 0) when nothing is there. */
export function seL4_NBRecv(src: seL4_CPtr, sender: WordOut | null = null): Syscall<seL4_MessageInfo_t> {
  const t = currentThread();
  setWordAt(t, t.capIdx, src);
  return arm(t, seL4_SysNBRecv, Finish.InfoBadge, sender);
}

/** seL4_Reply: answer the last caller (does nothing if there is none). */
export function seL4_Reply(msgInfo: seL4_MessageInfo_t): Syscall<void> {
  const t = currentThread();
  setInfoReg(t, msgInfo);
  t.copyMRBufferToRegs();
  return arm(t, seL4_SysReply, Finish.None);
}

/** seL4_ReplyRecv: reply to the last caller, then wait on `src`. */
export function seL4_ReplyRecv(src: seL4_CPtr, msgInfo: seL4_MessageInfo_t, sender: WordOut | null = null): Syscall<seL4_MessageInfo_t> {
  const t = currentThread();
  setWordAt(t, t.capIdx, src);
  setInfoReg(t, msgInfo);
  t.copyMRBufferToRegs();
  return arm(t, seL4_SysReplyRecv, Finish.InfoBadge, sender);
}

/** seL4_Yield: let equal-priority threads run. */
export function seL4_Yield(): Syscall<void> {
  return arm(currentThread(), seL4_SysYield, Finish.None);
}

/** seL4_Signal: signal a notification (seL4_Send with an empty message, no MRs). */
export function seL4_Signal(dest: seL4_CPtr): Syscall<void> {
  const t = currentThread();
  setWordAt(t, t.capIdx, dest);
  setInfoReg(t, 0 as seL4_MessageInfo_t);
  return arm(t, seL4_SysSend, Finish.None);
}

/** seL4_Wait (classic: seL4_Recv): wait on a notification; the badge goes to `sender.value`. */
export function seL4_Wait(src: seL4_CPtr, sender: WordOut | null = null): Syscall<void> {
  return seL4_Recv(src, sender) as Iterable<never> as Syscall<void>;
}

/** seL4_Poll (classic: seL4_NBRecv). */
export function seL4_Poll(src: seL4_CPtr, sender: WordOut | null = null): Syscall<seL4_MessageInfo_t> {
  return seL4_NBRecv(src, sender);
}

/**
 * A syscall instruction with `sysno` in the syscall register and every other register as it is
 * (tsel4's stand-in for inline assembly; C programs would write `syscall` themselves). A number
 * seL4 does not know becomes the UnknownSyscall fault, as on the real kernel.
 */
export function tsel4_rawSyscall(sysno: number): Syscall<void> {
  if (!Number.isInteger(sysno) || sysno < -0x80000000 || sysno > 0x7fffffff) throw new RangeError(`syscall number ${sysno} is not a 32-bit integer`);
  return arm(currentThread(), sysno, Finish.None);
}

/** seL4_DebugPutChar: one character on the kernel's debug console. */
export function seL4_DebugPutChar(c: number | string): Syscall<void> {
  const t = currentThread();
  const code = typeof c === 'string' ? c.charCodeAt(0) : c;
  setWordAt(t, t.capIdx, code & 0xff);
  return arm(t, seL4_SysDebugPutChar, Finish.None);
}

/** seL4_DebugHalt: stop the machine. */
export function seL4_DebugHalt(): Syscall<void> {
  return arm(currentThread(), seL4_SysDebugHalt, Finish.None);
}

/** seL4_DebugDumpScheduler: print the scheduler's state on the kernel console. */
export function seL4_DebugDumpScheduler(): Syscall<void> {
  return arm(currentThread(), seL4_SysDebugDumpScheduler, Finish.None);
}

/** seL4_DebugSnapshot: print a summary of the kernel's state on the kernel log. */
export function seL4_DebugSnapshot(): Syscall<void> {
  return arm(currentThread(), seL4_SysDebugSnapshot, Finish.None);
}

/** seL4_DebugCapIdentify: the kernel's type tag of the cap at `cap` (0 for an empty slot). */
export function seL4_DebugCapIdentify(cap: seL4_CPtr): Syscall<number> {
  const t = currentThread();
  setWordAt(t, t.capIdx, cap);
  return arm(t, seL4_SysDebugCapIdentify, Finish.CapReg);
}

/** seL4_DebugNameThread: name the thread `tcb` (the name travels in the IPC buffer). */
export function seL4_DebugNameThread(tcb: seL4_CPtr, name: string): Syscall<void> {
  const t = currentThread();
  // latin1: one byte per character, the low 8 bits of its code (no Node Buffer: this runs in browsers)
  const text = name.slice(0, 120 * t.stride * 4 - 1);
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  // the name is written from msg[0] as a NUL-terminated string
  const page8 = new Uint8Array(t.ipcPage.buffer, t.ipcPage.byteOffset + (t.ipcBase + t.stride) * 4, 120 * t.stride * 4);
  page8.fill(0, 0, bytes.length + 1);
  page8.set(bytes);
  setWordAt(t, t.capIdx, tcb);
  return arm(t, seL4_SysDebugNameThread, Finish.None);
}

// --------------------------------------------------------------------------------------------
// Raw invocation (what the generated stubs use)

/**
 * Perform a kernel-object invocation the way the generated stubs do (seL4_CallWithMRs): MR0-3
 * in registers (not the buffer), the rest in the buffer, caps in caps_or_badges. Returns the reply
 * label (an seL4_Error); on error MR0-3 are copied back so seL4_GetMR reads the error's words.
 */
export function invoke(service: seL4_CPtr, label: number, caps: readonly seL4_CPtr[], words: readonly seL4_Word[]): Syscall<number> {
  const t = currentThread();
  const a = t.ctx.arch;
  for (let i = 0; i < caps.length; i++) writeBufWord(t, IPCBUF_CAPS_OR_BADGES + i, caps[i]!);
  const msgRegs = a.syscall.msgRegs;
  for (let i = 0; i < msgRegs.length; i++) setWordReg(t, msgRegs[i]!, i < words.length ? words[i]! : 0);
  for (let i = msgRegs.length; i < words.length; i++) writeBufWord(t, i + 1, words[i]!);
  setWordReg(t, a.syscall.capReg, service);
  setInfoReg(t, makeInfo(label, 0, caps.length, words.length));
  return arm(t, seL4_SysCall, Finish.Invocation);
}

/** Reply word i of the last invocation (register or buffer), as an exact number. */
export function invocationResult(i: number): number {
  const t = currentThread();
  const msgRegs = t.ctx.arch.syscall.msgRegs;
  if (i < msgRegs.length) {
    const r = 2 * msgRegs[i]!;
    return wordToNumber(t.ctx.regs[r]!, t.ctx.regs[r + 1]!);
  }
  return readBufWord(t, i + 1);
}

/** Reply word i of the last invocation as a bigint. */
export function invocationResultBig(i: number): bigint {
  const t = currentThread();
  const msgRegs = t.ctx.arch.syscall.msgRegs;
  if (i < msgRegs.length) {
    const r = 2 * msgRegs[i]!;
    return wordToBigInt(t.ctx.regs[r]!, t.ctx.regs[r + 1]!);
  }
  return readBufWordBig(t, i + 1);
}

// --------------------------------------------------------------------------------------------
// Boot info and threads

/** seL4_GetBootInfo: the root task's boot information. */
export function seL4_GetBootInfo(): seL4_BootInfo {
  const bi = currentThread().env.bootInfo();
  if (bi === null) throw new Error('seL4_GetBootInfo: no boot information on this machine');
  return bi;
}

/**
 * The address of a thread function in the running machine's code space: what a program writes
 * into a new thread's PC (TCB_WriteRegisters) to start it there. (C: a function pointer.)
 */
export function tsel4_functionAddress(fn: ThreadFunction): number {
  return currentThread().env.code.addressOf(fn);
}
