/* The context axis: the per-request object a handler sees (claims C4, C10).
 *
 * A context is a pooled object: the pipeline takes one from a pool of the pool axis, fills it
 * for one request (the parsed request, the route's params), lets the handler read params and
 * query params through it, and gives it back. The implementations differ in the layout of that
 * object and in what release resets:
 *
 *   inline      ~1.3 KB: the hot fields, 8 param, 16 query and 16 local slots inline; release
 *               zeroes the whole object (Bolt's context and its FastReset);
 *   split       ~200 B: only the hot fields; param, query and local slots are blocks attached
 *               from their own pools the first time a request needs them (a static route
 *               without a query string never touches them); release zeroes the hot fields
 *               and puts the blocks back (Bolt's planned 1.2 A/B);
 *   lazy_reset  the inline layout; release resets the hot fields and clears only the slots
 *               that were used (Gin's c.reset: counts back to zero, nothing else touched).
 *
 * Everything but the layout and the reset is shared (context_core.c), so the three differ in
 * exactly that decision.
 *
 * Slots, the same for all three:
 *   params  up to HP_CONTEXT_PARAM_SLOTS without allocating; more: ONE allocation holding all
 *           of them (the count is known before they are copied, C10);
 *   query   parsed lazily, on the first query accessor call of a request (as Gin's
 *           c.initQueryCache): a handler that never asks pays nothing. `a=1&b&c=` gives
 *           (a,1) (b,"") (c,""); empty pieces (`&&`) are skipped; names and values are raw
 *           slices of the request target, not percent-decoded (decoding is the handler's
 *           business). Up to HP_CONTEXT_QUERY_SLOTS without allocating, more in ONE
 *           allocation (pieces are counted first);
 *   locals  a small per-request key/value store for handlers (Gin's Keys, Bolt's c.Set):
 *           up to HP_CONTEXT_LOCAL_SLOTS, no overflow (set refuses the 17th key).
 * Values are slices into the request bytes (params: into the path): the request buffer must
 * outlive the context's use.
 *
 * Pools: hp_context_env_create makes the pools a layout needs, all of one pool implementation:
 * one for the contexts (object size from the layout), and for split one per slot kind. The env
 * is shared by every thread; the pool's own threading rules apply (pool.h). Every request ends
 * with hp_context_release then hp_context_request_end (for the arena pool).
 */
#ifndef HOTPATH_CONTEXT_H
#define HOTPATH_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "http/http_parser.h"
#include "pools/pool.h"
#include "registry.h"
#include "routers/router.h"

enum {
    HP_CONTEXT_PARAM_SLOTS = 8,
    HP_CONTEXT_QUERY_SLOTS = 16,
    HP_CONTEXT_LOCAL_SLOTS = 16,
};

enum hp_context_kind { HP_CONTEXT_PARAMS, HP_CONTEXT_QUERY, HP_CONTEXT_LOCALS, HP_CONTEXT_KINDS };

struct hp_query_param {
    struct hp_http_slice name;
    struct hp_http_slice value; /* ptr never NULL; len 0 for `b` and `b=` */
};

struct hp_context_local {
    const char *key;
    size_t key_len;
    void *value;
};

/* One kind of slot array. `items` points at the inline slots, an attached block or the
 * overflow array; only [0, count) are meaningful. */
struct hp_context_slots {
    void *items;
    uint32_t count;
    uint32_t capacity; /* 0 until storage is there (split before attaching) */
    void *block;       /* split: the attached pool object, else NULL */
    void *overflow;    /* the one allocation beyond the slots, else NULL */
};

enum {
    HP_CONTEXT_QUERY_PARSED = 1u << 0, /* the query string has been split into slots */
    HP_CONTEXT_OVERFLOWED = 1u << 1,   /* some kind has an overflow array to free */
};

struct hp_context_env;

