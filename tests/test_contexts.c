/* The context axis: every layout behaves the same through the accessors (params, the one
 * overflow allocation beyond the slots, the lazy query parse, locals), lazy_reset truncates
 * as Gin does and still shows no stale slot through the accessors, split attaches storage only when
 * a request needs it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alloc_count.h"
#include "contexts/context.h"
#include "contexts/inline_layout.h"
#include "http/http_parser.h"

static struct hp_context_env *make_env(const struct hp_impl_info *context, const char *pool)
{
    struct hp_error err = {{0}};
    struct hp_context_config config = {.extra_bytes = 0, .capacity = 16, .max_threads = 2};
    struct hp_context_env *env =
        hp_context_env_create(hp_context_ops_of(context),
                              hp_pool_ops_of(hp_impl_find(HP_AXIS_POOL, pool)), &config, &err);
    cr_assert_not_null(env, "%s: %s", context->name, err.message);
    return env;
}

static void parse(const char *text, struct hp_http_request *req)
{
    cr_assert_gt(hp_http_parse_request(text, strlen(text), req), 0, "%s", text);
}

/* count params named p0, p1, ... with values v0, v1, ... (slices of static strings) */
static const char *const names[] = {"p0", "p1", "p2", "p3", "p4",  "p5",
                                    "p6", "p7", "p8", "p9", "p10", "p11"};
static const char *const values[] = {"v0", "v1", "v2", "v3", "v4",  "v5",
                                     "v6", "v7", "v8", "v9", "v10", "v11"};

static void make_params(struct hp_params *params, uint32_t count)
{
    static struct hp_param items[12];
    for (uint32_t i = 0; i < count; i++)
        items[i] = (struct hp_param){names[i], (uint32_t)strlen(names[i]),
                                     (uint32_t)strlen(values[i]), values[i]};
    params->count = count;
    params->capacity = count;
    params->items = items;
}

static void check_params(const struct hp_context *ctx, uint32_t count, const char *who)
{
    cr_assert_eq(hp_context_param_count(ctx), count, "%s", who);
    for (uint32_t i = 0; i < count; i++) {
        const struct hp_param *p = hp_context_param(ctx, names[i], strlen(names[i]));
        cr_assert_not_null(p, "%s: param %s", who, names[i]);
        cr_assert_eq(p->value_len, strlen(values[i]));
        cr_assert_eq(memcmp(p->value, values[i], p->value_len), 0, "%s: %s", who, names[i]);
        cr_assert_eq(hp_context_param_at(ctx, i), p);
    }
    cr_assert_null(hp_context_param(ctx, "missing", 7), "%s", who);
}

#define FOR_EACH_CONTEXT(it)                                                                       \
    for (const struct hp_impl_info *const *it = hp_context_table; *it; it++)

Test(contexts, table_lists_the_three_layouts)
{
    cr_assert_eq(hp_axis_impl_count(HP_AXIS_CONTEXT), 3);
    cr_assert_not_null(hp_impl_find(HP_AXIS_CONTEXT, "inline"));
    cr_assert_not_null(hp_impl_find(HP_AXIS_CONTEXT, "split"));
    cr_assert_not_null(hp_impl_find(HP_AXIS_CONTEXT, "lazy_reset"));
    cr_assert_leq(hp_context_split.object_size, 256, "split is the ~200-byte hot part");
    cr_assert_geq(hp_context_inline.object_size, 1200, "inline is Bolt's ~1.3 KB");
    cr_assert_eq(hp_context_lazy_reset.object_size, hp_context_inline.object_size);
}

Test(contexts, params_within_the_slots_allocate_nothing)
{
    FOR_EACH_CONTEXT(it)
    {
        struct hp_context_env *env = make_env(*it, "treiber");
        /* warm the pools (split's blocks) */
        struct hp_context *ctx = hp_context_acquire(env);
        struct hp_params params;
        make_params(&params, HP_CONTEXT_PARAM_SLOTS);
        cr_assert_eq(hp_context_set_params(ctx, &params), 0);
        hp_context_release(ctx);

        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        ctx = hp_context_acquire(env);
        cr_assert_eq(hp_context_set_params(ctx, &params), 0);
        check_params(ctx, HP_CONTEXT_PARAM_SLOTS, (*it)->name);
        hp_context_release(ctx);
        hp_alloc_counts_read(&after);
        cr_assert_eq(hp_alloc_counts_delta(&before, &after).allocs, 0, "%s", (*it)->name);
        hp_context_env_destroy(env);
    }
}

