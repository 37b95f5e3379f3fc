/*
 * tsel4 C runtime: linked into every C program that runs on the native bridge. It plays the part
 * of sel4runtime and of a C library's seL4 backend:
 *
 * - the root task's start (__tsel4_root_start): run the program's constructors, then main(), then
 *   exit() — inside the root thread, as sel4runtime does;
 * - seL4_GetBootInfo;
 * - exit(): suspend the root task (seL4_TCB_Suspend(seL4_CapInitThreadTCB)), as a root task built
 *   on sel4runtime does; atexit handlers run first;
 * - printf and the other stdio calls on stdout/stderr write to the kernel's debug console with
 *   seL4_DebugPutChar, as a debug seL4 system's C library does; other FILEs go to the host's;
 * - assert() prints its message on the console (musl's wording) and aborts;
 * - malloc and friends come from a heap of the program's own, so that a broken heap (a double
 *   free) stays inside the program instead of taking the host's allocator down with it.
 *
 * The program is linked with -Wl,--wrap for each of these, so its calls land in the __wrap_*
 * functions here; the host C library is still there for everything else (string functions,
 * snprintf, ...). Nothing here runs outside an seL4 thread.
 */
#define _GNU_SOURCE
#include <sel4/sel4.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------------ boot info */

/* Set by the bridge before the root task starts. */
EXPORT seL4_BootInfo *__tsel4_bootinfo;

seL4_BootInfo *seL4_GetBootInfo(void)
{
    return __tsel4_bootinfo;
}

void seL4_InitBootInfo(seL4_BootInfo *bi)
{
    __tsel4_bootinfo = bi;
}

/* ------------------------------------------------------------------ console */

static void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        seL4_DebugPutChar(s[i]);
    }
}

static int is_console(FILE *f)
{
    return f == stdout || f == stderr;
}

void *__wrap_malloc(size_t n);
void __wrap_free(void *p);

static int console_vprintf(const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        console_write(small, (size_t)n);
    } else if (n >= 0) {
        char *big = __wrap_malloc((size_t)n + 1);
        if (big == NULL) {
            n = -1;
        } else {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            console_write(big, (size_t)n);
            __wrap_free(big);
        }
    }
    va_end(again);
    return n;
}

int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_fputs(const char *s, FILE *f);
int __real_fputc(int c, FILE *f);
int __real_putc(int c, FILE *f);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);
int __real_fflush(FILE *f);
int __real_setvbuf(FILE *f, char *buf, int mode, size_t size);

int __wrap_vprintf(const char *fmt, va_list ap)
{
    return console_vprintf(fmt, ap);
}

int __wrap_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = console_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    return is_console(f) ? console_vprintf(fmt, ap) : __real_vfprintf(f, fmt, ap);
}

int __wrap_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __wrap_vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_puts(const char *s)
{
    console_write(s, strlen(s));
    seL4_DebugPutChar('\n');
    return 1;
}

int __wrap_putchar(int c)
{
    seL4_DebugPutChar((char)c);
    return (unsigned char)c;
}

int __wrap_fputs(const char *s, FILE *f)
{
    if (!is_console(f)) {
        return __real_fputs(s, f);
    }
    console_write(s, strlen(s));
    return 1;
}

int __wrap_fputc(int c, FILE *f)
{
    if (!is_console(f)) {
        return __real_fputc(c, f);
    }
    seL4_DebugPutChar((char)c);
    return (unsigned char)c;
}

int __wrap_putc(int c, FILE *f)
{
    if (!is_console(f)) {
        return __real_putc(c, f);
    }
    seL4_DebugPutChar((char)c);
    return (unsigned char)c;
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    if (!is_console(f)) {
        return __real_fwrite(p, size, n, f);
    }
    console_write(p, size * n);
    return n;
}

int __wrap_fflush(FILE *f)
{
    return f == NULL || is_console(f) ? 0 : __real_fflush(f);
}

