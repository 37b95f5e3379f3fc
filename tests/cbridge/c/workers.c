/*
 * C functions for threads that a TypeScript root task starts (no main: this is not a root task).
 */
#include <sel4/sel4.h>
#include <stdio.h>

/* Answers each Call with three times its MR0, and says which badge called. */
void c_server(seL4_Word ep)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    for (;;) {
        printf("c_server: mr0=%lu badge=0x%lx len=%lu\n", (unsigned long)seL4_GetMR(0), (unsigned long)badge,
               (unsigned long)seL4_MessageInfo_get_length(info));
        seL4_SetMR(0, seL4_GetMR(0) * 3);
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

/* Waits on ep forever (the root task moves it elsewhere). */
void c_waiter(seL4_Word ep)
{
    printf("c_waiter: waiting\n");
    for (;;) {
        seL4_Recv(ep, NULL);
        printf("c_waiter: woke up\n");
    }
}