/* The hot part every layout begins with (~200 bytes). */
struct hp_context {
    const struct hp_context_ops *ops;
    struct hp_context_env *env;
    const struct hp_http_request *request;
    struct hp_http_slice path;
    struct hp_http_slice query_string; /* ptr NULL: no '?' in the target */
    uint32_t route_id;
    uint16_t status;
    uint8_t method; /* enum hp_method */
    uint8_t flags;  /* HP_CONTEXT_QUERY_PARSED, HP_CONTEXT_OVERFLOWED */
    struct hp_context_slots slots[HP_CONTEXT_KINDS];
    uint64_t start_ns; /* when the request arrived, for handlers that log; the pipeline sets 0 */
    void *user;        /* the application's per-request pointer */
    uint32_t body_len;
    uint32_t header_count;
};

/* Every per-request field of the hot part to its empty value, but the slots, which each layout
 * points at its own storage (init). */
static inline void hp_context_clear_fields(struct hp_context *ctx)
{
    ctx->request = NULL;
    ctx->path = (struct hp_http_slice){NULL, 0};
    ctx->query_string = (struct hp_http_slice){NULL, 0};
    ctx->route_id = 0;
    ctx->status = 0;
    ctx->method = 0;
    ctx->flags = 0;
    ctx->start_ns = 0;
    ctx->user = NULL;
    ctx->body_len = 0;
    ctx->header_count = 0;
}

struct hp_context_ops {
    struct hp_impl_info info;
    size_t object_size; /* bytes of one pooled context, extra bytes excluded */
    bool uses_blocks;   /* slots live in blocks from the env's per-kind pools (split) */
    /* Sets the header of a context fresh from the pool (whatever bytes it holds: a pool
     * hands out recycled or never-initialised memory) and points the inline slots. */
    void (*init)(struct hp_context *ctx);
    /* Points `kind`'s slots at the layout's storage for HP_CONTEXT_*_SLOTS of them (split
     * attaches a block from env's pool the first time). Called when capacity is 0, and when
     * a request goes back from an overflow array to the slots. 0, or -1 when memory runs
     * out. */
    int (*attach)(struct hp_context *ctx, enum hp_context_kind kind);
    /* Makes the object ready to go back to the pool: frees overflows (hp_context_free_overflow),
     * returns blocks, and clears what the layout's policy clears. `bytes` is the object's
     * whole size (object_size + the env's extra bytes). */
    void (*reset)(struct hp_context *ctx, size_t bytes);
};

/* The implementations (context_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_context_ops symbol;
#include "contexts/context_list.h"
#undef HP_IMPL

static inline const struct hp_context_ops *hp_context_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_context_ops *)info;
}

struct hp_context_config {
    /* Bytes of extra inline storage every context carries after its layout (0 normally): the
     * context/ workloads use it to show which resets grow with the size of the object. */
    size_t extra_bytes;
    size_t capacity;      /* pool capacity hint (0: the pool's default) */
    unsigned max_threads; /* threads using the env at once (0: the pool's default) */
};

struct hp_context_env {
    const struct hp_context_ops *ops;
    const struct hp_pool_ops *pool_ops;
    struct hp_pool *contexts;
    struct hp_pool *blocks[HP_CONTEXT_KINDS]; /* split only; NULL otherwise */
    size_t object_bytes;                      /* object_size + extra_bytes */
};

/* The size of one slot of each kind, and the bytes of a split block of each kind. */
extern const size_t hp_context_slot_size[HP_CONTEXT_KINDS];
extern const uint32_t hp_context_slot_count[HP_CONTEXT_KINDS];

struct hp_context_env *hp_context_env_create(const struct hp_context_ops *ops,
                                             const struct hp_pool_ops *pool_ops,
                                             const struct hp_context_config *config,
                                             struct hp_error *err);
void hp_context_env_destroy(struct hp_context_env *env);
void hp_context_thread_attach(struct hp_context_env *env);
void hp_context_thread_detach(struct hp_context_env *env);

