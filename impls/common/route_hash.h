/* The one hash function and the one exact-match hash table every router shares.
 *
 * Routers that keep static routes in a hash map (rwlock_map, cow_map, method_split,
 * radix_static_first) all use this file, so two variants differ only in the decision under
 * test (the key shape, the publication scheme), never in the hash or the probing.
 *
 * Hash: `hp_route_hash_bytes`, a 64-bit multiply-mix hash (wyhash-like in spirit, written for
 * this project): 16 bytes per step folded through a 64x64->128-bit multiply, tail read with at
 * most two overlapping loads, and a final mix with the length. Fast on the 10-80 byte keys
 * routes have; not meant to resist chosen-key attacks (route keys come from the server's own
 * route table, and lookups only probe it).
 *
 * Table: `struct hp_route_hash`, open addressing with linear probing over a power-of-two slot
 * array, load factor at most 1/2, each slot holding the key's full 64-bit hash (compared first,
 * so a miss almost never touches key bytes), the key length, a pointer to the table's own copy
 * of the key, and the uint32 value (a route id). Removal uses backward-shift deletion, so there
 * are no tombstones and probe lengths never degrade after removals.
 *
 * Ownership and threads:
 *   - The table copies every inserted key (keys such as "GET:/users" are built by the caller in
 *     a stack buffer), so callers need not keep keys alive.
 *   - hp_route_hash_lookup never allocates, never writes, and is safe from any number of
 *     threads at once as long as nobody modifies the table meanwhile. Callers provide the
 *     exclusion (rwlock_map's rwlock) or never modify a published table (cow_map builds a new
 *     one and publishes it).
 *   - insert/remove/free allocate and free; single writer.
 *
 * Usage:
 *     struct hp_route_hash t;
 *     hp_route_hash_init(&t);                          // empty, allocates nothing
 *     if (hp_route_hash_insert(&t, "GET:/users", 10, 7, &existing) < 0) ... // out of memory
 *     uint32_t id = hp_route_hash_lookup(&t, key, len); // HP_ROUTE_HASH_MISS if absent
 *     hp_route_hash_remove(&t, "GET:/users", 10);
 *     hp_route_hash_free(&t);
 */
#ifndef HOTPATH_ROUTE_HASH_H
#define HOTPATH_ROUTE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value lookup returns for an absent key; never stored as a value. */
#define HP_ROUTE_HASH_MISS UINT32_MAX

/* The shared hash function: deterministic (fixed seed), any length, any bytes. */
uint64_t hp_route_hash_bytes(const void *data, size_t len);

struct hp_route_hash_slot {
    uint64_t hash;   /* full hash of the key; meaningful only when key != NULL */
    const char *key; /* the table's own copy, NUL-terminated for debugging; NULL: empty slot */
    uint32_t key_len;
    uint32_t value;
};

struct hp_route_hash {
    struct hp_route_hash_slot *slots; /* NULL while empty (capacity 0) */
    uint32_t mask;                    /* capacity - 1; capacity is a power of two */
    uint32_t count;                   /* keys stored */
};

enum hp_route_hash_insert_result {
    HP_ROUTE_HASH_NO_MEMORY = -1, /* table unchanged */
    HP_ROUTE_HASH_INSERTED = 0,
    HP_ROUTE_HASH_EXISTS = 1 /* key already present: table unchanged, *existing = its value */
};

/* An empty table; allocates nothing. A zero-filled struct is also a valid empty table. */
void hp_route_hash_init(struct hp_route_hash *t);

/* Grows the slot array so that `keys` keys fit without further growth (lets a builder size a
 * table once). Returns 0, or -1 when out of memory (table unchanged). */
int hp_route_hash_reserve(struct hp_route_hash *t, uint32_t keys);

/* Inserts key -> value (value != HP_ROUTE_HASH_MISS; key_len < 2^32). Never overwrites.
 * `existing` may be NULL. */
enum hp_route_hash_insert_result hp_route_hash_insert(struct hp_route_hash *t, const char *key,
                                                      size_t key_len, uint32_t value,
                                                      uint32_t *existing);

/* Removes key; returns true when it was present. Frees the table's copy of the key. */
bool hp_route_hash_remove(struct hp_route_hash *t, const char *key, size_t key_len);

/* The value stored for key, or HP_ROUTE_HASH_MISS. No allocation, no writes. */
uint32_t hp_route_hash_lookup(const struct hp_route_hash *t, const char *key, size_t key_len);

/* Same, with the key's hash already computed by hp_route_hash_bytes (for callers that probe
 * several tables with one key). */
uint32_t hp_route_hash_lookup_hashed(const struct hp_route_hash *t, uint64_t hash, const char *key,
                                     size_t key_len);

static inline uint32_t hp_route_hash_count(const struct hp_route_hash *t)
{
    return t->count;
}

/* Prefetches what a lookup reads (the slot array, then each key copy), at most max_lines cache
 * lines; returns the lines prefetched. Reads the table, writes nothing. */
size_t hp_route_hash_prefetch(const struct hp_route_hash *t, size_t max_lines);

/* Frees every key copy and the slot array; leaves an empty table (reusable). */
void hp_route_hash_free(struct hp_route_hash *t);

#endif
