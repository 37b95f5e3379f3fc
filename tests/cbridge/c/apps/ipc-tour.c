/*
 * ipc-tour in C: apps/ipc-tour (TypeScript) written again against libsel4 and refsel4, printing
 * the same lines. seL4's IPC rules one at a time; each step prints what tsel4 did beside what
 * seL4 16.0.0 does (the "seL4:" strings are the TypeScript app's, written from seL4's sources,
 * manual and runs on the real kernel), then "same" or "DIFFERENT".
 *
 * The receiving threads share the root task's address space and leave what they saw in globals.
 */
#include <refsel4.h>
#include <string.h>

#define CNODE seL4_CapInitThreadCNode
#define WB seL4_WordBits

/* The receiver's receive slot (emptied by the root task after every step). */
static seL4_CPtr recv_slot;
/* What the receiver saw last, and how many messages it has had. */
static char seen[512];
static int received;
/* What the reply-cap server found in its caller slot. */
static char saved[64];

static const char *cap_name(seL4_Uint32 tag)
{
    switch (tag) {
    case 0: return "empty";
    case 1: return "frame_cap";
    case 2: return "untyped_cap";
    case 4: return "endpoint_cap";
    case 6: return "notification_cap";
    case 8: return "reply_cap";
    case 10: return "cnode_cap";
    case 12: return "thread_cap";
    default: return "other_cap";
    }
}

/* Message info, badge and the words as a receiver sees them. */
static void describe(char *out, size_t n, seL4_MessageInfo_t info, seL4_Word badge)
{
    seL4_Word len = seL4_MessageInfo_get_length(info);
    seL4_Word unwrapped = seL4_MessageInfo_get_capsUnwrapped(info);
    int k = snprintf(out, n, "label=%lu length=%lu extraCaps=%lu capsUnwrapped=0x%lx badge=0x%lx",
                     (unsigned long)seL4_MessageInfo_get_label(info), (unsigned long)len,
                     (unsigned long)seL4_MessageInfo_get_extraCaps(info), (unsigned long)unwrapped,
                     (unsigned long)badge);
    for (seL4_Word i = 0; i < len && i < 4; i++) {
        k += snprintf(out + k, n - k, "%s%lu", i == 0 ? " mr=" : ",", (unsigned long)seL4_GetMR((int)i));
    }
    if (len > 4) {
        k += snprintf(out + k, n - k, ",... mr%lu=%lu", (unsigned long)(len - 1), (unsigned long)seL4_GetMR((int)len - 1));
    }
    for (int i = 0; i < 3; i++) {
        if (unwrapped & (1u << i)) {
            k += snprintf(out + k, n - k, " badge%d=0x%lx", i, (unsigned long)seL4_GetBadge(i));
        }
    }
}

/* Receives on ep forever, caps into recv_slot, and records what it saw. */
static void receiver(seL4_Word ep, seL4_Word unused1, seL4_Word unused2)
{
    seL4_Word badge = 0;
    seL4_SetCapReceivePath(CNODE, recv_slot, WB);
    for (;;) {
        seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
        received++;
        describe(seen, sizeof seen, info, badge);
    }
}

/* Receives on ep without an IPC buffer of its own. */
static void bufferless(seL4_Word ep, seL4_Word unused1, seL4_Word unused2)
{
    seL4_Word badge = 0;
    for (;;) {
        seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
        describe(seen, sizeof seen, info, badge);
    }
}

/* Receives a Call, moves the reply cap out with CNode_SaveCaller, and answers through it. */
static void replier(seL4_Word ep, seL4_Word slot, seL4_Word unused)
{
    seL4_Word badge = 0;
    for (;;) {
        seL4_Recv(ep, &badge);
        seL4_Error e = seL4_CNode_SaveCaller(CNODE, slot, WB);
        seL4_Uint32 type = seL4_DebugCapIdentify(slot);
        snprintf(saved, sizeof saved, "SaveCaller=%d saved=%s", (int)e, cap_name(type));
        if (type != 0) {
            seL4_SetMR(0, 0x600d);
            seL4_Send(slot, seL4_MessageInfo_new(0, 0, 0, 1));
        }
    }
}

/* Makes one Call through ep and prints the reply (if one ever comes). */
static void caller(seL4_Word ep, seL4_Word unused1, seL4_Word unused2)
{
    seL4_SetMR(0, 1);
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(3, 0, 0, 1));
    printf("   caller: reply label=%lu mr0=0x%lx\n", (unsigned long)seL4_MessageInfo_get_label(info),
           (unsigned long)seL4_GetMR(0));
}

/* Receives on an endpoint cap that lacks Read: a cap fault. */
static void bad_receiver(seL4_Word ep, seL4_Word unused1, seL4_Word unused2)
{
    seL4_Recv(ep, NULL);
}

