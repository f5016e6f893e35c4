/* `hotpath serve`'s server (server.h). */
#define _GNU_SOURCE /* accept4, EPOLLEXCLUSIVE */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/pipeline.h"

enum {
    LINGER_MS = 1000,    /* reading and dropping after a last response (server.h) */
    ACCEPT_BURST = 64,   /* accepts per readiness of the listening socket */
    EVENTS = 256,        /* epoll events per wait */
    DRAIN_BYTES = 16384, /* read at a time while lingering or skipping a body */
};

enum conn_state {
    CONN_OPEN,        /* reading and answering */
    CONN_LAST_ANSWER, /* answered the last request: send the output, then linger */
    CONN_LINGER,      /* sending side shut: read and drop until the client closes */
};

struct conn {
    struct conn *prev, *next; /* the worker's list */
    int fd;
    enum conn_state state;
    bool peer_closed;              /* the client's end of stream was read */
    bool polling_out;              /* EPOLLOUT (not EPOLLIN) is the interest */
    size_t in_len;                 /* bytes at in[0, in_len) */
    struct hp_serve_stream stream; /* where the reader is: a body to drop, done */
    char *out;                     /* responses not yet sent: out[out_sent, out_len) */
    size_t out_len, out_sent, out_cap;
    uint64_t out_responses;  /* responses whose bytes are in out */
    int64_t last_active_ms;  /* last byte in or out */
    int64_t head_started_ms; /* first byte of the head in progress, -1 when none */
    int64_t linger_until_ms;
    char in[]; /* max_head_bytes */
};

struct worker {
    struct hp_server *server;
    pthread_t thread;
    bool started;
    int epoll_fd;
    struct hp_pipeline_worker *pipeline;
    struct conn *conns; /* every open connection */
    struct hp_http_request scratch;
    struct hp_server_counters counters;
    char drain[DRAIN_BYTES];
};

