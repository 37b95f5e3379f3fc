/*
 * Faults from C threads: each worker does one bad thing and the root, its fault handler, prints
 * the fault message it receives. Then a fault is answered twice: a reply with the registers
 * unchanged (the thread faults again at the same instruction) and a move to another function.
 */
#include <assert.h>
#include <refsel4.h>
#include <stdlib.h>
#include <string.h>

static seL4_CPtr fault_ep;

static void returns(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    printf("returns: running, then returning into nothing\n");
}

static void aborts(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    abort();
}

static void asserts(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    assert(a0 == 42);
}

static void null_write(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    *(volatile int *)0 = 1;
}

static void bad_read(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    printf("bad_read: %d\n", *(volatile int *)0x1234);
}

static void divides(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    volatile int zero = 0;
    printf("divides: %d\n", (int)a0 / zero);
}

static void traps(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    __builtin_trap();
}

static int deep(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    return deep(n + 1) + pad[0];
}

static void overflows(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    printf("overflows: %d\n", deep(0));
}

static void frees_twice(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    char *volatile p = malloc(32);
    free(p);
    free(p);
}

static void calls_bad_cptr(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_Call(0x10000, seL4_MessageInfo_new(1, 0, 0, 0));
    printf("calls_bad_cptr: the Call returned\n");
}

static void waits(seL4_Word ep, seL4_Word a1, seL4_Word a2)
{
    seL4_Recv(ep, NULL);
    printf("waits: the Recv returned\n");
}

static void recovered(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    printf("recovered: running with a0=%lu\n", (unsigned long)a0);
    seL4_Send(fault_ep, seL4_MessageInfo_new(77, 0, 0, 0));
}

/* A thread that starts at fn itself (no refsel4 trampoline), so that its return is its own. */
static void start_bare(ref_thread_t *t, ref_thread_fn fn, seL4_Word a0)
{
    seL4_UserContext regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = (seL4_Word)fn;
    regs.rsp = (t->stack_top & ~0xfUL) - 8;
    regs.rdi = a0;
    REF_CHECK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs));
}

static seL4_MessageInfo_t show_fault(const char *what)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(fault_ep, &badge);
    seL4_Fault_t f = seL4_getFault(info);
    switch (seL4_Fault_get_seL4_FaultType(f)) {
    case seL4_Fault_VMFault:
        printf("%s: VMFault addr=%s fsr=0x%lx prefetch=%lu\n", what,
               seL4_Fault_VMFault_get_Addr(f) < 0x10000 ? "low" : "high",
               (unsigned long)seL4_Fault_VMFault_get_FSR(f), (unsigned long)seL4_Fault_VMFault_get_PrefetchFault(f));
        if (seL4_Fault_VMFault_get_Addr(f) < 0x10000) {
            printf("%s: addr=0x%lx ip_is_addr=%d\n", what, (unsigned long)seL4_Fault_VMFault_get_Addr(f),
                   seL4_Fault_VMFault_get_IP(f) == seL4_Fault_VMFault_get_Addr(f));
        }
        break;
    case seL4_Fault_UserException:
        printf("%s: UserException number=%lu code=%lu len=%lu\n", what,
               (unsigned long)seL4_Fault_UserException_get_Number(f),
               (unsigned long)seL4_Fault_UserException_get_Code(f), (unsigned long)seL4_MessageInfo_get_length(info));
        break;
    default:
        printf("%s: label=%lu len=%lu\n", what, (unsigned long)seL4_MessageInfo_get_label(info),
               (unsigned long)seL4_MessageInfo_get_length(info));
    }
    return info;
}

int main(void)
{
    REF_CHECK(ref_alloc_object(seL4_EndpointObject, 0, &fault_ep));
    struct {
        const char *name;
        ref_thread_fn fn;
    } cases[] = {
        {"returns", returns}, {"aborts", aborts}, {"asserts", asserts}, {"null_write", null_write},
        {"bad_read", bad_read}, {"divides", divides}, {"traps", traps}, {"overflows", overflows},
    };
    /* refsel4 makes at most 8 threads: one per case, reused after each fault */
    ref_thread_t t[8];
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        REF_CHECK(ref_thread_create(&t[i], fault_ep, 200));
        start_bare(&t[i], cases[i].fn, 7);
        show_fault(cases[i].name);
    }

    /* a broken heap is the program's own: the free is refused, the thread aborts */
    start_bare(&t[0], frees_twice, 0);
    show_fault("frees_twice");

    /* answering a fault with the registers as they were: the same instruction faults again */
    start_bare(&t[1], null_write, 0);
    seL4_MessageInfo_t first = show_fault("null_write");
    seL4_Word ip = seL4_GetMR(seL4_VMFault_IP);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    show_fault("null_write again");
    printf("same instruction: %d\n", seL4_GetMR(seL4_VMFault_IP) == ip && seL4_MessageInfo_get_length(first) == 4);

    /* a syscall that cap-faults, answered: the thread makes the same syscall again (Restart) */
    start_bare(&t[2], calls_bad_cptr, 0);
    show_fault("calls_bad_cptr");
    printf("calls_bad_cptr: addr=0x%lx inRecvPhase=%lu\n", (unsigned long)seL4_GetMR(seL4_CapFault_Addr),
           (unsigned long)seL4_GetMR(seL4_CapFault_InRecvPhase));
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    show_fault("calls_bad_cptr again");

    /* a thread waiting on an endpoint that is deleted restarts its Recv, on an empty slot now */
    seL4_CPtr ep;
    REF_CHECK(ref_alloc_object(seL4_EndpointObject, 0, &ep));
    start_bare(&t[3], waits, ep);
    ref_run_others();
    REF_CHECK(seL4_CNode_Delete(seL4_CapInitThreadCNode, ep, seL4_WordBits));
    show_fault("waits");
    printf("waits: addr is the deleted slot: %d inRecvPhase=%lu\n", seL4_GetMR(seL4_CapFault_Addr) == ep,
           (unsigned long)seL4_GetMR(seL4_CapFault_InRecvPhase));

    /* moving the faulted thread to another function and resuming it */
    seL4_UserContext regs;
    REF_CHECK(seL4_TCB_ReadRegisters(t[1].tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs));
    printf("read back: rip is the fault ip: %d\n", regs.rip == ip);
    regs.rip = (seL4_Word)recovered;
    regs.rdi = 99;
    REF_CHECK(seL4_TCB_WriteRegisters(t[1].tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs));
    seL4_MessageInfo_t m = seL4_Recv(fault_ep, NULL);
    printf("root: got label %lu from the recovered thread\n", (unsigned long)seL4_MessageInfo_get_label(m));
    ref_done();
}
