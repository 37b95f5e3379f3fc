/*
 * sel4test-style IPC checks in C (in the spirit of sel4test's IPC tests, written for this
 * project): every message length from 0 to 120 both ways with Call/ReplyRecv and Send/Recv,
 * badges up to all 64 bits, and capability transfer (granted, refused without Grant, unwrapped
 * when sent back over the badged endpoint it came from). Each check prints PASS or FAIL.
 */
#include <refsel4.h>

static seL4_CPtr ep, ntfn;
static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: ", __func__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static seL4_Word pattern(seL4_Word len, seL4_Word i)
{
    return (len << 48) ^ (i * 0x9e3779b97f4a7c15UL);
}

/* Echo server: checks each message against the pattern and answers with the pattern plus one. */
static void echo(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    for (;;) {
        seL4_Word len = seL4_MessageInfo_get_length(info);
        CHECK(seL4_MessageInfo_get_label(info) == len + 1000, "label %lu for length %lu",
              (unsigned long)seL4_MessageInfo_get_label(info), (unsigned long)len);
        for (seL4_Word i = 0; i < len; i++) {
            CHECK(seL4_GetMR((int)i) == pattern(len, i), "server: length %lu word %lu", (unsigned long)len,
                  (unsigned long)i);
        }
        for (seL4_Word i = 0; i < len; i++) {
            seL4_SetMR((int)i, pattern(len, i) + 1);
        }
        /* the label is 52 bits: libsel4 asserts that no wider value is given */
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(badge & 0xfffffffffffffUL, 0, 0, len), &badge);
    }
}

static void sink(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
        seL4_Word len = seL4_MessageInfo_get_length(info);
        for (seL4_Word i = 0; i < len; i++) {
            CHECK(seL4_GetMR((int)i) == pattern(len, i), "sink: length %lu word %lu", (unsigned long)len,
                  (unsigned long)i);
        }
        seL4_Signal(ntfn);
    }
}

static void lengths(void)
{
    int before = failures;
    for (seL4_Word len = 0; len <= seL4_MsgMaxLength; len++) {
        for (seL4_Word i = 0; i < len; i++) {
            seL4_SetMR((int)i, pattern(len, i));
        }
        seL4_MessageInfo_t r = seL4_Call(ep, seL4_MessageInfo_new(len + 1000, 0, 0, len));
        CHECK(seL4_MessageInfo_get_length(r) == len, "reply length %lu for %lu",
              (unsigned long)seL4_MessageInfo_get_length(r), (unsigned long)len);
        for (seL4_Word i = 0; i < len; i++) {
            CHECK(seL4_GetMR((int)i) == pattern(len, i) + 1, "client: length %lu word %lu", (unsigned long)len,
                  (unsigned long)i);
        }
    }
    printf("%s Call/ReplyRecv with every length 0..120\n", failures == before ? "PASS" : "FAIL");
}

static void send_lengths(void)
{
    int before = failures;
    for (seL4_Word len = 0; len <= seL4_MsgMaxLength; len++) {
        for (seL4_Word i = 0; i < len; i++) {
            seL4_SetMR((int)i, pattern(len, i));
        }
        seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, len));
        seL4_Wait(ntfn, NULL);
    }
    printf("%s Send/Recv with every length 0..120\n", failures == before ? "PASS" : "FAIL");
}

static void badges(void)
{
    int before = failures;
    const seL4_Word list[] = {1, 0x42, 0xffffffffUL, 0x100000000UL, 0x8000000000000000UL, ~0UL};
    for (unsigned i = 0; i < sizeof list / sizeof list[0]; i++) {
        seL4_CPtr b = ref_alloc_slot();
        CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, b, seL4_WordBits, seL4_CapInitThreadCNode, ep,
                              seL4_WordBits, seL4_AllRights, list[i]) == seL4_NoError,
              "mint badge 0x%lx", (unsigned long)list[i]);
        /* the echo server replies with the badge it saw as the label (52 bits of it) */
        seL4_MessageInfo_t r = seL4_Call(b, seL4_MessageInfo_new(1000, 0, 0, 0));
        CHECK(seL4_MessageInfo_get_label(r) == (list[i] & 0xfffffffffffffUL), "badge 0x%lx came back as 0x%lx",
              (unsigned long)list[i], (unsigned long)seL4_MessageInfo_get_label(r));
    }
    printf("%s badges up to 64 bits reach the receiver\n", failures == before ? "PASS" : "FAIL");
}