struct hp_server {
    struct hp_server_config config;
    struct hp_pipeline *pipeline;
    int listen_fd;
    int stop_fd; /* an eventfd in every worker's epoll: readable once stop is asked */
    uint16_t port;
    atomic_uint open_connections; /* relaxed: a count for the max_connections check only */
    bool running;
    struct worker *workers;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void count_status(struct hp_server_counters *c, int status)
{
    switch (status) {
#define HP_SERVER_STATUS_CASE(code)                                                                \
    case code:                                                                                     \
        c->status_##code++;                                                                        \
        return;
        HP_SERVER_STATUSES(HP_SERVER_STATUS_CASE)
#undef HP_SERVER_STATUS_CASE
    default:
        c->status_other++;
    }
}

static void conn_close(struct worker *w, struct conn *c)
{
    epoll_ctl(w->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    w->counters.responses_dropped += c->out_responses;
    w->counters.connections_closed++;
    atomic_fetch_sub_explicit(&w->server->open_connections, 1, memory_order_relaxed);
    free(c->out);
    free(c);
}

/* EPOLLOUT while output is pending, else EPOLLIN. 0, or -1 (the connection is to be closed). */
static int conn_poll(struct worker *w, struct conn *c, bool out)
{
    if (c->polling_out == out)
        return 0;
    struct epoll_event ev = {.events = out ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    if (epoll_ctl(w->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) != 0)
        return -1;
    c->polling_out = out;
    return 0;
}

static int out_reserve(struct conn *c, size_t more)
{
    if (c->out_len + more <= c->out_cap)
        return 0;
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + more)
        cap *= 2;
    char *grown = realloc(c->out, cap);
    if (!grown)
        return -1;
    c->out = grown;
    c->out_cap = cap;
    return 0;
}

/* Appends a response (the head only for HEAD). 0, or -1 when memory ran out. */
static int append_response(struct worker *w, struct conn *c, struct hp_pipeline_response *r,
                           bool head_only)
{
    size_t length = r->length;
    if (head_only) {
        const char *end = memmem(r->buffer.data, r->length, "\r\n\r\n", 4);
        if (end)
            length = (size_t)(end + 4 - (const char *)r->buffer.data);
    }
    int rc = out_reserve(c, length);
    if (rc == 0) {
        memcpy(c->out + c->out_len, r->buffer.data, length);
        c->out_len += length;
        c->out_responses++;
        count_status(&w->counters, r->status);
    }
    hp_pipeline_response_done(w->pipeline, r);
    return rc;
}

static void consume_input(struct conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* Answers every whole request in the input, in order, while the output stays under its
 * high-water mark. 0, or -1 (close the connection: no memory or no output buffer). */
static int conn_answer(struct worker *w, struct conn *c, int64_t now)
{
    const struct hp_serve_limits *limits = &w->server->config.limits;
    size_t done = 0;
    while (!c->stream.done && c->out_len - c->out_sent < HP_SERVER_OUTPUT_HIGH) {
        struct hp_serve_read r;
        size_t head_offset;
        const char *at = c->in + done;
        done +=
            hp_serve_next(&c->stream, at, c->in_len - done, limits, &w->scratch, &r, &head_offset);
        if (r.verdict == HP_SERVE_NEED_MORE) {
            if (c->in_len > done && c->head_started_ms < 0)
                c->head_started_ms = now;
            break;
        }
        struct hp_pipeline_response response;
        int rc = r.verdict == HP_SERVE_REQUEST
                     ? hp_pipeline_handle(w->pipeline, at + head_offset, r.head_len, &response)
                     : hp_pipeline_refuse(w->pipeline, r.status, &response);
        w->counters.requests++;
        w->counters.bad_requests += r.verdict == HP_SERVE_REFUSE;
        if (rc != 0 || append_response(w, c, &response, r.head_method) != 0) {
            w->counters.responses_dropped++;
            return -1;
        }
        c->head_started_ms = -1;
    }
    if (c->stream.done) {
        c->state = CONN_LAST_ANSWER;
        done = c->in_len; /* what follows the last answered request is never read */
    }
    consume_input(c, done);
    return 0;
}

/* Sends pending output; when all is sent, moves on (linger, close or read again). 0, or -1
 * (close the connection). */
static int conn_flush(struct worker *w, struct conn *c, int64_t now)
{
    while (c->out_sent < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return conn_poll(w, c, true);
        if (n <= 0)
            return -1;
        c->out_sent += (size_t)n;
        w->counters.bytes_out += (uint64_t)n;
        c->last_active_ms = now;
    }
    w->counters.responses += c->out_responses;
    c->out_responses = 0;
    c->out_len = c->out_sent = 0;
    if (c->state == CONN_LAST_ANSWER) {
        if (shutdown(c->fd, SHUT_WR) != 0)
            return -1;
        c->state = CONN_LINGER;
        c->linger_until_ms = now + LINGER_MS;
    }
    return conn_poll(w, c, false);
}

/* Reads what the client sent: into the input buffer, or dropped while lingering. 0, or -1
 * (close the connection). */
static int conn_read(struct worker *w, struct conn *c, int64_t now)
{
    size_t room = w->server->config.limits.max_head_bytes - c->in_len;
    bool drop = c->state == CONN_LINGER;
    if (!drop && room == 0)
        return -1; /* cannot happen: a full buffer without a whole head is refused 431 */
    char *into = drop ? w->drain : c->in + c->in_len;
    ssize_t n = recv(c->fd, into, drop ? sizeof w->drain : room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0) {
        if (n < 0 || drop || c->in_len == 0)
            return -1;
        c->peer_closed = true; /* answer the whole requests already received, then close */
        return 0;
    }
    w->counters.bytes_in += (uint64_t)n;
    c->last_active_ms = now;
    if (!drop)
        c->in_len += (size_t)n;
    return 0;
}

static void conn_event(struct worker *w, struct conn *c, uint32_t events, int64_t now)
{
    int rc;
    if (events & (EPOLLERR | EPOLLHUP) && !(events & (EPOLLIN | EPOLLOUT)))
        rc = -1;
    else if (c->polling_out)
        rc = conn_flush(w, c, now);
    else
        rc = conn_read(w, c, now);
    /* Answer what is whole and send it, again while the output drains at once (requests left
     * behind by the output's high-water mark); stop when nothing is left to send. */
    while (rc == 0 && c->state == CONN_OPEN && !c->polling_out) {
        rc = conn_answer(w, c, now);
        if (rc != 0)
            break;
        if (c->out_len == c->out_sent) {
            if (c->peer_closed)
                rc = -1; /* nothing more will come: answered all that was whole */
            break;
        }
        rc = conn_flush(w, c, now);
    }
    if (rc != 0)
        conn_close(w, c);
}

static void accept_all(struct worker *w, int64_t now)
{
    struct hp_server *s = w->server;
    for (int i = 0; i < ACCEPT_BURST; i++) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN: another worker took it; EMFILE and the like: tried again later */
        unsigned open = atomic_fetch_add_explicit(&s->open_connections, 1, memory_order_relaxed);
        struct conn *c = NULL;
        if (open < s->config.max_connections)
            c = calloc(1, sizeof *c + s->config.limits.max_head_bytes);
        if (!c) {
            atomic_fetch_sub_explicit(&s->open_connections, 1, memory_order_relaxed);
            close(fd);
            w->counters.connections_refused++;
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->fd = fd;
        c->head_started_ms = -1;
        c->last_active_ms = now;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            atomic_fetch_sub_explicit(&s->open_connections, 1, memory_order_relaxed);
            close(fd);
            free(c);
            w->counters.connections_refused++;
            continue;
        }
        c->next = w->conns;
        if (w->conns)
            w->conns->prev = c;
        w->conns = c;
        w->counters.connections_accepted++;
    }
}

/* Closes the connections past their deadlines (server.h). */
static void expire(struct worker *w, int64_t now)
{
    const struct hp_server_config *cfg = &w->server->config;
    for (struct conn *c = w->conns, *next; c; c = next) {
        next = c->next;
        if (c->state == CONN_LINGER) {
            if (now >= c->linger_until_ms)
                conn_close(w, c);
        } else if (c->head_started_ms >= 0 && now - c->head_started_ms >= cfg->header_ms) {
            w->counters.header_timeouts++;
            conn_close(w, c);
        } else if (now - c->last_active_ms >= cfg->idle_ms) {
            w->counters.idle_timeouts++;
            conn_close(w, c);
        }
    }
}

static unsigned tick_ms(const struct hp_server_config *cfg)
{
    unsigned shortest = cfg->idle_ms < cfg->header_ms ? cfg->idle_ms : cfg->header_ms;
    shortest = shortest < LINGER_MS ? shortest : LINGER_MS;
    unsigned tick = shortest / 4;
    return tick < 10 ? 10 : tick;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct hp_server *s = w->server;
    struct hp_error err;
    w->pipeline = hp_pipeline_worker_create(s->pipeline, &err);
    if (!w->pipeline) {
        fprintf(stderr, "hotpath serve: a worker stopped: %s\n", err.message);
        return NULL;
    }
    struct epoll_event events[EVENTS];
    int tick = (int)tick_ms(&s->config);
    int64_t next_expiry = now_ms() + tick;
    for (bool stop = false; !stop;) {
        int n = epoll_wait(w->epoll_fd, events, EVENTS, tick);
        int64_t now = now_ms();
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == &s->listen_fd)
                accept_all(w, now);
            else if (events[i].data.ptr == &s->stop_fd)
                stop = true;
            else
                conn_event(w, events[i].data.ptr, events[i].events, now);
        }
        if (now >= next_expiry) {
            expire(w, now);
            next_expiry = now + tick;
        }
    }
    while (w->conns)
        conn_close(w, w->conns);
    hp_pipeline_worker_destroy(w->pipeline);
    w->pipeline = NULL;
    return NULL;
}

