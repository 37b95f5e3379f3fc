/*
 * tsel4 native bridge: how a C thread enters the kernel. The bridge keeps each seL4 thread's
 * saved registers in seL4's own numbering (tsel4/regs.h); a syscall stub loads the registers of
 * x86_64's syscall convention there (syscall number in RDX, cptr in RDI, message info in RSI,
 * MR0-3 in R10, R8, R9, R15), executes "the syscall instruction" (tsel4_syscall: a switch back to
 * the simulator, which runs the kernel), and reads the results from the same registers when the
 * kernel resumes the thread.
 */
#pragma once

#include <sel4/types.h>
#include <sel4/tsel4/regs.h>

/* The running thread's registers, indexed by tsel4_reg_*: what the kernel reads and writes. */
extern seL4_Word *tsel4_regs;

/* The syscall instruction: enter the kernel; returns when the kernel resumes this thread. */
void tsel4_syscall(void);

LIBSEL4_INLINE_FUNC void tsel4_sys_send(seL4_Word sys, seL4_Word dest, seL4_Word info, seL4_Word mr0, seL4_Word mr1,
                                        seL4_Word mr2, seL4_Word mr3)
{
    seL4_Word *r = tsel4_regs;
    r[tsel4_reg_RDX] = sys;
    r[tsel4_reg_RDI] = dest;
    r[tsel4_reg_RSI] = info;
    r[tsel4_reg_R10] = mr0;
    r[tsel4_reg_R8] = mr1;
    r[tsel4_reg_R9] = mr2;
    r[tsel4_reg_R15] = mr3;
    tsel4_syscall();
}

LIBSEL4_INLINE_FUNC void tsel4_sys_reply(seL4_Word sys, seL4_Word info, seL4_Word mr0, seL4_Word mr1, seL4_Word mr2,
                                         seL4_Word mr3)
{
    seL4_Word *r = tsel4_regs;
    r[tsel4_reg_RDX] = sys;
    r[tsel4_reg_RSI] = info;
    r[tsel4_reg_R10] = mr0;
    r[tsel4_reg_R8] = mr1;
    r[tsel4_reg_R9] = mr2;
    r[tsel4_reg_R15] = mr3;
    tsel4_syscall();
}

LIBSEL4_INLINE_FUNC void tsel4_sys_send_null(seL4_Word sys, seL4_Word dest, seL4_Word info)
{
    seL4_Word *r = tsel4_regs;
    r[tsel4_reg_RDX] = sys;
    r[tsel4_reg_RDI] = dest;
    r[tsel4_reg_RSI] = info;
    tsel4_syscall();
}

LIBSEL4_INLINE_FUNC void tsel4_sys_recv(seL4_Word sys, seL4_Word src, seL4_Word *out_badge, seL4_Word *out_info,
                                        seL4_Word *out_mr0, seL4_Word *out_mr1, seL4_Word *out_mr2,
                                        seL4_Word *out_mr3)
{
    seL4_Word *r = tsel4_regs;
    r[tsel4_reg_RDX] = sys;
    r[tsel4_reg_RDI] = src;
    tsel4_syscall();
    r = tsel4_regs;
    *out_badge = r[tsel4_reg_RDI];
    *out_info = r[tsel4_reg_RSI];
    *out_mr0 = r[tsel4_reg_R10];
    *out_mr1 = r[tsel4_reg_R8];
    *out_mr2 = r[tsel4_reg_R9];
    *out_mr3 = r[tsel4_reg_R15];
}

LIBSEL4_INLINE_FUNC void tsel4_sys_send_recv(seL4_Word sys, seL4_Word dest, seL4_Word *out_dest, seL4_Word info,
                                             seL4_Word *out_info, seL4_Word *in_out_mr0, seL4_Word *in_out_mr1,
                                             seL4_Word *in_out_mr2, seL4_Word *in_out_mr3)
{
    seL4_Word *r = tsel4_regs;
    r[tsel4_reg_RDX] = sys;
    r[tsel4_reg_RDI] = dest;
    r[tsel4_reg_RSI] = info;
    r[tsel4_reg_R10] = *in_out_mr0;
    r[tsel4_reg_R8] = *in_out_mr1;
    r[tsel4_reg_R9] = *in_out_mr2;
    r[tsel4_reg_R15] = *in_out_mr3;
    tsel4_syscall();
    r = tsel4_regs;
    *out_dest = r[tsel4_reg_RDI];
    *out_info = r[tsel4_reg_RSI];
    *in_out_mr0 = r[tsel4_reg_R10];
    *in_out_mr1 = r[tsel4_reg_R8];
    *in_out_mr2 = r[tsel4_reg_R9];
    *in_out_mr3 = r[tsel4_reg_R15];
}

LIBSEL4_INLINE_FUNC void tsel4_sys_null(seL4_Word sys)
{
    tsel4_regs[tsel4_reg_RDX] = sys;
    tsel4_syscall();
}
