/* Request texts shared by the http/parse workloads and the parser tests, so the bytes the
 * benchmark measures are the bytes the tests check. String-literal macros: usable in static
 * initialisers and with sizeof. */
#ifndef HOTPATH_HTTP_FIXTURES_H
#define HOTPATH_HTTP_FIXTURES_H

/* A browser GET: request line with a query, 13 headers, 667 bytes. */
#define HP_FIXTURE_BROWSER_GET                                                                     \
    "GET /api/v1/users/12345/profile?fields=name,email&lang=en HTTP/1.1\r\n"                       \
    "Host: www.example.com\r\n"                                                                    \
    "Connection: keep-alive\r\n"                                                                   \
    "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n" \
    "sec-ch-ua-mobile: ?0\r\n"                                                                     \
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "          \
    "Chrome/124.0.0.0 Safari/537.36\r\n"                                                           \
    "sec-ch-ua-platform: \"Linux\"\r\n"                                                            \
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;"     \
    "q=0.8\r\n"                                                                                    \
    "Sec-Fetch-Site: same-origin\r\n"                                                              \
    "Sec-Fetch-Mode: navigate\r\n"                                                                 \
    "Referer: https://www.example.com/home\r\n"                                                    \
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"                                                 \
    "Accept-Language: en-US,en;q=0.9\r\n"                                                          \
    "Cookie: session=abc123def456; theme=dark\r\n"                                                 \
    "\r\n"

/* A curl GET: request line and 3 headers. */
#define HP_FIXTURE_CURL_GET                                                                        \
    "GET /api/v1/status HTTP/1.1\r\n"                                                              \
    "Host: localhost:8080\r\n"                                                                     \
    "User-Agent: curl/8.5.0\r\n"                                                                   \
    "Accept: */*\r\n"                                                                              \
    "\r\n"

/* Head and body: the parser stops at the head; the body is there as a server would see it. */
#define HP_FIXTURE_JSON_POST                                                                       \
    "POST /api/orders HTTP/1.1\r\n"                                                                \
    "Host: api.example.com\r\n"                                                                    \
    "User-Agent: python-requests/2.31.0\r\n"                                                       \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Accept: application/json\r\n"                                                                 \
    "Connection: keep-alive\r\n"                                                                   \
    "Content-Type: application/json\r\n"                                                           \
    "Content-Length: 29\r\n"                                                                       \
    "\r\n"                                                                                         \
    "{\"item\":\"book\",\"qty\":2,\"x\":1}"

/* The bar case of C15: a request line and three short headers. */
#define HP_FIXTURE_LINE3                                                                           \
    "GET /index.html HTTP/1.1\r\n"                                                                 \
    "Host: example.com\r\n"                                                                        \
    "User-Agent: bench/1.0\r\n"                                                                    \
    "Accept: */*\r\n"                                                                              \
    "\r\n"

/* The header names http/find_header looks up on each of the four requests above, as a server
 * and the middleware behind it ask for them: framing (Host, Content-Length, Transfer-Encoding,
 * Connection), then a handler's and middleware's (content type, compression, session, auth,
 * user agent, tracing). Mostly in canonical case, three in lower case as code written against
 * HTTP/2's lower-case names asks; on the four requests 15 of the 40 lookups find a header. */
#define HP_FIXTURE_LOOKUP_NAMES                                                                    \
    "Host", "Content-Length", "Transfer-Encoding", "Connection", "content-type",                   \
        "accept-encoding", "Cookie", "Authorization", "User-Agent", "x-request-id"

#endif