struct hp_server *hp_server_create(const struct hp_server_config *config, struct hp_error *err)
{
    struct hp_server *s = calloc(1, sizeof *s);
    if (!s) {
        hp_error_set(err, "out of memory");
        return NULL;
    }
    s->config = *config;
    s->listen_fd = s->stop_fd = -1;
    struct hp_pipeline_config pipeline_config = {
        .composition = config->composition,
        .routes = config->routes,
        .date = config->date,
        .max_threads = config->threads + 1, /* + hp_serve's --print-response, the tests */
    };
    if (!(s->pipeline = hp_pipeline_create(&pipeline_config, err)))
        goto fail;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(config->port)};
    if (inet_pton(AF_INET, config->bind_address, &addr.sin_addr) != 1) {
        hp_error_set(err, "--bind '%s': not an IPv4 address", config->bind_address);
        goto fail;
    }
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listen_fd, 4096) != 0) {
        hp_error_set(err, "cannot listen on %s:%u: %s", config->bind_address,
                     (unsigned)config->port, strerror(errno));
        goto fail;
    }
    socklen_t len = sizeof addr;
    getsockname(s->listen_fd, (struct sockaddr *)&addr, &len);
    s->port = ntohs(addr.sin_port);
    if ((s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        hp_error_set(err, "eventfd: %s", strerror(errno));
        goto fail;
    }
    return s;
fail:
    hp_server_destroy(s);
    return NULL;
}