/* Print tsel4's result under seL4's and say whether they agree. */
static void compare(const char *got, const char *want)
{
    printf("   tsel4: %s\n", got);
    printf("   seL4:  %s   (%s)\n", want, strcmp(got, want) == 0 ? "same" : "DIFFERENT");
}

/* After a send: let the receiver run, then compare what it saw (and its receive slot). */
static void observe(const char *want)
{
    char got[600];
    ref_run_others();
    seL4_Uint32 type = seL4_DebugCapIdentify(recv_slot);
    snprintf(got, sizeof got, "%s slot=%s", seen, cap_name(type));
    compare(got, want);
    if (type != 0) {
        seL4_CNode_Delete(CNODE, recv_slot, WB);
    }
}

static void error_words(char *out, size_t n, seL4_Error e, int words)
{
    int k = snprintf(out, n, "%d %s", (int)e, ref_err_name(e));
    for (int i = 0; e != seL4_NoError && i < words; i++) {
        k += snprintf(out + k, n - k, "%s%lu", i == 0 ? " mr=" : ",", (unsigned long)seL4_GetMR(i));
    }
}

static void error(const char *what, seL4_Error e, int words, const char *want)
{
    char got[128];
    printf("   %s\n", what);
    error_words(got, sizeof got, e, e == seL4_NoError ? 0 : words);
    compare(got, want);
}

static seL4_CPtr alloc(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr c;
    REF_CHECK(ref_alloc_object(type, size_bits, &c));
    return c;
}

static seL4_CPtr mint(seL4_CPtr src, seL4_Word badge, seL4_CapRights_t rights)
{
    seL4_CPtr slot = ref_alloc_slot();
    REF_CHECK(seL4_CNode_Mint(CNODE, slot, WB, CNODE, src, WB, rights, badge));
    return slot;
}

static ref_thread_t *spawn(ref_thread_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word prio, seL4_CPtr fault_ep, unsigned flags)
{
    static ref_thread_t threads[8];
    static int n;
    ref_thread_t *t = &threads[n++];
    REF_CHECK(ref_thread_create_ex(t, fault_ep, prio, flags));
    REF_CHECK(ref_thread_start(t, fn, a0, a1, 0));
    return t;
}

