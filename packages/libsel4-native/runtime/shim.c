/*
 * tsel4 native bridge shim: seL4 threads that run C code, each on its own stack, switched
 * synchronously on the one JavaScript thread. There are no OS threads and no calls from C into JS:
 * JS calls tsel4_bridge_run() through koffi to resume a thread; the thread runs until its next
 * syscall (tsel4_syscall(), the "syscall instruction" of the C stubs), which switches back, and
 * tsel4_bridge_run() returns to JS, which runs the kernel.
 *
 * The switch is a few lines of x86_64 assembly saving what the SysV ABI says a call preserves
 * (rbx, rbp, r12-r15, the stack pointer, MXCSR and the x87 control word): no signal mask, no
 * system call, unlike swapcontext. A thread whose function returns, or that hits abort(), a failed
 * assert() or a CPU fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL), is stopped and reported to JS, which
 * turns it into the fault seL4 would deliver; its stack is abandoned. Signals that do not come
 * from a C thread go to the handler that was there before.
 *
 * One copy of this library serves every program in the process (loaded once, RTLD_GLOBAL): the
 * programs' stubs bind to tsel4_regs, __sel4_ipc_buffer and tsel4_syscall here.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <sel4/tsel4/regs.h>

#if !defined(__x86_64__) || !defined(__linux__)
#error "the tsel4 native bridge runs on x86_64 Linux hosts"
#endif

#define EXPORT __attribute__((visibility("default")))
#define HIDDEN __attribute__((visibility("hidden")))

enum { T_IDLE = 0, T_READY, T_RUNNING, T_IN_SYSCALL, T_DEAD };

typedef struct thread {
    void *sp;          /* saved stack pointer while switched out */
    int state;
    uint64_t *w;       /* its slot in the arena */
    uint8_t *stack;    /* mapping: guard page, then the stack */
    size_t stack_len;
} thread_t;

static thread_t *threads;
static uint32_t nslots;
static size_t stack_bytes;
static uint8_t *arena;
static volatile uint32_t *control;
static thread_t *volatile cur;
static void *sched_sp;
static pid_t owner_tid;
static size_t page_size;

/* The C side: the running thread's registers and IPC buffer (see sel4/tsel4/trap.h). */
EXPORT uint64_t *tsel4_regs;
EXPORT void *__sel4_ipc_buffer;

/* ------------------------------------------------------------------ switching */

HIDDEN void tsel4_switch(void **save_sp, void *load_sp);
HIDDEN __attribute__((noreturn)) void tsel4_jump(void *load_sp);
HIDDEN void tsel4_thread_entry(void);

/* Saved frame, lowest address first: [MXCSR | x87 CW] r15 r14 r13 r12 rbx rbp return-address. */
__asm__(".text\n"
        ".p2align 4\n"
        ".type tsel4_switch,@function\n"
        "tsel4_switch:\n"
        "  .cfi_startproc\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "1:\n"
        "  ldmxcsr (%rsp)\n  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size tsel4_switch, .-tsel4_switch\n"
        ".type tsel4_jump,@function\n"
        "tsel4_jump:\n"
        "  movq %rdi, %rsp\n  jmp 1b\n"
        ".size tsel4_jump, .-tsel4_jump\n"
        ".type tsel4_thread_entry,@function\n"
        "tsel4_thread_entry:\n"
        "  .cfi_startproc\n  .cfi_undefined rip\n"
        "  xorl %ebp, %ebp\n  movq %r12, %rdi\n  call tsel4_thread_main\n  ud2\n"
        "  .cfi_endproc\n"
        ".size tsel4_thread_entry, .-tsel4_thread_entry\n");

