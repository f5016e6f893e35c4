#define _GNU_SOURCE
#include "loadgen.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "timer.h"

enum { HEAD_MAX = 16384, IN_BUFFER = 65536, EVENTS = 256, KNOWN_HEAD_MAX = 512 };

struct conn {
    int fd;
    unsigned inflight;
    uint64_t unsent;                         /* bytes of queued requests not yet written */
    size_t send_off;                         /* where in the request the next unsent byte is */
    bool want_out;                           /* EPOLLOUT registered */
    uint64_t intended[HP_LOADGEN_MAX_DEPTH]; /* open loop: intended times of in-flight requests */
    unsigned head;                           /* oldest in-flight request's slot */
    char *in;
    size_t in_len;
};

struct hp_loadgen {
    struct sockaddr_in addr;
    char *burst; /* the request repeated depth + 1 times: any stretch of queued bytes is in it */
    size_t request_len, burst_len;
    unsigned connection_count, depth;
    int epoll_fd;
    bool connected;
    struct conn *conns;
    unsigned cursor; /* open loop: where the search for a free connection starts */
    struct hp_loadgen_totals totals;
    /* The head of the last response parsed in full (up to KNOWN_HEAD_MAX bytes; 0: none) and
     * how it framed: its status and whole length. */
    char known_head[KNOWN_HEAD_MAX];
    size_t known_head_len, known_length;
    int known_status;
    /* The call in progress. */
    struct hp_hdr *latency;
    uint64_t done;
};

struct hp_loadgen *hp_loadgen_create(int port, const char *request, size_t request_len,
                                     unsigned connections, unsigned depth, struct hp_error *err)
{
    if (port <= 0 || port > 65535 || request_len == 0 || connections == 0 ||
        connections > HP_LOADGEN_MAX_CONNECTIONS || depth == 0 || depth > HP_LOADGEN_MAX_DEPTH) {
        hp_error_set(err,
                     "load generator: port %d, %u connections, depth %u: need a port, 1 to %d "
                     "connections and a depth of 1 to %d",
                     port, connections, depth, HP_LOADGEN_MAX_CONNECTIONS, HP_LOADGEN_MAX_DEPTH);
        return NULL;
    }
    struct hp_loadgen *g = calloc(1, sizeof *g);
    if (!g) {
        hp_error_set(err, "load generator: out of memory");
        return NULL;
    }
    g->addr.sin_family = AF_INET;
    g->addr.sin_port = htons((uint16_t)port);
    g->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g->request_len = request_len;
    g->burst_len = request_len * (depth + 1);
    g->connection_count = connections;
    g->depth = depth;
    g->epoll_fd = -1;
    g->burst = malloc(g->burst_len);
    g->conns = calloc(connections, sizeof *g->conns);
    if (!g->burst || !g->conns) {
        hp_loadgen_destroy(g);
        hp_error_set(err, "load generator: out of memory");
        return NULL;
    }
    for (unsigned i = 0; i <= depth; i++)
        memcpy(g->burst + i * request_len, request, request_len);
    for (unsigned i = 0; i < connections; i++)
        g->conns[i].fd = -1;
    return g;
}

static void disconnect(struct hp_loadgen *g)
{
    for (unsigned i = 0; g->conns && i < g->connection_count; i++) {
        struct conn *c = &g->conns[i];
        if (c->fd >= 0)
            close(c->fd);
        free(c->in);
        *c = (struct conn){.fd = -1};
    }
    if (g->epoll_fd >= 0)
        close(g->epoll_fd);
    g->epoll_fd = -1;
    g->connected = false;
}

void hp_loadgen_destroy(struct hp_loadgen *g)
{
    if (!g)
        return;
    disconnect(g);
    free(g->conns);
    free(g->burst);
    free(g);
}

void hp_loadgen_totals(const struct hp_loadgen *g, struct hp_loadgen_totals *out)
{
    *out = g->totals;
}

/* Opens connection i (its buffer already there) and adds it to the epoll set. */
static int connect_one(struct hp_loadgen *g, unsigned i, struct hp_error *err)
{
    struct conn *c = &g->conns[i];
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return hp_error_set(err, "load generator: connection %u: %s", i, strerror(errno));
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&g->addr, sizeof g->addr) != 0)
        return hp_error_set(err, "load generator: connecting to 127.0.0.1:%d: %s",
                            ntohs(g->addr.sin_port), strerror(errno));
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    if (epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
        return hp_error_set(err, "load generator: epoll_ctl: %s", strerror(errno));
    g->totals.connects++;
    return 0;
}

