package main

// An in-memory keep-alive connection for net/http's own server, with no network in between,
// as one of two clients (clientMode):
//   - pipelined (the default): every request of a batch is readable at once, as a keep-alive
//     client that pipelines sends them, so net/http serves them back to back: its bufio reader
//     takes up to 4 KiB of requests per Read, and the server goroutine never waits for the
//     next request. This is what hotpath's request op does (the request bytes are already in
//     memory when the op starts), so it is the one compared with it.
//   - waiting: one request, then the next only once the whole response has been written (a
//     client that waits for each answer). The server goroutine then blocks in Read after every
//     response, and net/http's per-request background read (its hang-up watch) blocks too, so
//     each request also pays a goroutine wake-up and park: work a real server pays per request
//     on a non-pipelined connection, which hotpath's op leaves out.
// Writes are counted (and kept while verifying, which is always one request at a time). The server code above it is unchanged net/http: conn.serve, its bufio reader and
// writer, readRequest, the background read that watches for a client hang-up (aborted per
// request through SetReadDeadline, which this conn honours), response.finishRequest.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

type memConn struct {
	mu   sync.Mutex
	cond sync.Cond // signalled when readable, closed or the read deadline changes

	requests [][]byte
	methods  []string // of each request: a HEAD response has no body
	lengths  []int    // each request's response length; nil until learned by verifying
	next     int      // index of the next request to hand out

	readable []byte // what the server may read now: the rest of the current request
	current  int    // index of the request being answered
	respLeft int    // bytes of its response still to come (timing)
	toSend   uint64 // requests still to hand out after the current one

	deadlinePassed bool
	closed         bool

	// pipelined timing batches: requests still to make readable (sendIdx, sendOff: where) and
	// responses still to complete.
	pipelined        bool
	sendLeft         uint64
	sendIdx, sendOff int
	answerLeft       uint64

	capture  *bytes.Buffer // verifying: the response bytes of the current request
	captured [][]byte      // verifying: one complete response per request
	broken   error         // a response longer than expected: the batch is stopped
	done     chan error    // one value per batch, when its last response is complete
}

// clientMode: how the in-memory client offers its requests (see the top of this file).
type clientMode int

const (
	clientPipelined clientMode = iota
	clientWaiting
)

// clientModeEnv chooses the mode: HOTPATH_PEERS_CLIENT=pipelined (the default) or waiting.
const clientModeEnv = "HOTPATH_PEERS_CLIENT"

func clientModeFromEnv() (clientMode, string, error) {
	switch v := os.Getenv(clientModeEnv); v {
	case "", "pipelined":
		return clientPipelined, "pipelined", nil
	case "waiting":
		return clientWaiting, "waiting", nil
	default:
		return 0, "", fmt.Errorf("%s=%q: pipelined or waiting", clientModeEnv, v)
	}
}

func newMemConn(requests [][]byte, methods []string, first int, mode clientMode) *memConn {
	c := &memConn{requests: requests, methods: methods, next: first, done: make(chan error, 1),
		pipelined: mode == clientPipelined}
	c.cond.L = &c.mu
	return c
}

// startBatch makes the next n requests of the cycle available, one after the other; done
// receives one value when the last response is complete. With capture, responses are kept
// (captured) and their lengths learned; without, lengths must be known.
func (c *memConn) startBatch(n uint64, capture bool) {
	c.mu.Lock()
	c.toSend = n
	c.broken = nil
	if capture {
		c.capture = new(bytes.Buffer)
		c.captured = c.captured[:0]
	} else {
		c.capture = nil
	}
	if c.pipelined && !capture && n > 0 {
		c.toSend = 0
		c.sendLeft, c.answerLeft = n, n
		c.sendIdx, c.sendOff = c.next, 0
		c.current, c.respLeft = c.next, c.lengths[c.next]
		c.next = int((uint64(c.next) + n) % uint64(len(c.requests)))
		c.cond.Broadcast()
		c.mu.Unlock()
		return
	}
	c.handOutLocked()
	c.mu.Unlock()
}

// readPipelinedLocked fills p with the batch's next request bytes, across requests.
func (c *memConn) readPipelinedLocked(p []byte) int {
	n := 0
	for n < len(p) && c.sendLeft > 0 {
		req := c.requests[c.sendIdx]
		k := copy(p[n:], req[c.sendOff:])
		n += k
		if c.sendOff += k; c.sendOff == len(req) {
			c.sendOff = 0
			c.sendLeft--
			if c.sendIdx++; c.sendIdx == len(c.requests) {
				c.sendIdx = 0
			}
		}
	}
	return n
}