int __wrap_setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    /* the console is unbuffered already */
    return is_console(f) ? 0 : __real_setvbuf(f, buf, mode, size);
}

void __wrap_perror(const char *s)
{
    const char *e = strerror(errno);
    if (s != NULL && *s != '\0') {
        console_write(s, strlen(s));
        console_write(": ", 2);
    }
    console_write(e, strlen(e));
    seL4_DebugPutChar('\n');
}

/* assert(): musl's message, on the console, then abort() (which the bridge turns into a fault). */
__attribute__((noreturn)) void __wrap___assert_fail(const char *expr, const char *file, unsigned int line,
                                                    const char *func)
{
    __wrap_printf("Assertion failed: %s (%s: %s: %u)\n", expr, file, func, line);
    abort();
}

/* ------------------------------------------------------------------ exit */

#define MAX_ATEXIT 32
static void (*atexit_fns[MAX_ATEXIT])(void);
static int n_atexit;

int __wrap_atexit(void (*fn)(void))
{
    if (n_atexit == MAX_ATEXIT) {
        return -1;
    }
    atexit_fns[n_atexit++] = fn;
    return 0;
}

static __attribute__((noreturn)) void stop_root(void)
{
    for (;;) {
        /* the root task's own TCB cap: a root task suspends itself; another thread calling exit()
         * stops the root task, then stays here, as on seL4 */
        seL4_TCB_Suspend(seL4_CapInitThreadTCB);
        seL4_Yield();
    }
}

__attribute__((noreturn)) void __wrap_exit(int code)
{
    (void)code;
    while (n_atexit > 0) {
        atexit_fns[--n_atexit]();
    }
    stop_root();
}

__attribute__((noreturn)) void __wrap__exit(int code)
{
    (void)code;
    stop_root();
}

__attribute__((noreturn)) void __wrap__Exit(int code)
{
    (void)code;
    stop_root();
}

/* ------------------------------------------------------------------ the root task's start */

typedef void (*init_fn)(void);
/* The program's constructors: moved out of .init_array when it was built, so that they run here,
 * in the root thread, rather than when the host loads the library. */
extern init_fn __start_tsel4_init_array[] __attribute__((weak, visibility("hidden")));
extern init_fn __stop_tsel4_init_array[] __attribute__((weak, visibility("hidden")));
extern int main(void) __attribute__((weak));

EXPORT void __tsel4_root_start(void)
{
    if (__start_tsel4_init_array != NULL) {
        for (init_fn *f = __start_tsel4_init_array; f < __stop_tsel4_init_array; f++) {
            (*f)();
        }
    }
    exit(main());
}

/* ------------------------------------------------------------------ heap */

/*
 * A heap of the program's own: a reservation that the host backs only where written. Blocks carry
 * a 16-byte header; freed blocks go to a list per size class and are reused by that class. A free
 * of something the heap never gave out, or given back twice, is reported and aborts, like the host
 * allocator's checks, but without a lock held anywhere.
 */
#define HEAP_BYTES (1ull << 30)
#define BLOCK_MAGIC 0x74733468u
#define BLOCK_USED 1u
#define BLOCK_FREE 2u
#define N_CLASSES 104

typedef struct block {
    uint64_t size; /* bytes of payload */
    uint32_t magic;
    uint32_t state;
} block_t;

static uint8_t *heap_base, *heap_top, *heap_end;
static void *free_lists[N_CLASSES];

void *__real_malloc(size_t n);
void __real_free(void *p);
void *__real_realloc(void *p, size_t n);

static int heap_init(void)
{
    if (heap_base != NULL) {
        return 0;
    }
    void *p = mmap(NULL, HEAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return -1;
    }
    heap_base = heap_top = p;
    heap_end = heap_base + HEAP_BYTES;
    return 0;
}

