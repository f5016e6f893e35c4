/* The body of the copy-on-write routers (cow_map, cow_split): map_core (static maps + radix
 * forest) of either key shape in an immutable snapshot, published through one atomic pointer.
 * Readers take no lock: an RCU read-side section (liburcu, memb flavour) around one pointer load.
 * A registration (writers serialised by a mutex) derives a new snapshot that rebuilds only the
 * part holding the route and shares the rest (parts, below), swaps the pointer and retires the
 * old snapshot; retired snapshots are freed RETIRE_BATCH at a time, after one grace period. A
 * reader that meets a snapshot new to it prefetches it first (warming, below). add_all publishes
 * one snapshot built whole.
 * Claim C6 (Bolt 3.1): lock-free static route map, copy-on-write on registration. The key shape
 * is what cow_map and cow_split choose (create's parameter), so each differs from the rwlock
 * router of its shape in the publication alone; part copies and warming are what that
 * publication needs to keep readers fast under a writer. Go leaves reclamation to its GC; here
 * the writer pays a grace period per RETIRE_BATCH registrations.
 * Memory order:
 *   - publish: the new snapshot is fully built, then stored with RELEASE; a reader's ACQUIRE
 *     load of the pointer therefore sees every byte of it (no half-built table). Acquire costs
 *     nothing on x86-64 and is what `consume` is compiled as anyway.
 *   - reclaim: liburcu guarantees that after synchronize_rcu returns, every read-side section
 *     that began before it was called has ended; every retired snapshot was unpublished before
 *     that call, so no reader still holds it; only then is it poisoned and freed, and with it
 *     each part no live snapshot holds any more (shared parts are only ever read, and a part
 *     is freed only after every snapshot that held it was reclaimed this way). The Tsan build
 *     states that edge itself (cow_router.h).
 */
#include "routers/cow_router.h"

/* Why batches: a memb grace period interrupts every CPU running one of the process's threads
 * (membarrier), so one per registration put two interruptions a millisecond into the readers
 * of router/github/read_with_writer (remove + add at 1 kHz) and showed in their p99. Batching
 * divides that by RETIRE_BATCH and spares the writer most waits; the cost is up to
 * RETIRE_BATCH old snapshots kept until the next batch (or destroy). */