// writePipelinedLocked counts response bytes against the verified lengths, across responses.
func (c *memConn) writePipelinedLocked(left int) {
	for left > 0 && c.answerLeft > 0 {
		if left < c.respLeft {
			c.respLeft -= left
			return
		}
		left -= c.respLeft
		c.answerLeft--
		if c.current++; c.current == len(c.requests) {
			c.current = 0
		}
		c.respLeft = c.lengths[c.current]
		if c.answerLeft == 0 {
			if left > 0 && c.broken == nil {
				c.broken = errors.New("more response bytes than the verified responses of the batch")
			}
			c.done <- c.broken
		}
	}
}

// handOutLocked makes the next request readable, or reports the batch done.
func (c *memConn) handOutLocked() {
	if c.toSend == 0 {
		c.readable = nil
		c.done <- c.broken
		return
	}
	c.toSend--
	c.current = c.next
	c.readable = c.requests[c.next]
	if c.lengths != nil {
		c.respLeft = c.lengths[c.next]
	}
	if c.next++; c.next == len(c.requests) {
		c.next = 0
	}
	c.cond.Broadcast()
}

func (c *memConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		switch {
		case c.closed:
			return 0, net.ErrClosed
		case c.deadlinePassed: // as a socket: a passed deadline wins over available data
			return 0, os.ErrDeadlineExceeded
		case len(c.readable) > 0:
			n := copy(p, c.readable)
			c.readable = c.readable[n:]
			return n, nil
		case c.sendLeft > 0:
			return c.readPipelinedLocked(p), nil
		}
		c.cond.Wait()
	}
}

func (c *memConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.capture != nil {
		c.capture.Write(p)
		n, complete, err := responseLength(c.capture.Bytes(), c.methods[c.current])
		if err != nil && c.broken == nil {
			c.broken = fmt.Errorf("response to request %d: %v", c.current+1, err)
		}
		if complete || err != nil {
			c.captured = append(c.captured, append([]byte(nil), c.capture.Bytes()[:n]...))
			c.capture.Reset()
			c.handOutLocked()
		}
		return len(p), nil
	}
	if c.pipelined {
		c.writePipelinedLocked(len(p))
		return len(p), nil
	}
	c.respLeft -= len(p)
	if c.respLeft < 0 && c.broken == nil {
		c.broken = fmt.Errorf("the response to request %d is longer than when it was verified",
			c.current+1)
	}
	if c.respLeft <= 0 {
		c.handOutLocked()
	}
	return len(p), nil
}

// responseLength: the length of the HTTP/1.1 response at the start of b once it is complete
// (header block and Content-Length bytes of body). A response without Content-Length is an
// error here: every response of these handlers fits net/http's buffer, which then sets it.
func responseLength(b []byte, method string) (n int, complete bool, err error) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return len(b), false, nil
	}
	head := b[:end+4]
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(head)), &http.Request{Method: method})
	if err != nil {
		return len(b), false, err
	}
	if method == http.MethodHead {
		return len(head), true, nil
	}
	if resp.ContentLength < 0 {
		return len(b), false, errors.New("no Content-Length (chunked or close-delimited)")
	}
	total := len(head) + int(resp.ContentLength)
	if len(b) < total {
		return len(b), false, nil
	}
	return total, true, nil
}

func (c *memConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	return nil
}

// SetReadDeadline: net/http sets a deadline in the past to abort its background read after
// each request, and the zero time to clear it. The server here has no timeouts, so a deadline
// in the future is never set; it is treated as none.
func (c *memConn) SetReadDeadline(t time.Time) error {
	passed := !t.IsZero() && !t.After(time.Now())
	c.mu.Lock()
	c.deadlinePassed = passed
	if passed {
		c.cond.Broadcast()
	}
	c.mu.Unlock()
	return nil
}

func (c *memConn) SetWriteDeadline(time.Time) error { return nil } // writes never block
func (c *memConn) SetDeadline(t time.Time) error    { return c.SetReadDeadline(t) }

var (
	serverAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	clientAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
)

func (c *memConn) LocalAddr() net.Addr  { return serverAddr }
func (c *memConn) RemoteAddr() net.Addr { return clientAddr }

// memListener hands out its connections once each, then blocks until closed.
type memListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newMemListener(conns []*memConn) *memListener {
	l := &memListener{conns: make(chan net.Conn, len(conns)), closed: make(chan struct{})}
	for _, c := range conns {
		l.conns <- c
	}
	return l
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *memListener) Addr() net.Addr { return serverAddr }
