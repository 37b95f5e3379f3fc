/*
 * refsel4 on tsel4: the reference scenarios' helper API (include/refsel4.h) implemented for the
 * native bridge, so that a scenario written for the real kernel runs here unchanged. It makes the
 * same kernel calls, in the same order, as the implementation the scenarios were run with on seL4
 * (shared/ref/refsel4.c): slots from bootinfo's empty region, objects retyped from the first large
 * enough untyped, IPC buffer frames mapped with the x86 paging calls, threads configured with the
 * root CSpace and VSpace, named, started through a trampoline that suspends them when their
 * function returns.
 *
 * What differs is what the host does for us: output goes to the kernel console through the
 * runtime's printf, and a thread's stack and IPC buffer pointer are the bridge's (it runs each C
 * thread on a stack of its own and points __sel4_ipc_buffer at the buffer the TCB was configured
 * with); the stack pointer and TLS base are still written into the thread's registers as the
 * real helper writes them.
 */
#include "refsel4.h"

#include <string.h>

seL4_BootInfo *ref_bi;

/* Runs in the root task before main (the bridge defers constructors to there). */
static void __attribute__((constructor)) ref_init(void)
{
    ref_bi = seL4_GetBootInfo();
}

static const char *const error_names[] = {
    "seL4_NoError",        "seL4_InvalidArgument", "seL4_InvalidCapability", "seL4_IllegalOperation",
    "seL4_RangeError",     "seL4_AlignmentError",  "seL4_FailedLookup",      "seL4_TruncatedMessage",
    "seL4_DeleteFirst",    "seL4_RevokeFirst",     "seL4_NotEnoughMemory",
};

const char *ref_err_name(seL4_Word err)
{
    return err < sizeof error_names / sizeof error_names[0] ? error_names[err] : "?";
}

const char *ref_err_short(seL4_Word err)
{
    const char *n = ref_err_name(err);
    return strncmp(n, "seL4_", 5) == 0 ? n + 5 : n;
}

/* ------------------------------------------------------------------ slots and objects */

/* The real helper keeps the top two free slots for its IO port caps; keep them free here too, so
 * that running out of slots happens at the same place. */
#define RESERVED_TOP_SLOTS 2
static seL4_CPtr free_slot;

seL4_CPtr ref_alloc_slot(void)
{
    if (free_slot == 0) {
        free_slot = ref_bi->empty.start;
    }
    if (free_slot >= ref_bi->empty.end - RESERVED_TOP_SLOTS) {
        printf("ref_alloc_slot: out of slots\n");
        ref_done();
    }
    return free_slot++;
}

seL4_CPtr ref_find_untyped(seL4_Word min_bits)
{
    seL4_CPtr found = 0;
    seL4_Word found_bits = 0;
    for (seL4_CPtr c = ref_bi->untyped.start; c < ref_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = &ref_bi->untypedList[c - ref_bi->untyped.start];
        if (d->isDevice || d->sizeBits < min_bits) {
            continue;
        }
        if (found == 0 || d->sizeBits < found_bits) {
            found = c;
            found_bits = d->sizeBits;
        }
    }
    return found;
}

