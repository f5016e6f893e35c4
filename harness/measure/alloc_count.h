/* Exact allocation counts for the measured region.
 *
 * Every executable of the project is linked with `-Wl,--wrap=` for malloc, calloc, realloc,
 * free, aligned_alloc, posix_memalign, strdup and strndup (see CMakeLists.txt), so every call
 * made from project code lands in a counting wrapper before reaching the real allocator
 * (jemalloc in Release, the sanitizer's allocator in Debug and Tsan builds). Counts are kept per
 * thread, so reading them costs no atomic and a background thread of a case (a route writer, for
 * instance) does not leak into the readers' figures.
 *
 * What is counted: calls, not bytes obtained from the OS. `bytes` is the size requested (a
 * realloc counts one allocation of its new size, as Go's testing package does). Allocations
 * made inside third-party libraries (libc's own fopen buffers, jansson) do not pass through the
 * wrappers and are not counted; nothing in a measured hot path calls those libraries.
 */
#ifndef HOTPATH_ALLOC_COUNT_H
#define HOTPATH_ALLOC_COUNT_H

#include <stdint.h>

struct hp_alloc_counts {
    uint64_t allocs; /* malloc, calloc, realloc (to a non-zero size), aligned_alloc, ... */
    uint64_t bytes;  /* bytes requested by those calls */
    uint64_t frees;  /* free of a non-NULL pointer, realloc to size 0 */
};

/* The calling thread's cumulative counts since it started. */
void hp_alloc_counts_read(struct hp_alloc_counts *out);

/* after - before, field by field. */
struct hp_alloc_counts hp_alloc_counts_delta(const struct hp_alloc_counts *before,
                                             const struct hp_alloc_counts *after);

/* ---- What a structure holds ------------------------------------------------------------------
 *
 * Between hp_alloc_held_begin and hp_alloc_held_end, every allocation the wrappers see, on any
 * thread, is recorded with its requested size, and every free of a recorded block forgets it;
 * hp_alloc_held_end returns what is still allocated of the blocks made in between: exactly the
 * memory a structure built in between holds (a router after create + add_all, a pool holding its
 * idle objects), as requested and as the allocator really gave it (malloc_usable_size: size
 * classes round every request up). Transient allocations freed before the end count nowhere;
 * frees of blocks made before begin are ignored.
 *
 * Outside the window each wrapper pays one relaxed load of a flag; inside it, a lock and a hash
 * table: never open it around a measured region. One window at a time. */
struct hp_alloc_held {
    uint64_t blocks;          /* allocations made in the window and not freed */
    uint64_t requested_bytes; /* their sizes as requested */
    uint64_t usable_bytes;    /* their sizes as the allocator gave them */
};

/* 0, or -1 when a window is already open or its table cannot be allocated. */
int hp_alloc_held_begin(void);
/* Closes the window and fills *out. */
void hp_alloc_held_end(struct hp_alloc_held *out);

#endif