uint16_t hp_server_port(const struct hp_server *s)
{
    return s->port;
}

static int worker_init(struct hp_server *s, struct worker *w, struct hp_error *err)
{
    w->server = s;
    w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event listen_ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &s->listen_fd};
    struct epoll_event stop_ev = {.events = EPOLLIN, .data.ptr = &s->stop_fd};
    if (w->epoll_fd < 0 || epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, s->listen_fd, &listen_ev) != 0 ||
        epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, s->stop_fd, &stop_ev) != 0)
        return hp_error_set(err, "epoll: %s", strerror(errno));
    int rc = pthread_create(&w->thread, NULL, worker_main, w);
    if (rc != 0)
        return hp_error_set(err, "cannot start a worker: %s", strerror(rc));
    w->started = true;
    return 0;
}

int hp_server_start(struct hp_server *s, struct hp_error *err)
{
    s->workers = calloc(s->config.threads, sizeof *s->workers);
    if (!s->workers)
        return hp_error_set(err, "out of memory");
    for (unsigned i = 0; i < s->config.threads; i++)
        s->workers[i].epoll_fd = -1;
    s->running = true;
    for (unsigned i = 0; i < s->config.threads; i++)
        if (worker_init(s, &s->workers[i], err) != 0) {
            hp_server_stop(s);
            return -1;
        }
    return 0;
}

void hp_server_stop(struct hp_server *s)
{
    if (!s->running)
        return;
    uint64_t one = 1;
    if (write(s->stop_fd, &one, sizeof one) != sizeof one)
        perror("hotpath serve: eventfd");
    for (unsigned i = 0; i < s->config.threads; i++) {
        struct worker *w = &s->workers[i];
        if (w->started)
            pthread_join(w->thread, NULL);
        w->started = false;
        if (w->epoll_fd >= 0)
            close(w->epoll_fd);
        w->epoll_fd = -1;
    }
    s->running = false;
}

unsigned hp_server_open_connections(const struct hp_server *s)
{
    return atomic_load_explicit(&s->open_connections, memory_order_relaxed);
}

void hp_server_counters(const struct hp_server *s, struct hp_server_counters *out)
{
    memset(out, 0, sizeof *out);
    if (!s->workers)
        return;
    for (unsigned i = 0; i < s->config.threads; i++) {
        const uint64_t *from = (const uint64_t *)&s->workers[i].counters;
        uint64_t *to = (uint64_t *)out;
        for (size_t f = 0; f < sizeof *out / sizeof(uint64_t); f++)
            to[f] += from[f];
    }
}

void hp_server_counters_line(const struct hp_server_counters *c, char *out, size_t size)
{
    size_t n = (size_t)snprintf(
        out, size,
        "hotpath serve: counters requests=%llu responses=%llu connections_accepted=%llu "
        "connections_closed=%llu connections_open=%llu bad_requests=%llu bytes_in=%llu "
        "bytes_out=%llu responses_dropped=%llu connections_refused=%llu idle_timeouts=%llu "
        "header_timeouts=%llu",
        (unsigned long long)c->requests, (unsigned long long)c->responses,
        (unsigned long long)c->connections_accepted, (unsigned long long)c->connections_closed,
        (unsigned long long)(c->connections_accepted - c->connections_closed),
        (unsigned long long)c->bad_requests, (unsigned long long)c->bytes_in,
        (unsigned long long)c->bytes_out, (unsigned long long)c->responses_dropped,
        (unsigned long long)c->connections_refused, (unsigned long long)c->idle_timeouts,
        (unsigned long long)c->header_timeouts);
#define HP_SERVER_STATUS_PRINT(code)                                                               \
    if (n < size)                                                                                  \
        n += (size_t)snprintf(out + n, size - n, " status_%d=%llu", code,                          \
                              (unsigned long long)c->status_##code);
    HP_SERVER_STATUSES(HP_SERVER_STATUS_PRINT)
#undef HP_SERVER_STATUS_PRINT
    if (n < size)
        snprintf(out + n, size - n, " status_other=%llu", (unsigned long long)c->status_other);
}

void hp_server_destroy(struct hp_server *s)
{
    if (!s)
        return;
    hp_server_stop(s);
    free(s->workers);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->stop_fd >= 0)
        close(s->stop_fd);
    hp_pipeline_destroy(s->pipeline);
    free(s);
}
