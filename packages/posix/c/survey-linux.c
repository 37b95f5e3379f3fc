/*
 * The Linux originals of the IPC survey (@tsel4/posix/linux builds and runs it for bench/ and apps/ipc-survey): a parent
 * and a forked child, both pinned to one core, ping-pong 8 bytes ROUNDS times over each mechanism,
 * and stream 4 KiB and 64 KiB messages over the ones that move bytes (16 MiB each by default; a
 * POSIX queue carries 64 KiB as 8 messages of 8 KiB, the msgsize_max an unprivileged process
 * may ask for). Prints one line per figure:
 *   pingpong8 <mechanism> <ns per round trip>
 *   4k <mechanism> <MB/s>
 *   64k <mechanism> <MB/s>
 *   wake8 <mechanism> <ns per round of one waker waking 8 waiters and collecting their answers>
 * Build: cc -O2 -o survey-linux survey-linux.c -lrt; run: ./survey-linux [ROUNDS] [4 KiB CHUNKS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long rounds = 20000;
#define CHUNK 4096
#define BIG 65536
#define MQ_PART 8192 /* the default /proc/sys/fs/mqueue/msgsize_max */
static long chunks = 4096; /* 16 MiB streamed, in 4 KiB or 64 KiB messages */

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pin(void) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(0, &s);
  sched_setaffinity(0, sizeof s, &s);
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void full_read(int fd, void *b, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)b + got, n - got);
    if (r <= 0) die("read");
    got += r;
  }
}

static void full_write(int fd, const void *b, size_t n) {
  if (write(fd, b, n) != (ssize_t)n) die("write");
}

/* ---- fd-based: pipe, socketpair, eventfd ---- */
static double fd_pingpong(int a_out, int a_in, int b_out, int b_in, int eventfd_mode) {
  uint64_t v = 1;
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      full_read(b_in, &v, 8);
      full_write(b_out, &v, 8);
    }
    _exit(0);
  }
  (void)eventfd_mode;
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    full_write(a_out, &v, 8);
    full_read(a_in, &v, 8);
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  return t;
}

static double pipe_pp(void) {
  int p1[2], p2[2];
  if (pipe(p1) || pipe(p2)) die("pipe");
  return fd_pingpong(p1[1], p2[0], p2[1], p1[0], 0);
}

static double socketpair_pp(void) {
  int s[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s)) die("socketpair");
  return fd_pingpong(s[0], s[0], s[1], s[1], 0);
}

static double eventfd_pp(void) {
  int e1 = eventfd(0, 0), e2 = eventfd(0, 0);
  if (e1 < 0 || e2 < 0) die("eventfd");
  return fd_pingpong(e1, e2, e2, e1, 1);
}

/* MB/s of `n` messages of `size` bytes (4 KiB or 64 KiB) one way */
static double pipe_stream(long size) {
  int p[2];
  static char buf[BIG];
  long n = chunks * CHUNK / size;
  if (pipe(p)) die("pipe");
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < n; i++) full_read(p[0], buf, size);
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < n; i++) full_write(p[1], buf, size);
  waitpid(c, NULL, 0);
  close(p[0]);
  close(p[1]);
  return (double)n * size / ((now_ns() - t0) / 1e9) / 1e6;
}

/* ---- System V message queue ---- */
struct msg8 {
  long type;
  char text[8];
};

static double sysvmsg_pp(void) {
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (q < 0) die("msgget");
  struct msg8 m = {1, {0}};
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      if (msgrcv(q, &m, 8, 1, 0) < 0) die("msgrcv");
      m.type = 2;
      if (msgsnd(q, &m, 8, 0)) die("msgsnd");
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    m.type = 1;
    if (msgsnd(q, &m, 8, 0)) die("msgsnd");
    if (msgrcv(q, &m, 8, 2, 0) < 0) die("msgrcv");
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  msgctl(q, IPC_RMID, NULL);
  return t;
}

/* ---- POSIX message queues ---- */
static mqd_t mq_make(const char *name, long msgsize) {
  struct mq_attr a = {0};
  a.mq_maxmsg = 10;
  a.mq_msgsize = msgsize;
  mq_unlink(name);
  mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, &a);
  if (q == (mqd_t)-1) die("mq_open");
  return q;
}