typedef uint64_t (*entry_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Back to tsel4_bridge_run for good: the thread's stack is abandoned. */
static __attribute__((noreturn)) void stop_thread(thread_t *t, int why)
{
    t->w[TSEL4_W_STOP] = (uint64_t)why;
    t->state = T_DEAD;
    tsel4_jump(sched_sp);
}

HIDDEN __attribute__((noreturn, used)) void tsel4_thread_main(thread_t *t)
{
    uint64_t *w = t->w;
    entry_fn f = (entry_fn)(uintptr_t)w[tsel4_reg_NextIP];
    f(w[tsel4_reg_RDI], w[tsel4_reg_RSI], w[tsel4_reg_RDX], w[tsel4_reg_RCX], w[tsel4_reg_R8], w[tsel4_reg_R9]);
    stop_thread(t, TSEL4_STOP_RETURNED);
}

/* The syscall instruction of every C stub: back to JS, which runs the kernel. */
EXPORT void tsel4_syscall(void)
{
    thread_t *t = cur;
    if (t == NULL) {
        /* a stub ran outside any seL4 thread (from a constructor or a JS call): there is no
         * kernel to enter and nowhere to go back to */
        static const char msg[] = "tsel4: an seL4 syscall was made outside a thread running on a tsel4 machine\n";
        ssize_t r = write(2, msg, sizeof msg - 1);
        (void)r;
        abort();
    }
    t->w[TSEL4_W_IPCBUF] = (uint64_t)(uintptr_t)__sel4_ipc_buffer;
    t->w[TSEL4_W_STOP] = TSEL4_STOP_SYSCALL;
    t->state = T_IN_SYSCALL;
    tsel4_switch(&t->sp, sched_sp);
}

/* The reference scenarios' helper API (include/refsel4.h) names the address of the syscall
 * instruction its raw syscall executes; on the bridge every syscall executes this one. */
__asm__(".globl ref_raw_syscall_insn\n"
        ".set ref_raw_syscall_insn, tsel4_syscall\n");

/* ------------------------------------------------------------------ signals */

static const int caught[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#define NCAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction previous[NCAUGHT];
static int installed;
static void *altstack;
#define ALTSTACK_BYTES (64 * 1024)

static void chain(int sig, siginfo_t *si, void *uc)
{
    for (unsigned i = 0; i < NCAUGHT; i++) {
        if (caught[i] != sig) {
            continue;
        }
        struct sigaction *p = &previous[i];
        if ((p->sa_flags & SA_SIGINFO) && p->sa_sigaction != NULL) {
            p->sa_sigaction(sig, si, uc);
        } else if (p->sa_handler == SIG_IGN) {
            /* ignored before us: stays ignored */
        } else if (p->sa_handler != SIG_DFL) {
            p->sa_handler(sig);
        } else {
            /* the default action: put it back and let the signal happen again */
            signal(sig, SIG_DFL);
            if (si->si_code <= 0 || sig == SIGABRT) {
                raise(sig);
            }
        }
        return;
    }
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    thread_t *t = cur;
    if (t != NULL && t->state == T_RUNNING && (pid_t)syscall(SYS_gettid) == owner_tid) {
        ucontext_t *uc = ucv;
        uint64_t *w = t->w;
        int sent = si->si_code <= 0 || sig == SIGABRT;
        w[TSEL4_W_SIGNAL] = (uint64_t)sig;
        w[TSEL4_W_TRAPNO] = sent ? 13 : (uint64_t)uc->uc_mcontext.gregs[REG_TRAPNO];
        w[TSEL4_W_ERR] = sent ? 0 : (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
        w[TSEL4_W_ADDR] = (uint64_t)(uintptr_t)si->si_addr;
        w[TSEL4_W_PC] = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
        w[TSEL4_W_SP] = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
        /* SA_NODEFER left the signal unblocked, so leaving without sigreturn leaves the mask as it
         * was when the signal came */
        stop_thread(t, TSEL4_STOP_SIGNAL);
    }
    chain(sig, si, ucv);
}

static int install_signals(void)
{
    stack_t old;
    if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
        altstack = mmap(NULL, ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (altstack == MAP_FAILED) {
            altstack = NULL;
            return -1;
        }
        stack_t ss = {.ss_sp = altstack, .ss_size = ALTSTACK_BYTES, .ss_flags = 0};
        if (sigaltstack(&ss, NULL) != 0) {
            return -1;
        }
    }
    for (unsigned i = 0; i < NCAUGHT; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        if (sigaction(caught[i], &sa, &previous[i]) != 0) {
            return -1;
        }
    }
    installed = 1;
    return 0;
}

/* ------------------------------------------------------------------ the JS side */

EXPORT int tsel4_bridge_init(uint32_t slots, uint32_t stack_size)
{
    if (threads != NULL) {
        return 0; /* one bridge per process: already set up */
    }
    if (slots == 0) {
        return -1;
    }
    page_size = (size_t)sysconf(_SC_PAGESIZE);
    stack_bytes = ((size_t)stack_size + page_size - 1) & ~(page_size - 1);
    size_t bytes = TSEL4_CONTROL_BYTES + (size_t)slots * TSEL4_SLOT_BYTES;
    arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED) {
        arena = NULL;
        return -1;
    }
    threads = calloc(slots, sizeof *threads);
    if (threads == NULL) {
        return -1;
    }
    control = (volatile uint32_t *)arena;
    for (uint32_t i = 0; i < slots; i++) {
        threads[i].w = (uint64_t *)(arena + TSEL4_CONTROL_BYTES + (size_t)i * TSEL4_SLOT_BYTES);
    }
    nslots = slots;
    owner_tid = (pid_t)syscall(SYS_gettid);
    return install_signals();
}

/* The arena: the control page, then the slots. It is never unmapped (JS holds views on it). */
EXPORT uint64_t tsel4_bridge_arena(void)
{
    return (uint64_t)(uintptr_t)arena;
}

/* Where the C threads' syscall instruction is (their NextIP after a syscall is 2 bytes on). */
EXPORT uint64_t tsel4_bridge_syscall_insn(void)
{
    return (uint64_t)(uintptr_t)&tsel4_syscall;
}

static int prepare(thread_t *t)
{
    if (t->stack == NULL) {
        t->stack_len = stack_bytes + page_size;
        t->stack = mmap(NULL, t->stack_len, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (t->stack == MAP_FAILED) {
            t->stack = NULL;
            return TSEL4_ERR_NOMEM;
        }
        mprotect(t->stack, page_size, PROT_NONE); /* the guard page: an overflow faults */
    }
    uint64_t *sp = (uint64_t *)((uintptr_t)(t->stack + t->stack_len) & ~(uintptr_t)15) - 10;
    memset(sp, 0, 10 * sizeof *sp);
    sp[0] = 0x1f80ull | (0x037full << 32);               /* default MXCSR and x87 control word */
    sp[4] = (uint64_t)(uintptr_t)t;                      /* r12: the thread, for tsel4_thread_main */
    sp[7] = (uint64_t)(uintptr_t)&tsel4_thread_entry;    /* returned to by the first switch */
    t->sp = sp;
    t->state = T_READY;
    return 0;
}

/* Run the thread in control[SLOT] (control[OP] says how) until it stops; control[RC] says why. */
EXPORT void tsel4_bridge_run(void)
{
    uint32_t slot = control[TSEL4_C_SLOT];
    int32_t rc;
    if (cur != NULL) {
        rc = TSEL4_ERR_NESTED;
    } else if (slot >= nslots) {
        rc = TSEL4_ERR_SLOT;
    } else {
        thread_t *t = &threads[slot];
        rc = 0;
        if (control[TSEL4_C_OP] == TSEL4_OP_START) {
            rc = prepare(t);
        } else if (t->state != T_IN_SYSCALL) {
            rc = TSEL4_ERR_DEAD;
        }
        if (rc == 0) {
            t->state = T_RUNNING;
            tsel4_regs = t->w;
            __sel4_ipc_buffer = (void *)(uintptr_t)t->w[TSEL4_W_IPCBUF];
            cur = t;
            tsel4_switch(&sched_sp, t->sp);
            cur = NULL;
            rc = (int32_t)t->w[TSEL4_W_STOP];
        }
    }
    control[TSEL4_C_RC] = (uint32_t)rc;
}

/* Reserve `bytes` of memory that reads as zeros and is backed only when written (board RAM). */
EXPORT uint64_t tsel4_bridge_reserve(uint64_t bytes)
{
    void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
}

/* Give whole pages back: they read as zeros again. */
EXPORT int tsel4_bridge_discard(uint64_t addr, uint64_t bytes)
{
    return madvise((void *)(uintptr_t)addr, (size_t)bytes, MADV_DONTNEED);
}

struct range_query {
    uint64_t addr, lo, hi;
};

static int find_range(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct range_query *q = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) {
            continue;
        }
        uint64_t lo = info->dlpi_addr + ph->p_vaddr;
        uint64_t hi = lo + ph->p_memsz;
        if (q->addr >= lo && q->addr < hi) {
            q->lo = lo;
            q->hi = hi;
            return 1;
        }
    }
    return 0;
}

/* The executable segment holding `addr`: [lo, hi) into control words 4..7 (two u64). */
EXPORT int tsel4_bridge_code_range(uint64_t addr)
{
    struct range_query q = {addr, 0, 0};
    if (dl_iterate_phdr(find_range, &q) == 0) {
        return -1;
    }
    volatile uint64_t *out = (volatile uint64_t *)(arena + 16);
    out[0] = q.lo;
    out[1] = q.hi;
    return 0;
}