seL4_Error ref_alloc_object(seL4_Word type, seL4_Word size_bits, seL4_CPtr *out)
{
    seL4_CPtr slot = ref_alloc_slot();
    seL4_Error err = seL4_NotEnoughMemory;
    /* first the untypeds of 1 MiB or more, then any */
    for (int small_too = 0; small_too <= 1; small_too++) {
        for (seL4_CPtr c = ref_bi->untyped.start; c < ref_bi->untyped.end; c++) {
            const seL4_UntypedDesc *d = &ref_bi->untypedList[c - ref_bi->untyped.start];
            if (d->isDevice || (!small_too && d->sizeBits < 20)) {
                continue;
            }
            err = seL4_Untyped_Retype(c, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
            if (err == seL4_NoError) {
                *out = slot;
                return seL4_NoError;
            }
            if (err != seL4_NotEnoughMemory) {
                return err;
            }
        }
    }
    return err;
}

/* ------------------------------------------------------------------ mapping */

#define VSPACE seL4_CapInitThreadVSpace
#define ATTRS seL4_X86_Default_VMAttributes

/* Put a page directory over vaddr, with a PDPT above it if there is none. */
static seL4_Error add_page_directory(seL4_Word vaddr)
{
    seL4_CPtr pd, pdpt;
    seL4_Error err = ref_alloc_object(seL4_X86_PageDirectoryObject, 0, &pd);
    if (err != seL4_NoError) {
        return err;
    }
    err = seL4_X86_PageDirectory_Map(pd, VSPACE, vaddr, ATTRS);
    if (err != seL4_FailedLookup) {
        return err;
    }
    if ((err = ref_alloc_object(seL4_X86_PDPTObject, 0, &pdpt)) != seL4_NoError) {
        return err;
    }
    if ((err = seL4_X86_PDPT_Map(pdpt, VSPACE, vaddr, ATTRS)) != seL4_NoError) {
        return err;
    }
    return seL4_X86_PageDirectory_Map(pd, VSPACE, vaddr, ATTRS);
}

/* Put a page table over vaddr, with what it needs above it. */
static seL4_Error add_page_table(seL4_Word vaddr)
{
    seL4_CPtr pt;
    seL4_Error err = ref_alloc_object(seL4_X86_PageTableObject, 0, &pt);
    if (err != seL4_NoError) {
        return err;
    }
    err = seL4_X86_PageTable_Map(pt, VSPACE, vaddr, ATTRS);
    if (err != seL4_FailedLookup) {
        return err;
    }
    if ((err = add_page_directory(vaddr)) != seL4_NoError) {
        return err;
    }
    return seL4_X86_PageTable_Map(pt, VSPACE, vaddr, ATTRS);
}

seL4_Error ref_map_new_frame(seL4_Word vaddr, seL4_CPtr *frame_out)
{
    seL4_CPtr frame;
    seL4_Error err = ref_alloc_object(seL4_X86_4K, 0, &frame);
    if (err != seL4_NoError) {
        return err;
    }
    for (int attempt = 0; attempt < 4; attempt++) {
        err = seL4_X86_Page_Map(frame, VSPACE, vaddr, seL4_AllRights, ATTRS);
        if (err != seL4_FailedLookup) {
            break;
        }
        /* a paging structure is missing: add the lowest one, and what it needs, then retry */
        if ((err = add_page_table(vaddr)) != seL4_NoError) {
            return err;
        }
    }
    if (err == seL4_NoError && frame_out != NULL) {
        *frame_out = frame;
    }
    return err;
}

/* ------------------------------------------------------------------ threads */

#define MAX_THREADS 8
#define STACK_BYTES 16384
#define TLS_BYTES 8192
#define IPC_VBASE 0x10000000UL

static char stacks[MAX_THREADS][STACK_BYTES] __attribute__((aligned(4096)));
static char tls_areas[MAX_THREADS][TLS_BYTES] __attribute__((aligned(4096)));
static int threads_made;

/* Every thread starts here: run its function, then suspend itself for good. */
static void trampoline(seL4_Word a0, seL4_Word a1, seL4_Word a2, ref_thread_fn fn, seL4_CPtr self)
{
    fn(a0, a1, a2);
    seL4_TCB_Suspend(self);
    for (;;) {
        seL4_Yield();
    }
}

seL4_Error ref_thread_create(ref_thread_t *t, seL4_CPtr fault_ep, seL4_Word prio)
{
    return ref_thread_create_ex(t, fault_ep, prio, 0);
}

seL4_Error ref_thread_create_ex(ref_thread_t *t, seL4_CPtr fault_ep, seL4_Word prio, unsigned flags)
{
    if (threads_made >= MAX_THREADS) {
        return seL4_NotEnoughMemory;
    }
    memset(t, 0, sizeof *t);
    t->index = threads_made++;
    seL4_Error err = ref_alloc_object(seL4_TCBObject, 0, &t->tcb);
    if (err != seL4_NoError) {
        return err;
    }
    t->ipc_vaddr = IPC_VBASE + (seL4_Word)t->index * 2 * 4096; /* a gap between buffers */
    if ((err = ref_map_new_frame(t->ipc_vaddr, &t->ipc_frame)) != seL4_NoError) {
        return err;
    }
    t->stack_top = (seL4_Word)&stacks[t->index][STACK_BYTES];
    t->tls_base = (seL4_Word)&tls_areas[t->index][0];
    int no_buffer = (flags & REF_NO_IPCBUF) != 0;
    err = seL4_TCB_Configure(t->tcb, fault_ep, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0,
                             no_buffer ? 0 : t->ipc_vaddr, no_buffer ? seL4_CapNull : t->ipc_frame);
    if (err != seL4_NoError) {
        return err;
    }
    if ((err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, prio, prio)) != seL4_NoError) {
        return err;
    }
    if ((err = seL4_TCB_SetTLSBase(t->tcb, t->tls_base)) != seL4_NoError) {
        return err;
    }
    char name[16];
    snprintf(name, sizeof name, "thread%d", t->index);
    seL4_DebugNameThread(t->tcb, name);
    return seL4_NoError;
}

