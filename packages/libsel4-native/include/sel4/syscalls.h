/*
 * tsel4 libsel4: the system calls of the classic (non-MCS) kernel and the debug calls, with C
 * libsel4's names, arguments and register use on x86_64: MR0-3 travel in registers and the plain
 * forms copy them between the registers and the IPC buffer; the *WithMRs forms take them as
 * pointers instead.
 */
#pragma once

#include <sel4/functions.h>
#include <sel4/tsel4/trap.h>

/* Send a message through dest (blocks until it is taken, for an endpoint). */
LIBSEL4_INLINE_FUNC void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    tsel4_sys_send(seL4_SysSend, dest, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2),
                   seL4_GetMR(3));
}

/* Load MRs 0..3 that msgInfo's length covers from the pointers given (0 for the others). */
LIBSEL4_INLINE_FUNC void tsel4_load_mrs(seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                        seL4_Word *mr3, seL4_Word msg[4])
{
    seL4_Word len = seL4_MessageInfo_get_length(msgInfo);
    msg[0] = (mr0 != seL4_Null && len > 0) ? *mr0 : 0;
    msg[1] = (mr1 != seL4_Null && len > 1) ? *mr1 : 0;
    msg[2] = (mr2 != seL4_Null && len > 2) ? *mr2 : 0;
    msg[3] = (mr3 != seL4_Null && len > 3) ? *mr3 : 0;
}

/* Store MRs 0..3 to the pointers that are not NULL. */
LIBSEL4_INLINE_FUNC void tsel4_store_mrs(const seL4_Word msg[4], seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                         seL4_Word *mr3)
{
    if (mr0 != seL4_Null) {
        *mr0 = msg[0];
    }
    if (mr1 != seL4_Null) {
        *mr1 = msg[1];
    }
    if (mr2 != seL4_Null) {
        *mr2 = msg[2];
    }
    if (mr3 != seL4_Null) {
        *mr3 = msg[3];
    }
}

/* MRs 0..3 back into the IPC buffer after a receive. */
LIBSEL4_INLINE_FUNC void tsel4_mrs_to_buffer(const seL4_Word msg[4])
{
    seL4_SetMR(0, msg[0]);
    seL4_SetMR(1, msg[1]);
    seL4_SetMR(2, msg[2]);
    seL4_SetMR(3, msg[3]);
}

LIBSEL4_INLINE_FUNC void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1,
                                          seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word m[4];
    tsel4_load_mrs(msgInfo, mr0, mr1, mr2, mr3, m);
    tsel4_sys_send(seL4_SysSend, dest, msgInfo.words[0], m[0], m[1], m[2], m[3]);
}

/* Send without blocking: dropped when nobody is waiting. */
LIBSEL4_INLINE_FUNC void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    tsel4_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2),
                   seL4_GetMR(3));
}

LIBSEL4_INLINE_FUNC void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                            seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word m[4];
    tsel4_load_mrs(msgInfo, mr0, mr1, mr2, mr3, m);
    tsel4_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], m[0], m[1], m[2], m[3]);
}

/* Answer the last caller (nothing happens when there is none). */
LIBSEL4_INLINE_FUNC void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    tsel4_sys_reply(seL4_SysReply, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2), seL4_GetMR(3));
}

LIBSEL4_INLINE_FUNC void seL4_ReplyWithMRs(seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                           seL4_Word *mr3)
{
    seL4_Word m[4];
    tsel4_load_mrs(msgInfo, mr0, mr1, mr2, mr3, m);
    tsel4_sys_reply(seL4_SysReply, msgInfo.words[0], m[0], m[1], m[2], m[3]);
}

/* Signal a notification (a Send with an empty message). */
LIBSEL4_INLINE_FUNC void seL4_Signal(seL4_CPtr dest)
{
    tsel4_sys_send_null(seL4_SysSend, dest, seL4_MessageInfo_new(0, 0, 0, 0).words[0]);
}

