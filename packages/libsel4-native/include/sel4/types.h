/*
 * tsel4 libsel4: the types of the seL4 API for x86_64 (classic kernel): words and capability
 * pointers, the capability typedefs the invocation stubs name, the message info, cap rights and
 * CNode cap data words, the IPC buffer, and the numbers (constants.h and the files beside it,
 * generated from @tsel4/libsel4's tables). Written for tsel4's native bridge; not seL4's file.
 */
#pragma once

#include <sel4/config.h>
#include <sel4/macros.h>
#include <sel4/simple_types.h>

typedef seL4_Uint64 seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;
typedef seL4_Uint64 seL4_Time;

/* Capabilities, named by what they point at (all cptrs). */
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_SchedContext;
typedef seL4_CPtr seL4_SchedControl;
typedef seL4_CPtr seL4_X86_ASIDControl;
typedef seL4_CPtr seL4_X86_ASIDPool;
typedef seL4_CPtr seL4_X86_IOSpace;
typedef seL4_CPtr seL4_X86_IOPort;
typedef seL4_CPtr seL4_X86_IOPortControl;
typedef seL4_CPtr seL4_X86_Page;
typedef seL4_CPtr seL4_X86_PDPT;
typedef seL4_CPtr seL4_X86_PageDirectory;
typedef seL4_CPtr seL4_X86_PageTable;
typedef seL4_CPtr seL4_X86_IOPageTable;
typedef seL4_CPtr seL4_X64_PML4;

#include <sel4/constants.h>
#include <sel4/errors.h>
#include <sel4/objecttype.h>
#include <sel4/syscall.h>
#include <sel4/invocation.h>
#include <sel4/shared_types.h>
#include <sel4/sel4_arch/types.h>

/* Cache attributes of a mapping (x86). */
typedef enum {
    seL4_X86_Default_VMAttributes = 0,
    seL4_X86_WriteBack = 0,
    seL4_X86_WriteThrough = 1,
    seL4_X86_CacheDisabled = 2,
    seL4_X86_Uncacheable = 3,
    seL4_X86_WriteCombining = 4,
    SEL4_FORCE_LONG_ENUM(seL4_X86_VMAttributes),
} seL4_X86_VMAttributes;

#define seL4_NoRights seL4_CapRights_new(0, 0, 0, 0)
#define seL4_CanWrite seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanRead seL4_CapRights_new(0, 0, 1, 0)
#define seL4_ReadWrite seL4_CapRights_new(0, 0, 1, 1)
#define seL4_CanGrant seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_NoWrite seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead seL4_CapRights_new(1, 1, 0, 1)
#define seL4_AllRights seL4_CapRights_new(1, 1, 1, 1)

/* The IPC buffer: one per thread, aligned to its own size. */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((aligned(sizeof(struct seL4_IPCBuffer_))));

SEL4_COMPILE_ASSERT(ipc_buffer_size, sizeof(seL4_IPCBuffer) == (1 << seL4_IPCBufferSizeBits));