__attribute__((destructor)) static void heap_fini(void)
{
    if (heap_base != NULL) {
        munmap(heap_base, HEAP_BYTES);
    }
}

static int in_heap(const void *p)
{
    return heap_base != NULL && (const uint8_t *)p >= heap_base && (const uint8_t *)p < heap_end;
}

/* Size classes: multiples of 16 up to 1 KiB, then powers of two. */
static int size_class(size_t n, size_t *rounded)
{
    if (n <= 1024) {
        size_t r = n < 16 ? 16 : (n + 15) & ~(size_t)15;
        *rounded = r;
        return (int)(r / 16) - 1;
    }
    int bits = 11;
    while (((size_t)1 << bits) < n) {
        bits++;
    }
    *rounded = (size_t)1 << bits;
    return 64 + (bits - 11);
}

static void *bump(size_t size, size_t align)
{
    uintptr_t payload = ((uintptr_t)heap_top + sizeof(block_t) + align - 1) & ~(uintptr_t)(align - 1);
    if (payload + size > (uintptr_t)heap_end) {
        return NULL;
    }
    block_t *b = (block_t *)(payload - sizeof(block_t));
    b->size = size;
    b->magic = BLOCK_MAGIC;
    b->state = BLOCK_USED;
    heap_top = (uint8_t *)(payload + size);
    return (void *)payload;
}

static void *heap_alloc(size_t n, size_t align)
{
    if (heap_init() != 0 || n > HEAP_BYTES) {
        errno = ENOMEM;
        return NULL;
    }
    size_t size;
    int c = size_class(n, &size);
    if (align <= 16 && c < N_CLASSES && free_lists[c] != NULL) {
        void *p = free_lists[c];
        free_lists[c] = *(void **)p;
        ((block_t *)p - 1)->state = BLOCK_USED;
        return p;
    }
    void *p = bump(size, align < 16 ? 16 : align);
    if (p == NULL) {
        errno = ENOMEM;
    }
    return p;
}

static __attribute__((noreturn)) void heap_corrupt(const char *what, void *p)
{
    __wrap_printf("tsel4: %s(): invalid pointer %p (not allocated, or freed twice)\n", what, p);
    abort();
}

static block_t *block_of(void *p, const char *what)
{
    block_t *b = (block_t *)p - 1;
    if (((uintptr_t)p & 15) != 0 || b->magic != BLOCK_MAGIC || b->state != BLOCK_USED) {
        heap_corrupt(what, p);
    }
    return b;
}

void *__wrap_malloc(size_t n)
{
    return heap_alloc(n, 16);
}

void __wrap_free(void *p)
{
    if (p == NULL) {
        return;
    }
    if (!in_heap(p)) {
        __real_free(p); /* from the host library (strdup and the like) */
        return;
    }
    block_t *b = block_of(p, "free");
    size_t size;
    int c = size_class(b->size, &size);
    b->state = BLOCK_FREE;
    *(void **)p = free_lists[c];
    free_lists[c] = p;
}

void *__wrap_calloc(size_t n, size_t each)
{
    if (each != 0 && n > SIZE_MAX / each) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = heap_alloc(n * each, 16);
    if (p != NULL) {
        memset(p, 0, n * each);
    }
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (p == NULL) {
        return heap_alloc(n, 16);
    }
    if (!in_heap(p)) {
        return __real_realloc(p, n);
    }
    block_t *b = block_of(p, "realloc");
    if (n <= b->size) {
        return p;
    }
    void *q = heap_alloc(n, 16);
    if (q != NULL) {
        memcpy(q, p, b->size);
        __wrap_free(p);
    }
    return q;
}

int __wrap_posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0) {
        return EINVAL;
    }
    void *p = heap_alloc(n, align);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    if (align == 0 || (align & (align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return heap_alloc(n, align);
}

void *__wrap_memalign(size_t align, size_t n)
{
    return __wrap_aligned_alloc(align, n);
}