/* Wait for a message on src; the sender's badge goes to *sender when sender is not NULL. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word m[4];
    tsel4_sys_recv(seL4_SysRecv, src, &badge, &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_mrs_to_buffer(m);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return info;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                        seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word m[4];
    tsel4_sys_recv(seL4_SysRecv, src, &badge, &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_store_mrs(m, mr0, mr1, mr2, mr3);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return info;
}

/* Like seL4_Recv, but returns at once when nothing is there. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word m[4];
    tsel4_sys_recv(seL4_SysNBRecv, src, &badge, &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_mrs_to_buffer(m);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return info;
}

/* Send and wait for the reply; returns the reply's message info. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_MessageInfo_t info;
    seL4_Word m[4] = {seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2), seL4_GetMR(3)};
    tsel4_sys_send_recv(seL4_SysCall, dest, &dest, msgInfo.words[0], &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_mrs_to_buffer(m);
    return info;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                                        seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word m[4];
    tsel4_load_mrs(msgInfo, mr0, mr1, mr2, mr3, m);
    tsel4_sys_send_recv(seL4_SysCall, dest, &dest, msgInfo.words[0], &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_store_mrs(m, mr0, mr1, mr2, mr3);
    return info;
}

/* Reply to the last caller, then wait on src. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word m[4] = {seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2), seL4_GetMR(3)};
    tsel4_sys_send_recv(seL4_SysReplyRecv, src, &badge, msgInfo.words[0], &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_mrs_to_buffer(m);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return info;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                             seL4_Word *sender, seL4_Word *mr0, seL4_Word *mr1,
                                                             seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word m[4];
    tsel4_load_mrs(msgInfo, mr0, mr1, mr2, mr3, m);
    tsel4_sys_send_recv(seL4_SysReplyRecv, src, &badge, msgInfo.words[0], &info.words[0], &m[0], &m[1], &m[2], &m[3]);
    tsel4_store_mrs(m, mr0, mr1, mr2, mr3);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return info;
}

/* Let the other threads of this priority run. */
LIBSEL4_INLINE_FUNC void seL4_Yield(void)
{
    tsel4_sys_null(seL4_SysYield);
}

/* Wait on a notification (in the classic kernel, seL4_Recv without a result). */
LIBSEL4_INLINE_FUNC void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Recv(src, sender);
}

/* Poll a notification (seL4_NBRecv). */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBRecv(src, sender);
}

/* ----- debug calls (a debug kernel) ----- */

/* One character on the kernel's debug console. */
LIBSEL4_INLINE_FUNC void seL4_DebugPutChar(char c)
{
    seL4_Word unused[6] = {0};
    tsel4_sys_send_recv(seL4_SysDebugPutChar, (seL4_Word)c, &unused[0], 0, &unused[1], &unused[2], &unused[3],
                        &unused[4], &unused[5]);
}

LIBSEL4_INLINE_FUNC void seL4_DebugPutString(char *str)
{
    for (char *s = str; *s != '\0'; s++) {
        seL4_DebugPutChar(*s);
    }
}

/* Print the scheduler's queues on the kernel log. */
LIBSEL4_INLINE_FUNC void seL4_DebugDumpScheduler(void)
{
    tsel4_sys_null(seL4_SysDebugDumpScheduler);
}

/* Stop the machine. */
LIBSEL4_INLINE_FUNC void seL4_DebugHalt(void)
{
    tsel4_sys_null(seL4_SysDebugHalt);
}

LIBSEL4_INLINE_FUNC void seL4_DebugSnapshot(void)
{
    tsel4_sys_null(seL4_SysDebugSnapshot);
}

/* The kernel's type tag of the capability at cap (0 for an empty slot). */
LIBSEL4_INLINE_FUNC seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    seL4_Word unused[5] = {0};
    tsel4_sys_send_recv(seL4_SysDebugCapIdentify, cap, &cap, 0, &unused[0], &unused[1], &unused[2], &unused[3],
                        &unused[4]);
    return (seL4_Uint32)cap;
}

/* Name a thread in the kernel's debug output (the name travels in the IPC buffer). */
LIBSEL4_INLINE_FUNC void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)seL4_GetIPCBuffer()->msg;
    seL4_Word max = seL4_MsgMaxLength * sizeof(seL4_Word) - 1;
    seL4_Word i = 0;
    for (; i < max && name[i] != '\0'; i++) {
        dst[i] = name[i];
    }
    dst[i] = '\0';
    seL4_Word unused[6] = {0};
    tsel4_sys_send_recv(seL4_SysDebugNameThread, tcb, &unused[0], 0, &unused[1], &unused[2], &unused[3], &unused[4],
                        &unused[5]);
}
