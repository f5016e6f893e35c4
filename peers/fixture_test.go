package main

// The expected-responses fixture: what hotpath's request/* workloads time and what its
// pipeline answers (harness/cases/request_cases.c, impls/http/pipeline.h), produced here from that
// documented behaviour and written in the expected-responses format, so the peers can be
// checked against it without hotpath. TestFixtureIsThePipelinesBytes holds it to the bytes
// tests/test_pipeline.c holds every C composition to.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	workloadsDir = "../workloads"
	fixtureDate  = "Sun, 06 Nov 1994 08:49:37 GMT" // RFC 9110's example, as tests/test_pipeline.c
)

// The request head hotpath builds around each request line (request.c: curl's headers).
const requestHeaders = " HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: curl/8.5.0\r\nAccept: application/json\r\n\r\n"

type match struct {
	status  int // 200, 404 or 405
	pattern string
	params  [][2]string
	allow   []string // 405: the path's methods, in hotpath's method order
}

// matchPattern: does pattern match path, with which params; rank orders the segment kinds
// (static 0 < param 1 < catch-all 2), first difference deciding, as the radix tree prefers.
func matchPattern(pattern, path string) (params [][2]string, rank []int, ok bool) {
	ps := strings.Split(pattern[1:], "/")
	ss := strings.Split(path[1:], "/")
	for i, p := range ps {
		switch {
		case strings.HasPrefix(p, "*"):
			if i >= len(ss) {
				return nil, nil, false
			}
			params = append(params, [2]string{p[1:], "/" + strings.Join(ss[i:], "/")})
			return params, append(rank, 2), true
		case i >= len(ss):
			return nil, nil, false
		case strings.HasPrefix(p, ":"):
			if ss[i] == "" {
				return nil, nil, false
			}
			params = append(params, [2]string{p[1:], ss[i]})
			rank = append(rank, 1)
		case p == ss[i]:
			rank = append(rank, 0)
		default:
			return nil, nil, false
		}
	}
	return params, rank, len(ps) == len(ss)
}