static seL4_CPtr receive_slot;

static void cap_receiver(seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
    seL4_CPtr cep = a0;
    for (;;) {
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, receive_slot, seL4_WordBits);
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(cep, &badge);
        seL4_SetMR(0, seL4_MessageInfo_get_extraCaps(info));
        seL4_SetMR(1, seL4_MessageInfo_get_capsUnwrapped(info));
        seL4_SetMR(2, seL4_DebugCapIdentify(receive_slot));
        seL4_SetMR(3, seL4_GetBadge(0));
        if (seL4_DebugCapIdentify(receive_slot) != 0) {
            seL4_CNode_Delete(seL4_CapInitThreadCNode, receive_slot, seL4_WordBits);
        }
        seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 4));
    }
}

static void cap_transfer(void)
{
    int before = failures;
    seL4_CPtr cep, granted, plain, badged_cep;
    REF_CHECK(ref_alloc_object(seL4_EndpointObject, 0, &cep));
    granted = ref_alloc_slot();
    plain = ref_alloc_slot();
    badged_cep = ref_alloc_slot();
    receive_slot = ref_alloc_slot();
    REF_CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, granted, seL4_WordBits, seL4_CapInitThreadCNode, cep,
                              seL4_WordBits, seL4_AllRights, 0x5));
    REF_CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, plain, seL4_WordBits, seL4_CapInitThreadCNode, cep,
                              seL4_WordBits, seL4_CapRights_new(0, 0, 0, 1), 0x6));
    REF_CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, badged_cep, seL4_WordBits, seL4_CapInitThreadCNode, cep,
                              seL4_WordBits, seL4_AllRights, 0x77));
    ref_thread_t t;
    REF_CHECK(ref_thread_create(&t, 0, 200));
    REF_CHECK(ref_thread_start(&t, cap_receiver, cep, 0, 0));
    ref_run_others();

    struct {
        const char *what;
        seL4_CPtr via, cap;
        seL4_Word extra, unwrapped, type, badge;
    } cases[] = {
        {"notification cap through a Grant cap", granted, ntfn, 1, 0, 6, 0},
        {"cap through a cap without Grant", plain, ntfn, 0, 0, 0, 0},
        {"badged cap to its own endpoint, unwrapped", granted, badged_cep, 1, 1, 0, 0x77},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        seL4_SetCap(0, cases[i].cap);
        seL4_Send(cases[i].via, seL4_MessageInfo_new(0, 0, 1, 0));
        seL4_Recv(ep, NULL);
        CHECK(seL4_GetMR(0) == cases[i].extra && seL4_GetMR(1) == cases[i].unwrapped && seL4_GetMR(2) == cases[i].type &&
                  (cases[i].unwrapped == 0 || seL4_GetMR(3) == cases[i].badge),
              "%s: extraCaps=%lu unwrapped=%lu type=%lu badge=0x%lx", cases[i].what, (unsigned long)seL4_GetMR(0),
              (unsigned long)seL4_GetMR(1), (unsigned long)seL4_GetMR(2), (unsigned long)seL4_GetMR(3));
    }
    printf("%s capability transfer: granted, refused without Grant, unwrapped\n", failures == before ? "PASS" : "FAIL");
}

int main(void)
{
    REF_CHECK(ref_alloc_object(seL4_EndpointObject, 0, &ep));
    REF_CHECK(ref_alloc_object(seL4_NotificationObject, 0, &ntfn));
    ref_thread_t server;
    REF_CHECK(ref_thread_create(&server, 0, 250));
    REF_CHECK(ref_thread_start(&server, echo, 0, 0, 0));
    ref_run_others();
    lengths();
    badges();
    REF_CHECK(seL4_TCB_Suspend(server.tcb));

    ref_thread_t s2;
    REF_CHECK(ref_thread_create(&s2, 0, 250));
    REF_CHECK(ref_thread_start(&s2, sink, 0, 0, 0));
    ref_run_others();
    send_lengths();
    REF_CHECK(seL4_TCB_Suspend(s2.tcb));

    cap_transfer();
    printf("%d failures\n", failures);
    ref_done();
}
