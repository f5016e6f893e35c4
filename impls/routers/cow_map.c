/* cow_map: rwlock_map's static "METHOD:path" map and radix trees in an immutable snapshot,
 * published through one atomic pointer. Readers take no lock: an RCU read-side section
 * (liburcu, memb flavour) around one pointer load. A registration (writers serialised by a
 * mutex) derives a new snapshot that rebuilds only the part holding the route and shares the
 * rest (parts, below), swaps the pointer and retires the old snapshot; retired snapshots are
 * freed RETIRE_BATCH at a time, after one grace period. A reader that meets a snapshot new to
 * it prefetches it first (warming, below).
 *
 * Claim C6 (Bolt 3.1): lock-free static route map, atomic pointer to an immutable map,
 * copy-on-write on registration.
 * Reference: rwlock_map (same map_core, same key). The difference under test: publication by
 * atomic pointer + RCU instead of a rwlock; part copies and the warm-up are what that
 * publication needs to keep readers fast under a writer, so they come with it. (Bolt's Go
 * version leaves reclamation to the GC; here the writer pays a grace period per RETIRE_BATCH
 * registrations instead.)
 * add_all, for loading a table and not the technique under test, checks the whole table at
 * once and publishes one snapshot built whole, where add publishes one per route.
 * Supports add and remove concurrently with lookups. Readers should call thread_attach first
 * (RCU registration); a thread that did not is registered on its first lookup and unregistered
 * when it exits.
 *
 * Memory order:
 *   - publish: the new snapshot is fully built, then stored with RELEASE; a reader's ACQUIRE
 *     load of the pointer therefore sees every byte of it (no half-built table). Acquire costs
 *     nothing on x86-64 and is what `consume` is compiled as anyway.
 *   - reclaim: liburcu guarantees that after synchronize_rcu returns, every read-side section
 *     that began before it was called has ended; every retired snapshot was unpublished before
 *     that call, so no reader still holds it; only then is it poisoned and freed, and with it
 *     each part no live snapshot holds any more (shared parts are only ever read, and a part
 *     is freed only after every snapshot that held it was reclaimed this way).
 *   - ThreadSanitizer cannot see liburcu's ordering (Debian's 0.13 has no annotations, and its
 *     read-side fast path is plain volatile accesses plus membarrier). Under HOTPATH_TSAN the
 *     read side calls liburcu out of line (no _LGPL_SOURCE, so no uninstrumented inline
 *     accesses), each reader does __tsan_release(snapshot) at the end of its section, and the
 *     writer does __tsan_acquire(snapshot) after synchronize_rcu: exactly the happens-before
 *     edge the grace period provides, so a missing grace period would still be reported.
 */
#if !defined(HOTPATH_TSAN)
#define _LGPL_SOURCE /* inline read-side fast path (a TLS counter store, no fence: memb) */
#endif
#include <urcu/urcu-memb.h>

#include <pthread.h>
#include <stdlib.h>

#include "routers/cow_map.h"
#include "routers/map_core.h"

#if defined(HOTPATH_ASAN) || defined(HOTPATH_TSAN)
#ifndef HOTPATH_COW_POISON
#define HOTPATH_COW_POISON 1
#endif
#endif

#if defined(HOTPATH_TSAN)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define tsan_acquire(p) __tsan_acquire((void *)(p))
#define tsan_release(p) __tsan_release((void *)(p))
#else
#define tsan_acquire(p) ((void)(p))
#define tsan_release(p) ((void)(p))
#endif

enum {
    SNAPSHOT_MAGIC = 0x5a17c0de,
    SNAPSHOT_POISONED = 0xdeadbeef,
    POISON_BYTE = 0xa5,
};

struct cow_snapshot {
    uint32_t magic; /* SNAPSHOT_MAGIC while published or reachable by a reader */
    struct hp_map_core core;
};

