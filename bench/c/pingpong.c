/*
 * The bridge's ping-pong benchmark: the root task Calls a server thread ROUNDS times with a
 * one-word message, and the server answers each with ReplyRecv: both C threads, every round trip
 * through the kernel (the fastpath, when it applies). The JS side times the whole run.
 */
#include <sel4/sel4.h>
#include <stdio.h>
#include <string.h>

#ifndef ROUNDS
#define ROUNDS 100000
#endif

static void server(seL4_Word ep)
{
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    for (;;) {
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

int main(void)
{
    seL4_BootInfo *bi = seL4_GetBootInfo();
    seL4_CPtr slot = bi->empty.start, ut = 0;
    for (seL4_CPtr c = bi->untyped.start; c < bi->untyped.end && ut == 0; c++) {
        if (!bi->untypedList[c - bi->untyped.start].isDevice && bi->untypedList[c - bi->untyped.start].sizeBits >= 20) {
            ut = c;
        }
    }
    seL4_CPtr ep = slot++, tcb = slot++, frame = slot++;
    seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, ep, 1);
    seL4_Untyped_Retype(ut, seL4_TCBObject, 0, seL4_CapInitThreadCNode, 0, 0, tcb, 1);
    seL4_Untyped_Retype(ut, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, frame, 1);
    seL4_TCB_Configure(tcb, 0, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, 0x10000000, frame);
    seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 254, 254);
    seL4_UserContext regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = (seL4_Word)server;
    regs.rdi = ep;
    seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs);
    seL4_Word x = 0;
    for (int i = 0; i < ROUNDS; i++) {
        seL4_SetMR(0, x);
        seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
        x = seL4_GetMR(0);
    }
    printf("%lu\n", (unsigned long)x);
    return 0;
}