int main(void)
{
    char got[600];
    seL4_CPtr ep = alloc(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = alloc(seL4_NotificationObject, 0);
    seL4_CPtr ntfn2 = alloc(seL4_NotificationObject, 0);
    seL4_CPtr ep11 = mint(ep, 0x11, seL4_AllRights);
    seL4_CPtr ep33 = mint(ep, 0x33, seL4_AllRights);
    seL4_CPtr ep22_no_grant = mint(ep, 0x22, seL4_CanWrite);
    recv_slot = ref_alloc_slot();
    spawn(receiver, ep, 0, 200, 0, 0);
    ref_run_others();
    printf("ipc-tour: each step shows what tsel4 did, then what seL4 16.0.0 does\n");

    printf("1. messages\n");
    printf(" 1a. seL4_Send label 5 with 3 words through a cap badged 0x11\n");
    seL4_SetMR(0, 10);
    seL4_SetMR(1, 20);
    seL4_SetMR(2, 30);
    seL4_Send(ep11, seL4_MessageInfo_new(5, 0, 0, 3));
    observe("label=5 length=3 extraCaps=0 capsUnwrapped=0x0 badge=0x11 mr=10,20,30 slot=empty");

    printf(" 1b. a length of 127 words: the kernel clamps it to seL4_MsgMaxLength (120)\n");
    for (int i = 0; i < 120; i++) {
        seL4_SetMR(i, (seL4_Word)i);
    }
    seL4_Send(ep11, seL4_MessageInfo_new(10, 0, 0, 127));
    observe("label=10 length=120 extraCaps=0 capsUnwrapped=0x0 badge=0x11 mr=0,1,2,3,... mr119=119 slot=empty");

    printf(" 1c. 6 words to a thread with no IPC buffer: only the message registers arrive\n");
    seL4_CPtr ep3 = alloc(seL4_EndpointObject, 0);
    spawn(bufferless, ep3, 0, 200, 0, REF_NO_IPCBUF);
    ref_run_others();
    for (int i = 0; i < 6; i++) {
        seL4_SetMR(i, (seL4_Word)i + 1);
    }
    seL4_Send(ep3, seL4_MessageInfo_new(2, 0, 0, 6));
    ref_run_others();
    compare(seen, "label=2 length=4 extraCaps=0 capsUnwrapped=0x0 badge=0x0 mr=1,2,3,4");

    printf("2. capability transfer (the receiver names an empty receive slot)\n");
    printf(" 2a. a notification cap through an endpoint cap with Grant\n");
    seL4_SetMR(0, 0xaa);
    seL4_SetCap(0, ntfn);
    seL4_Send(ep11, seL4_MessageInfo_new(6, 0, 1, 1));
    observe("label=6 length=1 extraCaps=1 capsUnwrapped=0x0 badge=0x11 mr=170 slot=notification_cap");

    printf(" 2b. the same through a cap without Grant: the words arrive, the cap does not\n");
    seL4_SetCap(0, ntfn);
    seL4_Send(ep22_no_grant, seL4_MessageInfo_new(6, 0, 1, 1));
    observe("label=6 length=1 extraCaps=0 capsUnwrapped=0x0 badge=0x22 mr=170 slot=empty");

    printf(" 2c. a cap to the endpoint the message travels on is unwrapped: its badge arrives instead\n");
    seL4_SetCap(0, ep11);
    seL4_Send(ep11, seL4_MessageInfo_new(8, 0, 1, 0));
    observe("label=8 length=0 extraCaps=1 capsUnwrapped=0x1 badge=0x11 badge0=0x11 slot=empty");

    printf(" 2d. without Grant there is no unwrapping either\n");
    seL4_SetCap(0, ep11);
    seL4_Send(ep22_no_grant, seL4_MessageInfo_new(8, 0, 1, 0));
    observe("label=8 length=0 extraCaps=0 capsUnwrapped=0x0 badge=0x22 slot=empty");

    printf(" 2e. [notification, endpoint cap badged 0x33]: the first is stored, the second unwrapped\n");
    seL4_SetCap(0, ntfn);
    seL4_SetCap(1, ep33);
    seL4_Send(ep11, seL4_MessageInfo_new(9, 0, 2, 0));
    observe("label=9 length=0 extraCaps=2 capsUnwrapped=0x2 badge=0x11 badge1=0x33 slot=notification_cap");

    printf(" 2f. [notification, notification]: one receive slot, so the transfer stops after the first\n");
    seL4_SetCap(0, ntfn);
    seL4_SetCap(1, ntfn2);
    seL4_Send(ep11, seL4_MessageInfo_new(9, 0, 2, 0));
    observe("label=9 length=0 extraCaps=1 capsUnwrapped=0x0 badge=0x11 slot=notification_cap");

    printf("3. rights\n");
    seL4_CPtr ep_read_only = mint(ep, 0x44, seL4_CanRead);
    printf(" 3a. seL4_Call through an endpoint cap without Write: an InvalidCapability error reply\n");
    seL4_SetMR(0, 5);
    seL4_MessageInfo_t info = seL4_Call(ep_read_only, seL4_MessageInfo_new(1, 0, 0, 1));
    snprintf(got, sizeof got, "label=%lu length=%lu mr0=%lu", (unsigned long)seL4_MessageInfo_get_label(info),
             (unsigned long)seL4_MessageInfo_get_length(info), (unsigned long)seL4_GetMR(0));
    compare(got, "label=2 length=1 mr0=0");

    printf(" 3b. seL4_Send through it: nothing happens and nothing is reported\n");
    int before = received;
    seL4_Send(ep_read_only, seL4_MessageInfo_new(1, 0, 0, 0));
    ref_run_others();
    snprintf(got, sizeof got, "messages delivered=%d", received - before);
    compare(got, "messages delivered=0");

    printf(" 3c. seL4_Recv through an endpoint cap without Read: a cap fault to the fault handler\n");
    seL4_CPtr fault_ep = alloc(seL4_EndpointObject, 0);
    seL4_CPtr fault_ep_badged = mint(fault_ep, 0xf, seL4_AllRights);
    seL4_CPtr ep_write_only = mint(ep, 0x55, seL4_CanWrite);
    spawn(bad_receiver, ep_write_only, 0, 200, fault_ep_badged, 0);
    seL4_Word fbadge = 0;
    seL4_MessageInfo_t finfo = seL4_Recv(fault_ep, &fbadge);
    seL4_Word addr = seL4_GetMR(seL4_CapFault_Addr);
    char addr_text[32];
    if (addr == ep_write_only) {
        snprintf(addr_text, sizeof addr_text, "the cptr");
    } else {
        snprintf(addr_text, sizeof addr_text, "%lu", (unsigned long)addr);
    }
    snprintf(got, sizeof got,
             "label=%lu (%s) length=%lu badge=0x%lx addr=%s inRecvPhase=%lu lookupFailureType=%lu bitsLeft=%lu",
             (unsigned long)seL4_MessageInfo_get_label(finfo),
             seL4_MessageInfo_get_label(finfo) == seL4_Fault_CapFault ? "seL4_Fault_CapFault" : "another fault",
             (unsigned long)seL4_MessageInfo_get_length(finfo), (unsigned long)fbadge, addr_text,
             (unsigned long)seL4_GetMR(seL4_CapFault_InRecvPhase),
             (unsigned long)seL4_GetMR(seL4_CapFault_LookupFailureType),
             (unsigned long)seL4_GetMR(seL4_CapFault_BitsLeft));
    compare(got, "label=1 (seL4_Fault_CapFault) length=5 badge=0xf addr=the cptr inRecvPhase=1 lookupFailureType=2 bitsLeft=0");

    printf(" 3d. seL4_Call through a cap with Write only: delivered, but no reply cap (the caller is left Inactive)\n");
    seL4_CPtr ep4 = alloc(seL4_EndpointObject, 0);
    seL4_CPtr saved_slot = ref_alloc_slot();
    spawn(replier, ep4, saved_slot, 200, 0, 0);
    seL4_CPtr ep4_write = mint(ep4, 0x66, seL4_CanWrite);
    seL4_CPtr ep4_grant_reply = mint(ep4, 0x77, seL4_CapRights_new(1, 0, 0, 1));
    ref_run_others();
    spawn(caller, ep4_write, 0, 100, 0, 0);
    ref_run_others();
    compare(saved, "SaveCaller=0 saved=empty");
    printf(" 3e. the same with Write and GrantReply: the server saves the reply cap and answers through it\n");
    spawn(caller, ep4_grant_reply, 0, 100, 0, 0);
    ref_run_others();
    compare(saved, "SaveCaller=0 saved=reply_cap");

    printf("4. errors: the label of the kernel's reply to an invocation, and its words\n");
    seL4_CPtr ut = alloc(seL4_UntypedObject, 12);
    seL4_CPtr free_slot = ref_alloc_slot();
    error("seL4_Untyped_Retype to object type 99", seL4_Untyped_Retype(ut, 99, 0, CNODE, 0, 0, free_slot, 1), 1,
          "1 seL4_InvalidArgument mr=0");
    seL4_CPtr empty = ref_alloc_slot();
    error("seL4_TCB_Suspend on an empty slot", seL4_TCB_Suspend(empty), 1, "2 seL4_InvalidCapability mr=0");
    error("seL4_CNode_Mint with a badge from an already badged endpoint cap",
          seL4_CNode_Mint(CNODE, free_slot, WB, CNODE, ep11, WB, seL4_AllRights, 0x99), 0, "3 seL4_IllegalOperation");
    error("seL4_Untyped_Retype of 0 objects", seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, CNODE, 0, 0, free_slot, 0),
          2, "4 seL4_RangeError mr=1,256");
    seL4_CPtr tcb = alloc(seL4_TCBObject, 0);
    REF_CHECK(seL4_TCB_Configure(tcb, 0, CNODE, 0, seL4_CapInitThreadVSpace, 0, 0, 0));
    REF_CHECK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 254, 254));
    seL4_CPtr frame = alloc(seL4_X86_4K, 0);
    error("seL4_TCB_SetIPCBuffer at an address that is not 1 KiB aligned", seL4_TCB_SetIPCBuffer(tcb, 0x10000008, frame),
          0, "5 seL4_AlignmentError");
    error("seL4_CNode_Copy from an empty slot (the source lookup fails: MissingCapability, 64 bits left)",
          seL4_CNode_Copy(CNODE, free_slot, WB, CNODE, empty, WB, seL4_AllRights), 3, "6 seL4_FailedLookup mr=1,2,64");
    printf("   seL4_Call to the root CNode with label CNodeCopy and 1 word\n");
    seL4_SetMR(0, free_slot);
    seL4_MessageInfo_t t = seL4_Call(CNODE, seL4_MessageInfo_new(CNodeCopy, 0, 0, 1));
    error_words(got, sizeof got, (seL4_Error)seL4_MessageInfo_get_label(t), 0);
    compare(got, "7 seL4_TruncatedMessage");
    error("seL4_CNode_Copy into an occupied slot", seL4_CNode_Copy(CNODE, ep11, WB, CNODE, ep, WB, seL4_AllRights), 0,
          "8 seL4_DeleteFirst");
    error("seL4_Untyped_Retype of two 4 KiB frames from a 4 KiB untyped",
          seL4_Untyped_Retype(ut, seL4_X86_4K, 0, CNODE, 0, 0, free_slot, 2), 1, "10 seL4_NotEnoughMemory mr=4096");
    error("seL4_Untyped_Retype of one endpoint from it",
          seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, CNODE, 0, 0, free_slot, 1), 0, "0 seL4_NoError");
    seL4_CPtr copy = ref_alloc_slot();
    error("seL4_CNode_Copy of that untyped, which now has a child",
          seL4_CNode_Copy(CNODE, copy, WB, CNODE, ut, WB, seL4_AllRights), 0, "9 seL4_RevokeFirst");

    printf("ipc-tour: done\n");
    return 0;
}
