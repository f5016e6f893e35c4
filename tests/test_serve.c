/* `hotpath serve`'s server (harness/serve/server.h) on raw sockets: pipelined requests
 * answered in order with exactly the pipeline's bytes, keep-alive and Connection: close, a
 * request written a byte at a time and cut at every byte, oversized and malformed heads, a
 * client that stops reading, 1,000 connections opened and dropped, timeouts, the connection
 * limit, and the command itself stopped by SIGTERM with balanced counters. The server runs in
 * this process on port 0 (the command as a child for the SIGTERM test); every socket has a
 * receive timeout, so a server that hangs fails a test instead of blocking it. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http/pipeline.h"
#include "inputs.h"
#include "server.h"
#include "workload_table.h"

enum { FIXED_DATE = 784111777, RECV_TIMEOUT_S = 5 };

static struct hp_route_set *routes;
static struct hp_composition composition;

/* The request workloads' default composition, the GitHub routes. */
static void load_inputs(void)
{
    if (routes)
        return;
    struct hp_error err;
    cr_assert_eq(hp_route_set_load("workloads/routes/github.routes", &routes, &err), 0, "%s",
                 err.message);
    const struct hp_workload *model = hp_workload_find("request/static");
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        if (model->axes & HP_AXIS_BIT(axis))
            composition.impl[axis] = hp_impl_find(axis, model->axis_default[axis]);
}

static struct hp_server_config default_config(void)
{
    load_inputs();
    return (struct hp_server_config){
        .composition = &composition,
        .routes = routes,
        .bind_address = "127.0.0.1",
        .port = 0,
        .threads = 1,
        .limits = {4096, HP_HTTP_MAX_HEADERS, 1024},
        .max_connections = 1100,
        .idle_ms = 30000,
        .header_ms = 30000,
        .date = FIXED_DATE,
    };
}

static struct hp_server *start(const struct hp_server_config *config)
{
    struct hp_error err;
    struct hp_server *server = hp_server_create(config, &err);
    cr_assert_not_null(server, "%s", err.message);
    cr_assert_eq(hp_server_start(server, &err), 0, "%s", err.message);
    return server;
}

/* Stops the server; its counters, checked for balance. */
static struct hp_server_counters stop(struct hp_server *server)
{
    struct hp_server_counters c;
    hp_server_stop(server);
    hp_server_counters(server, &c);
    hp_server_destroy(server);
    cr_assert_eq(c.requests, c.responses + c.responses_dropped,
                 "requests %llu, responses %llu+%llu", (unsigned long long)c.requests,
                 (unsigned long long)c.responses, (unsigned long long)c.responses_dropped);
    cr_assert_eq(c.connections_accepted, c.connections_closed);
    return c;
}

/* A connected client socket; receive_buffer > 0 sets its receive buffer before connecting
 * (so the window it advertises is small from the start). */
static int connect_with(uint16_t port, int receive_buffer)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0);
    if (receive_buffer > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    struct timeval tv = {.tv_sec = RECV_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0, "connect: %s",
                 strerror(errno));
    return fd;
}

static int connect_to(uint16_t port)
{
    return connect_with(port, 0);
}

