// Peer benchmarks: Gin and httprouter routing the same route sets and request lists as
// hotpath's router and request workloads, so a report can show the seeds' "vs Gin" rows
// measured on the user's own machine. Run by scripts/peers/run.sh (which skips cleanly when Go
// or the Debian packages golang-github-gin-gonic-gin-dev and
// golang-github-julienschmidt-httprouter-dev are missing).
//
// Each op serves one request through the router's ServeHTTP with a handler that sets a
// Content-Type header and writes a small JSON body into a reused in-memory ResponseWriter, as
// go-http-routing-benchmark does. Environment: HOTPATH_WORKLOADS (the workloads/ directory).
package peers

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/julienschmidt/httprouter"
)

type route struct{ method, path string }

func readLines(tb testing.TB, path string) []route {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	var out []route
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			tb.Fatalf("%s: bad line %q", path, line)
		}
		out = append(out, route{fields[0], fields[1]})
	}
	if err := scanner.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}

func workloads(tb testing.TB) string {
	dir := os.Getenv("HOTPATH_WORKLOADS")
	if dir == "" {
		dir = filepath.Join("..", "..", "workloads")
	}
	return dir
}

// responseWriter is reused for every request: writes are counted, not kept.
type responseWriter struct {
	header http.Header
	status int
	bytes  int
}

func (w *responseWriter) Header() http.Header         { return w.header }
func (w *responseWriter) Write(b []byte) (int, error) { w.bytes += len(b); return len(b), nil }
func (w *responseWriter) WriteHeader(status int)      { w.status = status }

var body = []byte(`{"ok":true}`)

func newHttprouter(routes []route) http.Handler {
	r := httprouter.New()
	handle := func(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
	for _, rt := range routes {
		r.Handle(rt.method, rt.path, handle)
	}
	return r
}

func newGin(routes []route) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	handle := func(c *gin.Context) {
		c.Header("Content-Type", "application/json")
		c.Writer.Write(body)
	}
	for _, rt := range routes {
		r.Handle(rt.method, rt.path, handle)
	}
	return r
}

func benchRequests(b *testing.B, h http.Handler, requests []route) {
	reqs := make([]*http.Request, len(requests))
	for i, rq := range requests {
		r, err := http.NewRequest(rq.method, rq.path, nil)
		if err != nil {
			b.Fatalf("%s %s: %v", rq.method, rq.path, err)
		}
		reqs[i] = r
	}
	w := &responseWriter{header: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range w.header {
			delete(w.header, k)
		}
		h.ServeHTTP(w, reqs[i%len(reqs)])
	}
}

func benchParallel(b *testing.B, h http.Handler, requests []route) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &responseWriter{header: http.Header{}}
		reqs := make([]*http.Request, len(requests))
		for i, rq := range requests {
			reqs[i], _ = http.NewRequest(rq.method, rq.path, nil)
		}
		i := 0
		for pb.Next() {
			for k := range w.header {
				delete(w.header, k)
			}
			h.ServeHTTP(w, reqs[i%len(reqs)])
			i++
		}
	})
}

// The rows: the same request lists hotpath's request/static (GitHub static routes),
// router/github/param2 and request/concurrent (the realistic mix) read.
var lists = []struct{ name, file string }{
	{"static", "github-static.requests"},
	{"param2", "github-param2.requests"},
	{"realistic", "github-realistic.requests"},
}

func run(b *testing.B, router string, build func([]route) http.Handler) {
	dir := workloads(b)
	routes := readLines(b, filepath.Join(dir, "routes", "github.routes"))
	h := build(routes)
	for _, l := range lists {
		requests := readLines(b, filepath.Join(dir, "requests", l.file))
		b.Run(l.name, func(b *testing.B) { benchRequests(b, h, requests) })
	}
	realistic := readLines(b, filepath.Join(dir, "requests", "github-realistic.requests"))
	b.Run("concurrent", func(b *testing.B) { benchParallel(b, h, realistic) })
}

func BenchmarkHttprouter(b *testing.B) { run(b, "httprouter", newHttprouter) }
func BenchmarkGin(b *testing.B)        { run(b, "gin", newGin) }
