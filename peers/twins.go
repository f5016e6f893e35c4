package main

// Go twins of the Go claims of Bolt's plan (workloads/bolt.phases; docs/claims.md): for each
// step whose seed system is Go, a pair of Go ops that differ in the one decision the claim's C
// pair differs in, so a reader can set the C step's measured change beside the same decision
// made in Go. One op is one request's worth of the step. Sizes and values are hotpath's
// (impls/http/pipeline.c's four handler headers, the static route's response).
//
//	C1 Header.Set (CanonicalMIMEHeaderKey on every set) -> the map write, names already canonical
//	C2 a fresh []string{v} per set -> the value slices built once
//	C4 a ~1.3 KB context zeroed whole -> a ~200 B hot context, slots attached when needed
//	C7 one sync.Pool -> an array of sync.Pools indexed by the pinned P (Bolt's ContextPool)
//	C8 the response written in pieces -> one write of the pre-built bytes
//
// C3, C5 and C6 are router decisions; the router/* peers (router_case.go) stand beside them.

import (
	"bufio"
	"net/http"
	"sync"
	"unsafe"
)

// handlerHeaders: hotpath's handler headers (impls/http/pipeline.c), names canonical as Go
// handlers spell them.
var handlerHeaders = [4][2]string{
	{"Content-Type", "application/json"},
	{"Server", "hotpath"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
}

// serialOps: a twin op run n times on the calling goroutine.
type serialOps struct {
	op    func()
	state interface{} // what the tests look at: the header setter, the C8 conn
}

func (s *serialOps) threads() int { return 1 }
func (s *serialOps) run(n uint64) error {
	for i := uint64(0); i < n; i++ {
		s.op()
	}
	return nil
}
func (s *serialOps) close() {}

// ---- C1, C2: one response's headers into the response's Header map ----

// headerTwin sets the four handler headers with set, then empties the map for the next op
// (the same in both variants: net/http gives each response a new map, this reuses one).
func headerTwin(set func(h http.Header)) *serialOps {
	h := make(http.Header, len(handlerHeaders))
	return &serialOps{op: func() {
		set(h)
		for k := range h {
			delete(h, k)
		}
	}, state: set}
}

// c1Reference: w.Header().Set(name, value), as Bolt's SetHeaderBytes and every Go handler:
// textproto.MIMEHeader.Set = h[CanonicalMIMEHeaderKey(name)] = []string{value}.
func c1Reference() *serialOps {
	return headerTwin(func(h http.Header) {
		for _, kv := range handlerHeaders {
			h.Set(kv[0], kv[1])
		}
	})
}

// c1Improved (= c2Reference): the seed's "w.Header()["Content-Type"] = []string{...}": the
// map write with the name as given (canonical), no CanonicalMIMEHeaderKey.
func c1Improved() *serialOps {
	return headerTwin(func(h http.Header) {
		for _, kv := range handlerHeaders {
			h[kv[0]] = []string{kv[1]}
		}
	})
}

// c2Improved: the seed's "pre-allocate response headers": the value slices made once and
// shared by every response (read-only after setup, as net/http only reads them).
func c2Improved() *serialOps {
	var values [len(handlerHeaders)][]string
	for i, kv := range handlerHeaders {
		values[i] = []string{kv[1]}
	}
	return headerTwin(func(h http.Header) {
		for i, kv := range handlerHeaders {
			h[kv[0]] = values[i]
		}
	})
}

// ---- C4: the context's size and reset ----

// slot: one param or query entry of Bolt's context (paramsBuf, queryParamsBuf): 48 B.
type slot struct{ key, value []byte }

// hotFields: the per-request fields both contexts have (Bolt's "hot fields only, ~200 bytes":
// request and response, method/path/query bytes, status, counts, handler chain, store, errors).
type hotFields struct {
	request    *http.Request
	response   http.ResponseWriter
	method     []byte
	path       []byte
	rawQuery   []byte
	status     int
	paramCount int
	queryCount int
	index      int
	handlers   []func()
	store      map[string]interface{}
	errs       []error
}

// inlineContext: Bolt before 2.1: the slots inside the object (8 params, 16 query params),
// ~1.3 KB, zeroed whole by FastReset (runtime.duffzero in the seed's profile).
type inlineContext struct {
	hotFields
	params [8]slot
	query  [16]slot
}

// splitContext: Bolt's 1.2 A: the hot part only, ~200 B; slots in blocks from their own pools,
// attached the first time a request needs them (a static route never does).
type splitContext struct {
	hotFields
	params *[8]slot
	query  *[16]slot
}

var (
	paramBlocks = sync.Pool{New: func() interface{} { return new([8]slot) }}
	queryBlocks = sync.Pool{New: func() interface{} { return new([16]slot) }}
)

// request: what a static GET binds (the headline request: no params, no query).
var (
	staticMethod = []byte("GET")
	staticPath   = []byte("/user/repos")
)

// c4Reference: acquire from a sync.Pool, bind, release with the whole object zeroed.
func c4Reference() *serialOps {
	pool := &sync.Pool{New: func() interface{} { return new(inlineContext) }}
	return &serialOps{op: func() {
		c := pool.Get().(*inlineContext)
		c.method, c.path, c.status = staticMethod, staticPath, http.StatusOK
		*c = inlineContext{}
		pool.Put(c)
	}, state: pool}
}

// c4Improved: the same with the split context: blocks given back (none attached here), the
// hot part zeroed.
func c4Improved() *serialOps {
	pool := &sync.Pool{New: func() interface{} { return new(splitContext) }}
	return &serialOps{op: func() {
		c := pool.Get().(*splitContext)
		c.method, c.path, c.status = staticMethod, staticPath, http.StatusOK
		c.release()
		pool.Put(c)
	}, state: pool}
}

func (c *splitContext) release() {
	if c.params != nil {
		*c.params = [8]slot{}
		paramBlocks.Put(c.params)
	}
	if c.query != nil {
		*c.query = [16]slot{}
		queryBlocks.Put(c.query)
	}
	*c = splitContext{}
}

// contextSizes: the two contexts' sizes, reported by `case`.
func contextSizes() (inline, split uintptr) {
	return unsafe.Sizeof(inlineContext{}), unsafe.Sizeof(splitContext{})
}

// ---- C7: one pool or one per P, on T goroutines ----

// parallelOps runs op n times on each of T goroutines started once and kept for the case's
// life (as hotpath's workers), released together per sample.
type parallelOps struct {
	start []chan uint64
	done  chan struct{}
}

func newParallelOps(threads int, op func()) *parallelOps {
	p := &parallelOps{done: make(chan struct{}, threads)}
	for t := 0; t < threads; t++ {
		start := make(chan uint64)
		p.start = append(p.start, start)
		go func() {
			for n := range start {
				for i := uint64(0); i < n; i++ {
					op()
				}
				p.done <- struct{}{}
			}
		}()
	}
	return p
}

func (p *parallelOps) threads() int { return len(p.start) }
func (p *parallelOps) run(n uint64) error {
	for _, s := range p.start {
		s <- n
	}
	for range p.start {
		<-p.done
	}
	return nil
}
func (p *parallelOps) close() {
	for _, s := range p.start {
		close(s)
	}
}

// c7Reference: Gin's and Bolt's context pool before 3.2: one sync.Pool (already per P inside:
// sync/pool.go pins the P and uses its private slot and local chain).
func c7Reference(threads int) *parallelOps {
	pool := &sync.Pool{New: func() interface{} { return new(splitContext) }}
	return newParallelOps(threads, func() {
		c := pool.Get().(*splitContext)
		pool.Put(c)
	})
}

// c7Improved: Bolt's 3.2 ContextPool (seed 000): pools []*sync.Pool, one per GOMAXPROCS;
// Acquire = pools[runtime_procPin() % len(pools)].Get() after runtime_procUnpin, Release the
// same with Put.
func c7Improved(threads int) *parallelOps {
	pools := make([]*sync.Pool, threads) // GOMAXPROCS = threads while the case runs
	for i := range pools {
		pools[i] = &sync.Pool{New: func() interface{} { return new(splitContext) }}
	}
	return newParallelOps(threads, func() {
		id := runtime_procPin() % len(pools)
		runtime_procUnpin()
		c := pools[id].Get().(*splitContext)
		id = runtime_procPin() % len(pools)
		runtime_procUnpin()
		pools[id].Put(c)
	})
}

// ---- C8: the response in pieces or in one write ----

// countingWriter stands for the connection under net/http's bufio.Writer (conn.bufw).
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// staticResponsePieces: hotpath's response to GET /user/repos (tests/test_pipeline.c), in the
// pieces net/http writes to its bufio.Writer: the status line (one piece here; net/http's
// writeStatusLine makes four), each handler header as Header.writeSubset does (name, ": ",
// value, "\r\n"), Date and Content-Length as extraHeader.Write does (three each), the blank
// line, the body.
func staticResponsePieces() []string {
	pieces := []string{"HTTP/1.1 200 OK\r\n"}
	for _, kv := range handlerHeaders {
		pieces = append(pieces, kv[0], ": ", kv[1], "\r\n")
	}
	body := `{"route":"/user/repos"}`
	pieces = append(pieces, "Date: ", "Sun, 06 Nov 1994 08:49:37 GMT", "\r\n",
		"Content-Length: ", "23", "\r\n", "\r\n", body)
	return pieces
}

// responseTwin writes one response per op with write into a 4 KB bufio.Writer (net/http's
// conn.bufw size) over the counting conn, then flushes it (one conn write per response in
// both variants, as net/http's finishRequest).
func responseTwin(write func(w *bufio.Writer)) *serialOps {
	conn := &countingWriter{}
	w := bufio.NewWriterSize(conn, 4<<10)
	return &serialOps{op: func() {
		write(w)
		w.Flush()
	}, state: conn}
}

// c8Reference: the pieces, one bufio call each (net/http's chunkWriter.writeHeader path).
func c8Reference() *serialOps {
	pieces := staticResponsePieces()
	return responseTwin(func(w *bufio.Writer) {
		for _, p := range pieces {
			w.WriteString(p)
		}
	})
}

// c8Improved: Bolt's 3.1: the same bytes pre-built once, one w.Write per response.
func c8Improved() *serialOps {
	var prebuilt []byte
	for _, p := range staticResponsePieces() {
		prebuilt = append(prebuilt, p...)
	}
	return responseTwin(func(w *bufio.Writer) { w.Write(prebuilt) })
}