static void send_all(int fd, const void *bytes, size_t len)
{
    const char *p = bytes;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        cr_assert_gt(n, 0, "send: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

/* Exactly len bytes (fails on a timeout or an early end). Caller frees. */
static char *recv_exact(int fd, size_t len)
{
    char *buf = malloc(len + 1);
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);
        cr_assert_gt(n, 0, "recv after %zu of %zu bytes: %s", got, len,
                     n == 0 ? "end of stream" : strerror(errno));
        got += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* Everything until the server closes (fails on a timeout). Caller frees. */
static char *recv_to_end(int fd, size_t *len)
{
    size_t cap = 4096, got = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (got == cap)
            buf = realloc(buf, (cap *= 2) + 1);
        ssize_t n = recv(fd, buf + got, cap - got, 0);
        cr_assert_geq(n, 0, "recv: %s (the server did not close)", strerror(errno));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* The pipeline's own answers, for comparison: a pipeline of the same composition and date. */
struct expected {
    struct hp_pipeline *pipeline;
    struct hp_pipeline_worker *worker;
};

static struct expected expected_open(void)
{
    load_inputs();
    struct hp_error err;
    struct hp_pipeline_config config = {&composition, routes, FIXED_DATE, 1};
    struct expected e = {hp_pipeline_create(&config, &err), NULL};
    cr_assert_not_null(e.pipeline, "%s", err.message);
    e.worker = hp_pipeline_worker_create(e.pipeline, &err);
    cr_assert_not_null(e.worker, "%s", err.message);
    return e;
}

static void expected_close(struct expected *e)
{
    hp_pipeline_worker_destroy(e->worker);
    hp_pipeline_destroy(e->pipeline);
}

/* The pipeline's response to one request, appended to out (a growing string). */
static void expected_append(struct expected *e, const char *request, size_t len, char **out,
                            size_t *out_len)
{
    struct hp_pipeline_response r;
    cr_assert_eq(hp_pipeline_handle(e->worker, request, len, &r), 0);
    *out = realloc(*out, *out_len + r.length + 1);
    memcpy(*out + *out_len, r.buffer.data, r.length);
    *out_len += r.length;
    (*out)[*out_len] = '\0';
    hp_pipeline_response_done(e->worker, &r);
}

/* Every request of the realistic GitHub stream, as the request workloads write them, back to
 * back; their count in *count. Caller frees. */
static char *realistic_requests(size_t *len, size_t *count)
{
    struct hp_request_list list;
    struct hp_error err;
    cr_assert_eq(hp_request_list_load("workloads/requests/github-realistic.requests", &list, &err),
                 0, "%s", err.message);
    size_t cap = 1 << 16, used = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < list.count; i++) {
        char one[4096];
        int n = snprintf(one, sizeof one,
                         "%s %s HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: "
                         "curl/8.5.0\r\nAccept: application/json\r\n\r\n",
                         hp_method_name(list.items[i].method), list.items[i].path);
        while (used + (size_t)n > cap)
            text = realloc(text, cap *= 2);
        memcpy(text + used, one, (size_t)n);
        used += (size_t)n;
    }
    *count = list.count;
    hp_request_list_free(&list);
    *len = used;
    return text;
}

/* The pipeline's responses to every request of text[0, len), each a whole request. */
static char *expected_for_all(const char *text, size_t len, size_t *out_len)
{
    struct expected e = expected_open();
    char *out = NULL;
    *out_len = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *head_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        cr_assert_not_null(head_end);
        expected_append(&e, p, (size_t)(head_end + 4 - p), &out, out_len);
        p = head_end + 4;
    }
    expected_close(&e);
    return out;
}

Test(serve, pipelined_answers_in_order_with_the_pipelines_bytes)
{
    struct hp_server_config config = default_config();
    struct hp_server *server = start(&config);
    size_t len, count, expected_len;
    char *requests = realistic_requests(&len, &count);
    char *expected = expected_for_all(requests, len, &expected_len);
    int fd = connect_to(hp_server_port(server));
    send_all(fd, requests, len); /* every request in one write: pipelined */
    char *got = recv_exact(fd, expected_len);
    cr_assert(memcmp(got, expected, expected_len) == 0,
              "the %zu responses differ from the pipeline's (or come out of order)", count);
    close(fd);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.requests, count);
    cr_assert_eq(c.responses, count);
    cr_assert_eq(c.bytes_in, len);
    cr_assert_eq(c.bytes_out, expected_len);
    free(requests);
    free(expected);
    free(got);
}

static const char get_user[] = "GET /users/octocat HTTP/1.1\r\nHost: x\r\n\r\n";
static const char get_repos_close[] =
    "GET /user/repos HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n";

