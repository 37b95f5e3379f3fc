/*
 * The Linux side of the survey (Node only; imported as `@tsel4/posix/linux`, never from the
 * package's main entry): build c/survey-linux.c with the host's C compiler and run it. Each
 * mechanism ping-pongs 8 bytes between a parent and a forked child pinned to one core; pipe,
 * POSIX mq and shm+futex also stream 4 KiB and 64 KiB messages; shm+futex and POSIX sem wake 8 waiters.
 * Without a compiler, or off Linux, the result says why and has no figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The C program's mechanisms, named as the survey's figures name them. */
export const LINUX_NAMES: Record<string, string> = {
  pipe: 'pipe',
  socketpair: 'socketpair',
  eventfd: 'eventfd',
  sysvmsg: 'mq_sysv',
  posixmq: 'mq',
  sysvsem: 'sem_sysv',
  posixsem: 'sem',
  shmfutex: 'shm',
  kill: 'signal_kill',
  sigqueue: 'signal',
};

/** What each figure name measures on Linux. */
export const LINUX_WHAT: Record<string, string> = {
  pipe: 'pipe(2)',
  socketpair: 'socketpair(AF_UNIX)',
  eventfd: 'eventfd(2)',
  mq_sysv: 'System V msgsnd/msgrcv',
  mq: 'POSIX mq_send/mq_receive',
  sem_sysv: 'System V semop',
  sem: 'POSIX sem_post/sem_wait',
  shm: 'shared memory + futex',
  signal_kill: 'kill + handler (sigsuspend)',
  signal: 'sigqueue + handler (sigsuspend)',
};

export interface LinuxSurvey {
  /** ns per 8-byte round trip, by figure name (pipe, mq, ...). */
  readonly pingpong8: Record<string, number>;
  /** MB/s of 4 KiB messages, by figure name. */
  readonly mb4k: Record<string, number>;
  /** MB/s of 64 KiB messages, by figure name (POSIX mq: 8 messages of 8 KiB each). */
  readonly mb64k: Record<string, number>;
  /** ns per round of one waker waking 8 waiters (shm: futex, sem: POSIX sem). */
  readonly wake8: Record<string, number>;
  /** Why there are no figures (no compiler, not Linux, the program failed), or null. */
  readonly absent: string | null;
}

const SOURCE = fileURLToPath(new URL('../c/survey-linux.c', import.meta.url));

/** Build and run the Linux survey: `rounds` round trips per mechanism, `chunks` × 4 KiB streamed in 4 KiB and again in 64 KiB messages. */
export function runLinuxSurvey(rounds = 20000, chunks = 4096, cc = process.env['CC'] ?? 'cc'): LinuxSurvey {
  const none = (why: string): LinuxSurvey => ({ pingpong8: {}, mb4k: {}, mb64k: {}, wake8: {}, absent: why });
  if (process.platform !== 'linux') return none(`the host is ${process.platform}, not Linux`);
  const dir = mkdtempSync(join(tmpdir(), 'tsel4-survey-'));
  try {
    const exe = join(dir, 'survey-linux');
    try {
      execFileSync(cc, ['-O2', '-o', exe, SOURCE, '-lrt'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const msg = (e as { code?: string }).code === 'ENOENT' ? `no C compiler ('${cc}' not found)` : `'${cc}' could not build survey-linux.c`;
      return none(msg);
    }
    let out: string;
    try {
      out = execFileSync(exe, [String(rounds), String(chunks)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return none(`survey-linux failed: ${String((e as { stderr?: string }).stderr ?? e).trim().split('\n')[0]}`);
    }
    const pingpong8: Record<string, number> = {};
    const mb4k: Record<string, number> = {};
    const mb64k: Record<string, number> = {};
    const wake8: Record<string, number> = {};
    for (const line of out.split('\n')) {
      const [kind, mech, value] = line.trim().split(/\s+/);
      const name = mech !== undefined ? LINUX_NAMES[mech] : undefined;
      if (name === undefined || value === undefined) continue;
      if (kind === 'pingpong8') pingpong8[name] = Number(value);
      else if (kind === '4k') mb4k[name] = Number(value);
      else if (kind === '64k') mb64k[name] = Number(value);
      else if (kind === 'wake8') wake8[name] = Number(value);
    }
    return { pingpong8, mb4k, mb64k, wake8, absent: null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