/* Why batches: a memb grace period interrupts every CPU running one of the process's threads
 * (membarrier), so one per registration put two interruptions a millisecond into the readers
 * of router/github/read_with_writer (remove + add at 1 kHz) and showed in their p99. Batching
 * divides that by RETIRE_BATCH and spares the writer most waits; the cost is up to
 * RETIRE_BATCH old snapshots kept until the next batch (or destroy). */
enum {
    RETIRE_BATCH = 16,
    /* Parts a core can hold: the combined table, a table and a tree per method. */
    PARTS_PER_CORE = 1 + 2 * HP_METHOD_COUNT,
    /* Snapshots alive at once: the retired ones, the published one and the one being built. */
    PARTS_MAX = (RETIRE_BATCH + 2) * PARTS_PER_CORE,
};

/* A part (a table's slot array, or a tree) and how many live snapshots' cores hold it. */
struct part_ref {
    const void *part;
    uint32_t refs;
};

struct hp_router {
    /* Readers: ACQUIRE load inside an RCU read-side section. Writer: RELEASE store under
     * writer_lock. Never NULL after create. Alone in its cache line: readers load it on every
     * lookup, the writer's fields below change on every registration. */
    struct cow_snapshot *current;
    char pad[64 - sizeof(struct cow_snapshot *)];
    pthread_mutex_t writer_lock; /* serialises add/remove; readers never touch it */
    struct hp_route_list routes; /* writer-owned */
    /* Unpublished snapshots waiting for a grace period (writer-owned). */
    struct cow_snapshot *retired[RETIRE_BATCH];
    size_t retired_count;
    /* Every part of every live snapshot, with its count (writer-owned; PARTS_MAX entries). */
    struct part_ref *parts;
    size_t part_count;
};

static uint64_t snapshots_poisoned; /* relaxed atomic counter: a statistic, orders nothing */

bool hp_cow_map_poisoning_enabled(void)
{
#ifdef HOTPATH_COW_POISON
    return true;
#else
    return false;
#endif
}

uint64_t hp_cow_map_snapshots_poisoned(void)
{
    return __atomic_load_n(&snapshots_poisoned, __ATOMIC_RELAXED);
}

/* ---- RCU reader registration, once per thread for every cow_map router ---- */

static __thread bool rcu_registered;
static pthread_key_t unregister_key;
static pthread_once_t unregister_key_once = PTHREAD_ONCE_INIT;

static void unregister_at_thread_exit(void *unused)
{
    (void)unused;
    if (rcu_registered) {
        urcu_memb_unregister_thread();
        rcu_registered = false;
    }
}

static void make_unregister_key(void)
{
    pthread_key_create(&unregister_key, unregister_at_thread_exit);
}

static void register_current_thread(void)
{
    if (rcu_registered)
        return;
    pthread_once(&unregister_key_once, make_unregister_key);
    urcu_memb_register_thread();
    rcu_registered = true;
    /* A thread that exits without thread_detach must leave the RCU registry, or the next grace
     * period would wait on (or read) a dead thread's state. */
    pthread_setspecific(unregister_key, (void *)1);
}

static void cow_thread_attach(struct hp_router *r)
{
    (void)r;
    register_current_thread();
}

static void cow_thread_detach(struct hp_router *r)
{
    (void)r;
    if (rcu_registered) {
        urcu_memb_unregister_thread();
        rcu_registered = false;
        pthread_setspecific(unregister_key, NULL);
    }
}

/* ---- warming ----
 *
 * Without it readers are not fast under a writer: a new part is new memory, written by the
 * writer's CPU, and the reader's next lookups each stalled on a few of its lines, one dependent
 * miss after another (with two publications a millisecond, more than 1% of lookups). So a
 * reader thread that meets a snapshot it has not seen yet first prefetches it (every line a
 * lookup can read, up to WARM_MAX_LINES): the misses overlap and land on the few lookups right
 * after the publication, the cost moves from the p99 to the p99.9 (README has both). The price:
 * one per-thread table check per lookup, and up to WARM_MAX_LINES prefetches per publication
 * per reader thread, whether or not it would have read those lines. */

