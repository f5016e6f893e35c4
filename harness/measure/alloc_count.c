#include "alloc_count.h"

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

void *__wrap_malloc(size_t size)
{
    count_alloc(size);
    return __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    count_alloc(count * size);
    return __real_calloc(count, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
    if (size > 0)
        count_alloc(size);
    else if (ptr)
        thread_counts.frees++;
    return __real_realloc(ptr, size);
}

void __wrap_free(void *ptr)
{
    if (ptr)
        thread_counts.frees++;
    __real_free(ptr);
}

void *__wrap_aligned_alloc(size_t alignment, size_t size)
{
    count_alloc(size);
    return __real_aligned_alloc(alignment, size);
}

int __wrap_posix_memalign(void **out, size_t alignment, size_t size)
{
    count_alloc(size);
    return __real_posix_memalign(out, alignment, size);
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
