package main

// router/github/* cases in the form of go-http-routing-benchmark (bench_test.go: benchRequest
// and benchRoutes): the framework loaded with an empty handler on every route; one reused
// *http.Request whose Method, RequestURI and URL.Path are swapped per request; ServeHTTP into
// a writer that discards everything (that suite's mockResponseWriter). One op = one request
// (that suite's op is a whole list; per request here, as hotpath's router op).
//
// Difference from hotpath's router op (one lookup into a reused match, harness/cases/
// router_cases.c): ServeHTTP also takes the framework's per-request state and gives it back (Gin: a
// Context from its sync.Pool, reset, the handler chain called, WriteHeaderNow; httprouter: a
// Params slice from its pool when the route has params, the handler called), so it measures the
// router as a request sees it, a few tens of ns above a bare lookup.

import (
	"fmt"
	"net/http"
	"path/filepath"
)

// discardWriter: go-http-routing-benchmark's mockResponseWriter.
type discardWriter struct{}

func (discardWriter) Header() http.Header               { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error)       { return len(p), nil }
func (discardWriter) WriteString(s string) (int, error) { return len(s), nil }
func (discardWriter) WriteHeader(int)                   {}

// statusWriter records the status, for setup's check that the requests find their routes.
type statusWriter struct {
	header http.Header
	status int
}

func (w *statusWriter) Header() http.Header         { return w.header }
func (w *statusWriter) Write(p []byte) (int, error) { w.WriteHeader(http.StatusOK); return len(p), nil }
func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

type routerTarget struct{ method, uri, path, query string }

type routerCase struct {
	handler http.Handler
	request *http.Request
	targets []routerTarget
	cursor  int
}

// routerRequests: the requests of router/SET/KIND, as hotpath reads them (workloads/README.md):
// KIND "all" is every route once with its pattern as the path; otherwise
// requests/SET-KIND.requests.
func routerRequests(workloads, set, kind string, routes []line) ([]line, error) {
	if kind == "all" {
		return routes, nil
	}
	return readLines(filepath.Join(workloads, "requests", set+"-"+kind+".requests"))
}

// newRouterCase builds the case and reports the share of its requests that find a route
// (hotpath's found_share); a list of misses only is refused, as hotpath refuses it.
func newRouterCase(fw framework, routes, requests []line) (*routerCase, float64, error) {
	handler, err := fw.bench(routes)
	if err != nil {
		return nil, 0, err
	}
	request, err := http.NewRequest(http.MethodGet, "/", nil)
	if err != nil {
		return nil, 0, err
	}
	rc := &routerCase{handler: handler, request: request}
	found := 0
	for _, l := range requests {
		path, query := l.target()
		rc.targets = append(rc.targets, routerTarget{l.method, l.path, path, query})
		rc.set(&rc.targets[len(rc.targets)-1])
		w := &statusWriter{header: http.Header{}}
		handler.ServeHTTP(w, request)
		if w.status == 0 || w.status == http.StatusOK {
			found++
		}
	}
	if found == 0 {
		return nil, 0, fmt.Errorf("none of the %d requests finds a route", len(requests))
	}
	return rc, float64(found) / float64(len(requests)), nil
}

func (rc *routerCase) set(t *routerTarget) {
	rc.request.Method = t.method
	rc.request.RequestURI = t.uri
	rc.request.URL.Path = t.path
	rc.request.URL.RawQuery = t.query
}

func (rc *routerCase) threads() int { return 1 }

func (rc *routerCase) run(n uint64) error {
	var w discardWriter
	for i := uint64(0); i < n; i++ {
		rc.set(&rc.targets[rc.cursor])
		rc.handler.ServeHTTP(w, rc.request)
		if rc.cursor++; rc.cursor == len(rc.targets) {
			rc.cursor = 0
		}
	}
	return nil
}

func (rc *routerCase) close() {}
