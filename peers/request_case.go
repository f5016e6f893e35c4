package main

// request/* cases: the requests hotpath times (read from the expected-responses file, in its
// order), each as raw HTTP/1.1 bytes through net/http's own server (http.Server.Serve on an
// in-memory keep-alive connection, memconn.go) into the framework's user handler
// (frameworks.go); the response as net/http's server writes it, counted. One op = one request
// answered. Before timing, every response is checked against hotpath's (verify.go).
//
// Threads: T connections, each served by its own server goroutine (net/http's conn.serve),
// each starting at its own offset of the request list (i*count/T, as hotpath's threads do);
// the sample waits for all of them. Difference from hotpath's op: net/http formats Date per
// response (time.Now) and starts a background read goroutine per request; hotpath's pipeline
// formats the date once per run and has no hang-up watch (impls/http/pipeline.h).

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

// watchdogTimeout bounds one batch: a server that stops answering (a handler stuck, a
// response shorter than verified) gives an error instead of a hang. The harness applies its
// own, shorter timeouts (docs/external-cases.md).
const watchdogTimeout = 60 * time.Second

type requestCase struct {
	server *http.Server
	conns  []*memConn
	timer  *time.Timer
}

func newRequestCase(fw framework, routes []line, records []record, threads int,
	mode clientMode) (*requestCase, error) {
	handler, err := fw.api(routes)
	if err != nil {
		return nil, err
	}
	requests := make([][]byte, len(records))
	methods := make([]string, len(records))
	for i, r := range records {
		requests[i], methods[i] = r.request, requestMethod(r.request)
	}
	rc := &requestCase{timer: time.NewTimer(time.Hour)}
	rc.timer.Stop()
	for t := 0; t < threads; t++ {
		rc.conns = append(rc.conns, newMemConn(requests, methods, t*len(requests)/threads, mode))
	}
	conns := append([]*memConn{}, rc.conns...)
	rc.server = &http.Server{
		Handler:  handler,
		ErrorLog: log.New(os.Stderr, "hotpath-peers: "+fw.name+": ", 0),
	}
	listener := newMemListener(conns)
	go rc.server.Serve(listener)
	if err := rc.verify(records, methods); err != nil {
		rc.close()
		return nil, err
	}
	return rc, nil
}

// verify serves every record once on the first connection, keeping the responses; compares
// each with hotpath's; gives every connection the response lengths (how a batch knows that a
// response is complete).
func (rc *requestCase) verify(records []record, methods []string) error {
	first := rc.conns[0]
	first.startBatch(uint64(len(records)), true)
	if err := rc.wait(first); err != nil {
		return fmt.Errorf("serving the expected requests once: %v", err)
	}
	if len(first.captured) != len(records) {
		return fmt.Errorf("%d responses to %d requests", len(first.captured), len(records))
	}
	lengths := make([]int, len(records))
	for i, got := range first.captured {
		if err := compareResponses(got, records[i].response, methods[i]); err != nil {
			return fmt.Errorf("request %d (%s): %v", i+1, requestLine(records[i].request), err)
		}
		lengths[i] = len(got)
	}
	for _, c := range rc.conns {
		c.mu.Lock()
		c.lengths = lengths
		c.mu.Unlock()
	}
	return nil
}

func (rc *requestCase) wait(c *memConn) error {
	rc.timer.Reset(watchdogTimeout)
	var err error
	select {
	case err = <-c.done:
		if !rc.timer.Stop() {
			<-rc.timer.C
		}
	case <-rc.timer.C:
		err = fmt.Errorf("no complete answer within %v", watchdogTimeout)
	}
	return err
}

func (rc *requestCase) threads() int { return len(rc.conns) }

func (rc *requestCase) run(n uint64) error {
	for _, c := range rc.conns {
		c.startBatch(n, false)
	}
	for _, c := range rc.conns {
		if err := rc.wait(c); err != nil {
			return err
		}
	}
	return nil
}

func (rc *requestCase) close() { rc.server.Close() }
