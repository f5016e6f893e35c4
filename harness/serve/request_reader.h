/* The server's request reader: where the next request of a connection's byte stream ends, and
 * whether the server answers it or refuses it. A pure function of the bytes received so far and
 * the limits, so the same bytes give the same answer however they were split across reads
 * (fuzz/fuzz_serve_reader.c holds it to that).
 *
 * The connection keeps what it has received and not consumed in one buffer and calls
 * hp_serve_read on it after every read:
 *   HP_SERVE_NEED_MORE  no whole head yet, and nothing wrong so far: read more;
 *   HP_SERVE_REQUEST    a head of head_len bytes starts the buffer: answer it (the pipeline is
 *                       given buf[0, head_len)), consume it, then skip body_len more bytes of
 *                       the stream (the pipeline ignores bodies, so a body is never buffered);
 *   HP_SERVE_REFUSE     answer `status` (400, 413 or 431) and close the connection.
 *
 * Rules, in this order:
 *   - the head is parsed from at most max_head_bytes bytes (the parser of impls/http); a head
 *     that has not ended within them is refused 431, as is one the parser finds over its own
 *     line limits or with more than max_headers fields; any other parse error is a 400;
 *   - a Transfer-Encoding field (chunked bodies are not read) or an invalid or conflicting
 *     Content-Length is a 400; a Content-Length over max_body_bytes is a 413;
 *   - keep_alive: HTTP/1.1 keeps the connection unless a Connection field lists "close";
 *     HTTP/1.0 closes it unless one lists "keep-alive" (RFC 9112 section 9.3);
 *   - head_method: a HEAD request, whose response the server sends without its body.
 * The verdict on a stream depends only on its first max_head_bytes bytes until a head ends, so
 * a stream cut anywhere gives NEED_MORE or the verdict of the whole stream.
 */
#ifndef HOTPATH_REQUEST_READER_H
#define HOTPATH_REQUEST_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_parser.h"

struct hp_serve_limits {
    size_t max_head_bytes;   /* request line, fields and the empty line */
    size_t max_headers;      /* at most HP_HTTP_MAX_HEADERS, the parser's array */
    uint64_t max_body_bytes; /* Content-Length */
};

enum hp_serve_verdict { HP_SERVE_NEED_MORE, HP_SERVE_REQUEST, HP_SERVE_REFUSE };

struct hp_serve_read {
    enum hp_serve_verdict verdict;
    size_t head_len;   /* REQUEST */
    uint64_t body_len; /* REQUEST: bytes to skip after the head */
    bool keep_alive;   /* REQUEST */
    bool head_method;  /* REQUEST */
    int status;        /* REFUSE: 400, 413 or 431 */
    int parse_error;   /* REFUSE: the parser's code (http_parser.h) when it refused, else 0 */
};

/* The verdict on buf[0, len) (see above). `scratch` is the parser's output, caller memory. */
void hp_serve_read(const char *buf, size_t len, const struct hp_serve_limits *limits,
                   struct hp_http_request *scratch, struct hp_serve_read *out);

/* A connection's reading state between steps; zeroed for a new connection. */
struct hp_serve_stream {
    uint64_t body_skip; /* bytes of the last request's body still to drop */
    bool done;          /* a refusal or a request that closes the connection was read */
};

/* One step over the bytes received and not yet consumed, buf[0, len): drops what is left of
 * the previous request's body, then reads (hp_serve_read) what follows it, whose head starts
 * at buf + *head_offset. Returns the bytes the step consumes: the body dropped, plus the head
 * of a REQUEST (whose body_len becomes body_skip), or everything for a REFUSE. After a REFUSE
 * or a request without keep_alive, done is set, and every later step consumes all it is given
 * and answers NEED_MORE: nothing after the connection's last answer is read. */
size_t hp_serve_next(struct hp_serve_stream *stream, const char *buf, size_t len,
                     const struct hp_serve_limits *limits, struct hp_http_request *scratch,
                     struct hp_serve_read *out, size_t *head_offset);

#endif