Test(serve, keep_alive_then_connection_close)
{
    struct hp_server_config config = default_config();
    struct hp_server *server = start(&config);
    struct expected e = expected_open();
    char *one = NULL, *last = NULL;
    size_t one_len = 0, last_len = 0;
    expected_append(&e, get_user, sizeof get_user - 1, &one, &one_len);
    expected_append(&e, get_repos_close, sizeof get_repos_close - 1, &last, &last_len);
    int fd = connect_to(hp_server_port(server));
    for (int i = 0; i < 3; i++) { /* one request at a time on one connection */
        send_all(fd, get_user, sizeof get_user - 1);
        char *got = recv_exact(fd, one_len);
        cr_assert_str_eq(got, one);
        free(got);
    }
    send_all(fd, get_repos_close, sizeof get_repos_close - 1);
    size_t got_len;
    char *got = recv_to_end(fd, &got_len);
    cr_assert_str_eq(got, last, "Connection: close: the response, then the end of the stream");
    close(fd);
    /* HTTP/1.0 closes unless asked to keep the connection. */
    static const char old[] = "GET /users/octocat HTTP/1.0\r\n\r\n";
    fd = connect_to(hp_server_port(server));
    send_all(fd, old, sizeof old - 1);
    free(got);
    got = recv_to_end(fd, &got_len);
    cr_assert_str_eq(got, one);
    close(fd);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.requests, 5);
    cr_assert_eq(c.connections_accepted, 2);
    free(got);
    free(one);
    free(last);
    expected_close(&e);
}

/* Two pipelined requests, the first with a body the server must skip. */
static const char two_requests[] =
    "POST /user/repos HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n"
    "GET /x\r\n"
    "GET /repos/octocat/hello/stargazers?page=2 HTTP/1.1\r\n\r\n";

static char *expected_two(size_t *len)
{
    struct expected e = expected_open();
    char *out = NULL;
    *len = 0;
    const char *second = strstr(two_requests, "GET /repos");
    expected_append(&e, two_requests, (size_t)(strstr(two_requests, "GET /x") - two_requests), &out,
                    len);
    expected_append(&e, second, strlen(second), &out, len);
    expected_close(&e);
    return out;
}

Test(serve, requests_cut_at_every_byte)
{
    struct hp_server_config config = default_config();
    struct hp_server *server = start(&config);
    size_t expected_len, len = sizeof two_requests - 1;
    char *expected = expected_two(&expected_len);
    /* In two pieces, cut at every byte: a connection per cut. */
    for (size_t cut = 1; cut < len; cut++) {
        int fd = connect_to(hp_server_port(server));
        send_all(fd, two_requests, cut);
        usleep(200); /* most often a read of its own */
        send_all(fd, two_requests + cut, len - cut);
        char *got = recv_exact(fd, expected_len);
        cr_assert_str_eq(got, expected, "cut at byte %zu", cut);
        free(got);
        close(fd);
    }
    /* A byte at a time on one connection, twice. */
    int fd = connect_to(hp_server_port(server));
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < len; i++) {
            send_all(fd, two_requests + i, 1);
            usleep(100);
        }
        char *got = recv_exact(fd, expected_len);
        cr_assert_str_eq(got, expected, "written a byte at a time, round %d", round);
        free(got);
    }
    close(fd);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.requests, 2 * (len - 1) + 4);
    free(expected);
}

/* Sends `request` on a new connection; the whole answer up to the server's close. */
static char *exchange_to_end(uint16_t port, const char *request, size_t len)
{
    int fd = connect_to(port);
    send_all(fd, request, len);
    size_t got_len;
    char *got = recv_to_end(fd, &got_len);
    close(fd);
    return got;
}