static double posixmq_pp(void) {
  mqd_t q1 = mq_make("/tsel4-survey-1", 8), q2 = mq_make("/tsel4-survey-2", 8);
  char b[8] = {0};
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      if (mq_receive(q1, b, 8, NULL) < 0) die("mq_receive");
      if (mq_send(q2, b, 8, 0)) die("mq_send");
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    if (mq_send(q1, b, 8, 0)) die("mq_send");
    if (mq_receive(q2, b, 8, NULL) < 0) die("mq_receive");
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  mq_unlink("/tsel4-survey-1");
  mq_unlink("/tsel4-survey-2");
  return t;
}

static double posixmq_stream(long size) {
  long part = size < MQ_PART ? size : MQ_PART;
  long n = chunks * CHUNK / part; /* messages of `part` bytes, size / part per transfer */
  mqd_t q = mq_make("/tsel4-survey-stream", part);
  static char buf[MQ_PART];
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < n; i++)
      if (mq_receive(q, buf, part, NULL) < 0) die("mq_receive");
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < n; i++)
    if (mq_send(q, buf, part, 0)) die("mq_send");
  waitpid(c, NULL, 0);
  double mbs = (double)n * part / ((now_ns() - t0) / 1e9) / 1e6;
  mq_close(q);
  mq_unlink("/tsel4-survey-stream");
  return mbs;
}

/* ---- System V semaphores ---- */
static void semop1(int id, int n, int d) {
  struct sembuf op = {(unsigned short)n, (short)d, 0};
  if (semop(id, &op, 1)) die("semop");
}

static double sysvsem_pp(void) {
  int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
  if (id < 0) die("semget");
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      semop1(id, 0, -1);
      semop1(id, 1, 1);
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    semop1(id, 0, 1);
    semop1(id, 1, -1);
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  semctl(id, 0, IPC_RMID);
  return t;
}

/* ---- shared memory: POSIX semaphores and futexes ---- */
struct shared {
  sem_t s1, s2;
  uint32_t ping, pong;
  char data[BIG];
};

static struct shared *shared_map(void) {
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) die("mmap");
  memset(sh, 0, sizeof *sh);
  return sh;
}

static double posixsem_pp(void) {
  struct shared *sh = shared_map();
  sem_init(&sh->s1, 1, 0);
  sem_init(&sh->s2, 1, 0);
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      sem_wait(&sh->s1);
      sem_post(&sh->s2);
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    sem_post(&sh->s1);
    sem_wait(&sh->s2);
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  return t;
}

static long futex(uint32_t *a, int op, uint32_t v) {
  return syscall(SYS_futex, a, op, v, NULL, NULL, 0);
}

static void await_value(uint32_t *w, uint32_t want) {
  uint32_t v;
  while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) != want) futex(w, FUTEX_WAIT, v);
}

static void set_wake(uint32_t *w, uint32_t v) {
  __atomic_store_n(w, v, __ATOMIC_RELEASE);
  futex(w, FUTEX_WAKE, 1);
}

static double shmfutex_pp(void) {
  struct shared *sh = shared_map();
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      await_value(&sh->ping, (uint32_t)i + 1);
      memcpy(sh->data + 8, sh->data, 8);
      set_wake(&sh->pong, (uint32_t)i + 1);
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    memcpy(sh->data, &i, 8);
    set_wake(&sh->ping, (uint32_t)i + 1);
    await_value(&sh->pong, (uint32_t)i + 1);
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  return t;
}

