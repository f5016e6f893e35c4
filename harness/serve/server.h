/* `hotpath serve`'s server: HTTP/1.1 on a TCP socket, every request answered with the bytes the
 * request pipeline (impls/http/pipeline.h) produces for it, in any composition of its axes.
 *
 * One listening socket; `threads` workers, each with its own epoll instance (level-triggered),
 * its own pipeline worker and its own connections: the listening socket is in every worker's
 * epoll with EPOLLEXCLUSIVE, and a connection stays with the worker that accepted it. Per
 * connection: one input buffer of max_head_bytes (request_reader.h splits it into requests),
 * one output buffer. Keep-alive and pipelining: every whole request in the input is answered in
 * order, the responses appended to the output and sent with one send() per readable burst;
 * while output is pending the connection is not read (so a client that stops reading costs one
 * output buffer, capped near HP_SERVER_OUTPUT_HIGH, and never blocks the worker). A HEAD
 * request gets the pipeline's response without its body (RFC 9110 section 9.3.2).
 *
 * Closing: after a refused request (400, 413, 431: hp_pipeline_refuse, with Connection:
 * close) or a request that does not keep the connection, once the output is sent: shutdown of
 * the sending side, then what the client still sends is read and dropped until it closes or
 * one second passes (so the client reads the response instead of a reset). At once: on a read
 * or send error, on the client's end of stream (after answering the whole requests before it),
 * after idle_ms without a byte in or out (a stalled reader too), or when a head has not
 * arrived whole header_ms after its first byte. Connections beyond max_connections are accepted
 * and closed at once (counted as refused).
 *
 * Counters: each worker counts its own (plain fields, read after hp_server_stop joined it).
 * requests = every request read whole (refused ones included); each gets one response, counted
 * in responses once its last byte has been handed to the kernel, or in responses_dropped when
 * its connection closed first. So at stop: requests == responses + responses_dropped, and
 * connections_accepted == connections_closed (stop closes every connection).
 */
#ifndef HOTPATH_SERVER_H
#define HOTPATH_SERVER_H

#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "registry.h"
#include "request_reader.h"
#include "routers/route_set.h"

enum { HP_SERVER_OUTPUT_HIGH = 256 * 1024 };

struct hp_server_config {
    const struct hp_composition *composition; /* every axis the pipeline uses */
    const struct hp_route_set *routes;        /* must outlive the server */
    const char *bind_address;                 /* IPv4 dotted quad */
    uint16_t port;                            /* 0: the kernel picks a free one */
    unsigned threads;                         /* workers, >= 1 */
    struct hp_serve_limits limits;
    unsigned max_connections;
    unsigned idle_ms;   /* close a connection idle this long */
    unsigned header_ms; /* close a connection whose head takes longer than this */
    time_t date;        /* the Date header's time (the pipeline formats it once) */
};

/* The statuses counted one by one; any other lands in status_other. */
#define HP_SERVER_STATUSES(X) X(200) X(400) X(404) X(405) X(413) X(431) X(500)

struct hp_server_counters {
    uint64_t requests, responses, responses_dropped;
    uint64_t connections_accepted, connections_closed, connections_refused;
    uint64_t bad_requests; /* refused 400, 413 or 431 by the reader */
    uint64_t idle_timeouts, header_timeouts;
    uint64_t bytes_in, bytes_out;
#define HP_SERVER_STATUS_FIELD(code) uint64_t status_##code;
    HP_SERVER_STATUSES(HP_SERVER_STATUS_FIELD)
#undef HP_SERVER_STATUS_FIELD
    uint64_t status_other;
};

struct hp_server;

/* Builds the pipeline, binds and listens. NULL with err set (a refused address, a port in use,
 * a composition the pipeline cannot build). */
struct hp_server *hp_server_create(const struct hp_server_config *config, struct hp_error *err);
/* The port bound (the kernel's pick when config->port was 0). */
uint16_t hp_server_port(const struct hp_server *server);
/* Starts the workers. 0, or -1 with err set (none left running). */
int hp_server_start(struct hp_server *server, struct hp_error *err);
/* Stops the workers (each closes its connections), joins them. Idempotent. Async-signal
 * unsafe: call it from a thread, e.g. the one that waited for SIGTERM. */
void hp_server_stop(struct hp_server *server);
/* Connections open now, while the server runs (a relaxed read of the count kept for
 * max_connections: exact once the workers are idle). */
unsigned hp_server_open_connections(const struct hp_server *server);
/* The sum of every worker's counters; after hp_server_stop. */
void hp_server_counters(const struct hp_server *server, struct hp_server_counters *out);
/* Writes the counters as one line "hotpath serve: counters requests=N ..." (README). */
void hp_server_counters_line(const struct hp_server_counters *c, char *out, size_t size);
/* Stops (if needed) and frees everything. NULL allowed. */
void hp_server_destroy(struct hp_server *server);

#endif
