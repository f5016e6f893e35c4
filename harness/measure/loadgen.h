/* The load generator: HTTP/1.1 requests over loopback TCP, non-blocking, one epoll loop on the
 * calling thread, in two modes.
 *
 *   closed loop  C connections, each with D requests pipelined, as wrk pipelines them: a
 *                connection writes D requests at once and its next D once all D are answered
 *                (at D = 1, a request per response), so the rate is what the server answers:
 *                req/s = n / wall time.
 *   open loop    wrk2's model: request k of a run has an intended send time t0 + k / rate; it
 *                is sent on a connection with a free slot once that time has come, and its
 *                latency is taken from the intended time, not from the send. A server that
 *                stalls delays every request due during the stall, and each carries the wait
 *                it caused: coordinated omission is corrected by construction, as in wrk2.
 *
 * Every connection sends the same request (the bytes given) and reads responses framed by
 * Content-Length (no chunked bodies: the servers under test answer with a length); a response
 * whose status is not 2xx or that has no Content-Length is counted in bad_responses. A server
 * that closes a connection or makes no progress for HP_LOADGEN_STALL_LIMIT_S during a call
 * ends the call with an error; the generator reconnects at the next call. A connection the
 * server closed while it was idle between calls (a keep-alive timeout) is opened again at the
 * start of the next call (inside the caller's timed region: a loopback connect costs tens of
 * microseconds).
 */
#ifndef HOTPATH_LOADGEN_H
#define HOTPATH_LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "hdr_histogram.h"

#define HP_LOADGEN_STALL_LIMIT_S 10.0

enum { HP_LOADGEN_MAX_CONNECTIONS = 1024, HP_LOADGEN_MAX_DEPTH = 64 };

struct hp_loadgen;

struct hp_loadgen_totals {
    uint64_t requests, responses, bad_responses;
    uint64_t bytes_in, bytes_out;
    uint64_t connects; /* connections opened, reconnects included */
    uint64_t syscalls; /* system calls of the request path: send, read, epoll_wait, epoll_ctl (not
                          the connects, nor the idle check at each call's start: per call, not
                          per request, they would weigh on a sample of a few requests only) */
};

/* A generator for 127.0.0.1:port sending `request` (copied) on `connections` connections with
 * up to `depth` requests in flight on each. Connects lazily (first call). NULL with err set on
 * bad arguments or no memory. */
struct hp_loadgen *hp_loadgen_create(int port, const char *request, size_t request_len,
                                     unsigned connections, unsigned depth, struct hp_error *err);
void hp_loadgen_destroy(struct hp_loadgen *g);

/* Closed loop: sends exactly n requests and returns when all n responses are in; each
 * response's latency from its request's send (ns) goes into `latency` when not NULL. 0, or -1
 * with err set (connection refused or closed, no progress within the stall limit). */
int hp_loadgen_closed(struct hp_loadgen *g, uint64_t n, struct hp_hdr *latency,
                      struct hp_error *err);

/* Open loop at `rate` requests per second: n requests on the constant schedule above, returns
 * when all n responses are in. Each response's latency from its intended send time (ns) goes
 * into `latency` when not NULL. 0, or -1 with err set. */
int hp_loadgen_open(struct hp_loadgen *g, uint64_t n, double rate, struct hp_hdr *latency,
                    struct hp_error *err);

/* Counters since creation. */
void hp_loadgen_totals(const struct hp_loadgen *g, struct hp_loadgen_totals *out);

/* The intended send time (ns after the run's start) of request k at `rate` requests per
 * second: the schedule both modes of the open loop keep. */
static inline uint64_t hp_loadgen_intended_ns(uint64_t k, double rate)
{
    return (uint64_t)((double)k * 1e9 / rate);
}

/* Fetches one response to `request` from 127.0.0.1:port on a fresh connection (blocking, at
 * most timeout_s): its bytes into out (malloc'ed; the caller frees), up to max bytes. 0, or -1
 * with err set. For checking what a server answers before loading it. */
int hp_loadgen_fetch_one(int port, const char *request, size_t request_len, double timeout_s,
                         size_t max, char **out, size_t *out_len, struct hp_error *err);

/* The length of the first complete response in buf (head + Content-Length body), 0 when more
 * bytes are needed, -1 when it is not a response this generator reads (no status line, no
 * Content-Length, a head over 16 KiB). *status gets the status code. */
long hp_loadgen_response_length(const char *buf, size_t len, int *status);

#endif
