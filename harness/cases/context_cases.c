/* Context workloads (claims C4, C10): the request context chosen on the context axis, taken from
 * and given back to a pool of the pool axis. All threads share one context env (its pools).
 *
 *   context/acquire_release         op = acquire + release + request end, nothing used: what
 *                                   every request pays for its context before any work.
 *   context/acquire_release_4k      the same with 4 KB of extra inline storage in every context
 *                                   (a bigger context, nothing of it used): a reset that
 *                                   clears the whole object grows with it, lazy_reset does not.
 *   context/acquire_use_release     op = acquire, bind a parsed request, copy 2 route params,
 *                                   read both, parse the 3-piece query string and read one
 *                                   query param, release: what a dynamic route with a query
 *                                   string pays.
 *
 * report adds context_bytes (the pooled object's size) so a results table shows the size next
 * to the time.
 */
#include <stdlib.h>
#include <string.h>

#include "contexts/context.h"
#include "http/http_parser.h"
#include "alloc_count.h"
#include "workload.h"

enum { EXTRA_4K = 4096 };

static const char use_request[] = "GET /repos/julienschmidt/httprouter?page=2&per_page=100&"
                                  "sort=updated HTTP/1.1\r\nHost: api.github.com\r\n\r\n";

struct context_case {
    struct hp_context_env *env;
    struct hp_http_request request; /* parsed use_request */
    struct hp_params params;        /* owner, repo: slices of request.path */
};

/* What a context environment of this composition holds after serving one request (a context
 * acquired, released and the request ended on this thread; workload.h), measured on an
 * environment of its own, destroyed after. */
static void record_held(const struct hp_context_ops *context, const struct hp_pool_ops *pool,
                        const struct hp_context_config *config, struct hp_metrics *metrics)
{
    struct hp_error err;
    if (!metrics || hp_alloc_held_begin() != 0)
        return;
    struct hp_context_env *env = hp_context_env_create(context, pool, config, &err);
    struct hp_context *ctx = NULL;
    if (env) {
        hp_context_thread_attach(env);
        if ((ctx = hp_context_acquire(env))) {
            hp_context_release(ctx);
            hp_context_request_end(env);
        }
    }
    struct hp_alloc_held held;
    hp_alloc_held_end(&held);
    if (!env)
        return;
    if (ctx)
        hp_metrics_add_held(metrics, &held, "context", 1);
    hp_context_thread_detach(env);
    hp_context_env_destroy(env);
}

static int context_setup_extra(const struct hp_case_params *params, size_t extra, void **shared,
                               struct hp_error *err)
{
    const struct hp_impl_info *context = params->composition->impl[HP_AXIS_CONTEXT];
    const struct hp_impl_info *pool = params->composition->impl[HP_AXIS_POOL];
    if (!context || !pool)
        return hp_error_set(err, "context workloads need a context and a pool implementation");
    struct context_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "context workload: out of memory");
    struct hp_context_config config = {
        .extra_bytes = extra,
        .capacity = 1024,
        .max_threads = (params->threads ? params->threads : 1) + 1,
    };
    record_held(hp_context_ops_of(context), hp_pool_ops_of(pool), &config, params->metrics);
    c->env = hp_context_env_create(hp_context_ops_of(context), hp_pool_ops_of(pool), &config, err);
    if (!c->env) {
        free(c);
        return -1;
    }
    if (hp_http_parse_request(use_request, sizeof use_request - 1, &c->request) <= 0) {
        hp_context_env_destroy(c->env);
        free(c);
        return hp_error_set(err, "context workload: the prepared request does not parse");
    }
    /* "/repos/julienschmidt/httprouter": the two params a router would give. */
    const char *path = c->request.path.ptr;
    c->params.count = 2;
    c->params.capacity = HP_PARAMS_INLINE;
    c->params.items = c->params.inline_items;
    c->params.inline_items[0] = (struct hp_param){"owner", 5, 13, path + 7};
    c->params.inline_items[1] = (struct hp_param){"repo", 4, 10, path + 21};
    *shared = c;
    return 0;
}

static int context_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    return context_setup_extra(params, 0, shared, err);
}

static int context_setup_4k(const struct hp_case_params *params, void **shared,
                            struct hp_error *err)
{
    return context_setup_extra(params, EXTRA_4K, shared, err);
}

static int context_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    (void)index;
    (void)err;
    struct context_case *c = shared;
    hp_context_thread_attach(c->env);
    *local = c;
    return 0;
}

static void context_thread_teardown(void *local)
{
    struct context_case *c = local;
    hp_context_thread_detach(c->env);
}

static uint64_t acquire_release_run(void *local, uint64_t n)
{
    struct context_case *c = local;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct hp_context *ctx = hp_context_acquire(c->env);
        sum += (uintptr_t)ctx;
        hp_context_release(ctx);
        hp_context_request_end(c->env);
    }
    return sum;
}

static uint64_t acquire_use_release_run(void *local, uint64_t n)
{
    struct context_case *c = local;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct hp_context *ctx = hp_context_acquire(c->env);
        hp_context_bind_request(ctx, &c->request, HP_METHOD_GET);
        hp_context_set_params(ctx, &c->params);
        const struct hp_param *owner = hp_context_param(ctx, "owner", 5);
        const struct hp_param *repo = hp_context_param(ctx, "repo", 4);
        const struct hp_query_param *per_page = hp_context_query(ctx, "per_page", 8);
        sum += owner->value_len + repo->value_len + (per_page ? per_page->value.len : 0) +
               hp_context_query_count(ctx);
        hp_context_release(ctx);
        hp_context_request_end(c->env);
    }
    return sum;
}

static void context_report(void *shared, struct hp_metrics *out)
{
    struct context_case *c = shared;
    hp_metrics_add(out, "context_bytes", "bytes", (double)c->env->object_bytes);
}

static void context_teardown(void *shared)
{
    struct context_case *c = shared;
    hp_context_env_destroy(c->env);
    free(c);
}

#define CONTEXT_WORKLOAD(symbol, wname, wsummary, wsetup, wrun)                                    \
    const struct hp_workload symbol = {                                                            \
        .name = wname,                                                                             \
        .summary = wsummary,                                                                       \
        .axes = HP_AXIS_BIT(HP_AXIS_CONTEXT) | HP_AXIS_BIT(HP_AXIS_POOL),                          \
        .setup = wsetup,                                                                           \
        .thread_setup = context_thread_setup,                                                      \
        .run = wrun,                                                                               \
        .thread_teardown = context_thread_teardown,                                                \
        .report = context_report,                                                                  \
        .teardown = context_teardown,                                                              \
    }

CONTEXT_WORKLOAD(hp_workload_context_acquire_release, "context/acquire_release",
                 "acquire + reset + release of a request context, nothing used (C4)", context_setup,
                 acquire_release_run);
CONTEXT_WORKLOAD(hp_workload_context_acquire_release_4k, "context/acquire_release_4k",
                 "acquire_release with 4 KB more inline storage per context (C4: reset cost)",
                 context_setup_4k, acquire_release_run);
CONTEXT_WORKLOAD(hp_workload_context_acquire_use_release, "context/acquire_use_release",
                 "acquire, 2 params and a 3-piece query used, release (C4, C10)", context_setup,
                 acquire_use_release_run);
