/*
 * A process of the personality: its TCB, its notification (the one object it ever blocks on,
 * bound to its TCB) and the badged caps that wake it, its descriptor table and its signal
 * dispositions. The descriptor table and the handlers are the process's private memory (libc's
 * state); everything other processes see is in the area (layout.ts).
 */
import * as L from '@tsel4/libsel4';
import { EBADF, EMFILE, SIGCHLD, SIGCONT, SIGURG, SIGWINCH } from './errno.js';
import { MAX_PROCS, PROC_ENTRY, PROC_TABLE, SIG_ENTRY, SIG_TABLE } from './layout.js';
import { futexWakeAddr } from './futex.js';
import type { Code, PosixSystem } from './system.js';

/** What a process runs: its return value is its exit status. */
export type ProcCode = (p: Proc) => Generator<L.TrapToken, number | void, unknown>;

/** An open file description (a pipe end, a message queue, a shared-memory object). */
export interface FileDescription {
  readonly kind: 'pipe' | 'mq' | 'shm';
  /** O_ACCMODE bits and O_NONBLOCK. */
  flags: number;
  /** A second reference to the same object for another process (fork's inheritance). */
  dup(p: Proc): Code<FileDescription>;
  /** Drop this reference. */
  close(p: Proc): Code;
}

/** siginfo_t's fields this library fills. */
export interface SigInfo {
  readonly signo: number;
  /** The sender's pid. */
  readonly pid: number;
  /** SI_USER (kill) or SI_QUEUE (sigqueue). */
  readonly code: number;
  /** sigqueue's value (0 for kill). */
  readonly value: number;
}

/** A signal handler: a generator, since it may make calls. */
export type SigHandler = (sig: number, info: SigInfo, p: Proc) => Generator<L.TrapToken, void, unknown>;

export interface SigAction {
  readonly handler: SigHandler | 'SIG_DFL' | 'SIG_IGN';
  /** Signals blocked while the handler runs (besides the signal itself). */
  readonly mask?: number;
  /** SA_RESTART, SA_NODEFER, SA_RESETHAND. */
  readonly flags?: number;
}

export const SI_USER = 0;
export const SI_QUEUE = -1;
export const SA_RESTART = 0x1000_0000;
export const SA_NODEFER = 0x4000_0000;
export const SA_RESETHAND = 0x8000_0000;

/** Signals whose default action is to be ignored (discarded when sent). */
export const DEFAULT_IGNORED = ((1 << SIGCHLD) | (1 << SIGCONT) | (1 << SIGURG) | (1 << SIGWINCH)) >>> 0;

const MAX_FDS = 64;

export interface ProcCaps {
  /** The notification itself (Wait/Poll). */
  readonly ntfn: number;
  /** Badged copies to signal it with. */
  readonly wake: number;
  readonly sig: number;
  readonly timeout: number;
  /** The timer server's endpoint, badged with pid + 1. */
  readonly timer: number;
}

export class Proc {
  /** Badge bits received and not yet consumed. */
  bits = 0;
  readonly fds: (FileDescription | null)[] = [];
  readonly actions: (SigAction | undefined)[] = [];
  /** The blocked set (mirrored in the area, where senders read it). */
  mask = 0;
  /** Set by signal delivery: every handler that ran had SA_RESTART. */
  restart = false;
  /** Where mmap places a mapping when not told (this process's own VSpace addresses). */
  mmapNext = 0x7000_0000;

  constructor(
    readonly sys: PosixSystem,
    readonly pid: number,
    readonly tcb: number,
    /** The VSpace root it runs in. */
    readonly vspace: number,
    readonly caps: ProcCaps,
  ) {}

  /** Address of this process's signal-table entry. */
  get sigEntry(): number {
    return SIG_TABLE + this.pid * SIG_ENTRY;
  }

  /** Block on the notification; returns the accumulated badge bits. */
  *block(): Code<number> {
    const b = { value: 0 as number | bigint };
    yield* L.seL4_Wait(this.caps.ntfn, b);
    this.bits |= Number(b.value);
    return this.bits;
  }

  /** Collect bits without blocking. */
  *poll(): Code<number> {
    const b = { value: 0 as number | bigint };
    yield* L.seL4_Poll(this.caps.ntfn, b);
    this.bits |= Number(b.value);
    return this.bits;
  }

  *initSignals(): Code {
    yield* L.tsel4_write32(this.sigEntry, 0);
    yield* L.tsel4_write32(this.sigEntry + 4, DEFAULT_IGNORED);
    yield* L.tsel4_write32(this.sigEntry + 8, 0);
  }

  /** Install a description at the lowest free descriptor; -EMFILE when none. */
  addFd(d: FileDescription): number {
    let fd = this.fds.indexOf(null);
    if (fd < 0) fd = this.fds.length;
    if (fd >= MAX_FDS) return -EMFILE;
    this.fds[fd] = d;
    return fd;
  }

  /** The description behind `fd` of `kind`, or null. */
  fd(fd: number, kind: FileDescription['kind']): FileDescription | null {
    const d = Number.isInteger(fd) && fd >= 0 ? this.fds[fd] : undefined;
    return d !== undefined && d !== null && d.kind === kind ? d : null;
  }

  /** close(2) on any descriptor. */
  *close(fd: number): Code<number> {
    const d = Number.isInteger(fd) && fd >= 0 ? this.fds[fd] : undefined;
    if (d === undefined || d === null) return -EBADF;
    this.fds[fd] = null;
    yield* d.close(this);
    return 0;
  }

  /** Copy `parent`'s descriptors and dispositions, as fork does (handlers, mask). */
  *inheritFrom(parent: Proc): Code {
    for (const d of parent.fds) this.fds.push(d === null ? null : yield* d.dup(this));
    parent.actions.forEach((a, i) => (this.actions[i] = a));
    this.mask = parent.mask;
    yield* L.tsel4_write32(this.sigEntry + 4, yield* L.tsel4_read32(parent.sigEntry + 4));
    yield* L.tsel4_write32(this.sigEntry + 8, this.mask);
  }

  /**
   * End the process: close every descriptor, publish the wait status (Linux's encoding: code << 8,
   * or the terminating signal), wake waitpid's waiters, suspend the TCB. Never returns.
   */
  *exit(code: number, signal = 0): Generator<L.TrapToken, never, unknown> {
    for (let fd = 0; fd < this.fds.length; fd++) if (this.fds[fd] != null) yield* this.close(fd);
    const entry = PROC_TABLE + this.pid * PROC_ENTRY;
    yield* L.tsel4_write32(entry + 8, signal !== 0 ? signal & 0x7f : (code & 0xff) << 8);
    yield* L.tsel4_write32(entry, 2);
    yield* futexWakeAddr(this, entry, MAX_PROCS);
    for (;;) yield* L.seL4_TCB_Suspend(this.tcb);
  }
}