static void assert_refused(const char *got, int status, const char *what)
{
    char line[64];
    snprintf(line, sizeof line, "HTTP/1.1 %d ", status);
    cr_assert(strncmp(got, line, strlen(line)) == 0, "%s: expected %d, got: %.60s", what, status,
              got);
    cr_assert_not_null(strstr(got, "\r\nConnection: close\r\n"), "%s: no Connection: close", what);
    const char *body = strstr(got, "\r\n\r\n");
    cr_assert_not_null(body);
    char *length = strstr(got, "Content-Length: ");
    cr_assert_not_null(length);
    cr_assert_eq((size_t)atoi(length + 16), strlen(body + 4), "%s: one response only", what);
}

Test(serve, oversized_and_malformed_heads_are_refused_and_closed)
{
    struct hp_server_config config = default_config();
    config.limits.max_headers = 4;
    struct hp_server *server = start(&config);
    uint16_t port = hp_server_port(server);
    static const struct {
        const char *request;
        int status;
    } cases[] = {
        {"GARBAGE\r\n\r\n", 400},
        {"GET / HTTP/1.1\nHost: x\n\n", 400},
        {"GET / HTTP/2.0\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n folded\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", 413},
        {"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 431},
        /* a valid request, then garbage: answered, then refused */
        {"GET /users/a HTTP/1.1\r\n\r\n\x01\r\n\r\n", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = exchange_to_end(port, cases[i].request, strlen(cases[i].request));
        if (cases[i].status != 200) {
            assert_refused(got, cases[i].status, cases[i].request);
        } else {
            const char *refusal = strstr(got, "HTTP/1.1 400 ");
            cr_assert(strncmp(got, "HTTP/1.1 200 ", 13) == 0 && refusal,
                      "answered, then refused: %s", got);
            assert_refused(refusal, 400, "after a valid request");
        }
        free(got);
    }
    /* A head over max_head_bytes, sent whole, and one that never ends. */
    size_t big = 3 * config.limits.max_head_bytes;
    char *head = malloc(big + 1);
    memset(head, 'a', big);
    memcpy(head, "GET / HTTP/1.1\r\nX: ", 19);
    memcpy(head + big - 4, "\r\n\r\n", 4);
    head[big] = '\0';
    char *got = exchange_to_end(port, head, big);
    assert_refused(got, 431, "a head of 3 x the limit");
    free(got);
    got = exchange_to_end(port, head, config.limits.max_head_bytes);
    assert_refused(got, 431, "a head reaching the limit without its end");
    free(got);
    free(head);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.bad_requests, sizeof cases / sizeof cases[0] + 2);
    cr_assert_eq(c.status_413, 1);
    cr_assert_eq(c.status_431, 3);
}

Test(serve, head_gets_no_body)
{
    struct hp_server_config config = default_config();
    struct hp_server *server = start(&config);
    static const char head[] = "HEAD /users/octocat HTTP/1.1\r\n\r\n";
    struct expected e = expected_open();
    char *full = NULL;
    size_t full_len = 0;
    expected_append(&e, head, sizeof head - 1, &full, &full_len);
    expected_close(&e);
    *(strstr(full, "\r\n\r\n") + 4) = '\0';
    int fd = connect_to(hp_server_port(server));
    send_all(fd, head, sizeof head - 1);
    send_all(fd, get_user, sizeof get_user - 1); /* answered right after the head */
    char *got = recv_exact(fd, strlen(full));
    cr_assert_str_eq(got, full);
    free(got);
    got = recv_exact(fd, 12);
    cr_assert_str_eq(got, "HTTP/1.1 200");
    free(got);
    close(fd);
    stop(server);
    free(full);
}

Test(serve, a_client_that_stops_reading_blocks_no_one)
{
    struct hp_server_config config = default_config();
    struct hp_server *server = start(&config); /* one worker: blocking would stop everyone */
    uint16_t port = hp_server_port(server);
    size_t len, count;
    char *requests = realistic_requests(&len, &count);
    /* The stalled client: pipelines far more than the socket buffers and its output buffer
     * hold, and never reads. A non-blocking send keeps what does not fit. */
    int stalled = connect_with(port, 4096);
    size_t sent = 0;
    bool full = false;
    for (int round = 0; round < 2000 && !full; round++) {
        for (size_t at = 0; at < len;) {
            ssize_t n = send(stalled, requests + at, len - at, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0) {
                full = true; /* the server stopped reading it: its output is full */
                break;
            }
            at += (size_t)n;
            sent += (size_t)n;
        }
    }
    cr_assert(full, "the server read %zu bytes of requests without ever stopping", sent);
    usleep(300000); /* the server settles with the stalled client's output pending */
    /* Meanwhile another client is answered, again and again. */
    size_t expected_len;
    char *expected = expected_for_all(get_user, sizeof get_user - 1, &expected_len);
    for (int i = 0; i < 20; i++) {
        int fd = connect_to(port);
        send_all(fd, get_user, sizeof get_user - 1);
        char *got = recv_exact(fd, expected_len);
        cr_assert_str_eq(got, expected, "exchange %d while a client does not read", i);
        free(got);
        close(fd);
    }
    close(stalled);
    struct hp_server_counters c = stop(server);
    cr_assert_gt(c.responses_dropped, 0, "the stalled client's answers were not all sent");
    free(expected);
    free(requests);
}

/* Room for `need` descriptors in this process. */
static void raise_open_files(rlim_t need)
{
    struct rlimit limit;
    cr_assert_eq(getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur >= need)
        return;
    cr_assert(limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= need,
              "the hard open-file limit (%llu) is below the %llu this test needs",
              (unsigned long long)limit.rlim_max, (unsigned long long)need);
    limit.rlim_cur = need;
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &limit), 0);
}

