/* The copy-on-write routers' shared body (cow_map, cow_split; cow_router.c says how snapshots
 * are built, published, warmed and reclaimed, with the memory orders), the reader's side
 * inline, and the test instrumentation.
 *
 * Instrumentation: in builds with HOTPATH_COW_POISON (implied by the Debug/ASan and Tsan
 * builds) every retired snapshot is poisoned before it is freed and every lookup checks the
 * snapshot's magic before and after using it (abort() on poison).
 */
#ifndef HOTPATH_COW_ROUTER_H
#define HOTPATH_COW_ROUTER_H

#if !defined(HOTPATH_TSAN)
#define _LGPL_SOURCE /* inline read-side fast path (a TLS counter store, no fence: memb) */
#endif
#include <urcu/urcu-memb.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "routers/map_core.h"

#if defined(HOTPATH_ASAN) || defined(HOTPATH_TSAN) || defined(HOTPATH_SABOTAGE_SKIP_GRACE_PERIOD)
#ifndef HOTPATH_COW_POISON
#define HOTPATH_COW_POISON 1
#endif
#endif

/* ThreadSanitizer cannot see liburcu's ordering (Debian's 0.13 has no annotations, and its
 * read-side fast path is plain volatile accesses plus membarrier). Under HOTPATH_TSAN the read
 * side calls liburcu out of line (no _LGPL_SOURCE above, so no uninstrumented inline accesses),
 * each reader does hp_cow_tsan_release(snapshot) at the end of its section, and the writer does
 * hp_cow_tsan_acquire(snapshot) after synchronize_rcu: exactly the happens-before edge the grace
 * period provides, so a missing grace period would still be reported. */
#if defined(HOTPATH_TSAN)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define hp_cow_tsan_acquire(p) __tsan_acquire((void *)(p))
#define hp_cow_tsan_release(p) __tsan_release((void *)(p))
#else
#define hp_cow_tsan_acquire(p) ((void)(p))
#define hp_cow_tsan_release(p) ((void)(p))
#endif

/* Whether this build poisons retired snapshots. */
bool hp_cow_map_poisoning_enabled(void);
/* Snapshots poisoned and freed so far, by every copy-on-write router of the process. */
uint64_t hp_cow_map_snapshots_poisoned(void);

enum {
    HP_COW_SNAPSHOT_MAGIC = 0x5a17c0de,
    HP_COW_SNAPSHOT_POISONED = 0xdeadbeef,
    HP_COW_POISON_BYTE = 0xa5,
    HP_COW_RETIRE_BATCH = 16,
    HP_COW_WARM_SLOTS = 8,
    HP_COW_WARM_MAX_LINES = 2048, /* 128 KB */
};

struct cow_snapshot {
    uint32_t magic; /* HP_COW_SNAPSHOT_MAGIC while published or reachable by a reader */
    struct hp_map_core core;
};

struct part_ref;

struct hp_router {
    /* Readers: ACQUIRE load inside an RCU read-side section. Writer: RELEASE store under
     * writer_lock. Never NULL after create. Alone in its cache line: readers load it on every
     * lookup, the writer's fields below change on every registration. */
    struct cow_snapshot *current;
    uint32_t warm_slot; /* this router's slot in hp_cow_warmed; set at create, read-only after */
    char pad[64 - sizeof(struct cow_snapshot *) - sizeof(uint32_t)];
    pthread_mutex_t writer_lock; /* serialises add/remove; readers never touch it */
    struct hp_route_list routes; /* writer-owned */
    /* Unpublished snapshots waiting for a grace period (writer-owned). */
    struct cow_snapshot *retired[HP_COW_RETIRE_BATCH];
    size_t retired_count;
    /* Every part of every live snapshot, with its count (writer-owned). */
    struct part_ref *parts;
    size_t part_count;
};

struct hp_router *hp_cow_router_create(enum hp_map_key_shape shape, struct hp_error *err);
int hp_cow_router_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err);
int hp_cow_router_add_all(struct hp_router *r, const struct hp_route *routes, size_t count,
                          struct hp_error *err);
int hp_cow_router_remove(struct hp_router *r, const struct hp_route *route, struct hp_error *err);
size_t hp_cow_router_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                           const char *path, size_t len, char *out, size_t cap);
void hp_cow_router_thread_attach(struct hp_router *r);
void hp_cow_router_thread_detach(struct hp_router *r);
void hp_cow_router_destroy(struct hp_router *r);

/* ---- the reader's side ---- */

/* Whether this thread is registered with RCU (registered on its first lookup otherwise). */
extern __thread bool hp_cow_rcu_registered;
void hp_cow_register_current_thread(void);

/* Per thread, the snapshots it warmed last, one slot per router (routers take the slots in
 * turn as they are created, so up to HP_COW_WARM_SLOTS routers alive at once never evict each
 * other, whatever their addresses). A slot holding s means this thread warmed s, whichever
 * router it belongs to: live snapshots have distinct addresses. A new snapshot allocated where
 * a warmed one was freed is not warmed again: a missed warm-up, not an error. */
extern __thread const void *hp_cow_warmed[HP_COW_WARM_SLOTS];

static inline void hp_cow_check_magic(const struct cow_snapshot *s)
{
#ifdef HOTPATH_COW_POISON
    if (__builtin_expect(s->magic != HP_COW_SNAPSHOT_MAGIC, 0))
        abort(); /* a reader reached a retired snapshot: reclamation is broken */
#else
    (void)s;
#endif
}

/* Inside the read-side section: `s` is the snapshot this lookup is about to read. */
static inline void hp_cow_warm_if_new(const struct hp_router *r, const struct cow_snapshot *s)
{
    const void **slot = &hp_cow_warmed[r->warm_slot];
    if (__builtin_expect(*slot == s, 1))
        return;
    *slot = s;
    hp_map_core_prefetch(&s->core, HP_COW_WARM_MAX_LINES);
}

/* The lookup, for a constant `shape` (each router inlines its own). */
static inline __attribute__((always_inline)) void
hp_cow_router_lookup(const struct hp_router *r, enum hp_map_key_shape shape, enum hp_method method,
                     const char *path, size_t len, struct hp_match *out)
{
    if (__builtin_expect(!hp_cow_rcu_registered, 0))
        hp_cow_register_current_thread();
    urcu_memb_read_lock();
    /* ACQUIRE pairs with publish's RELEASE store: the snapshot is complete. */
    const struct cow_snapshot *s = __atomic_load_n(&r->current, __ATOMIC_ACQUIRE);
    hp_cow_check_magic(s);
    hp_cow_warm_if_new(r, s);
    if (shape == HP_MAP_KEY_COMBINED)
        hp_map_core_lookup_combined(&s->core, method, path, len, out);
    else
        hp_map_core_lookup_split(&s->core, method, path, len, out);
    hp_cow_check_magic(s);  /* also catches a snapshot retired while this lookup used it */
    hp_cow_tsan_release(s); /* my reads of s happen before the writer's post-grace acquire */
    urcu_memb_read_unlock();
}

#endif
