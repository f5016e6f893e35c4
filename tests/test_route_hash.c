/* The shared route hash function and table: correctness of insert/lookup/remove against a
 * brute-force model, backward-shift deletion, zero allocations per lookup, hash spread. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "alloc_count.h"
#include "rng.h"
#include "common/route_hash.h"

Test(route_hash, empty_table_misses_without_allocating)
{
    struct hp_route_hash t;
    hp_route_hash_init(&t);
    cr_assert_eq(hp_route_hash_lookup(&t, "GET:/", 5), HP_ROUTE_HASH_MISS);
    cr_assert_eq(hp_route_hash_remove(&t, "GET:/", 5), false);
    cr_assert_eq(hp_route_hash_count(&t), 0);
    hp_route_hash_free(&t);
}

Test(route_hash, insert_lookup_prefixes_and_duplicates)
{
    struct hp_route_hash t;
    hp_route_hash_init(&t);
    const char *keys[] = {"GET:/c", "GET:/co", "GET:/contact", "POST:/c", "", "GET:/\xce\xb1"};
    for (uint32_t i = 0; i < 6; i++)
        cr_assert_eq(hp_route_hash_insert(&t, keys[i], strlen(keys[i]), i, NULL),
                     HP_ROUTE_HASH_INSERTED);
    uint32_t existing = 99;
    cr_assert_eq(hp_route_hash_insert(&t, "GET:/co", 7, 42, &existing), HP_ROUTE_HASH_EXISTS);
    cr_assert_eq(existing, 1);
    for (uint32_t i = 0; i < 6; i++)
        cr_assert_eq(hp_route_hash_lookup(&t, keys[i], strlen(keys[i])), i, "key %s", keys[i]);
    cr_assert_eq(hp_route_hash_lookup(&t, "GET:/con", 8), HP_ROUTE_HASH_MISS);
    cr_assert_eq(hp_route_hash_lookup(&t, "GET:/cona", 9), HP_ROUTE_HASH_MISS);
    cr_assert_eq(hp_route_hash_lookup(&t, "GET:/contacT", 12), HP_ROUTE_HASH_MISS);
    cr_assert_eq(hp_route_hash_count(&t), 6);
    hp_route_hash_free(&t);
    cr_assert_eq(hp_route_hash_count(&t), 0);
}

/* Random inserts and removes on a small table (many collisions and wrap-arounds) checked
 * against a plain array model after every step: catches a wrong backward shift. */
Test(route_hash, random_insert_remove_matches_model)
{
    enum { KEYS = 300, STEPS = 20000 };
    static char names[KEYS][24];
    bool present[KEYS] = {0};
    for (int i = 0; i < KEYS; i++)
        snprintf(names[i], sizeof names[i], "GET:/k/%d", i);
    struct hp_route_hash t;
    hp_route_hash_init(&t);
    struct hp_rng rng;
    hp_rng_seed(&rng, 12345);
    uint32_t count = 0;
    for (int step = 0; step < STEPS; step++) {
        uint32_t k = (uint32_t)hp_rng_below(&rng, KEYS);
        size_t len = strlen(names[k]);
        if (present[k]) {
            cr_assert(hp_route_hash_remove(&t, names[k], len));
            present[k] = false;
            count--;
        } else {
            cr_assert_eq(hp_route_hash_insert(&t, names[k], len, k, NULL), HP_ROUTE_HASH_INSERTED);
            present[k] = true;
            count++;
        }
        cr_assert_eq(hp_route_hash_count(&t), count);
        if (step % 97 == 0 || step > STEPS - 50)
            for (uint32_t j = 0; j < KEYS; j++)
                cr_assert_eq(hp_route_hash_lookup(&t, names[j], strlen(names[j])),
                             present[j] ? j : HP_ROUTE_HASH_MISS, "step %d key %u", step, j);
    }
    hp_route_hash_free(&t);
}

Test(route_hash, lookup_allocates_nothing)
{
    struct hp_route_hash t;
    hp_route_hash_init(&t);
    cr_assert_eq(hp_route_hash_insert(&t, "GET:/users", 10, 3, NULL), HP_ROUTE_HASH_INSERTED);
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    uint32_t sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += hp_route_hash_lookup(&t, i % 2 ? "GET:/users" : "GET:/user", i % 2 ? 10 : 9);
    hp_alloc_counts_read(&after);
    struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
    cr_assert_eq(d.allocs, 0);
    cr_assert_eq(d.frees, 0);
    cr_assert_neq(sum, 0);
    hp_route_hash_free(&t);
}

/* Every length 0..40 and every single-bit flip of a key changes the hash, and the low bits the
 * table indexes with are spread: 4096 similar keys into 8192 buckets by the low 13 bits should
 * leave roughly 8192*e^-0.5 ~ 4970 buckets empty; a badly mixed hash leaves far more. */
Test(route_hash, hash_distinguishes_and_spreads)
{
    char key[64];
    memset(key, 'a', sizeof key);
    uint64_t previous = hp_route_hash_bytes(key, 0);
    for (size_t len = 1; len <= 40; len++) {
        uint64_t h = hp_route_hash_bytes(key, len);
        cr_assert_neq(h, previous, "len %zu", len);
        previous = h;
        for (size_t byte = 0; byte < len; byte++)
            for (int bit = 0; bit < 8; bit++) {
                key[byte] ^= (char)(1 << bit);
                cr_assert_neq(hp_route_hash_bytes(key, len), h, "len %zu byte %zu", len, byte);
                key[byte] ^= (char)(1 << bit);
            }
    }
    static unsigned char used[8192];
    for (int i = 0; i < 4096; i++) {
        int n = snprintf(key, sizeof key, "GET:/repos/:owner/%d/issues", i);
        used[hp_route_hash_bytes(key, (size_t)n) & 8191] = 1;
    }
    int empty = 0;
    for (int i = 0; i < 8192; i++)
        empty += !used[i];
    cr_assert(empty > 4700 && empty < 5250, "empty buckets %d", empty);
}

/* The warm-up (cow_map's readers): every slot-array line and every key, never more lines than
 * the budget, nothing allocated, nothing changed. */
Test(route_hash, prefetch_counts_slot_lines_and_keys_within_its_budget)
{
    struct hp_route_hash t;
    hp_route_hash_init(&t);
    cr_assert_eq(hp_route_hash_prefetch(&t, 100), 0, "an empty table has nothing to prefetch");
    char key[32];
    for (uint32_t i = 0; i < 20; i++) {
        int n = snprintf(key, sizeof key, "GET:/k%u", i);
        cr_assert_eq(hp_route_hash_insert(&t, key, (size_t)n, i, NULL), HP_ROUTE_HASH_INSERTED);
    }
    size_t slot_lines = (((size_t)t.mask + 1) * sizeof *t.slots + 63) / 64;
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    cr_assert_eq(hp_route_hash_prefetch(&t, 100000), slot_lines + 20);
    cr_assert_eq(hp_route_hash_prefetch(&t, 3), 3);
    cr_assert_eq(hp_route_hash_prefetch(&t, slot_lines + 5), slot_lines + 5);
    cr_assert_eq(hp_route_hash_prefetch(&t, 0), 0);
    hp_alloc_counts_read(&after);
    cr_assert_eq(hp_alloc_counts_delta(&before, &after).allocs, 0);
    for (uint32_t i = 0; i < 20; i++) {
        int n = snprintf(key, sizeof key, "GET:/k%u", i);
        cr_assert_eq(hp_route_hash_lookup(&t, key, (size_t)n), i);
    }
    hp_route_hash_free(&t);
}
