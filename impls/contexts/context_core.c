/* What every context layout shares: the pools, acquire/release, slot storage with its one
 * overflow allocation, the lazy query parse and the locals. The layouts (inline.c, split.c,
 * lazy_reset.c) supply only init, attach and reset. */
#include "contexts/context.h"

#include <stdlib.h>
#include <string.h>

const size_t hp_context_slot_size[HP_CONTEXT_KINDS] = {
    [HP_CONTEXT_PARAMS] = sizeof(struct hp_param),
    [HP_CONTEXT_QUERY] = sizeof(struct hp_query_param),
    [HP_CONTEXT_LOCALS] = sizeof(struct hp_context_local),
};

const uint32_t hp_context_slot_count[HP_CONTEXT_KINDS] = {
    [HP_CONTEXT_PARAMS] = HP_CONTEXT_PARAM_SLOTS,
    [HP_CONTEXT_QUERY] = HP_CONTEXT_QUERY_SLOTS,
    [HP_CONTEXT_LOCALS] = HP_CONTEXT_LOCAL_SLOTS,
};

struct hp_context_env *hp_context_env_create(const struct hp_context_ops *ops,
                                             const struct hp_pool_ops *pool_ops,
                                             const struct hp_context_config *config,
                                             struct hp_error *err)
{
    struct hp_context_env *env = calloc(1, sizeof *env);
    if (!env) {
        hp_error_set(err, "out of memory creating a context env");
        return NULL;
    }
    env->ops = ops;
    env->pool_ops = pool_ops;
    env->object_bytes = ops->object_size + config->extra_bytes;
    struct hp_pool_config pc = {env->object_bytes, config->capacity, config->max_threads};
    if (!(env->contexts = pool_ops->create(&pc, err)))
        goto fail;
    if (ops->uses_blocks) {
        for (int k = 0; k < HP_CONTEXT_KINDS; k++) {
            pc.object_size = hp_context_slot_size[k] * hp_context_slot_count[k];
            if (!(env->blocks[k] = pool_ops->create(&pc, err)))
                goto fail;
        }
    }
    return env;
fail:
    hp_context_env_destroy(env);
    return NULL;
}

void hp_context_env_destroy(struct hp_context_env *env)
{
    if (!env)
        return;
    if (env->contexts)
        env->pool_ops->destroy(env->contexts);
    for (int k = 0; k < HP_CONTEXT_KINDS; k++)
        if (env->blocks[k])
            env->pool_ops->destroy(env->blocks[k]);
    free(env);
}

void hp_context_thread_attach(struct hp_context_env *env)
{
    if (!env->pool_ops->thread_attach)
        return;
    env->pool_ops->thread_attach(env->contexts);
    for (int k = 0; k < HP_CONTEXT_KINDS; k++)
        if (env->blocks[k])
            env->pool_ops->thread_attach(env->blocks[k]);
}

void hp_context_thread_detach(struct hp_context_env *env)
{
    if (!env->pool_ops->thread_detach)
        return;
    env->pool_ops->thread_detach(env->contexts);
    for (int k = 0; k < HP_CONTEXT_KINDS; k++)
        if (env->blocks[k])
            env->pool_ops->thread_detach(env->blocks[k]);
}

struct hp_context *hp_context_acquire(struct hp_context_env *env)
{
    struct hp_context *ctx = env->pool_ops->get(env->contexts);
    if (!ctx)
        return NULL;
    ctx->ops = env->ops;
    ctx->env = env;
    env->ops->init(ctx);
    return ctx;
}

void hp_context_release(struct hp_context *ctx)
{
    struct hp_context_env *env = ctx->env;
    env->ops->reset(ctx, env->object_bytes);
    env->pool_ops->put(env->contexts, ctx);
}

void hp_context_request_end(struct hp_context_env *env)
{
    if (!env->pool_ops->request_end)
        return;
    env->pool_ops->request_end(env->contexts);
    for (int k = 0; k < HP_CONTEXT_KINDS; k++)
        if (env->blocks[k])
            env->pool_ops->request_end(env->blocks[k]);
}

void hp_context_bind_request(struct hp_context *ctx, const struct hp_http_request *req,
                             enum hp_method method)
{
    ctx->request = req;
    ctx->path = req->path;
    ctx->query_string = req->query;
    ctx->method = (uint8_t)method;
}

void hp_context_free_overflow_slow(struct hp_context *ctx)
{
    ctx->flags &= (uint8_t)~HP_CONTEXT_OVERFLOWED;
    for (int k = 0; k < HP_CONTEXT_KINDS; k++) {
        struct hp_context_slots *s = &ctx->slots[k];
        if (s->overflow) {
            free(s->overflow);
            s->overflow = NULL;
        }
    }
}

/* Room for `count` slots of `kind`: the layout's slots (attached on first need), or one
 * allocation when there are more. Sets the count. */
