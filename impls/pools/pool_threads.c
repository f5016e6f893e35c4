/* Per-thread slot bookkeeping shared by the pools that keep per-thread state (see
 * pool_common.h). Not an implementation of the axis itself. */
#include "pools/pool_common.h"

#include <string.h>

__thread struct hp_pool_thread_map_entry hp_pool_thread_map[HP_POOL_THREAD_MAP_SIZE];

/* Starts at 1: 0 marks an empty map entry. Relaxed: only uniqueness matters. */
static uint64_t next_pool_id = 1;

/* Each thread's owner token, unique for the process's life (0 = not assigned yet). A slot that
 * holds a thread's token was claimed by that thread and only it releases the slot, so a thread
 * can always find its own slot again after its map entry was evicted by newer pools. */
static uint64_t next_thread_token = 1;
static __thread uint64_t thread_token;

static uint64_t my_token(void)
{
    if (thread_token == 0)
        thread_token = __atomic_fetch_add(&next_thread_token, 1, __ATOMIC_RELAXED);
    return thread_token;
}

int hp_pool_threads_init(struct hp_pool_threads *threads, unsigned count, struct hp_error *err)
{
    threads->pool_id = __atomic_fetch_add(&next_pool_id, 1, __ATOMIC_RELAXED);
    threads->count = count;
    threads->claimed = calloc(count, sizeof threads->claimed[0]);
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
    /* Evicted from the map earlier? Our token is still on the slot we claimed. Relaxed is
     * enough: only this thread ever writes its own token. */
    uint64_t token = my_token();
    int slot = -1;
    for (unsigned i = 0; i < threads->count && slot < 0; i++)
        if (__atomic_load_n(&threads->claimed[i], __ATOMIC_RELAXED) == token)
            slot = (int)i;
    /* Claim a free slot. Acquire on success pairs with the release in detach, so the previous
     * owner's writes to the slot's state happen-before ours. */
    for (unsigned i = 0; i < threads->count && slot < 0; i++) {
        uint64_t expected = 0;
        if (__atomic_load_n(&threads->claimed[i], __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(&threads->claimed[i], &expected, token, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            slot = (int)i;
    }
    if (slot < 0)
        return -1; /* not remembered: a slot may be freed later */
    /* The least recently used entry falls off the map. Its slot stays claimed by our token
     * (and its state stays in its pool); the scan above finds it again if we come back. */
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
