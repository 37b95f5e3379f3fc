/*
 * pingpong in C: apps/pingpong (TypeScript) written again against libsel4 and refsel4, printing
 * the same lines. A server thread waits on an endpoint with seL4_Recv and answers each request
 * with seL4_ReplyRecv; two clients hold copies of the endpoint cap minted with different badges
 * and make seL4_Calls, so the server tells them apart by the badge. Clients seL4_Yield after each
 * reply so that they take turns; they leave their replies in globals for the root task to print.
 * Priorities: root 255, server 254, clients 253.
 */
#include <refsel4.h>

#define CALLS 3
#define SQUARE 1

static char replies[2][CALLS][64];

static void server(seL4_Word ep, seL4_Word unused1, seL4_Word unused2)
{
    seL4_Word badge = 0;
    printf("server: waiting for requests (seL4_Recv)\n");
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    for (;;) {
        seL4_Word x = seL4_GetMR(0);
        const char *who = badge == 0xa ? "A" : badge == 0xb ? "B" : "?";
        printf("server: label=%lu mr0=%lu badge=0x%lx (client %s), replying %lu\n",
               (unsigned long)seL4_MessageInfo_get_label(info), (unsigned long)x, (unsigned long)badge, who,
               (unsigned long)(x * x));
        seL4_SetMR(0, x * x);
        /* reply to this caller and wait for the next request, in one syscall */
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

static void client(seL4_Word ep, seL4_Word letter, seL4_Word done)
{
    int me = letter == 'A' ? 0 : 1;
    for (int i = 1; i <= CALLS; i++) {
        seL4_SetMR(0, me == 0 ? (seL4_Word)i : (seL4_Word)(10 + i));
        seL4_MessageInfo_t reply = seL4_Call(ep, seL4_MessageInfo_new(SQUARE, 0, 0, 1));
        snprintf(replies[me][i - 1], sizeof replies[me][i - 1], "%lu (label %lu, length %lu)",
                 (unsigned long)seL4_GetMR(0), (unsigned long)seL4_MessageInfo_get_label(reply),
                 (unsigned long)seL4_MessageInfo_get_length(reply));
        seL4_Yield();
    }
    seL4_Signal(done);
}

static seL4_CPtr mint(seL4_CPtr src, seL4_Word badge)
{
    seL4_CPtr slot = ref_alloc_slot();
    REF_CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, seL4_WordBits, seL4_CapInitThreadCNode, src,
                              seL4_WordBits, seL4_AllRights, badge));
    return slot;
}

static void spawn(ref_thread_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word prio)
{
    ref_thread_t t;
    REF_CHECK(ref_thread_create(&t, 0, prio));
    REF_CHECK(ref_thread_start(&t, fn, a0, a1, a2));
}

int main(void)
{
    seL4_CPtr ep, done;
    REF_CHECK(ref_alloc_object(seL4_EndpointObject, 0, &ep));
    REF_CHECK(ref_alloc_object(seL4_NotificationObject, 0, &done));
    seL4_CPtr ep_a = mint(ep, 0xa);
    seL4_CPtr ep_b = mint(ep, 0xb);
    printf("pingpong: one endpoint; client A calls through a copy badged 0xa, client B through one badged 0xb\n");

    spawn(server, ep, 0, 0, 254);
    spawn(client, ep_a, 'A', done, 253);
    spawn(client, ep_b, 'B', done, 253);
    printf("pingpong: server at priority 254, clients at 253, each making %d seL4_Calls with label %d\n", CALLS,
           SQUARE);

    /* wait for both clients: each signals the notification once */
    seL4_Word badge;
    seL4_Wait(done, &badge);
    seL4_Wait(done, &badge);
    for (int c = 0; c < 2; c++) {
        printf("client %c got: %s, %s, %s\n", 'A' + c, replies[c][0], replies[c][1], replies[c][2]);
    }
    printf("pingpong: done\n");
    return 0;
}