Test(contexts, params_beyond_the_slots_take_exactly_one_allocation)
{
    FOR_EACH_CONTEXT(it)
    {
        struct hp_context_env *env = make_env(*it, "treiber");
        struct hp_context *ctx = hp_context_acquire(env);
        hp_context_release(ctx);
        struct hp_params params;
        make_params(&params, 11);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        ctx = hp_context_acquire(env);
        cr_assert_eq(hp_context_set_params(ctx, &params), 0);
        hp_alloc_counts_read(&after);
        cr_assert_eq(hp_alloc_counts_delta(&before, &after).allocs, 1, "%s", (*it)->name);
        check_params(ctx, 11, (*it)->name);
        /* the same request going back to few params uses the slots again */
        make_params(&params, 2);
        cr_assert_eq(hp_context_set_params(ctx, &params), 0);
        check_params(ctx, 2, (*it)->name);
        make_params(&params, 12);
        cr_assert_eq(hp_context_set_params(ctx, &params), 0);
        check_params(ctx, 12, (*it)->name);
        hp_alloc_counts_read(&before);
        hp_context_release(ctx);
        hp_alloc_counts_read(&after);
        cr_assert_eq(hp_alloc_counts_delta(&before, &after).frees, 1, "%s: overflow freed",
                     (*it)->name);
        hp_context_env_destroy(env);
    }
}

Test(contexts, query_is_parsed_lazily_and_the_same_everywhere)
{
    struct hp_http_request req;
    parse("GET /search?a=1&b&c=&&d=x=y&a=2 HTTP/1.1\r\n\r\n", &req);
    FOR_EACH_CONTEXT(it)
    {
        struct hp_context_env *env = make_env(*it, "tls_cache");
        struct hp_context *ctx = hp_context_acquire(env);
        hp_context_bind_request(ctx, &req, HP_METHOD_GET);
        cr_assert_eq(ctx->slots[HP_CONTEXT_QUERY].count, 0, "not parsed before it is asked");
        cr_assert_eq(ctx->flags & HP_CONTEXT_QUERY_PARSED, 0);
        cr_assert_eq(hp_context_query_count(ctx), 5, "%s", (*it)->name);
        static const char *const expect[5][2] = {
            {"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x=y"}, {"a", "2"}};
        for (uint32_t i = 0; i < 5; i++) {
            const struct hp_query_param *q = hp_context_query_at(ctx, i);
            cr_assert_eq(q->name.len, strlen(expect[i][0]));
            cr_assert_eq(memcmp(q->name.ptr, expect[i][0], q->name.len), 0);
            cr_assert_eq(q->value.len, strlen(expect[i][1]), "%s: piece %u", (*it)->name, i);
            cr_assert_not_null(q->value.ptr);
            cr_assert_eq(memcmp(q->value.ptr, expect[i][1], q->value.len), 0);
        }
        cr_assert_null(hp_context_query_at(ctx, 5));
        const struct hp_query_param *a = hp_context_query(ctx, "a", 1);
        cr_assert_not_null(a);
        cr_assert_eq(a->value.ptr[0], '1', "the first of a repeated name");
        cr_assert_null(hp_context_query(ctx, "zz", 2));
        hp_context_release(ctx);
        hp_context_env_destroy(env);
    }
}

