/*
 * tsel4 native bridge: what the shim (shim.c) and the JavaScript side agree on.
 *
 * The shim owns an arena of memory that JS views with koffi.view: a control page, then one 4 KiB
 * slot per C thread. A slot holds the thread's registers in seL4's numbering (the copy the kernel
 * reads and writes), what the bridge reports when the thread stops, the thread's IPC buffer
 * pointer, and a private IPC buffer for threads the kernel gives none. Offsets here are ABI
 * between C and JS (src/shim.ts restates them and a test checks both agree).
 */
#pragma once

#include <stdint.h>

#define TSEL4_SLOT_BYTES 4096u
#define TSEL4_CONTROL_BYTES 4096u
/* Words (u64) of a slot. */
#define TSEL4_NREGS 24u         /* x86_64: seL4's saved context, RDI..GS_BASE */
#define TSEL4_W_STOP 24u        /* why the thread stopped: TSEL4_STOP_* */
#define TSEL4_W_SIGNAL 25u      /* the host signal that stopped it */
#define TSEL4_W_TRAPNO 26u      /* x86 exception vector of that signal (or 13 when sent, not raised) */
#define TSEL4_W_ERR 27u         /* x86 error code (a page fault's status bits) */
#define TSEL4_W_ADDR 28u        /* the faulting address (page faults) */
#define TSEL4_W_PC 29u          /* the instruction that faulted */
#define TSEL4_W_SP 30u          /* the stack pointer at the fault */
#define TSEL4_W_IPCBUF 31u      /* the thread's __sel4_ipc_buffer */
#define TSEL4_PRIVATE_IPC_OFFSET 1024u

/* Words (u32) of the control page. */
#define TSEL4_C_SLOT 0u /* in: the slot to run */
#define TSEL4_C_OP 1u   /* in: TSEL4_OP_* */
#define TSEL4_C_RC 2u   /* out: TSEL4_STOP_* or a TSEL4_ERR_* (negative) */

enum {
    TSEL4_OP_CONTINUE = 0, /* return from the thread's last syscall */
    TSEL4_OP_START = 1,    /* start afresh: call regs[NextIP](RDI, RSI, RDX, RCX, R8, R9) */
};

enum {
    TSEL4_STOP_SYSCALL = 0,  /* made a syscall; continues with TSEL4_OP_CONTINUE */
    TSEL4_STOP_RETURNED = 1, /* its function returned; dead */
    TSEL4_STOP_SIGNAL = 2,   /* abort(), a failed assert or a CPU fault; dead */
    TSEL4_ERR_SLOT = -1,     /* no such slot */
    TSEL4_ERR_DEAD = -2,     /* CONTINUE on a thread that is not stopped in a syscall */
    TSEL4_ERR_NESTED = -3,   /* run from inside a C thread */
    TSEL4_ERR_NOMEM = -4,    /* no memory for the thread's stack */
};