func lessRank(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

func route(routes []line, method, path string) match {
	var best match
	var bestRank []int
	allowed := map[string]bool{}
	for _, r := range routes {
		params, rank, ok := matchPattern(r.path, path)
		if !ok {
			continue
		}
		allowed[r.method] = true
		if r.method == method && (best.status == 0 || lessRank(rank, bestRank)) {
			best, bestRank = match{status: 200, pattern: r.path, params: params}, rank
		}
	}
	if best.status != 0 {
		return best
	}
	if len(allowed) == 0 {
		return match{status: 404}
	}
	m := match{status: 405}
	for _, k := range knownMethods {
		if allowed[k] {
			m.allow = append(m.allow, k)
		}
	}
	return m
}

// jsonString: hotpath's JSON string (json_writer.c): quotes and backslashes escaped, control
// bytes as \u00XX, everything else as it is.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, "\\u%04x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pipelineResponse: hotpath's response for a match (impls/http/pipeline.h).
func pipelineResponse(m match) string {
	var body, status string
	switch m.status {
	case 200:
		status = "200 OK"
		body = `{"route":` + jsonString(m.pattern)
		for _, p := range m.params {
			body += "," + jsonString(p[0]) + ":" + jsonString(p[1])
		}
		body += "}"
	case 404:
		status, body = "404 Not Found", `{"error":"not found"}`
	case 405:
		status, body = "405 Method Not Allowed", `{"error":"method not allowed"}`
	}
	head := "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nServer: hotpath\r\n" +
		"X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n"
	if m.status == 405 {
		head += "Allow: " + strings.Join(m.allow, ", ") + "\r\n"
	}
	return head + "Date: " + fixtureDate + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// requestRecords: the requests hotpath's request/KIND times, in its order, with its responses.
func requestRecords(t testing.TB, kind string) []record {
	t.Helper()
	routes, err := readLines(filepath.Join(workloadsDir, "routes", "github.routes"))
	if err != nil {
		t.Fatal(err)
	}
	list := "realistic"
	if kind == "param2" {
		list = "param2"
	}
	requests, err := readLines(filepath.Join(workloadsDir, "requests", "github-"+list+".requests"))
	if err != nil {
		t.Fatal(err)
	}
	var records []record
	for _, rq := range requests {
		path, query := rq.target()
		if query != "" {
			t.Fatalf("line %d: the fixture does not model query strings", rq.number)
		}
		m := route(routes, rq.method, path)
		get := rq.method == "GET"
		var keep bool
		switch kind {
		case "static":
			keep = get && m.status == 200 && len(m.params) == 0
		case "dynamic":
			keep = get && m.status == 200 && len(m.params) >= 1 && len(m.params) <= 3
		case "concurrent":
			keep = get
		case "param2":
			keep = true
		default:
			t.Fatalf("no request kind %q", kind)
		}
		if keep {
			records = append(records, record{
				request:  []byte(rq.method + " " + rq.path + requestHeaders),
				response: []byte(pipelineResponse(m)),
			})
		}
	}
	if len(records) == 0 {
		t.Fatalf("request/%s: no requests", kind)
	}
	return records
}

// writeFixture writes records to a file in a fresh directory; returns its path.
func writeFixture(t testing.TB, records []record) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "expected.responses")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeExpected(f, records); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFixtureIsThePipelinesBytes(t *testing.T) {
	routes, err := readLines(filepath.Join(workloadsDir, "routes", "github.routes"))
	if err != nil {
		t.Fatal(err)
	}
	// tests/test_pipeline.c, cases "static", "param2" and "not_allowed" (its route subset has
	// GET and POST on /user/repos, as github.routes).
	want := map[string]string{
		"GET /user/repos": "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: " +
			"hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov " +
			"1994 08:49:37 GMT\r\nContent-Length: 23\r\n\r\n{\"route\":\"/user/repos\"}",
		"GET /repos/julienschmidt/httprouter/stargazers": "HTTP/1.1 200 OK\r\nContent-Type: " +
			"application/json\r\nServer: hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: " +
			"DENY\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 86\r\n\r\n{\"route\":\"/repos/" +
			":owner/:repo/stargazers\",\"owner\":\"julienschmidt\",\"repo\":\"httprouter\"}",
		"DELETE /user/repos": "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\n" +
			"Server: hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nAllow: GET, " +
			"POST\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 30\r\n\r\n{\"error\":\"method " +
			"not allowed\"}",
		"GET /user/repos/": "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nServer: " +
			"hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov " +
			"1994 08:49:37 GMT\r\nContent-Length: 21\r\n\r\n{\"error\":\"not found\"}",
	}
	for request, response := range want {
		f := strings.Fields(request)
		if got := pipelineResponse(route(routes, f[0], f[1])); got != response {
			t.Errorf("%s: the fixture gives\n%q\nthe pipeline gives\n%q", request, got, response)
		}
	}
}

func TestExpectedFileRoundTrip(t *testing.T) {
	records := requestRecords(t, "static")
	got, err := readExpected(writeFixture(t, records))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(records) {
		t.Fatalf("%d records read back, %d written", len(got), len(records))
	}
	for i := range got {
		if string(got[i].request) != string(records[i].request) || string(got[i].response) != string(records[i].response) {
			t.Fatalf("record %d differs after the round trip", i+1)
		}
	}
}

func TestExpectedFileRefusals(t *testing.T) {
	good := "hotpath-responses 1\nrequest 3\nGET\nresponse 2\nok\nend 1\n"
	cases := []struct{ name, text, message string }{
		{"empty", "", "not an expected-responses file"},
		{"wrong magic", "hotpath-responses 2\n", "not an expected-responses file"},
		{"truncated", good[:len(good)-7], "truncated"},
		{"no end", good[:len(good)-6], "truncated"},
		{"wrong count", strings.Replace(good, "end 1", "end 2", 1), `expected "end 1"`},
		{"bad length", strings.Replace(good, "request 3", "request -3", 1), "bad length"},
		{"length past the data", strings.Replace(good, "response 2", "response 9", 1), "truncated or not followed"},
		{"no records", "hotpath-responses 1\nend 0\n", "no records"},
		{"garbage", "hotpath-responses 1\nhello\n", `expected "request LEN"`},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "x.responses")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := readExpected(path)
		if err == nil || !strings.Contains(err.Error(), c.message) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got error %v, want one naming the file and saying %q", c.name, err, c.message)
		}
	}
	path := filepath.Join(t.TempDir(), "good.responses")
	if err := os.WriteFile(path, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if records, err := readExpected(path); err != nil || len(records) != 1 || string(records[0].response) != "ok" {
		t.Errorf("the well-formed file: %v, %v", records, err)
	}
}