seL4_Error ref_thread_prepare(ref_thread_t *t, ref_thread_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_UserContext regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = (seL4_Word)&trampoline;
    regs.rsp = (t->stack_top & ~0xfUL) - 8; /* as just after a call */
    regs.rdi = a0;
    regs.rsi = a1;
    regs.rdx = a2;
    regs.rcx = (seL4_Word)fn;
    regs.r8 = t->tcb;
    regs.fs_base = t->tls_base;
    return seL4_TCB_WriteRegisters(t->tcb, 0, 0, sizeof regs / sizeof(seL4_Word), &regs);
}

seL4_Error ref_thread_start(ref_thread_t *t, ref_thread_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_Error err = ref_thread_prepare(t, fn, a0, a1, a2);
    return err != seL4_NoError ? err : seL4_TCB_Resume(t->tcb);
}

void ref_run_others(void)
{
    /* below everyone for a moment: every runnable thread runs until it blocks */
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 0);
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_MaxPrio);
}

void ref_done(void)
{
    printf("SCENARIO DONE\n");
    for (;;) {
        seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}

/* ------------------------------------------------------------------ raw calls and printing */

void ref_raw_syscall(ref_regs_t *r)
{
    /* every register the syscall instruction would see, except rbx, rcx and r11 (see refsel4.h) */
    seL4_Word *k = tsel4_regs;
    k[tsel4_reg_RAX] = r->rax;
    k[tsel4_reg_RDX] = r->rdx;
    k[tsel4_reg_RSI] = r->rsi;
    k[tsel4_reg_RDI] = r->rdi;
    k[tsel4_reg_RBP] = r->rbp;
    k[tsel4_reg_R8] = r->r8;
    k[tsel4_reg_R9] = r->r9;
    k[tsel4_reg_R10] = r->r10;
    k[tsel4_reg_R12] = r->r12;
    k[tsel4_reg_R13] = r->r13;
    k[tsel4_reg_R14] = r->r14;
    k[tsel4_reg_R15] = r->r15;
    tsel4_syscall();
    k = tsel4_regs;
    r->rax = k[tsel4_reg_RAX];
    r->rbx = k[tsel4_reg_RBX];
    r->rcx = k[tsel4_reg_NextIP]; /* sysret: rcx is where the thread goes on */
    r->rdx = k[tsel4_reg_RDX];
    r->rsi = k[tsel4_reg_RSI];
    r->rdi = k[tsel4_reg_RDI];
    r->rbp = k[tsel4_reg_RBP];
    r->r8 = k[tsel4_reg_R8];
    r->r9 = k[tsel4_reg_R9];
    r->r10 = k[tsel4_reg_R10];
    r->r11 = k[tsel4_reg_FLAGS]; /* and r11 its flags */
    r->r12 = k[tsel4_reg_R12];
    r->r13 = k[tsel4_reg_R13];
    r->r14 = k[tsel4_reg_R14];
    r->r15 = k[tsel4_reg_R15];
}

seL4_MessageInfo_t ref_invoke(seL4_CPtr svc, seL4_Word label, int nmrs, const seL4_Word *mrs, int ncaps,
                              const seL4_CPtr *caps)
{
    for (int i = 0; i < nmrs; i++) {
        seL4_SetMR(i, mrs[i]);
    }
    for (int i = 0; i < ncaps; i++) {
        seL4_SetCap(i, caps[i]);
    }
    return seL4_Call(svc, seL4_MessageInfo_new(label, 0, ncaps, nmrs));
}

void ref_print_reply(const char *tag, const char *op, seL4_MessageInfo_t info)
{
    seL4_Word len = seL4_MessageInfo_get_length(info);
    printf("%s: op=%s err=%s len=%lu", tag, op, ref_err_short(seL4_MessageInfo_get_label(info)), (unsigned long)len);
    for (seL4_Word i = 0; i < len && i < 8; i++) {
        printf(" mr%lu=%lu", (unsigned long)i, (unsigned long)seL4_GetMR((int)i));
    }
    printf("\n");
}

const char *ref_cap_type(seL4_CPtr cptr)
{
    switch (seL4_DebugCapIdentify(cptr)) {
    case 0: return "null";
    case 1: return "frame";
    case 2: return "untyped";
    case 3: return "page_table";
    case 4: return "endpoint";
    case 5: return "page_directory";
    case 6: return "notification";
    case 7: return "pdpt";
    case 8: return "reply";
    case 9: return "pml4";
    case 10: return "cnode";
    case 11: return "asid_control";
    case 12: return "thread";
    case 13: return "asid_pool";
    case 14: return "irq_control";
    case 16: return "irq_handler";
    case 18: return "zombie";
    case 19: return "io_port";
    case 20: return "domain";
    case 31: return "io_port_control";
    default: return "other";
    }
}
