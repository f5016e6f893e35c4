package main

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// openForTest prepares a case through the protocol's own `case` handling.
func openForTest(t *testing.T, s *session, id, name string, params ...string) (string, error) {
	t.Helper()
	return s.openCase(append([]string{id, name}, params...))
}

// Every peer's response to every request of every request/* case matches hotpath's (the
// fixture), and the case then times batches of requests.
func TestPeersMatchHotpathResponses(t *testing.T) {
	s := newSession(io.Discard)
	defer s.closeAll()
	for _, fw := range frameworks {
		for _, rk := range requestKinds {
			name := fw.name + "/request/" + rk.kind
			records := requestRecords(t, rk.kind)
			params := []string{"workloads=" + workloadsDir, "expected=" + writeFixture(t, records)}
			if rk.parallel {
				params = append(params, "threads=2")
			}
			answer, err := openForTest(t, s, "c", name, params...)
			if err != nil {
				t.Error(err) // names the case
				continue
			}
			if want := "verified=" + strconv.Itoa(len(records)); !strings.Contains(answer, want) {
				t.Errorf("%s: answer %q lacks %s", name, answer, want)
			}
			// More requests than the list has: the batch wraps around the list.
			m, err := measure(s.cases["c"].bench, uint64(len(records))+7)
			if err != nil || m.ops == 0 || m.wall <= 0 || m.mallocs == 0 {
				t.Errorf("%s: sample: %+v, %v", name, m, err)
			}
			if _, err := s.done([]string{"c"}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A response that differs from hotpath's in status, a header or the body stops the case before
// it is timed, with the request named.
func TestVerificationRefusesMismatches(t *testing.T) {
	records := requestRecords(t, "static")
	good := string(records[0].response)
	replace := func(from, to string) func() string {
		return func() string {
			if !strings.Contains(good, from) {
				t.Fatalf("%q is not in the response", from)
			}
			return strings.Replace(good, from, to, 1)
		}
	}
	tampered := []struct {
		name     string
		response func() string
		message  string
	}{
		{"status", replace("200 OK", "201 Created"), "status 200, expected 201"},
		{"header value", replace("X-Frame-Options: DENY", "X-Frame-Options: SAMEORIGIN"), "header X-Frame-Options"},
		{"header set", replace("DENY\r\n", "DENY\r\nX-Extra: 1\r\n"), "missing [X-Extra]"},
		{"media type", replace("application/json", "application/jsox"), "header Content-Type"},
		{"body", func() string { return pipelineResponse(match{status: 200, pattern: "/not/this/route"}) }, "body"},
	}
	s := newSession(io.Discard)
	defer s.closeAll()
	for _, c := range tampered {
		broken := append([]record{}, records...)
		broken[0] = record{records[0].request, []byte(c.response())}
		_, err := openForTest(t, s, "c", "gin/request/static", "workloads="+workloadsDir,
			"expected="+writeFixture(t, broken))
		if err == nil {
			t.Errorf("%s: the peer was not refused", c.name)
			s.done([]string{"c"})
			continue
		}
		if !strings.Contains(err.Error(), "request 1 ("+requestLine(records[0].request)+")") ||
			!strings.Contains(err.Error(), c.message) {
			t.Errorf("%s: error %q does not name request 1 and say %q", c.name, err, c.message)
		}
	}
}

// The documented differences are accepted, and only they.
func TestCompareRules(t *testing.T) {
	want := "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nServer: hotpath\r\n" +
		"Allow: GET, POST\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 17\r\n\r\n" +
		`{"a":"1","b":"2"}`
	accepted := []string{
		strings.NewReplacer("application/json", "application/json; charset=utf-8", "Server: hotpath",
			"Server: gin", "1994 08:49:37", "2024 10:00:00", "GET, POST", "GET, OPTIONS, POST",
			`{"a":"1","b":"2"}`, `{"b":"2", "a":"1"}`, "Length: 17", "Length: 18").Replace(want),
	}
	refused := []string{
		strings.Replace(want, "application/json", "application/json; charset=latin1", 1),
		strings.Replace(want, "GET, POST", "GET", 1),
		strings.Replace(want, "Allow: GET, POST\r\n", "", 1),
		strings.Replace(want, `"2"}`, `"3"}`, 1),
		strings.Replace(want, `"2"}`, `2 }`, 1),
	}
	for _, got := range accepted {
		if err := compareResponses([]byte(got), []byte(want), "GET"); err != nil {
			t.Errorf("refused %q: %v", got, err)
		}
	}
	for _, got := range refused {
		if err := compareResponses([]byte(got), []byte(want), "GET"); err == nil {
			t.Errorf("accepted %q", got)
		}
	}
}

func TestRouterCasesFindTheirRoutes(t *testing.T) {
	s := newSession(io.Discard)
	defer s.closeAll()
	for _, fw := range frameworks {
		for _, kind := range routerKinds {
			name := fw.name + "/router/github/" + kind
			answer, err := openForTest(t, s, "r", name, "workloads="+workloadsDir)
			if err != nil || !strings.Contains(answer, "found_share=1") {
				t.Errorf("%s: %q, %v", name, answer, err)
				continue
			}
			if _, err := measure(s.cases["r"].bench, 1000); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			s.done([]string{"r"})
		}
	}
}

// Allocation counts: each twin pair differs where its decision says it does, and nowhere else.
func TestTwinAllocations(t *testing.T) {
	cases := []struct {
		name   string
		ops    *serialOps
		allocs float64
	}{
		{"C1 reference (Header.Set: one []string per set)", c1Reference(), 4},
		{"C1 improved / C2 reference (map write: one []string per set)", c1Improved(), 4},
		{"C2 improved (pre-built values)", c2Improved(), 0},
		{"C4 reference (pooled, zeroed whole)", c4Reference(), 0},
		{"C4 improved (pooled, hot part zeroed)", c4Improved(), 0},
		{"C8 reference (pieces)", c8Reference(), 0},
		{"C8 improved (one write)", c8Improved(), 0},
	}
	for _, c := range cases {
		if got := testing.AllocsPerRun(1000, c.ops.op); got != c.allocs {
			t.Errorf("%s: %v allocs per op, want %v", c.name, got, c.allocs)
		}
	}
}

func TestTwinPairsDoTheSameWork(t *testing.T) {
	var sets []http.Header
	for _, ops := range []*serialOps{c1Reference(), c1Improved(), c2Improved()} {
		h := http.Header{}
		ops.state.(func(http.Header))(h)
		sets = append(sets, h)
	}
	for i, h := range sets {
		if !reflect.DeepEqual(h, sets[0]) || len(h) != len(handlerHeaders) || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("header twin %d sets %v, the first %v", i, h, sets[0])
		}
	}
	var response bytes.Buffer
	for _, p := range staticResponsePieces() {
		response.WriteString(p)
	}
	c8r, c8i := c8Reference(), c8Improved()
	c8r.op()
	c8i.op()
	if a, b := c8r.state.(*countingWriter).n, c8i.state.(*countingWriter).n; a != b || a != int64(response.Len()) {
		t.Errorf("C8: the reference wrote %d bytes, the improved %d, the response has %d", a, b, response.Len())
	}
	static := pipelineResponse(match{status: 200, pattern: "/user/repos"})
	if response.String() != static {
		t.Errorf("C8's response is not hotpath's static response:\n%q\n%q", response.String(), static)
	}
	inline, split := contextSizes()
	if inline < 1200 || inline > 1400 || split < 150 || split > 256 {
		t.Errorf("C4 contexts: %d and %d bytes, want about 1.3 KB and 200 B (the seed's sizes)", inline, split)
	}
	for _, build := range []func(int) *parallelOps{c7Reference, c7Improved} {
		p := build(2)
		if err := p.run(1000); err != nil || p.threads() != 2 {
			t.Errorf("C7: %v", err)
		}
		p.close()
	}
}

// Both clients of memconn.go serve whole batches (wrapping around the list) and say which they
// were; an unknown client is refused when the case is set up.
func TestClientModes(t *testing.T) {
	records := requestRecords(t, "static")
	expected := writeFixture(t, records)
	for _, mode := range []string{"pipelined", "waiting", "chunked"} {
		t.Setenv(clientModeEnv, mode)
		s := newSession(io.Discard)
		answer, err := openForTest(t, s, "c", "gin/request/static",
			"workloads="+workloadsDir, "expected="+expected)
		if mode == "chunked" {
			if err == nil || !strings.Contains(err.Error(), clientModeEnv) {
				t.Errorf("%s=%s: accepted (%q, %v)", clientModeEnv, mode, answer, err)
			}
			s.closeAll()
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if !strings.Contains(answer, "client="+mode) {
			t.Errorf("%s: answer %q lacks client=%s", mode, answer, mode)
		}
		for _, n := range []uint64{1, uint64(3*len(records) + 5)} {
			if m, err := measure(s.cases["c"].bench, n); err != nil || m.ops != n {
				t.Errorf("%s: sample of %d: %+v, %v", mode, n, m, err)
			}
		}
		s.closeAll()
	}
}

// The one-thread request cases as Go benchmarks, timed as a sample is (measure), so that a Go
// CPU profile shows where a peer's request goes (net/http, Gin or httprouter, the in-memory
// connection, the collector). From the repository's root:
//
//	scripts/go-peers.sh build/go test -run '^$' -bench Request -benchtime 200000x \
//	    -o "$PWD/build/go/peers.test" -cpuprofile "$PWD/build/go/cpu.out" .
//	go tool pprof -top -cum build/go/peers.test build/go/cpu.out
func BenchmarkRequest(b *testing.B) {
	for _, fw := range frameworks {
		for _, rk := range requestKinds {
			if rk.parallel {
				continue
			}
			name := fw.name + "/request/" + rk.kind
			b.Run(name, func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0)) // measure sets the case's threads
				records := requestRecords(b, rk.kind)
				s := newSession(io.Discard)
				defer s.closeAll()
				if _, err := s.openCase([]string{"c", name, "workloads=" + workloadsDir,
					"expected=" + writeFixture(b, records)}); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				if m, err := measure(s.cases["c"].bench, uint64(b.N)); err != nil || m.ops != uint64(b.N) {
					b.Fatalf("%+v, %v", m, err)
				}
			})
		}
	}
}
