/*
 * The numbers POSIX calls return: Linux's errno values (asm-generic/errno-base.h, errno.h), its
 * signal numbers (x86_64/generic asm/signal.h), open flags and limits. Calls in this package return
 * a count or 0 on success and -errno on failure, as Linux's raw syscalls do.
 */

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EEXIST = 17;
export const EINVAL = 22;
export const EMFILE = 24;
export const EPIPE = 32;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const EOVERFLOW = 75;
export const EMSGSIZE = 90;
export const ETIMEDOUT = 110;

const ERRNO_NAMES: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [EBADF]: 'EBADF',
  [ECHILD]: 'ECHILD',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL',
  [EMFILE]: 'EMFILE',
  [EPIPE]: 'EPIPE',
  [ENAMETOOLONG]: 'ENAMETOOLONG',
  [ENOSYS]: 'ENOSYS',
  [EOVERFLOW]: 'EOVERFLOW',
  [EMSGSIZE]: 'EMSGSIZE',
  [ETIMEDOUT]: 'ETIMEDOUT',
};

/** 'EAGAIN' for 11 or -11; a non-negative result prints as itself. */
export function errnoName(r: number): string {
  if (r >= 0) return String(r);
  return ERRNO_NAMES[-r] ?? `errno ${-r}`;
}

// Signals (Linux numbering).
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGURG = 23;
export const SIGWINCH = 28;
/** Signals 1..NSIG-1 exist here (the standard ones; no real-time signals yet). */
export const NSIG = 32;

// open(2) / mq_open(3) flags.
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NONBLOCK = 0o4000;

// mmap(2) protections.
export const PROT_READ = 1;
export const PROT_WRITE = 2;

/** pipe(7): writes of at most PIPE_BUF bytes are atomic. */
export const PIPE_BUF = 4096;
/** pipe(7): the default pipe capacity. */
export const PIPE_DEFAULT_CAPACITY = 65536;
/** mq_overview(7): priorities are 0..MQ_PRIO_MAX-1. */
export const MQ_PRIO_MAX = 32768;
/** mq_overview(7): /proc/sys/fs/mqueue/msg_default, msg_max, msgsize_default, msgsize_max. */
export const MQ_MSG_DEFAULT = 10;
export const MQ_MSG_MAX = 10;
export const MQ_MSGSIZE_DEFAULT = 8192;
export const MQ_MSGSIZE_MAX = 8192;
/** sem_overview(7). */
export const SEM_VALUE_MAX = 2147483647;
/** NAME_MAX for mq and shm names (without the leading slash). */
export const NAME_MAX = 255;

/** waitpid(2) status decoding, Linux's encoding. */
export const WIFEXITED = (s: number): boolean => (s & 0x7f) === 0;
export const WEXITSTATUS = (s: number): number => (s >> 8) & 0xff;
export const WIFSIGNALED = (s: number): boolean => (s & 0x7f) !== 0 && (s & 0x7f) !== 0x7f;
export const WTERMSIG = (s: number): number => s & 0x7f;