enum { WARM_SLOTS = 4, WARM_MAX_LINES = 2048 /* 128 KB */ };

/* Per thread, the snapshots it warmed last, one slot per router address (direct-mapped: a
 * thread that uses several cow_map routers keeps, mostly, one slot each). A slot holding s
 * means this thread warmed s, whichever router it belongs to: live snapshots have distinct
 * addresses. A new snapshot allocated where a warmed one was freed is not warmed again: a
 * missed warm-up, not an error. */
static __thread const void *warmed[WARM_SLOTS];

/* ---- parts: what snapshots share ----
 *
 * What a registration copies: the part of the snapshot it changes, the static map for a static
 * route or its method's tree otherwise, rebuilt from the route list; every other part is shared
 * with the previous snapshot (hp_map_core_rebuild_part), and the writer counts, per part, the
 * live snapshots holding it, so that a part is freed with the last of them. A whole copy per
 * registration put a whole table of memory the readers had never seen under them (see warming)
 * and made the writer twice as slow. */

/* Calls visit(r, table, NULL) or visit(r, NULL, tree) for every part `core` holds. */
static void core_parts(struct hp_router *r, struct hp_map_core *core,
                       void (*visit)(struct hp_router *, struct hp_route_hash *,
                                     struct hp_radix_tree *))
{
    if (core->combined.slots)
        visit(r, &core->combined, NULL);
    for (int m = 0; m < HP_METHOD_COUNT; m++) {
        if (core->by_method[m].slots)
            visit(r, &core->by_method[m], NULL);
        if (core->dynamic.trees[m])
            visit(r, NULL, core->dynamic.trees[m]);
    }
}

static struct part_ref *part_find(struct hp_router *r, const void *part)
{
    for (size_t i = 0; i < r->part_count; i++)
        if (r->parts[i].part == part)
            return &r->parts[i];
    return NULL;
}

static void part_retain(struct hp_router *r, struct hp_route_hash *table,
                        struct hp_radix_tree *tree)
{
    const void *part = table ? (const void *)table->slots : (const void *)tree;
    struct part_ref *ref = part_find(r, part);
    if (!ref) { /* PARTS_MAX bounds the parts of every snapshot that can be alive */
        ref = &r->parts[r->part_count++];
        *ref = (struct part_ref){part, 0};
    }
    ref->refs++;
}

/* The last snapshot holding a part frees it. */
static void part_release(struct hp_router *r, struct hp_route_hash *table,
                         struct hp_radix_tree *tree)
{
    struct part_ref *ref = part_find(r, table ? (const void *)table->slots : (const void *)tree);
    if (--ref->refs > 0)
        return;
    *ref = r->parts[--r->part_count];
    if (table) {
        struct hp_route_hash owned = *table;
        hp_route_hash_free(&owned);
    } else {
        hp_radix_tree_destroy(tree);
    }
}

/* ---- snapshots ---- */

static void check_magic(const struct cow_snapshot *s)
{
#ifdef HOTPATH_COW_POISON
    if (__builtin_expect(s->magic != SNAPSHOT_MAGIC, 0))
        abort(); /* a reader reached a retired snapshot: reclamation is broken */
#else
    (void)s;
#endif
}

static void snapshot_free(struct hp_router *r, struct cow_snapshot *s)
{
    core_parts(r, &s->core, part_release);
#ifdef HOTPATH_COW_POISON
    memset(s, POISON_BYTE, sizeof *s);
    s->magic = SNAPSHOT_POISONED;
    __atomic_fetch_add(&snapshots_poisoned, 1, __ATOMIC_RELAXED);
#endif
    free(s);
}

/* The next snapshot after `changed` was added to or removed from r->routes: a copy of the
 * published core with only the part holding `changed` rebuilt, the rest shared. */
