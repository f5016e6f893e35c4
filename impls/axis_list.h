/* The axes, one line each, in `hotpath list` order: HP_AXIS(ID, name, summary). name is the
 * axis's command-line flag (--name) and its folder's stem: impls/<name>s/ holds its interface
 * (<name>.h), its table (<name>_table.c, defining hp_<name>_table) and its implementations.
 * Included by registry.h and registry.c only. */
HP_AXIS(ROUTER, router, "route maps: method + path to handler and params")
HP_AXIS(POOL, pool, "object pools for per-request objects")
HP_AXIS(BUFFER_POOL, buffer_pool, "response buffer pools")
HP_AXIS(CONTEXT, context, "request context layout and reset")
HP_AXIS(HEADER_WRITER, header_writer, "how response headers are set")
HP_AXIS(RESPONSE_WRITER, response_writer, "how the response reaches the output")
HP_AXIS(QUEUE, queue, "queues between threads")