static int connect_all(struct hp_loadgen *g, struct hp_error *err)
{
    g->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (g->epoll_fd < 0)
        return hp_error_set(err, "load generator: epoll_create1: %s", strerror(errno));
    for (unsigned i = 0; i < g->connection_count; i++) {
        g->conns[i].in = malloc(IN_BUFFER);
        if (!g->conns[i].in || connect_one(g, i, err) != 0) {
            if (!g->conns[i].in)
                hp_error_set(err, "load generator: out of memory");
            disconnect(g);
            return -1;
        }
    }
    g->connected = true;
    return 0;
}

/* Connections the server closed while they were idle between calls (its keep-alive timeout:
 * nginx's, h2o's, hotpath serve's idle limit) are opened again before the next call. */
static int reopen_closed(struct hp_loadgen *g, struct hp_error *err)
{
    for (unsigned i = 0; i < g->connection_count; i++) {
        struct conn *c = &g->conns[i];
        char byte;
        ssize_t r = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r > 0)
            return hp_error_set(err,
                                "load generator: connection %u: bytes from the server "
                                "before any request",
                                i);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        epoll_ctl(g->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        *c = (struct conn){.fd = -1, .in = c->in};
        if (connect_one(g, i, err) != 0)
            return -1;
    }
    return 0;
}

static void want_out(struct hp_loadgen *g, unsigned i, bool want)
{
    struct conn *c = &g->conns[i];
    if (c->want_out == want)
        return;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u32 = i};
    g->totals.syscalls++;
    epoll_ctl(g->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want;
}

/* Writes what is queued on connection i until done or the socket is full. */
static int flush(struct hp_loadgen *g, unsigned i, struct hp_error *err)
{
    struct conn *c = &g->conns[i];
    while (c->unsent > 0) {
        size_t chunk = g->burst_len - c->send_off;
        if (chunk > c->unsent)
            chunk = (size_t)c->unsent;
        g->totals.syscalls++;
        ssize_t w = send(c->fd, g->burst + c->send_off, chunk, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            want_out(g, i, true);
            return 0;
        }
        if (w <= 0)
            return hp_error_set(err, "load generator: writing a request: %s",
                                w < 0 ? strerror(errno) : "nothing written");
        c->unsent -= (uint64_t)w;
        c->send_off = (c->send_off + (size_t)w) % g->request_len;
        g->totals.bytes_out += (uint64_t)w;
    }
    want_out(g, i, false);
    return 0;
}

static int send_requests(struct hp_loadgen *g, unsigned i, unsigned k, uint64_t intended,
                         struct hp_error *err)
{
    struct conn *c = &g->conns[i];
    for (unsigned j = 0; j < k; j++)
        c->intended[(c->head + c->inflight + j) % HP_LOADGEN_MAX_DEPTH] = intended;
    c->inflight += k;
    c->unsent += (uint64_t)k * g->request_len;
    g->totals.requests += k;
    return flush(g, i, err);
}

/* hp_loadgen_response_length, which also gives the head's length (its CR LF CR LF included)
 * once the head is complete. */
static long frame_response(const char *buf, size_t len, int *status, size_t *head_len)
{
    size_t scan = len < HEAD_MAX ? len : HEAD_MAX;
    const char *end = memmem(buf, scan, "\r\n\r\n", 4);
    if (!end)
        return len >= HEAD_MAX ? -1 : 0;
    size_t head = (size_t)(end - buf) + 4;
    *head_len = head;
    if (head < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ' ||
        !isdigit((unsigned char)buf[9]) || !isdigit((unsigned char)buf[10]) ||
        !isdigit((unsigned char)buf[11]))
        return -1;
    *status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    const char *line = memchr(buf, '\n', head) + 1;
    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end + 2 - line));
        if (!eol)
            break;
        if (eol - line > 15 && strncasecmp(line, "content-length:", 15) == 0) {
            /* Within the line only (strtoull would skip the CR LF of an empty value and read
             * on past the head): optional blanks, digits, optional blanks, CR. */
            const char *p = line + 15;
            while (p < eol && (*p == ' ' || *p == '\t'))
                p++;
            const char *digits = p;
            uint64_t body = 0;
            while (p < eol && isdigit((unsigned char)*p) && body <= (1ull << 30))
                body = body * 10 + (uint64_t)(*p++ - '0');
            while (p < eol && (*p == ' ' || *p == '\t'))
                p++;
            if (p == digits || body > (1ull << 30) || p + 1 != eol || *p != '\r')
                return -1;
            return len >= head + body ? (long)(head + body) : 0;
        }
        line = eol + 1;
    }
    return -1;
}

long hp_loadgen_response_length(const char *buf, size_t len, int *status)
{
    size_t head_len;
    return frame_response(buf, len, status, &head_len);
}

