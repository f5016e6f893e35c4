/* Function names of code addresses in this process, for sampled call chains (sampler.h).
 *
 * The executable's own functions come from its ELF symbol table (.symtab, read from
 * /proc/self/exe: static functions included, as the Release build is not stripped), shifted by
 * the load address of the position-independent executable (dl_iterate_phdr). Addresses in
 * shared libraries (libc, jemalloc) are named by dladdr, which knows their exported symbols;
 * else "[LIBRARY]". An inlined function has no symbol: its code is named after the function it
 * was inlined into, as callgrind names it too.
 */
#ifndef HOTPATH_SYMBOLS_H
#define HOTPATH_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct hp_symbol {
    uint64_t start, end; /* run-time addresses, [start, end) */
    char *name;
};

struct hp_symbols {
    struct hp_symbol *items; /* sorted by start */
    size_t count;
    char *names; /* the names, one block */
};

/* Reads this executable's function symbols (a file of at most 1 GB). 0, or -1 with err set
 * (no symbol table: a stripped executable). */
int hp_symbols_load(struct hp_symbols *s, struct hp_error *err);

/* The name of the function containing addr, written into out (always terminated). */
void hp_symbols_name(const struct hp_symbols *s, uint64_t addr, char *out, size_t size);

/* The start of the function containing addr (the executable's, or a library's exported one), or
 * 0 when unknown. */
uint64_t hp_symbols_function_start(const struct hp_symbols *s, uint64_t addr);

/* Whether addr is in one of the executable's functions. */
bool hp_symbols_in_executable(const struct hp_symbols *s, uint64_t addr);

void hp_symbols_free(struct hp_symbols *s);

#endif