static struct cow_snapshot *snapshot_derive(struct hp_router *r, const struct hp_route *changed,
                                            struct hp_error *err)
{
    struct cow_snapshot *s = malloc(sizeof *s);
    if (!s) {
        hp_error_set(err, "out of memory");
        return NULL;
    }
    /* Only writers store `current`, and they hold writer_lock: a relaxed load suffices. */
    const struct cow_snapshot *published = __atomic_load_n(&r->current, __ATOMIC_RELAXED);
    if (hp_map_core_rebuild_part(&s->core, &published->core, &r->routes, changed, err) != 0) {
        free(s);
        return NULL;
    }
    s->magic = SNAPSHOT_MAGIC;
    core_parts(r, &s->core, part_retain);
    return s;
}

/* Writer, under writer_lock: one grace period, then every retired snapshot is freed. */
static void reclaim_retired(struct hp_router *r)
{
    /* Every reader that could have loaded a retired pointer loaded it inside a read-side
     * section that started before that pointer was replaced, hence before this call;
     * synchronize_rcu waits for all of them to end. */
    urcu_memb_synchronize_rcu();
    for (size_t i = 0; i < r->retired_count; i++) {
        tsan_acquire(r->retired[i]); /* pairs with each reader's tsan_release before unlock */
        snapshot_free(r, r->retired[i]);
    }
    r->retired_count = 0;
}

/* Writer, under writer_lock: makes `next` the published snapshot and retires the old one. */
static void publish(struct hp_router *r, struct cow_snapshot *next)
{
    /* Only writers store `current`, and they hold writer_lock: a relaxed load suffices. */
    struct cow_snapshot *old = __atomic_load_n(&r->current, __ATOMIC_RELAXED);
    /* RELEASE: every write that built `next` happens before any reader's ACQUIRE load that
     * returns it. */
    __atomic_store_n(&r->current, next, __ATOMIC_RELEASE);
    r->retired[r->retired_count++] = old;
    if (r->retired_count == RETIRE_BATCH)
        reclaim_retired(r);
}

static struct hp_router *cow_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r) {
        hp_error_set(err, "out of memory");
        return NULL;
    }
    r->parts = calloc(PARTS_MAX, sizeof *r->parts);
    r->current = calloc(1, sizeof *r->current); /* an empty core: no parts */
    if (!r->parts || !r->current) {
        hp_error_set(err, "out of memory");
        free(r->parts);
        free(r->current);
        free(r);
        return NULL;
    }
    hp_map_core_init(&r->current->core, HP_MAP_KEY_COMBINED);
    r->current->magic = SNAPSHOT_MAGIC;
    pthread_mutex_init(&r->writer_lock, NULL);
    return r;
}

static int cow_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    int rc = -1;
    pthread_mutex_lock(&r->writer_lock);
    if (hp_route_list_check(&r->routes, route, err) == 0 &&
        hp_route_list_append(&r->routes, route, err) == 0) {
        struct cow_snapshot *next = snapshot_derive(r, route, err);
        if (next) {
            publish(r, next);
            rc = 0;
        } else {
            hp_route_list_remove(&r->routes, route);
        }
    }
    pthread_mutex_unlock(&r->writer_lock);
    return rc;
}

/* Loading a table (header): one snapshot, built whole. */
static int cow_add_all(struct hp_router *r, const struct hp_route *routes, size_t count,
                       struct hp_error *err)
{
    int rc = -1;
    pthread_mutex_lock(&r->writer_lock);
    if (hp_route_list_check_all(&r->routes, routes, count, err) == 0 &&
        hp_route_list_append_all(&r->routes, routes, count, err) == 0) {
        struct cow_snapshot *next = malloc(sizeof *next);
        if (!next) {
            hp_error_set(err, "out of memory");
        } else if (hp_map_core_build(&next->core, HP_MAP_KEY_COMBINED, &r->routes, NULL, err) !=
                   0) {
            free(next);
        } else {
            next->magic = SNAPSHOT_MAGIC;
            core_parts(r, &next->core, part_retain);
            publish(r, next);
            rc = 0;
        }
        if (rc != 0)
            r->routes.count -= count;
    }
    pthread_mutex_unlock(&r->writer_lock);
    return rc;
}

