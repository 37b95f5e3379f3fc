/*
 * tsel4 libsel4: the IPC buffer and its accessors. Message registers beyond the ones carried in
 * CPU registers live in the thread's IPC buffer, which is memory the kernel and the C code share:
 * seL4_GetMR / seL4_SetMR are plain memory accesses, as on the real kernel.
 */
#pragma once

#include <sel4/types.h>

/*
 * The running thread's IPC buffer. libsel4 keeps it in a thread-local variable; on tsel4 every C
 * thread runs on the one OS thread, and the bridge swaps this variable on every switch, so it is
 * per seL4 thread all the same. The bridge sets it when the thread starts, to the buffer the
 * thread's TCB was configured with (or a private one if it has none).
 */
extern seL4_IPCBuffer *__sel4_ipc_buffer;

LIBSEL4_INLINE_FUNC seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

LIBSEL4_INLINE_FUNC void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)
{
    __sel4_ipc_buffer = ipc_buffer;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}

LIBSEL4_INLINE_FUNC void seL4_SetMR(int i, seL4_Word mr)
{
    seL4_GetIPCBuffer()->msg[i] = mr;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_GetUserData(void)
{
    return seL4_GetIPCBuffer()->userData;
}

LIBSEL4_INLINE_FUNC void seL4_SetUserData(seL4_Word data)
{
    seL4_GetIPCBuffer()->userData = data;
}

/* After a receive: the badge of the i-th capability that was unwrapped. */
LIBSEL4_INLINE_FUNC seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

LIBSEL4_INLINE_FUNC seL4_CPtr seL4_GetCap(int i)
{
    return (seL4_CPtr)seL4_GetIPCBuffer()->caps_or_badges[i];
}

/* Before a send: the i-th capability to transfer. */
LIBSEL4_INLINE_FUNC void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = (seL4_Word)cptr;
}

LIBSEL4_INLINE_FUNC void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                                seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    if (receiveCNode != seL4_Null) {
        *receiveCNode = b->receiveCNode;
    }
    if (receiveIndex != seL4_Null) {
        *receiveIndex = b->receiveIndex;
    }
    if (receiveDepth != seL4_Null) {
        *receiveDepth = b->receiveDepth;
    }
}

/* Where a capability received in the next message goes. */
LIBSEL4_INLINE_FUNC void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex, seL4_Word receiveDepth)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    b->receiveCNode = receiveCNode;
    b->receiveIndex = receiveIndex;
    b->receiveDepth = receiveDepth;
}