enum {
    RETIRE_BATCH = HP_COW_RETIRE_BATCH,
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

__thread bool hp_cow_rcu_registered;
static pthread_key_t unregister_key;
static pthread_once_t unregister_key_once = PTHREAD_ONCE_INIT;

static void unregister_at_thread_exit(void *unused)
{
    (void)unused;
    if (hp_cow_rcu_registered) {
        urcu_memb_unregister_thread();
        hp_cow_rcu_registered = false;
    }
}

static void make_unregister_key(void)
{
    pthread_key_create(&unregister_key, unregister_at_thread_exit);
}

void hp_cow_register_current_thread(void)
{
    if (hp_cow_rcu_registered)
        return;
    pthread_once(&unregister_key_once, make_unregister_key);
    urcu_memb_register_thread();
    hp_cow_rcu_registered = true;
    /* A thread that exits without thread_detach must leave the RCU registry, or the next grace
     * period would wait on (or read) a dead thread's state. */
    pthread_setspecific(unregister_key, (void *)1);
}

void hp_cow_router_thread_attach(struct hp_router *r)
{
    (void)r;
    hp_cow_register_current_thread();
}

void hp_cow_router_thread_detach(struct hp_router *r)
{
    (void)r;
    if (hp_cow_rcu_registered) {
        urcu_memb_unregister_thread();
        hp_cow_rcu_registered = false;
        pthread_setspecific(unregister_key, NULL);
    }
}

/* ---- warming (the reader's side is in cow_router.h) ----
 *
 * Without it readers are not fast under a writer: a new part is new memory, written by the
 * writer's CPU, and the reader's next lookups each stalled on a few of its lines, one dependent
 * miss after another (with two publications a millisecond, more than 1% of lookups;
 * router/github/read_with_writer's p99 was 2x its baseline's with whole copies, 1.2x with part
 * copies). So a reader thread that meets a snapshot it has not seen yet first prefetches it
 * (every line a lookup can read, up to HP_COW_WARM_MAX_LINES): the misses overlap and land on
 * the few lookups right after the publication, the cost moves from the p99 to the p99.9 (README
 * has both). The price: one per-thread table check per lookup, and up to HP_COW_WARM_MAX_LINES
 * prefetches per publication per reader thread, whether or not it would have read those lines. */

__thread const void *hp_cow_warmed[HP_COW_WARM_SLOTS];

/* The next router's warm slot. Relaxed: only spreading routers over slots matters. */
static uint32_t next_warm_slot;

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

static void snapshot_free(struct hp_router *r, struct cow_snapshot *s)
{
    core_parts(r, &s->core, part_release);
#ifdef HOTPATH_COW_POISON
    memset(s, HP_COW_POISON_BYTE, sizeof *s);
    s->magic = HP_COW_SNAPSHOT_POISONED;
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
    s->magic = HP_COW_SNAPSHOT_MAGIC;
    core_parts(r, &s->core, part_retain);
    return s;
}

/* Writer, under writer_lock: one grace period, then every retired snapshot is freed. */
static void reclaim_retired(struct hp_router *r)
{
    /* Every reader that could have loaded a retired pointer loaded it inside a read-side
     * section that started before that pointer was replaced, hence before this call;
     * synchronize_rcu waits for all of them to end. (The sabotage build skips it, for the
     * soak to prove it notices: CMakeLists.txt, HOTPATH_SABOTAGE.) */
#ifndef HOTPATH_SABOTAGE_SKIP_GRACE_PERIOD
    urcu_memb_synchronize_rcu();
#endif
    for (size_t i = 0; i < r->retired_count; i++) {
        hp_cow_tsan_acquire(
            r->retired[i]); /* pairs with each reader's tsan_release before unlock */
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

struct hp_router *hp_cow_router_create(enum hp_map_key_shape shape, struct hp_error *err)
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
    hp_map_core_init(&r->current->core, shape);
    r->warm_slot = __atomic_fetch_add(&next_warm_slot, 1, __ATOMIC_RELAXED) % HP_COW_WARM_SLOTS;
    r->current->magic = HP_COW_SNAPSHOT_MAGIC;
    pthread_mutex_init(&r->writer_lock, NULL);
    return r;
}

int hp_cow_router_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
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
int hp_cow_router_add_all(struct hp_router *r, const struct hp_route *routes, size_t count,
                          struct hp_error *err)
{
    int rc = -1;
    pthread_mutex_lock(&r->writer_lock);
    if (hp_route_list_check_all(&r->routes, routes, count, err) == 0 &&
        hp_route_list_append_all(&r->routes, routes, count, err) == 0) {
        /* Only writers store `current`, and they hold writer_lock: a relaxed load suffices. */
        const struct cow_snapshot *published = __atomic_load_n(&r->current, __ATOMIC_RELAXED);
        struct cow_snapshot *next = malloc(sizeof *next);
        if (!next) {
            hp_error_set(err, "out of memory");
        } else if (hp_map_core_build(&next->core, published->core.shape, &r->routes, NULL, err) !=
                   0) {
            free(next);
        } else {
            next->magic = HP_COW_SNAPSHOT_MAGIC;
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

int hp_cow_router_remove(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
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

/* The same read-side section as the lookups (cow_router.h). */
size_t hp_cow_router_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                           const char *path, size_t len, char *out, size_t cap)
{
    if (__builtin_expect(!hp_cow_rcu_registered, 0))
        hp_cow_register_current_thread();
    urcu_memb_read_lock();
    /* ACQUIRE pairs with publish's RELEASE store, as in cow_lookup. */
    const struct cow_snapshot *s = __atomic_load_n(&r->current, __ATOMIC_ACQUIRE);
    hp_cow_check_magic(s);
    size_t n = hp_map_core_find_case_insensitive(&s->core, method, path, len, out, cap);
    hp_cow_check_magic(s);
    hp_cow_tsan_release(s);
    urcu_memb_read_unlock();
    return n;
}

void hp_cow_router_destroy(struct hp_router *r)
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
