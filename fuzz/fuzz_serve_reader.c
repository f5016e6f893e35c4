/* `hotpath serve`'s request reader (harness/serve/request_reader.h), driven as the server
 * drives it: a connection's input buffer of max_head_bytes, filled by reads of at most its free
 * room, each followed by hp_serve_next until it needs more. The input: 3 bytes of limits (a
 * small head limit, header limit and body limit, so 431 and 413 are reached), 4 bytes seeding
 * where the stream is cut into reads, then the byte stream.
 * Properties: the verdicts (kind, offset in the stream, head and body length, status,
 * keep-alive, HEAD) and the final state are the same whether the stream arrives in one read or
 * cut at random points (so answers cannot come out of order or differ with the timing); each
 * request starts where the previous one's body ends; each head parses to exactly its length;
 * nothing follows a refusal or a closing request; a refusal is 400, 413 or 431; the buffer is
 * never full without a verdict (the server closes such a connection). */
#include "fuzz_check.h"

#include "request_reader.h"

struct verdict {
    enum hp_serve_verdict kind;
    size_t offset, head_len;
    uint64_t body_len;
    int status;
    bool keep_alive, head_method;
};

struct run {
    struct verdict *verdicts;
    size_t count;
    size_t pending; /* bytes left in the buffer at the end */
    struct hp_serve_stream stream;
};

/* Delivers stream[0, len) in reads whose sizes come from `seed` (0: as much as fits). */
static void drive(const char *stream, size_t len, const struct hp_serve_limits *limits,
                  uint32_t seed, struct run *run)
{
    size_t cap = limits->max_head_bytes, in_len = 0, delivered = 0, consumed = 0;
    char *in = malloc(cap);
    FUZZ_CHECK(in != NULL, "out of memory");
    struct hp_http_request scratch;
    memset(run, 0, sizeof *run);
    run->verdicts = calloc(len + 1, sizeof *run->verdicts);
    FUZZ_CHECK(run->verdicts != NULL, "out of memory");
    while (delivered < len) {
        size_t room = cap - in_len;
        FUZZ_CHECK(room > 0 || run->stream.done, "a full buffer without a verdict");
        size_t n = len - delivered < room ? len - delivered : room;
        if (seed) {
            seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
            size_t cut = (seed & 3) ? 1 + seed % 7 : 1 + seed % 97;
            n = n < cut ? n : cut;
        }
        if (run->stream.done) { /* the server reads and drops what follows */
            delivered += n;
            consumed += n;
            continue;
        }
        memcpy(in + in_len, stream + delivered, n);
        in_len += n;
        delivered += n;
        size_t done = 0;
        for (;;) {
            struct hp_serve_read r;
            size_t head_offset;
            size_t used = hp_serve_next(&run->stream, in + done, in_len - done, limits, &scratch,
                                        &r, &head_offset);
            FUZZ_CHECK(used <= in_len - done, "consumed %zu of %zu", used, in_len - done);
            if (r.verdict != HP_SERVE_NEED_MORE)
                run->verdicts[run->count++] =
                    (struct verdict){r.verdict,    consumed + done + head_offset,
                                     r.head_len,   r.body_len,
                                     r.status,     r.keep_alive,
                                     r.head_method};
            done += used;
            if (r.verdict == HP_SERVE_NEED_MORE)
                break;
        }
        memmove(in, in + done, in_len - done);
        in_len -= done;
        consumed += done;
    }
    run->pending = in_len;
    free(in);
}

static void check_run(const char *stream, size_t len, const struct run *run)
{
    size_t next = 0; /* where the next request must start */
    for (size_t i = 0; i < run->count; i++) {
        const struct verdict *v = &run->verdicts[i];
        FUZZ_CHECK(i + 1 == run->count || (v->kind == HP_SERVE_REQUEST && v->keep_alive),
                   "verdict %zu follows a refusal or a closing request", i + 1);
        FUZZ_CHECK(v->offset == next, "verdict %zu at %zu, expected at %zu", i, v->offset, next);
        if (v->kind == HP_SERVE_REFUSE) {
            FUZZ_CHECK(v->status == 400 || v->status == 413 || v->status == 431, "status %d",
                       v->status);
            continue;
        }
        FUZZ_CHECK(v->offset + v->head_len <= len, "head past the stream");
        struct hp_http_request req;
        char *head = fuzz_copy((const uint8_t *)stream + v->offset, v->head_len);
        FUZZ_CHECK(hp_http_parse_request(head, v->head_len, &req) == (int)v->head_len,
                   "head %zu does not parse to its length", i);
        free(head);
        next = v->offset + v->head_len + (size_t)v->body_len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 7)
        return 0;
    struct hp_serve_limits limits = {
        .max_head_bytes = 64 + (size_t)data[0] * 4,
        .max_headers = data[1] % (HP_HTTP_MAX_HEADERS + 1),
        .max_body_bytes = data[2],
    };
    uint32_t seed =
        ((uint32_t)data[3] << 24 | (uint32_t)data[4] << 16 | (uint32_t)data[5] << 8 | data[6]) | 1;
    const char *stream = (const char *)data + 7;
    size_t len = size - 7;
    struct run whole, split;
    drive(stream, len, &limits, 0, &whole);
    drive(stream, len, &limits, seed, &split);
    check_run(stream, len, &whole);
    FUZZ_CHECK(whole.count == split.count, "%zu verdicts whole, %zu split", whole.count,
               split.count);
    for (size_t i = 0; i < whole.count; i++) {
        const struct verdict *a = &whole.verdicts[i], *b = &split.verdicts[i];
        FUZZ_CHECK(a->kind == b->kind && a->offset == b->offset && a->head_len == b->head_len &&
                       a->body_len == b->body_len && a->status == b->status &&
                       a->keep_alive == b->keep_alive && a->head_method == b->head_method,
                   "verdict %zu differs when the stream is split", i);
    }
    FUZZ_CHECK(whole.pending == split.pending && whole.stream.done == split.stream.done &&
                   whole.stream.body_skip == split.stream.body_skip,
               "the final state differs when the stream is split");
    free(whole.verdicts);
    free(split.verdicts);
    return 0;
}
