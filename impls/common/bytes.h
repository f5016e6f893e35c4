/* Byte helpers shared by the parsers and the routers: word-at-a-time (SWAR) scanning, and the
 * blank of the line-based text formats. Header-only: each is a few instructions on a hot path.
 */
#ifndef HOTPATH_BYTES_H
#define HOTPATH_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A blank between the words of a route file or request list line (a CR before the newline is
 * one). */
static inline bool hp_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Eight bytes of `p` as one little-endian word (memcpy: no alignment assumption; compiles to
 * one load). */
static inline uint64_t hp_load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* A mask with the top bit of every byte of `w` that equals `c` set, exact at the lowest such
 * byte (the classic "has zero byte" test on w ^ c...c: a borrow can only flag bytes above a
 * true match, so the lowest flagged byte is always a true one). */
static inline uint64_t hp_bytes_equal_mask(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (0x0101010101010101ull * c);
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Index of the first byte of path[from, len) equal to `a` or `b`, or len. Eight bytes at a
 * time: every lookup pays this over the whole path. */
static inline size_t hp_find_either(const char *path, size_t from, size_t len, unsigned char a,
                                    unsigned char b)
{
    size_t i = from;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= len; i += 8) {
        uint64_t w = hp_load64(path + i);
        uint64_t m = hp_bytes_equal_mask(w, a) | hp_bytes_equal_mask(w, b);
        if (m)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
    if (i < len && len - from >= 8) {
        /* The last 0..7 bytes: one overlapping load of the final eight, the bytes already
         * scanned shifted out of the mask. */
        size_t base = len - 8;
        uint64_t w = hp_load64(path + base);
        uint64_t m = hp_bytes_equal_mask(w, a) | hp_bytes_equal_mask(w, b);
        m &= ~0ull << ((i - base) * 8);
        return m ? base + (size_t)(__builtin_ctzll(m) >> 3) : len;
    }
#endif
    for (; i < len; i++)
        if ((unsigned char)path[i] == a || (unsigned char)path[i] == b)
            return i;
    return len;
}

#endif