Test(serve, a_thousand_connections_opened_and_dropped)
{
    enum { CONNECTIONS = 1000 };
    raise_open_files(2 * CONNECTIONS + 100); /* both ends live in this process */
    struct hp_server_config config = default_config();
    config.threads = 2;
    struct hp_server *server = start(&config);
    uint16_t port = hp_server_port(server);
    static int fds[CONNECTIONS];
    for (int i = 0; i < CONNECTIONS; i++) {
        fds[i] = connect_to(port);
        /* A third send nothing, a third half a head, a third a whole request. */
        if (i % 3 == 1)
            send_all(fds[i], get_user, 10);
        else if (i % 3 == 2)
            send_all(fds[i], get_user, sizeof get_user - 1);
    }
    for (int i = 0; i < CONNECTIONS; i++) {
        if (i % 2) { /* half with a reset instead of an orderly close */
            struct linger reset = {.l_onoff = 1, .l_linger = 0};
            setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        }
        close(fds[i]);
    }
    /* The server lets go of them all (before it is stopped), and still answers. */
    for (int waited = 0; hp_server_open_connections(server) > 0 && waited < 5000; waited += 10)
        usleep(10000);
    cr_assert_eq(hp_server_open_connections(server), 0, "connections leaked");
    size_t expected_len;
    char *expected = expected_for_all(get_user, sizeof get_user - 1, &expected_len);
    int fd = connect_to(port);
    send_all(fd, get_user, sizeof get_user - 1);
    char *got = recv_exact(fd, expected_len);
    cr_assert_str_eq(got, expected);
    close(fd);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.connections_accepted, CONNECTIONS + 1);
    cr_assert_eq(c.connections_refused, 0);
    free(got);
    free(expected);
}

static bool closed_within(int fd, int ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char byte;
    return recv(fd, &byte, 1, 0) == 0;
}

Test(serve, slow_and_idle_clients_are_closed)
{
    struct hp_server_config config = default_config();
    config.header_ms = 200;
    config.idle_ms = 400;
    struct hp_server *server = start(&config);
    int slow = connect_to(hp_server_port(server));
    send_all(slow, get_user, 10); /* a head that never ends */
    int idle = connect_to(hp_server_port(server));
    cr_assert(closed_within(slow, 3000), "the slow head was not closed");
    cr_assert(closed_within(idle, 3000), "the idle connection was not closed");
    close(slow);
    close(idle);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.header_timeouts, 1);
    cr_assert_eq(c.idle_timeouts, 1);
}

