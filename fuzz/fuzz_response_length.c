/* The load generator's reader of a server's responses (measure/loadgen.h,
 * hp_loadgen_response_length): the bytes nginx, h2o or `hotpath serve` send back, framed by
 * Content-Length. Input: the bytes a connection has read (an exact-size copy, no terminator:
 * AddressSanitizer sees a read past it).
 * Properties: the result is -1, 0 or a length within the input; a length starts with
 * "HTTP/1.x " and three digits, which are the status given; the response alone (the input cut
 * at that length) gives the same length and status, one byte less gives 0 (more bytes needed),
 * so responses read back to back frame the same however the reads cut them; "more bytes needed"
 * holds for every shorter prefix; a length's body is the Content-Length value written in its
 * head. */
#include "fuzz_check.h"

#include "loadgen.h"

/* The first Content-Length value of the head buf[0, head), by a separate scan: -1 when none. */
static long long content_length(const char *buf, size_t head)
{
    for (size_t i = 0; i + 16 <= head; i++) {
        if (buf[i] != '\n' || strncasecmp(buf + i + 1, "content-length:", 15) != 0)
            continue;
        if (i + 16 < head && buf[i + 16] == '\n')
            continue; /* the name alone on a line of its own: not a header line the reader reads */
        long long v = 0;
        size_t k = i + 16;
        while (k < head && (buf[k] == ' ' || buf[k] == '\t'))
            k++;
        while (k < head && buf[k] >= '0' && buf[k] <= '9' && v <= (1ll << 30))
            v = v * 10 + (buf[k++] - '0');
        return v;
    }
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    int status = -1;
    long r = hp_loadgen_response_length(buf, size, &status);
    FUZZ_CHECK(r >= -1 && r <= (long)size, "%ld for %zu bytes", r, size);
    if (r > 0) {
        FUZZ_CHECK(r >= 16 && memcmp(buf, "HTTP/1.", 7) == 0 && buf[8] == ' ',
                   "a response of %ld bytes without a status line", r);
        int digits = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
        FUZZ_CHECK(status == digits && status >= 0 && status <= 999, "status %d", status);

        char *alone = fuzz_copy(data, (size_t)r);
        int again = -1;
        FUZZ_CHECK(hp_loadgen_response_length(alone, (size_t)r, &again) == r && again == status,
                   "the response alone reads differently");
        free(alone);
        char *short_one = fuzz_copy(data, (size_t)r - 1);
        FUZZ_CHECK(hp_loadgen_response_length(short_one, (size_t)r - 1, &again) == 0,
                   "%ld bytes of a %ld-byte response are not 'more needed'", r - 1, r);
        free(short_one);

        const char *end = memmem(buf, (size_t)r, "\r\n\r\n", 4);
        FUZZ_CHECK(end != NULL, "a response without the end of its head");
        size_t head = (size_t)(end - buf) + 4;
        FUZZ_CHECK(content_length(buf, head) == (long long)((size_t)r - head),
                   "a body of %zu bytes against Content-Length %lld", (size_t)r - head,
                   content_length(buf, head));
    } else if (r == 0 && size > 0) {
        size_t cut = (size_t)data[0] % size;
        char *prefix = fuzz_copy(data, cut);
        int again = -1;
        FUZZ_CHECK(hp_loadgen_response_length(prefix, cut, &again) == 0,
                   "more needed at %zu bytes but not at %zu", size, cut);
        free(prefix);
    }
    free(buf);
    return 0;
}