static int slots_reserve(struct hp_context *ctx, enum hp_context_kind kind, uint32_t count)
{
    struct hp_context_slots *s = &ctx->slots[kind];
    if (count == 0) {
        s->count = 0;
        return 0;
    }
    if (count <= hp_context_slot_count[kind]) {
        if (s->capacity == 0 && ctx->ops->attach(ctx, kind) != 0)
            return -1;
        if (s->overflow) {
            /* A second fill of the same request: go back to the slots. */
            free(s->overflow);
            s->overflow = NULL;
            s->capacity = 0;
            if (ctx->ops->attach(ctx, kind) != 0)
                return -1;
        }
    } else if (count > s->capacity) {
        void *grown = malloc((size_t)count * hp_context_slot_size[kind]);
        if (!grown)
            return -1;
        free(s->overflow);
        s->overflow = grown;
        ctx->flags |= HP_CONTEXT_OVERFLOWED;
        s->items = grown;
        s->capacity = count;
    }
    s->count = count;
    return 0;
}

int hp_context_set_params(struct hp_context *ctx, const struct hp_params *params)
{
    if (slots_reserve(ctx, HP_CONTEXT_PARAMS, params->count) != 0) {
        ctx->slots[HP_CONTEXT_PARAMS].count = 0;
        return -1;
    }
    if (params->count)
        memcpy(ctx->slots[HP_CONTEXT_PARAMS].items, params->items,
               params->count * sizeof(struct hp_param));
    return 0;
}

const struct hp_param *hp_context_param(const struct hp_context *ctx, const char *name, size_t len)
{
    const struct hp_context_slots *s = &ctx->slots[HP_CONTEXT_PARAMS];
    const struct hp_param *items = s->items;
    for (uint32_t i = 0; i < s->count; i++)
        if (items[i].name_len == len && memcmp(items[i].name, name, len) == 0)
            return &items[i];
    return NULL;
}

/* The non-empty `&`-separated pieces of the query string. */
static uint32_t query_count_pieces(const char *p, const char *end)
{
    uint32_t n = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *piece_end = amp ? amp : end;
        n += piece_end > p;
        p = piece_end + 1;
    }
    return n;
}

static void query_parse(struct hp_context *ctx)
{
    ctx->flags |= HP_CONTEXT_QUERY_PARSED;
    struct hp_http_slice qs = ctx->query_string;
    if (!qs.ptr || qs.len == 0)
        return;
    const char *p = qs.ptr, *end = qs.ptr + qs.len;
    uint32_t n = query_count_pieces(p, end);
    if (n == 0 || slots_reserve(ctx, HP_CONTEXT_QUERY, n) != 0) {
        ctx->slots[HP_CONTEXT_QUERY].count = 0;
        return;
    }
    struct hp_query_param *out = ctx->slots[HP_CONTEXT_QUERY].items;
    uint32_t i = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *piece_end = amp ? amp : end;
        if (piece_end > p) {
            const char *eq = memchr(p, '=', (size_t)(piece_end - p));
            const char *name_end = eq ? eq : piece_end;
            const char *value = eq ? eq + 1 : piece_end;
            out[i].name = (struct hp_http_slice){p, (size_t)(name_end - p)};
            out[i].value = (struct hp_http_slice){value, (size_t)(piece_end - value)};
            i++;
        }
        p = piece_end + 1;
    }
}

uint32_t hp_context_query_count(struct hp_context *ctx)
{
    if (!(ctx->flags & HP_CONTEXT_QUERY_PARSED))
        query_parse(ctx);
    return ctx->slots[HP_CONTEXT_QUERY].count;
}

const struct hp_query_param *hp_context_query_at(struct hp_context *ctx, uint32_t i)
{
    if (i >= hp_context_query_count(ctx))
        return NULL;
    return (const struct hp_query_param *)ctx->slots[HP_CONTEXT_QUERY].items + i;
}

const struct hp_query_param *hp_context_query(struct hp_context *ctx, const char *name, size_t len)
{
    uint32_t n = hp_context_query_count(ctx);
    const struct hp_query_param *items = ctx->slots[HP_CONTEXT_QUERY].items;
    for (uint32_t i = 0; i < n; i++)
        if (items[i].name.len == len && memcmp(items[i].name.ptr, name, len) == 0)
            return &items[i];
    return NULL;
}

int hp_context_set_local(struct hp_context *ctx, const char *key, size_t key_len, void *value)
{
    struct hp_context_slots *s = &ctx->slots[HP_CONTEXT_LOCALS];
    struct hp_context_local *items = s->items;
    for (uint32_t i = 0; i < s->count; i++)
        if (items[i].key_len == key_len && memcmp(items[i].key, key, key_len) == 0) {
            items[i].value = value;
            return 0;
        }
    if (s->count == HP_CONTEXT_LOCAL_SLOTS)
        return -1;
    if (s->capacity == 0 && ctx->ops->attach(ctx, HP_CONTEXT_LOCALS) != 0)
        return -1;
    items = s->items;
    items[s->count++] = (struct hp_context_local){key, key_len, value};
    return 0;
}

void *hp_context_get_local(const struct hp_context *ctx, const char *key, size_t key_len)
{
    const struct hp_context_slots *s = &ctx->slots[HP_CONTEXT_LOCALS];
    const struct hp_context_local *items = s->items;
    for (uint32_t i = 0; i < s->count; i++)
        if (items[i].key_len == key_len && memcmp(items[i].key, key, key_len) == 0)
            return items[i].value;
    return NULL;
}