static int cow_remove(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    int rc = -1;
    pthread_mutex_lock(&r->writer_lock);
    const struct hp_route *registered = hp_route_list_find(&r->routes, route);
    if (!registered) {
        char where[512];
        hp_route_where(route, where, sizeof where);
        hp_error_set(err, "%s: not registered", where);
    } else {
        hp_route_list_remove(&r->routes, registered);
        struct cow_snapshot *next = snapshot_derive(r, registered, err);
        if (next) {
            publish(r, next);
            rc = 0;
        } else {
            hp_route_list_append(&r->routes, registered, NULL); /* capacity is there */
        }
    }
    pthread_mutex_unlock(&r->writer_lock);
    return rc;
}

/* Inside the read-side section: `s` is the snapshot this lookup is about to read. */
static inline void warm_if_new(const struct hp_router *r, const struct cow_snapshot *s)
{
    const void **slot = &warmed[((uintptr_t)r / 64) % WARM_SLOTS];
    if (__builtin_expect(*slot == s, 1))
        return;
    *slot = s;
    hp_map_core_prefetch(&s->core, WARM_MAX_LINES);
}

static void cow_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                       size_t len, struct hp_match *out)
{
    if (__builtin_expect(!rcu_registered, 0))
        register_current_thread();
    urcu_memb_read_lock();
    /* ACQUIRE pairs with publish's RELEASE store: the snapshot is complete. */
    const struct cow_snapshot *s = __atomic_load_n(&r->current, __ATOMIC_ACQUIRE);
    check_magic(s);
    warm_if_new(r, s);
    hp_map_core_lookup_combined(&s->core, method, path, len, out);
    check_magic(s);  /* also catches a snapshot retired while this lookup was using it */
    tsan_release(s); /* my reads of s happen before the writer's post-grace-period acquire */
    urcu_memb_read_unlock();
}

/* Same read-side section as cow_lookup. */
static size_t cow_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                        const char *path, size_t len, char *out, size_t cap)
{
    if (__builtin_expect(!rcu_registered, 0))
        register_current_thread();
    urcu_memb_read_lock();
    /* ACQUIRE pairs with publish's RELEASE store, as in cow_lookup. */
    const struct cow_snapshot *s = __atomic_load_n(&r->current, __ATOMIC_ACQUIRE);
    check_magic(s);
    size_t n = hp_map_core_find_case_insensitive(&s->core, method, path, len, out, cap);
    check_magic(s);
    tsan_release(s);
    urcu_memb_read_unlock();
    return n;
}

static void cow_destroy(struct hp_router *r)
{
    if (!r)
        return;
    /* No reader may be running (the ops contract): free without a grace period. */
    for (size_t i = 0; i < r->retired_count; i++)
        snapshot_free(r, r->retired[i]);
    snapshot_free(r, r->current);
    free(r->parts);
    hp_route_list_free(&r->routes);
    pthread_mutex_destroy(&r->writer_lock);
    free(r);
}

const struct hp_router_ops hp_router_cow_map = {
    .info = {"cow_map", "\"METHOD:path\" static map + radix tree in an immutable snapshot "
                        "behind an atomic pointer (RCU); concurrent add/remove"},
    .flags = HP_ROUTER_CONCURRENT_WRITES,
    .create = cow_create,
    .add = cow_add,
    .add_all = cow_add_all,
    .remove = cow_remove,
    .lookup = cow_lookup,
    .find_case_insensitive = cow_find_case_insensitive,
    .match_release = hp_match_release_default,
    .thread_attach = cow_thread_attach,
    .thread_detach = cow_thread_detach,
    .destroy = cow_destroy,
};
