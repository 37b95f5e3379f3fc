/*
 * C threads made the seL4 way and talking through the kernel: Call/ReplyRecv with a badge, a
 * 120-word message through the shared IPC buffer, the IPC buffer pointer each thread sees, a
 * thread without a kernel IPC buffer, constructors and stdio on the console, the heap, and exit.
 */
#include <refsel4.h>
#include <stdlib.h>
#include <string.h>

static seL4_CPtr ep;
static int constructed;

static void __attribute__((constructor)) before_main(void)
{
    constructed = 1;
    printf("constructor: runs in the root task before main\n");
}

static void bye(void)
{
    printf("atexit: handler ran\n");
}

static void server(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    for (;;) {
        seL4_Word n = seL4_MessageInfo_get_length(info);
        seL4_Word sum = 0;
        for (seL4_Word i = 0; i < n; i++) {
            sum += seL4_GetMR((int)i);
        }
        printf("server: label=%lu len=%lu badge=0x%lx sum=%lu\n", (unsigned long)seL4_MessageInfo_get_label(info),
               (unsigned long)n, (unsigned long)badge, (unsigned long)sum);
        seL4_SetMR(0, sum);
        seL4_SetMR(119, badge);
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(1, 0, 0, 120), &badge);
    }
}

static void where_is_my_buffer(seL4_Word expect_offset, seL4_Word a1, seL4_Word a2)
{
    seL4_Word b = (seL4_Word)seL4_GetIPCBuffer();
    printf("buffer: offset in page 0x%lx, as configured: %d\n", (unsigned long)(b & 0xfff), (b & 0xfff) == expect_offset);
    seL4_SetMR(0, 5);
    seL4_SetMR(5, 6);
    seL4_Call(ep, seL4_MessageInfo_new(3, 0, 0, 6));
    printf("buffer: reply mr0=%lu mr119=0x%lx\n", (unsigned long)seL4_GetMR(0), (unsigned long)seL4_GetMR(119));
}

static void no_buffer(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_SetMR(0, 10);
    seL4_SetMR(1, 20);
    seL4_SetMR(5, 1000); /* beyond the registers: the kernel has no buffer to read it from */
    printf("no_buffer: GetMR(5) still reads what SetMR wrote: %lu\n", (unsigned long)seL4_GetMR(5));
    seL4_Call(ep, seL4_MessageInfo_new(4, 0, 0, 6));
    printf("no_buffer: reply mr0=%lu\n", (unsigned long)seL4_GetMR(0));
}

int main(void)
{
    printf("main: constructed=%d\n", constructed);
    REF_CHECK(ref_alloc_object(seL4_EndpointObject, 0, &ep));
    seL4_CPtr badged = ref_alloc_slot();
    REF_CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, badged, seL4_WordBits, seL4_CapInitThreadCNode, ep,
                              seL4_WordBits, seL4_AllRights, 0xfeedface12345678UL));
    ref_thread_t srv;
    REF_CHECK(ref_thread_create(&srv, 0, 250));
    REF_CHECK(ref_thread_start(&srv, server, 0, 0, 0));
    ref_run_others();

    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR(i, (seL4_Word)i + 1);
    }
    seL4_MessageInfo_t r = seL4_Call(badged, seL4_MessageInfo_new(2, 0, 0, seL4_MsgMaxLength));
    printf("root: reply label=%lu len=%lu mr0=%lu mr119=0x%lx\n", (unsigned long)seL4_MessageInfo_get_label(r),
           (unsigned long)seL4_MessageInfo_get_length(r), (unsigned long)seL4_GetMR(0),
           (unsigned long)seL4_GetMR(119));

    /* a thread whose IPC buffer is 0x400 into its frame */
    seL4_CPtr tcb, frame;
    REF_CHECK(ref_alloc_object(seL4_TCBObject, 0, &tcb));
    REF_CHECK(ref_map_new_frame(0x20000000, &frame));
    REF_CHECK(seL4_TCB_Configure(tcb, 0, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, 0x20000400, frame));
    REF_CHECK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 200, 200));
    seL4_UserContext regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = (seL4_Word)where_is_my_buffer;
    regs.rdi = 0x400;
    REF_CHECK(seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs));
    ref_run_others();

    ref_thread_t nb;
    REF_CHECK(ref_thread_create_ex(&nb, 0, 200, REF_NO_IPCBUF));
    REF_CHECK(ref_thread_start(&nb, no_buffer, 0, 0, 0));
    ref_run_others();

    /* stdio on the console */
    char long_line[700];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    printf("long: %zu %s\n", strlen(long_line), long_line + 690);
    printf("%s", "printf without a newline; ");
    puts("puts");
    putchar('c');
    putchar('\n');
    fputs("fputs\n", stdout);
    fwrite("fwrite\n", 1, 7, stdout);
    fprintf(stderr, "stderr %d\n", 2);
    fflush(stdout);

    /* the heap */
    int *a = malloc(100 * sizeof *a);
    int *z = calloc(50, sizeof *z);
    void *al = NULL;
    int pm = posix_memalign(&al, 4096, 10);
    for (int i = 0; i < 100; i++) {
        a[i] = i;
    }
    a = realloc(a, 10000 * sizeof *a);
    int zeros = 0;
    for (int i = 0; i < 50; i++) {
        zeros += z[i] == 0;
    }
    printf("heap: realloc kept %d, calloc zeros %d, aligned %d %d\n", a[99], zeros, pm,
           ((seL4_Word)al & 4095) == 0);
    char *s = strdup("from the host library");
    printf("heap: %s\n", s);
    free(s);
    free(a);
    free(z);
    free(al);

    atexit(bye);
    printf("main: returning 3\n");
    return 3;
}
