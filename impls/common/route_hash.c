/* The shared route hash function and open-addressing table (see route_hash.h). */
#include "common/route_hash.h"

#include <stdlib.h>
#include <string.h>

/* Odd 64-bit constants with well-spread bits (digits of pi and e in hex); any such constants
 * work, these are fixed so hashes are reproducible across runs. */
#define HASH_K0 0x243f6a8885a308d3ull
#define HASH_K1 0x13198a2e03707345ull
#define HASH_K2 0xa4093822299f31d1ull
#define HASH_K3 0xb7e151628aed2a6bull

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v); /* unaligned-safe; one mov on x86-64 */
    return v;
}

static inline uint64_t load32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Multiply two 64-bit words to 128 bits and fold the halves: every input bit reaches many
 * output bits in one multiply, which is what makes this kind of hash fast and well mixed. */
static inline uint64_t fold_multiply(uint64_t a, uint64_t b)
{
    __uint128_t product = (__uint128_t)a * b;
    return (uint64_t)product ^ (uint64_t)(product >> 64);
}

uint64_t hp_route_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t state = HASH_K0 ^ fold_multiply(len ^ HASH_K1, HASH_K2);
    size_t left = len;

    while (left > 16) {
        state = fold_multiply(load64(p) ^ HASH_K1, load64(p + 8) ^ state);
        p += 16;
        left -= 16;
    }
    /* 0..16 bytes remain: read them with at most two overlapping loads of the same width, so
     * there is no byte loop. Overlap is harmless: the length was mixed in first. */
    uint64_t a, b;
    if (left >= 8) {
        a = load64(p);
        b = load64(p + left - 8);
    } else if (left >= 4) {
        a = load32(p);
        b = load32(p + left - 4);
    } else if (left > 0) {
        a = ((uint64_t)p[0] << 16) | ((uint64_t)p[left / 2] << 8) | p[left - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    state = fold_multiply(a ^ HASH_K1, b ^ state ^ HASH_K3);
    return fold_multiply(state ^ HASH_K2, (uint64_t)len ^ HASH_K0);
}

void hp_route_hash_init(struct hp_route_hash *t)
{
    t->slots = NULL;
    t->mask = 0;
    t->count = 0;
}

static inline uint32_t capacity_of(const struct hp_route_hash *t)
{
    return t->slots ? t->mask + 1 : 0;
}

/* Puts an entry whose key is not in the table into the first free slot of its probe run. */
static void place(struct hp_route_hash_slot *slots, uint32_t mask,
                  const struct hp_route_hash_slot *entry)
{
    uint32_t i = (uint32_t)entry->hash & mask;
    while (slots[i].key)
        i = (i + 1) & mask;
    slots[i] = *entry;
}

static int resize(struct hp_route_hash *t, uint32_t new_capacity)
{
    struct hp_route_hash_slot *slots = calloc(new_capacity, sizeof *slots);
    if (!slots)
        return -1;
    uint32_t old_capacity = capacity_of(t);
    for (uint32_t i = 0; i < old_capacity; i++)
        if (t->slots[i].key)
            place(slots, new_capacity - 1, &t->slots[i]);
    free(t->slots);
    t->slots = slots;
    t->mask = new_capacity - 1;
    return 0;
}

int hp_route_hash_reserve(struct hp_route_hash *t, uint32_t keys)
{
    /* Load factor at most 1/2: linear probing stays short (expected ~1.5 probes per hit). */
    uint64_t needed = (uint64_t)keys * 2;
    if (needed < 8)
        needed = 8;
    if (needed > (1ull << 31))
        return -1;
    uint32_t capacity = 8;
    while (capacity < needed)
        capacity *= 2;
    if (capacity <= capacity_of(t))
        return 0;
    return resize(t, capacity);
}

uint32_t hp_route_hash_lookup_hashed(const struct hp_route_hash *t, uint64_t hash, const char *key,
                                     size_t key_len)
{
    const struct hp_route_hash_slot *slots = t->slots;
    if (!slots)
        return HP_ROUTE_HASH_MISS;
    uint32_t mask = t->mask;
    for (uint32_t i = (uint32_t)hash & mask;; i = (i + 1) & mask) {
        const struct hp_route_hash_slot *s = &slots[i];
        if (!s->key)
            return HP_ROUTE_HASH_MISS;
        if (s->hash == hash && s->key_len == key_len && memcmp(s->key, key, key_len) == 0)
            return s->value;
    }
}

uint32_t hp_route_hash_lookup(const struct hp_route_hash *t, const char *key, size_t key_len)
{
    return hp_route_hash_lookup_hashed(t, hp_route_hash_bytes(key, key_len), key, key_len);
}

enum hp_route_hash_insert_result hp_route_hash_insert(struct hp_route_hash *t, const char *key,
                                                      size_t key_len, uint32_t value,
                                                      uint32_t *existing)
{
    if (key_len >= UINT32_MAX || value == HP_ROUTE_HASH_MISS)
        return HP_ROUTE_HASH_NO_MEMORY;
    uint64_t hash = hp_route_hash_bytes(key, key_len);
    uint32_t found = hp_route_hash_lookup_hashed(t, hash, key, key_len);
    if (found != HP_ROUTE_HASH_MISS) {
        if (existing)
            *existing = found;
        return HP_ROUTE_HASH_EXISTS;
    }
    if ((uint64_t)(t->count + 1) * 2 > capacity_of(t) &&
        hp_route_hash_reserve(t, t->count + 1) != 0)
        return HP_ROUTE_HASH_NO_MEMORY;
    char *copy = malloc(key_len + 1);
    if (!copy)
        return HP_ROUTE_HASH_NO_MEMORY;
    memcpy(copy, key, key_len);
    copy[key_len] = '\0';
    struct hp_route_hash_slot entry = {
        .hash = hash, .key = copy, .key_len = (uint32_t)key_len, .value = value};
    place(t->slots, t->mask, &entry);
    t->count++;
    return HP_ROUTE_HASH_INSERTED;
}

bool hp_route_hash_remove(struct hp_route_hash *t, const char *key, size_t key_len)
{
    if (!t->slots)
        return false;
    uint64_t hash = hp_route_hash_bytes(key, key_len);
    uint32_t mask = t->mask;
    uint32_t hole = (uint32_t)hash & mask;
    for (;; hole = (hole + 1) & mask) {
        struct hp_route_hash_slot *s = &t->slots[hole];
        if (!s->key)
            return false;
        if (s->hash == hash && s->key_len == key_len && memcmp(s->key, key, key_len) == 0)
            break;
    }
    free((void *)t->slots[hole].key);
    t->slots[hole].key = NULL;
    t->count--;
    /* Backward-shift deletion: walk the run after the hole and pull back every entry whose home
     * slot is not cyclically inside (hole, current], so each key stays reachable from its home
     * slot without a tombstone. */
    for (uint32_t i = (hole + 1) & mask; t->slots[i].key; i = (i + 1) & mask) {
        uint32_t home = (uint32_t)t->slots[i].hash & mask;
        bool home_between = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
        if (home_between)
            continue;
        t->slots[hole] = t->slots[i];
        t->slots[i].key = NULL;
        hole = i;
    }
    return true;
}

size_t hp_route_hash_prefetch(const struct hp_route_hash *t, size_t max_lines)
{
    if (!t->slots)
        return 0;
    const char *slots = (const char *)t->slots;
    size_t bytes = ((size_t)t->mask + 1) * sizeof *t->slots, lines = 0;
    for (size_t i = 0; i < bytes && lines < max_lines; i += 64, lines++)
        __builtin_prefetch(slots + i);
    for (uint32_t i = 0; i <= t->mask && lines < max_lines; i++)
        if (t->slots[i].key) {
            __builtin_prefetch(t->slots[i].key);
            lines++;
        }
    return lines;
}

void hp_route_hash_free(struct hp_route_hash *t)
{
    uint32_t capacity = capacity_of(t);
    for (uint32_t i = 0; i < capacity; i++)
        free((void *)t->slots[i].key);
    free(t->slots);
    hp_route_hash_init(t);
}