/* The per-request calls below are inline (they are a few loads and one or two calls through
 * the layout's and the pool's ops): every layout and pool pays the same for them. */

/* A context for one request (NULL when memory runs out); every slot count is 0. */
static inline struct hp_context *hp_context_acquire(struct hp_context_env *env)
{
    struct hp_context *ctx = env->pool_ops->get(env->contexts);
    if (!ctx)
        return NULL;
    ctx->ops = env->ops;
    ctx->env = env;
    env->ops->init(ctx);
    return ctx;
}

/* Resets the context by its layout's policy and gives it (and its blocks) back. */
static inline void hp_context_release(struct hp_context *ctx)
{
    struct hp_context_env *env = ctx->env;
    env->ops->reset(ctx, env->object_bytes);
    env->pool_ops->put(env->contexts, ctx);
}

/* The end of the calling thread's request: the arena pool frees what the request took. */
void hp_context_request_end_slow(struct hp_context_env *env);
static inline void hp_context_request_end(struct hp_context_env *env)
{
    if (env->pool_ops->request_end)
        hp_context_request_end_slow(env);
}

/* Binds the parsed request: path, query string (not parsed yet), method. */
static inline void hp_context_bind_request(struct hp_context *ctx,
                                           const struct hp_http_request *req, enum hp_method method)
{
    ctx->request = req;
    ctx->path = req->path;
    ctx->query_string = req->query;
    ctx->method = (uint8_t)method;
}

/* Copies the router's params (slices) into the context. 0, or -1 when memory runs out. Inline
 * when they fit the storage already there (the common case: no overflow, slots attached or no
 * params); attaching and overflow out of line. */
int hp_context_set_params_slow(struct hp_context *ctx, const struct hp_params *params);
static inline int hp_context_set_params(struct hp_context *ctx, const struct hp_params *params)
{
    struct hp_context_slots *s = &ctx->slots[HP_CONTEXT_PARAMS];
    uint32_t count = params->count;
    if (count > s->capacity || s->overflow)
        return hp_context_set_params_slow(ctx, params);
    s->count = count;
    if (count)
        memcpy(s->items, params->items, count * sizeof(struct hp_param));
    return 0;
}

static inline uint32_t hp_context_param_count(const struct hp_context *ctx)
{
    return ctx->slots[HP_CONTEXT_PARAMS].count;
}

static inline const struct hp_param *hp_context_param_at(const struct hp_context *ctx, uint32_t i)
{
    return (const struct hp_param *)ctx->slots[HP_CONTEXT_PARAMS].items + i;
}

/* The value of the param called name[0, len), or NULL. */
const struct hp_param *hp_context_param(const struct hp_context *ctx, const char *name, size_t len);

/* Query accessors: the first call of a request parses the query string. The count is 0 when
 * memory runs out for more than HP_CONTEXT_QUERY_SLOTS pieces. */
uint32_t hp_context_query_count(struct hp_context *ctx);
const struct hp_query_param *hp_context_query_at(struct hp_context *ctx, uint32_t i);
/* The first query param called name[0, len), or NULL. */
const struct hp_query_param *hp_context_query(struct hp_context *ctx, const char *name, size_t len);

/* Locals: 0, or -1 when the key is new and the 16 slots are taken (or storage runs out). A
 * key set twice keeps the last value. */
int hp_context_set_local(struct hp_context *ctx, const char *key, size_t key_len, void *value);
void *hp_context_get_local(const struct hp_context *ctx, const char *key, size_t key_len);

/* For the layouts' reset: frees every kind's overflow array (one flag test when there is
 * none, the common case). */
void hp_context_free_overflow_slow(struct hp_context *ctx);
static inline void hp_context_free_overflow(struct hp_context *ctx)
{
    if (ctx->flags & HP_CONTEXT_OVERFLOWED)
        hp_context_free_overflow_slow(ctx);
}

#endif