/* hp_loadgen_response_length for the generator's own reads. A server answers the same request
 * with the same head until something in it changes (nginx's and h2o's Date, once a second); a
 * head byte for byte the last one parsed frames the same way, so it costs one memcmp instead
 * of a parse. The parse was a fifth of the generator's CPU at 32 x 16 against hotpath serve
 * (perf), CPU the busy rule counts against the generator. */
static long response_length(struct hp_loadgen *g, const char *buf, size_t len, int *status)
{
    if (g->known_head_len > 0 && len >= g->known_head_len &&
        memcmp(buf, g->known_head, g->known_head_len) == 0) {
        *status = g->known_status;
        return len >= g->known_length ? (long)g->known_length : 0;
    }
    size_t head = 0;
    long r = frame_response(buf, len, status, &head);
    if (r > 0) {
        g->known_head_len = head <= KNOWN_HEAD_MAX ? head : 0;
        memcpy(g->known_head, buf, g->known_head_len);
        g->known_length = (size_t)r;
        g->known_status = *status;
    }
    return r;
}

/* Reads what connection i has and counts the complete responses in it. */
static int receive(struct hp_loadgen *g, unsigned i, struct hp_error *err)
{
    struct conn *c = &g->conns[i];
    g->totals.syscalls++;
    ssize_t r = read(c->fd, c->in + c->in_len, IN_BUFFER - c->in_len);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (r <= 0)
        return hp_error_set(err, "load generator: the server %s connection %u",
                            r == 0 ? "closed" : "reset", i);
    g->totals.bytes_in += (uint64_t)r;
    c->in_len += (size_t)r;
    size_t off = 0;
    uint64_t now = g->latency ? hp_monotonic_ns() : 0;
    for (;;) {
        int status = 0;
        long len = response_length(g, c->in + off, c->in_len - off, &status);
        if (len < 0)
            return hp_error_set(err,
                                "load generator: connection %u: not an HTTP/1.1 response "
                                "with a Content-Length",
                                i);
        if (len == 0)
            break;
        if (c->inflight == 0)
            return hp_error_set(err, "load generator: connection %u: a response to no request", i);
        if (status < 200 || status > 299)
            g->totals.bad_responses++;
        if (g->latency) {
            uint64_t intended = c->intended[c->head];
            hp_hdr_record(g->latency, (int64_t)(now > intended ? now - intended : 0));
        }
        c->head = (c->head + 1) % HP_LOADGEN_MAX_DEPTH;
        c->inflight--;
        g->done++;
        g->totals.responses++;
        off += (size_t)len;
    }
    if (off > 0) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    if (c->in_len == IN_BUFFER)
        return hp_error_set(err, "load generator: connection %u: a response over %d bytes", i,
                            IN_BUFFER);
    return 0;
}

