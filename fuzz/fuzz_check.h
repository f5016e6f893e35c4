/* What every fuzz target shares: a property check that stops the run as a crash (so libFuzzer
 * saves the input), an exact-size copy of the input (so AddressSanitizer sees a read one byte
 * past it), and a file holding the input for the readers that take a path. */
#ifndef HOTPATH_FUZZ_CHECK_H
#define HOTPATH_FUZZ_CHECK_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A heap copy of exactly `size` bytes (one byte when size is 0, never read), and a
 * NUL-terminated one for the readers of C strings. */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    FUZZ_CHECK(copy != NULL, "out of memory");
    memcpy(copy, data, size);
    return copy;
}

static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    FUZZ_CHECK(copy != NULL, "out of memory");
    memcpy(copy, data, size);
    copy[size] = '\0';
    return copy;
}

/* A path naming a file that holds data[0, size): an in-memory file (memfd), rewritten for
 * every input, named through /proc/self/fd. `slot` 0 or 1: a target may hold two at once. */
static inline const char *fuzz_file(int slot, const void *data, size_t size)
{
    static int fds[2] = {-1, -1};
    static char paths[2][64];
    if (fds[slot] < 0) {
        fds[slot] = memfd_create("fuzz-input", 0);
        FUZZ_CHECK(fds[slot] >= 0, "memfd_create failed");
        snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
    }
    FUZZ_CHECK(ftruncate(fds[slot], 0) == 0, "ftruncate failed");
    FUZZ_CHECK(pwrite(fds[slot], data, size, 0) == (ssize_t)size, "pwrite failed");
    return paths[slot];
}

/* Does `inner` lie inside [base, base + len)? (An empty slice may sit at its end.) */
static inline int fuzz_inside(const char *base, size_t len, const char *inner, size_t inner_len)
{
    return inner >= base && inner_len <= len && (size_t)(inner - base) <= len - inner_len;
}

#endif