static double shmfutex_stream(long size) {
  struct shared *sh = shared_map();
  static char src[BIG], dst[BIG];
  long n = chunks * CHUNK / size;
  pid_t c = fork();
  if (c == 0) {
    for (long i = 0; i < n; i++) {
      await_value(&sh->ping, (uint32_t)i + 1);
      memcpy(dst, sh->data, size);
      set_wake(&sh->pong, (uint32_t)i + 1);
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < n; i++) {
    memcpy(sh->data, src, size);
    set_wake(&sh->ping, (uint32_t)i + 1);
    await_value(&sh->pong, (uint32_t)i + 1);
  }
  waitpid(c, NULL, 0);
  return (double)n * size / ((now_ns() - t0) / 1e9) / 1e6;
}

/* ---- one waker, WAKE_N waiters: futex wake of all, or WAKE_N POSIX sem posts ---- */
#define WAKE_N 8
struct wakes {
  uint32_t gen, acks;
  sem_t go, done;
};

static double wake8(int use_sem) {
  struct wakes *w = mmap(NULL, sizeof *w, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (w == MAP_FAILED) die("mmap");
  memset(w, 0, sizeof *w);
  sem_init(&w->go, 1, 0);
  sem_init(&w->done, 1, 0);
  pid_t kids[WAKE_N];
  for (int k = 0; k < WAKE_N; k++) {
    if ((kids[k] = fork()) == 0) {
      for (long i = 0; i < rounds; i++) {
        if (use_sem) {
          sem_wait(&w->go);
          sem_post(&w->done);
        } else {
          await_value(&w->gen, (uint32_t)i + 1);
          if (__atomic_add_fetch(&w->acks, 1, __ATOMIC_ACQ_REL) == (uint32_t)(WAKE_N * (i + 1))) futex(&w->acks, FUTEX_WAKE, 1);
        }
      }
      _exit(0);
    }
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    if (use_sem) {
      for (int k = 0; k < WAKE_N; k++) sem_post(&w->go);
      for (int k = 0; k < WAKE_N; k++) sem_wait(&w->done);
    } else {
      __atomic_store_n(&w->gen, (uint32_t)i + 1, __ATOMIC_RELEASE);
      futex(&w->gen, FUTEX_WAKE, WAKE_N);
      await_value(&w->acks, (uint32_t)(WAKE_N * (i + 1)));
    }
  }
  double t = (now_ns() - t0) / rounds;
  for (int k = 0; k < WAKE_N; k++) waitpid(kids[k], NULL, 0);
  return t;
}

/* ---- signals: kill with a handler, sigqueue with a value (sigsuspend to wait) ---- */
static volatile sig_atomic_t got;
static void on_usr1(int s) {
  (void)s;
  got = 1;
}
static void on_usr1_info(int s, siginfo_t *si, void *u) {
  (void)s, (void)u;
  got = si->si_value.sival_int + 1;
}

static double signal_pp(int queued) {
  struct sigaction sa = {0};
  if (queued) {
    sa.sa_sigaction = on_usr1_info;
    sa.sa_flags = SA_SIGINFO;
  } else {
    sa.sa_handler = on_usr1;
  }
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  pid_t parent = getpid();
  pid_t c = fork();
  union sigval v = {.sival_int = 7};
  if (c == 0) {
    for (long i = 0; i < rounds; i++) {
      while (!got) sigsuspend(&old);
      got = 0;
      if (queued) sigqueue(parent, SIGUSR1, v);
      else kill(parent, SIGUSR1);
    }
    _exit(0);
  }
  double t0 = now_ns();
  for (long i = 0; i < rounds; i++) {
    if (queued) sigqueue(c, SIGUSR1, v);
    else kill(c, SIGUSR1);
    while (!got) sigsuspend(&old);
    got = 0;
  }
  double t = (now_ns() - t0) / rounds;
  waitpid(c, NULL, 0);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return t;
}
static double kill_pp(void) { return signal_pp(0); }
static double sigqueue_pp(void) { return signal_pp(1); }

int main(int argc, char **argv) {
  if (argc > 1) rounds = atol(argv[1]);
  if (argc > 2) chunks = atol(argv[2]);
  pin();
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct {
    const char *name;
    double (*fn)(void);
  } pp[] = {{"pipe", pipe_pp},         {"socketpair", socketpair_pp}, {"eventfd", eventfd_pp},
            {"sysvmsg", sysvmsg_pp},   {"posixmq", posixmq_pp},       {"sysvsem", sysvsem_pp},
            {"posixsem", posixsem_pp}, {"shmfutex", shmfutex_pp},     {"kill", kill_pp},
            {"sigqueue", sigqueue_pp}};
  for (size_t i = 0; i < sizeof pp / sizeof pp[0]; i++) printf("pingpong8 %s %.1f\n", pp[i].name, pp[i].fn());
  printf("4k pipe %.1f\n", pipe_stream(CHUNK));
  printf("4k posixmq %.1f\n", posixmq_stream(CHUNK));
  printf("4k shmfutex %.1f\n", shmfutex_stream(CHUNK));
  printf("64k pipe %.1f\n", pipe_stream(BIG));
  printf("64k posixmq %.1f\n", posixmq_stream(BIG));
  printf("64k shmfutex %.1f\n", shmfutex_stream(BIG));
  printf("wake8 shmfutex %.1f\n", wake8(0));
  printf("wake8 posixsem %.1f\n", wake8(1));
  return 0;
}
