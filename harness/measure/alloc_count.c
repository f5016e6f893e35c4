#include "alloc_count.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__real_aligned_alloc(size_t alignment, size_t size);
int __real_posix_memalign(void **out, size_t alignment, size_t size);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);
void *__wrap_aligned_alloc(size_t alignment, size_t size);
int __wrap_posix_memalign(void **out, size_t alignment, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* initial-exec TLS in the executable: one add to a fixed offset from the thread pointer. */
static __thread struct hp_alloc_counts thread_counts;

static inline void count_alloc(size_t size)
{
    thread_counts.allocs++;
    thread_counts.bytes += size;
}

/* ---- the held-memory window (alloc_count.h) ----
 * An open-addressing table of the live blocks made in the window (linear probing, deletion by
 * backward shift), allocated with the real allocator so that it never records itself. */
struct held_entry {
    void *ptr; /* NULL: empty slot */
    size_t requested;
};

static atomic_bool held_open;
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static struct held_entry *held_table;
static size_t held_capacity, held_count; /* capacity: a power of two */

static size_t held_slot(const void *ptr)
{
    uint64_t h = (uint64_t)(uintptr_t)ptr * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 17) & (held_capacity - 1);
}

static void held_insert(void *ptr, size_t requested)
{
    size_t i = held_slot(ptr);
    while (held_table[i].ptr && held_table[i].ptr != ptr)
        i = (i + 1) & (held_capacity - 1);
    held_count += !held_table[i].ptr;
    held_table[i] = (struct held_entry){ptr, requested};
}

/* Doubles the table; false when memory runs out (the block is then not recorded). */
static bool held_grow(void)
{
    struct held_entry *old = held_table;
    size_t old_capacity = held_capacity;
    struct held_entry *grown = __real_calloc(2 * old_capacity, sizeof *grown);
    if (!grown)
        return false;
    held_table = grown;
    held_capacity = 2 * old_capacity;
    held_count = 0;
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i].ptr)
            held_insert(old[i].ptr, old[i].requested);
    __real_free(old);
    return true;
}

static void held_record(void *ptr, size_t requested)
{
    if (!ptr)
        return;
    pthread_mutex_lock(&held_lock);
    if (held_table && (2 * (held_count + 1) <= held_capacity || held_grow()))
        held_insert(ptr, requested);
    pthread_mutex_unlock(&held_lock);
}

static void held_forget(void *ptr)
{
    if (!ptr)
        return;
    pthread_mutex_lock(&held_lock);
    if (held_table) {
        size_t i = held_slot(ptr);
        while (held_table[i].ptr && held_table[i].ptr != ptr)
            i = (i + 1) & (held_capacity - 1);
        if (held_table[i].ptr) {
            held_table[i].ptr = NULL;
            held_count--;
            /* backward shift: move up every later entry of the run that may sit at i */
            for (size_t j = (i + 1) & (held_capacity - 1); held_table[j].ptr;
                 j = (j + 1) & (held_capacity - 1)) {
                size_t home = held_slot(held_table[j].ptr);
                if (((j - home) & (held_capacity - 1)) >= ((j - i) & (held_capacity - 1))) {
                    held_table[i] = held_table[j];
                    held_table[j].ptr = NULL;
                    i = j;
                }
            }
        }
    }
    pthread_mutex_unlock(&held_lock);
}

static inline bool held_window(void)
{
    return atomic_load_explicit(&held_open, memory_order_relaxed);
}

int hp_alloc_held_begin(void)
{
    pthread_mutex_lock(&held_lock);
    int rc = -1;
    if (!held_table && (held_table = __real_calloc(1024, sizeof *held_table))) {
        held_capacity = 1024;
        held_count = 0;
        atomic_store(&held_open, true);
        rc = 0;
    }
    pthread_mutex_unlock(&held_lock);
    return rc;
}

void hp_alloc_held_end(struct hp_alloc_held *out)
{
    *out = (struct hp_alloc_held){0};
    pthread_mutex_lock(&held_lock);
    atomic_store(&held_open, false);
    for (size_t i = 0; held_table && i < held_capacity; i++) {
        if (!held_table[i].ptr)
            continue;
        out->blocks++;
        out->requested_bytes += held_table[i].requested;
        out->usable_bytes += malloc_usable_size(held_table[i].ptr);
    }
    __real_free(held_table);
    held_table = NULL;
    held_capacity = held_count = 0;
    pthread_mutex_unlock(&held_lock);
}

/* The window is open only while a workload builds its structure at setup: its work stays out of
 * line, so that on every measured path malloc, calloc and free are a count, one load and a tail
 * call to the allocator, as they were before the window existed. */
static __attribute__((noinline)) void *malloc_in_window(size_t size)
{
    void *p = __real_malloc(size);
    held_record(p, size);
    return p;
}

static __attribute__((noinline)) void *calloc_in_window(size_t count, size_t size)
{
    void *p = __real_calloc(count, size);
    held_record(p, count * size);
    return p;
}

static __attribute__((noinline)) void free_in_window(void *ptr)
{
    held_forget(ptr);
    __real_free(ptr);
}

void *__wrap_malloc(size_t size)
{
    count_alloc(size);
    if (__builtin_expect(held_window(), 0))
        return malloc_in_window(size);
    return __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    count_alloc(count * size);
    if (__builtin_expect(held_window(), 0))
        return calloc_in_window(count, size);
    return __real_calloc(count, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
    if (size > 0)
        count_alloc(size);
    else if (ptr)
        thread_counts.frees++;
    bool window = held_window();
    if (window)
        held_forget(ptr); /* a block made before the window and grown in it counts whole */
    void *p = __real_realloc(ptr, size);
    if (window && size > 0)
        held_record(p, size);
    return p;
}

void __wrap_free(void *ptr)
{
    if (ptr)
        thread_counts.frees++;
    if (__builtin_expect(held_window(), 0)) {
        free_in_window(ptr);
        return;
    }
    __real_free(ptr);
}

void *__wrap_aligned_alloc(size_t alignment, size_t size)
{
    count_alloc(size);
    void *p = __real_aligned_alloc(alignment, size);
    if (held_window())
        held_record(p, size);
    return p;
}

int __wrap_posix_memalign(void **out, size_t alignment, size_t size)
{
    count_alloc(size);
    int rc = __real_posix_memalign(out, alignment, size);
    if (rc == 0 && held_window())
        held_record(*out, size);
    return rc;
}

/* libc's strdup would call its own (unwrapped) malloc; these go through the counted one. */
char *__wrap_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = __wrap_malloc(len);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

char *__wrap_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = __wrap_malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

void hp_alloc_counts_read(struct hp_alloc_counts *out)
{
    *out = thread_counts;
}

struct hp_alloc_counts hp_alloc_counts_delta(const struct hp_alloc_counts *before,
                                             const struct hp_alloc_counts *after)
{
    return (struct hp_alloc_counts){
        .allocs = after->allocs - before->allocs,
        .bytes = after->bytes - before->bytes,
        .frees = after->frees - before->frees,
    };
}
