/* Per-thread slot bookkeeping shared by the pools that keep per-thread state (see
 * pool_common.h). Not an implementation of the axis itself. */
#include "pools/pool_common.h"

#include <string.h>

__thread struct hp_pool_thread_map_entry hp_pool_thread_map[HP_POOL_THREAD_MAP_SIZE];

/* Starts at 1: 0 marks an empty map entry. Relaxed: only uniqueness matters. */
static uint64_t next_pool_id = 1;

int hp_pool_threads_init(struct hp_pool_threads *threads, unsigned count, struct hp_error *err)
{
    threads->pool_id = __atomic_fetch_add(&next_pool_id, 1, __ATOMIC_RELAXED);
    threads->count = count;
    threads->claimed = calloc(count, 1);
    if (!threads->claimed)
        return hp_error_set(err, "pool: out of memory for %u thread slots", count);
    return 0;
}

void hp_pool_threads_fini(struct hp_pool_threads *threads)
{
    free(threads->claimed);
    threads->claimed = NULL;
}

static void map_move_to_front(unsigned i)
{
    struct hp_pool_thread_map_entry found = hp_pool_thread_map[i];
    memmove(&hp_pool_thread_map[1], &hp_pool_thread_map[0], i * sizeof found);
    hp_pool_thread_map[0] = found;
}

int hp_pool_threads_slot_slow(struct hp_pool_threads *threads)
{
    for (unsigned i = 1; i < HP_POOL_THREAD_MAP_SIZE; i++) {
        if (hp_pool_thread_map[i].pool_id == threads->pool_id) {
            map_move_to_front(i);
            return hp_pool_thread_map[0].slot;
        }
    }
    /* Claim a free slot. Acquire on success pairs with the release in detach, so the previous
     * owner's writes to the slot's state happen-before ours. */
    int slot = -1;
    for (unsigned i = 0; i < threads->count; i++) {
        unsigned char expected = 0;
        if (__atomic_load_n(&threads->claimed[i], __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(&threads->claimed[i], &expected, 1, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
            slot = (int)i;
            break;
        }
    }
    if (slot < 0)
        return -1; /* not remembered: a slot may be freed later */
    /* The least recently used entry falls off the map. Its slot stays claimed (and its state
     * stays in its pool, counted); the thread just claims another slot if it comes back. */
    memmove(&hp_pool_thread_map[1], &hp_pool_thread_map[0],
            (HP_POOL_THREAD_MAP_SIZE - 1) * sizeof hp_pool_thread_map[0]);
    hp_pool_thread_map[0].pool_id = threads->pool_id;
    hp_pool_thread_map[0].slot = slot;
    return slot;
}

int hp_pool_threads_detach(struct hp_pool_threads *threads)
{
    for (unsigned i = 0; i < HP_POOL_THREAD_MAP_SIZE; i++) {
        if (hp_pool_thread_map[i].pool_id == threads->pool_id) {
            int slot = hp_pool_thread_map[i].slot;
            memmove(&hp_pool_thread_map[i], &hp_pool_thread_map[i + 1],
                    (HP_POOL_THREAD_MAP_SIZE - 1 - i) * sizeof hp_pool_thread_map[0]);
            hp_pool_thread_map[HP_POOL_THREAD_MAP_SIZE - 1].pool_id = 0;
            return slot;
        }
    }
    return -1;
}

/* Called by the owner after it has finished with its slot's state: release pairs with the
 * acquire of the next claimer. */
void hp_pool_threads_release_slot(struct hp_pool_threads *threads, int slot)
{
    __atomic_store_n(&threads->claimed[slot], 0, __ATOMIC_RELEASE);
}