Test(contexts, a_long_query_takes_exactly_one_allocation)
{
    char text[512] = "GET /q?";
    for (int i = 0; i < 20; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%sk%d=%d", i ? "&" : "", i, i);
    strcat(text, " HTTP/1.1\r\n\r\n");
    struct hp_http_request req;
    parse(text, &req);
    FOR_EACH_CONTEXT(it)
    {
        struct hp_context_env *env = make_env(*it, "treiber");
        struct hp_context *ctx = hp_context_acquire(env);
        hp_context_bind_request(ctx, &req, HP_METHOD_GET);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        cr_assert_eq(hp_context_query_count(ctx), 20, "%s", (*it)->name);
        hp_alloc_counts_read(&after);
        cr_assert_eq(hp_alloc_counts_delta(&before, &after).allocs, 1, "%s", (*it)->name);
        const struct hp_query_param *q = hp_context_query(ctx, "k19", 3);
        cr_assert_not_null(q);
        cr_assert_eq(q->value.len, 2);
        cr_assert_eq(memcmp(q->value.ptr, "19", 2), 0);
        hp_context_release(ctx);
        hp_context_env_destroy(env);
    }
}

Test(contexts, nothing_of_a_request_is_visible_to_the_next)
{
    struct hp_http_request first, second;
    parse("GET /repos/a/b?x=1&y=2 HTTP/1.1\r\n\r\n", &first);
    parse("GET /user HTTP/1.1\r\n\r\n", &second);
    FOR_EACH_CONTEXT(it)
    {
        /* mutex_freelist is LIFO on one thread: the second acquire gets the same object */
        struct hp_context_env *env = make_env(*it, "mutex_freelist");
        struct hp_context *ctx = hp_context_acquire(env);
        hp_context_bind_request(ctx, &first, HP_METHOD_GET);
        struct hp_params params;
        make_params(&params, 3);
        cr_assert_eq(hp_context_set_params(ctx, &params), 0);
        cr_assert_eq(hp_context_query_count(ctx), 2);
        int value = 7;
        cr_assert_eq(hp_context_set_local(ctx, "user", 4, &value), 0);
        struct hp_context *old = ctx;
        hp_context_release(ctx);

        ctx = hp_context_acquire(env);
        cr_assert_eq(ctx, old, "%s: the pool hands the same object back", (*it)->name);
        hp_context_bind_request(ctx, &second, HP_METHOD_GET);
        cr_assert_eq(hp_context_param_count(ctx), 0, "%s", (*it)->name);
        cr_assert_null(hp_context_param(ctx, "p0", 2), "%s: stale param", (*it)->name);
        cr_assert_eq(hp_context_query_count(ctx), 0, "%s: stale query", (*it)->name);
        cr_assert_null(hp_context_get_local(ctx, "user", 4), "%s: stale local", (*it)->name);
        if (*it == &hp_context_inline.info) {
            /* inline zeroes the whole object (Bolt's FastReset): the used slots themselves are
             * clean, not just uncounted. lazy_reset truncates as Gin does and is held to the
             * accessors above; split's slots went back to their pool. */
            struct hp_inline_context *c = (struct hp_inline_context *)ctx;
            for (int i = 0; i < 3; i++)
                cr_assert(c->params[i].value == NULL && c->params[i].value_len == 0,
                          "%s: param slot %d still holds the previous request's value", (*it)->name,
                          i);
            for (int i = 0; i < 2; i++)
                cr_assert_null(c->query[i].value.ptr, "%s: query slot %d", (*it)->name, i);
            cr_assert_null(c->locals[0].value, "%s: local slot", (*it)->name);
        }
        hp_context_release(ctx);
        hp_context_env_destroy(env);
    }
}

Test(contexts, lazy_reset_truncates_and_clears_nothing)
{
    struct hp_context_env *env = make_env(&hp_context_lazy_reset.info, "mutex_freelist");
    struct hp_context *ctx = hp_context_acquire(env);
    struct hp_inline_context *c = (struct hp_inline_context *)ctx;
    struct hp_params params;
    make_params(&params, 2);
    cr_assert_eq(hp_context_set_params(ctx, &params), 0);
    /* a byte pattern in a slot the request never counted: lazy_reset leaves it, inline would
     * zero it (that is the whole difference); the used slots stay too, as Gin's truncated
     * c.Params keeps its backing array, but no accessor sees them */
    memset(&c->query[15], 0xAB, sizeof c->query[15]);
    hp_context_release(ctx);
    cr_assert_not_null(c->params[0].value, "used slots are left, as Gin's truncation leaves them");
    cr_assert_eq(ctx->slots[HP_CONTEXT_PARAMS].count, 0, "the count is truncated");
    unsigned char expect[sizeof c->query[15]];
    memset(expect, 0xAB, sizeof expect);
    cr_assert_eq(memcmp(&c->query[15], expect, sizeof expect), 0, "unused slots are left");
    hp_context_env_destroy(env);

    env = make_env(&hp_context_inline.info, "mutex_freelist");
    ctx = hp_context_acquire(env);
    cr_assert_not_null(ctx);
    c = (struct hp_inline_context *)ctx;
    memset(&c->query[15], 0xAB, sizeof c->query[15]);
    hp_context_release(ctx);
    memset(expect, 0, sizeof expect);
    cr_assert_eq(memcmp(&c->query[15], expect, sizeof expect), 0, "inline zeroes everything");
    hp_context_env_destroy(env);
}

Test(contexts, split_attaches_storage_only_when_needed)
{
    struct hp_http_request plain, with_query;
    parse("GET /user HTTP/1.1\r\n\r\n", &plain);
    parse("GET /user?tab=repos HTTP/1.1\r\n\r\n", &with_query);
    struct hp_context_env *env = make_env(&hp_context_split.info, "treiber");
    struct hp_pool_stats stats[HP_CONTEXT_KINDS];

    /* a static route without a query: the handler asks, nothing is attached */
    struct hp_context *ctx = hp_context_acquire(env);
    hp_context_bind_request(ctx, &plain, HP_METHOD_GET);
    struct hp_params none = {0};
    cr_assert_eq(hp_context_set_params(ctx, &none), 0);
    cr_assert_eq(hp_context_param_count(ctx), 0);
    cr_assert_eq(hp_context_query_count(ctx), 0);
    cr_assert_null(hp_context_get_local(ctx, "k", 1));
    for (int k = 0; k < HP_CONTEXT_KINDS; k++) {
        cr_assert_null(ctx->slots[k].block, "kind %d attached for nothing", k);
        env->pool_ops->stats(env->blocks[k], &stats[k]);
        cr_assert_eq(stats[k].created, 0, "kind %d: no block ever taken", k);
    }
    hp_context_release(ctx);

    /* params only: the param block, nothing else */
    ctx = hp_context_acquire(env);
    hp_context_bind_request(ctx, &plain, HP_METHOD_GET);
    struct hp_params params;
    make_params(&params, 2);
    cr_assert_eq(hp_context_set_params(ctx, &params), 0);
    cr_assert_eq(hp_context_query_count(ctx), 0);
    cr_assert_not_null(ctx->slots[HP_CONTEXT_PARAMS].block);
    cr_assert_null(ctx->slots[HP_CONTEXT_QUERY].block);
    check_params(ctx, 2, "split");
    hp_context_release(ctx);

    /* a query string: the query block */
    ctx = hp_context_acquire(env);
    hp_context_bind_request(ctx, &with_query, HP_METHOD_GET);
    cr_assert_null(ctx->slots[HP_CONTEXT_QUERY].block, "not before the query is asked for");
    cr_assert_eq(hp_context_query_count(ctx), 1);
    cr_assert_not_null(ctx->slots[HP_CONTEXT_QUERY].block);
    cr_assert_null(ctx->slots[HP_CONTEXT_PARAMS].block);
    hp_context_release(ctx);

    /* every block went back */
    for (int k = 0; k < HP_CONTEXT_KINDS; k++) {
        env->pool_ops->stats(env->blocks[k], &stats[k]);
        cr_assert_eq(hp_pool_in_use(&stats[k]), 0, "kind %d: a block still out", k);
    }
    hp_context_env_destroy(env);
}

Test(contexts, locals_hold_sixteen_keys)
{
    FOR_EACH_CONTEXT(it)
    {
        struct hp_context_env *env = make_env(*it, "treiber");
        struct hp_context *ctx = hp_context_acquire(env);
        int slots[HP_CONTEXT_LOCAL_SLOTS + 1];
        char keys[HP_CONTEXT_LOCAL_SLOTS][16];
        for (int i = 0; i < HP_CONTEXT_LOCAL_SLOTS; i++) {
            snprintf(keys[i], sizeof keys[i], "p%d", i);
            cr_assert_eq(hp_context_set_local(ctx, keys[i], strlen(keys[i]), &slots[i]), 0,
                         "%s: key %d", (*it)->name, i);
        }
        cr_assert_eq(hp_context_set_local(ctx, "extra", 5, &slots[16]), -1, "%s", (*it)->name);
        cr_assert_eq(hp_context_set_local(ctx, "p3", 2, &slots[16]), 0, "overwrite is fine");
        cr_assert_eq(hp_context_get_local(ctx, "p3", 2), &slots[16]);
        cr_assert_eq(hp_context_get_local(ctx, "p0", 2), &slots[0]);
        cr_assert_null(hp_context_get_local(ctx, "nope", 4));
        hp_context_release(ctx);
        hp_context_env_destroy(env);
    }
}

Test(contexts, arena_pool_frees_at_request_end)
{
    FOR_EACH_CONTEXT(it)
    {
        struct hp_context_env *env = make_env(*it, "arena");
        for (int r = 0; r < 100; r++) {
            struct hp_context *ctx = hp_context_acquire(env);
            cr_assert_not_null(ctx);
            struct hp_params params;
            make_params(&params, 3);
            cr_assert_eq(hp_context_set_params(ctx, &params), 0);
            check_params(ctx, 3, (*it)->name);
            hp_context_release(ctx);
            hp_context_request_end(env);
        }
        struct hp_pool_stats stats;
        env->pool_ops->stats(env->contexts, &stats);
        cr_assert_eq(stats.created, stats.released, "%s", (*it)->name);
        hp_context_env_destroy(env);
    }
}