/* Handles the events of one epoll_wait; *progress is set when a response came. */
static int poll_once(struct hp_loadgen *g, int timeout_ms, bool *progress, struct hp_error *err)
{
    struct epoll_event events[EVENTS];
    g->totals.syscalls++;
    int ready = epoll_wait(g->epoll_fd, events, EVENTS, timeout_ms);
    if (ready < 0 && errno != EINTR)
        return hp_error_set(err, "load generator: epoll_wait: %s", strerror(errno));
    uint64_t before = g->done;
    for (int e = 0; e < ready; e++) {
        unsigned i = events[e].data.u32;
        if ((events[e].events & EPOLLOUT) && flush(g, i, err) != 0)
            return -1;
        if ((events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && receive(g, i, err) != 0)
            return -1;
    }
    *progress = g->done != before || ready > 0;
    return 0;
}

static int stalled(uint64_t since_ns, struct hp_error *err)
{
    if ((double)(hp_monotonic_ns() - since_ns) < HP_LOADGEN_STALL_LIMIT_S * 1e9)
        return 0;
    return hp_error_set(err, "load generator: no response for %.0f s", HP_LOADGEN_STALL_LIMIT_S);
}

static int begin(struct hp_loadgen *g, struct hp_hdr *latency, struct hp_error *err)
{
    g->latency = latency;
    g->done = 0;
    return g->connected ? reopen_closed(g, err) : connect_all(g, err);
}

static int fail(struct hp_loadgen *g)
{
    disconnect(g); /* what is in flight is lost: the next call starts on fresh connections */
    g->latency = NULL;
    return -1;
}

int hp_loadgen_closed(struct hp_loadgen *g, uint64_t n, struct hp_hdr *latency,
                      struct hp_error *err)
{
    if (begin(g, latency, err) != 0)
        return -1;
    uint64_t issued = 0, last_progress = hp_monotonic_ns();
    while (g->done < n) {
        /* wrk's pipelining: a connection's next D requests go out in one write once all D
         * before them are answered, not one by one as slots free. Against a server that
         * writes each pipelined response on its own (nginx, h2o) a refill per response cost
         * the generator a send per request, CPU the busy rule counts against it. */
        for (unsigned i = 0; i < g->connection_count && issued < n; i++) {
            if (g->conns[i].inflight > 0)
                continue;
            unsigned batch = g->depth;
            if (batch > n - issued)
                batch = (unsigned)(n - issued);
            if (send_requests(g, i, batch, latency ? hp_monotonic_ns() : 0, err) != 0)
                return fail(g);
            issued += batch;
        }
        bool progress;
        if (poll_once(g, 100, &progress, err) != 0)
            return fail(g);
        if (progress)
            last_progress = hp_monotonic_ns();
        else if (stalled(last_progress, err) != 0)
            return fail(g);
    }
    g->latency = NULL;
    return 0;
}

/* The next connection with a free slot, round robin; -1 when all are full. */
static int free_connection(struct hp_loadgen *g)
{
    for (unsigned k = 0; k < g->connection_count; k++) {
        unsigned i = (g->cursor + k) % g->connection_count;
        if (g->conns[i].inflight < g->depth) {
            g->cursor = (i + 1) % g->connection_count;
            return (int)i;
        }
    }
    return -1;
}

int hp_loadgen_open(struct hp_loadgen *g, uint64_t n, double rate, struct hp_hdr *latency,
                    struct hp_error *err)
{
    if (!(rate > 0))
        return hp_error_set(err, "load generator: rate %g: must be positive", rate);
    if (begin(g, latency, err) != 0)
        return -1;
    uint64_t start = hp_monotonic_ns(), issued = 0, last_progress = start;
    while (g->done < n) {
        uint64_t now = hp_monotonic_ns();
        int conn = 0;
        while (issued < n && start + hp_loadgen_intended_ns(issued, rate) <= now &&
               (conn = free_connection(g)) >= 0) {
            uint64_t intended = start + hp_loadgen_intended_ns(issued, rate);
#ifdef HOTPATH_SABOTAGE_MEASURE_FROM_SEND
            intended = hp_monotonic_ns(); /* coordinated omission, on purpose (tests) */
#endif
            if (send_requests(g, (unsigned)conn, 1, intended, err) != 0)
                return fail(g);
            issued++;
        }
        /* Busy-poll when the next send is due within 2 ms (epoll's timeout is in ms); sleep
         * until just before it otherwise, or until a response when every slot is taken. */
        int timeout_ms = 100;
        if (issued < n && conn >= 0) {
            uint64_t due = start + hp_loadgen_intended_ns(issued, rate);
            uint64_t wait = due > now ? due - now : 0;
            timeout_ms = wait < 2000000 ? 0 : (int)(wait / 1000000) - 1;
        }
        bool progress;
        if (poll_once(g, timeout_ms, &progress, err) != 0)
            return fail(g);
        if (progress || (issued < n && conn >= 0))
            last_progress = hp_monotonic_ns();
        else if (stalled(last_progress, err) != 0)
            return fail(g);
    }
    g->latency = NULL;
    return 0;
}

int hp_loadgen_fetch_one(int port, const char *request, size_t request_len, double timeout_s,
                         size_t max, char **out, size_t *out_len, struct hp_error *err)
{
    *out = NULL;
    *out_len = 0;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return hp_error_set(err, "socket: %s", strerror(errno));
    struct timeval tv = {.tv_sec = (time_t)timeout_s,
                         .tv_usec = (suseconds_t)((timeout_s - (double)(time_t)timeout_s) * 1e6)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char *buf = malloc(max + 1);
    size_t len = 0;
    int status = 0;
    long whole = 0;
    if (!buf) {
        close(fd);
        return hp_error_set(err, "out of memory");
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        send(fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) {
        hp_error_set(err, "127.0.0.1:%d: %s", port, strerror(errno));
        goto fail;
    }
    while ((whole = hp_loadgen_response_length(buf, len, &status)) == 0) {
        if (len == max) {
            hp_error_set(err, "127.0.0.1:%d: a response over %zu bytes", port, max);
            goto fail;
        }
        ssize_t r = read(fd, buf + len, max - len);
        if (r <= 0) {
            hp_error_set(err, "127.0.0.1:%d: %s before a whole response", port,
                         r == 0 ? "connection closed" : strerror(errno));
            goto fail;
        }
        len += (size_t)r;
    }
    if (whole < 0) {
        hp_error_set(err, "127.0.0.1:%d: not an HTTP/1.1 response with a Content-Length", port);
        goto fail;
    }
    close(fd);
    buf[whole] = '\0';
    *out = buf;
    *out_len = (size_t)whole;
    return 0;
fail:
    close(fd);
    free(buf);
    return -1;
}