Test(serve, connections_beyond_the_limit_are_closed)
{
    struct hp_server_config config = default_config();
    config.max_connections = 2;
    struct hp_server *server = start(&config);
    int a = connect_to(hp_server_port(server)), b = connect_to(hp_server_port(server));
    usleep(100000); /* accepted before the third */
    int over = connect_to(hp_server_port(server));
    cr_assert(closed_within(over, 3000), "the third connection was kept");
    send_all(a, get_user, sizeof get_user - 1);
    char *got = recv_exact(a, 12);
    cr_assert_str_eq(got, "HTTP/1.1 200");
    free(got);
    close(a);
    close(b);
    close(over);
    struct hp_server_counters c = stop(server);
    cr_assert_eq(c.connections_refused, 1);
    cr_assert_eq(c.connections_accepted, 2);
}

/* One line from fd (a pipe), waiting at most 10 s in all. */
static bool read_line(int fd, char *line, size_t size)
{
    size_t used = 0;
    for (int waited = 0; used + 1 < size && waited < 10000;) {
        ssize_t n = read(fd, line + used, 1);
        if (n == 1 && line[used] == '\n') {
            line[used] = '\0';
            return true;
        }
        if (n == 1) {
            used++;
        } else if (n == 0) {
            break;
        } else {
            usleep(10000);
            waited += 10;
        }
    }
    line[used] = '\0';
    return false;
}

static unsigned long long counter(const char *line, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s=", name);
    const char *at = strstr(line, key);
    cr_assert_not_null(at, "no %s in: %s", name, line);
    return strtoull(at + strlen(key), NULL, 10);
}

Test(serve, the_command_stops_on_sigterm_with_balanced_counters)
{
    size_t len, count, expected_len;
    char *requests = realistic_requests(&len, &count);
    int out[2];
    cr_assert_eq(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives a failed test */
        dup2(out[1], STDOUT_FILENO);
        execl(HOTPATH_BINARY, "hotpath", "serve", "--port", "0", "--threads", "2", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[4096];
    cr_assert(read_line(out[0], line, sizeof line), "no listening line: %s", line);
    unsigned port;
    cr_assert_eq(sscanf(line, "hotpath serve: listening on 127.0.0.1:%u", &port), 1, "%s", line);
    int fd = connect_to((uint16_t)port);
    send_all(fd, requests, len);
    char *first = strstr(requests, "\r\n\r\n") + 4;
    char *expected = expected_for_all(requests, (size_t)(first - requests), &expected_len);
    char *got = recv_exact(fd, expected_len);
    /* Date is the server's own start time: compare the status lines only. */
    cr_assert(strncmp(got, expected, 15) == 0, "%.15s", got);
    free(got);
    close(fd);
    fd = connect_to((uint16_t)port); /* one left open: the server closes it as it stops */
    send_all(fd, get_user, 10);
    usleep(100000);
    cr_assert_eq(kill(pid, SIGTERM), 0);
    cr_assert(read_line(out[0], line, sizeof line), "no counters line: %s", line);
    int status = -1;
    for (int i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) == 0; i++)
        usleep(10000);
    if (!WIFEXITED(status))
        kill(pid, SIGKILL);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    cr_assert(strncmp(line, "hotpath serve: counters ", 24) == 0, "%s", line);
    cr_assert_eq(counter(line, "requests"), count);
    cr_assert_eq(counter(line, "responses"), count);
    cr_assert_eq(counter(line, "connections_accepted"), 2);
    cr_assert_eq(counter(line, "connections_closed"), 2);
    cr_assert_eq(counter(line, "connections_open"), 0);
    cr_assert_eq(counter(line, "bad_requests"), 0);
    cr_assert_eq(counter(line, "bytes_in"), len + 10);
    close(fd);
    close(out[0]);
    free(requests);
    free(expected);
}
