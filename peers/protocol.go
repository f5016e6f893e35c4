package main

// The external-case line protocol, adapter side (docs/external-cases.md is the specification):
// one request line in, one answer line out (`list`: its case lines, then the answer line).
//
//	hello 1                        -> ok protocol=1 adapter=... (facts about the adapter)
//	list                           -> case NAME peer=P threads=serial|parallel key=value... (one
//	                                  per case), then ok count=K
//	case ID NAME [key=value...]    -> ok [key=value...]   the case prepared (and, for request/*,
//	                                  its responses checked) under the harness's ID
//	sample ID N                    -> ok ns_per_op=X cpu_ns_per_op=C allocs_per_op=A
//	                                  bytes_per_op=B ops=O wall_ns=W
//	done ID                        -> ok                  the case released
//	quit (or end of input)         -> ok, then exit 0
//
// Anything else, or a request that cannot be honoured, is answered `error MESSAGE` (one line)
// and the adapter waits for the next request.

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	protocolVersion = 1
	lineMax         = 64 << 10 // a request line
	maxThreads      = 256
	maxOps          = 1000000000000 // per thread per sample
)

type openCase struct {
	spec   *caseSpec
	bench  benchCase
	failed error // a sample failed: the case's state is unknown, it runs no more
}

type session struct {
	specs []caseSpec
	cases map[string]*openCase
	out   *bufio.Writer
}

func newSession(out io.Writer) *session {
	return &session{specs: allCases(), cases: map[string]*openCase{}, out: bufio.NewWriter(out)}
}

// serve answers requests from in until `quit` or the end of in; returns the exit status.
func serve(in io.Reader, out io.Writer) int {
	s := newSession(out)
	defer s.closeAll()
	r := bufio.NewReaderSize(in, 4096)
	for {
		text, err := readLine(r)
		if err == io.EOF {
			return 0
		}
		if err != nil {
			s.answer("error " + err.Error())
			continue
		}
		if quit := s.handle(text); quit {
			return 0
		}
	}
}

var errLineTooLong = fmt.Errorf("request line longer than %d bytes", lineMax)

// readLine: one line without its "\n" (and "\r"); a line over lineMax is consumed and refused.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong && len(b)+len(chunk) > lineMax+1 {
			tooLong, b = true, nil
		} else if !tooLong {
			b = append(b, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(b) == 0 && !tooLong:
			return "", io.EOF
		case err != nil && err != io.EOF:
			return "", err
		}
		if tooLong {
			return "", errLineTooLong
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
}

func (s *session) answer(line string) {
	s.out.WriteString(strings.NewReplacer("\n", " ", "\r", " ").Replace(line))
	s.out.WriteByte('\n')
	s.out.Flush()
}

// handle answers one request; true after quit.
func (s *session) handle(text string) (quit bool) {
	defer func() {
		if r := recover(); r != nil {
			s.answer(fmt.Sprintf("error internal error: %v", r))
		}
	}()
	fields := strings.Fields(text)
	if len(fields) == 0 {
		s.answer("error empty request line (expected hello, list, case, sample, done or quit)")
		return false
	}
	var answer string
	var err error
	switch fields[0] {
	case "hello":
		answer, err = s.hello(fields[1:])
	case "list":
		answer, err = s.list(fields[1:])
	case "case":
		answer, err = s.openCase(fields[1:])
	case "sample":
		answer, err = s.sample(fields[1:])
	case "done":
		answer, err = s.done(fields[1:])
	case "quit":
		s.closeAll()
		s.answer("ok")
		return true
	default:
		err = fmt.Errorf("unknown request %.40q (expected hello, list, case, sample, done or quit)", fields[0])
	}
	if err != nil {
		s.answer("error " + err.Error())
	} else {
		s.answer(answer)
	}
	return false
}

func (s *session) hello(args []string) (string, error) {
	if len(args) > 1 {
		return "", fmt.Errorf("usage: hello [VERSION]")
	}
	if len(args) == 1 && args[0] != strconv.Itoa(protocolVersion) {
		return "", fmt.Errorf("protocol version %.20q not supported (this adapter speaks %d)", args[0], protocolVersion)
	}
	return fmt.Sprintf("ok protocol=%d adapter=hotpath-peers go=%s gin=%s cpus=%d", protocolVersion,
		runtime.Version(), ginVersion, runtime.NumCPU()), nil
}

func (s *session) list(args []string) (string, error) {
	if len(args) != 0 {
		return "", fmt.Errorf("usage: list")
	}
	for i := range s.specs {
		s.out.WriteString(s.specs[i].listLine())
		s.out.WriteByte('\n')
	}
	return fmt.Sprintf("ok count=%d", len(s.specs)), nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-", c)) {
			return false
		}
	}
	return true
}

func (s *session) openCase(args []string) (string, error) {
	if len(args) < 2 {
		return "", fmt.Errorf("usage: case ID NAME [key=value...]")
	}
	id, name := args[0], args[1]
	if !validID(id) {
		return "", fmt.Errorf("case ID %.70q: 1 to 64 of A-Z a-z 0-9 . _ -", id)
	}
	if _, taken := s.cases[id]; taken {
		return "", fmt.Errorf("case ID %s is in use (done %s first)", id, id)
	}
	var spec *caseSpec
	for i := range s.specs {
		if s.specs[i].name == name {
			spec = &s.specs[i]
		}
	}
	if spec == nil {
		return "", fmt.Errorf("no case %.100q (list names them)", name)
	}
	params := caseParams{threads: 1}
	threadsGiven := false
	for _, kv := range args[2:] {
		eq := strings.IndexByte(kv, '=')
		if eq <= 0 {
			return "", fmt.Errorf("%.100q is not key=value", kv)
		}
		key := kv[:eq]
		value, err := url.PathUnescape(kv[eq+1:])
		if err != nil {
			return "", fmt.Errorf("%s: bad percent-encoding in %.100q", key, kv)
		}
		switch key {
		case "threads":
			if !spec.parallel {
				return "", fmt.Errorf("%s is a serial case: it takes no threads", name)
			}
			t, err := strconv.Atoi(value)
			if err != nil || t < 1 || t > maxThreads {
				return "", fmt.Errorf("threads=%.20q: a count from 1 to %d", value, maxThreads)
			}
			params.threads, threadsGiven = t, true
		case "workloads":
			params.workloads = value
		case "expected":
			params.expected = value
		default:
			return "", fmt.Errorf("unknown parameter %.40q (known: threads, workloads, expected)", key)
		}
	}
	if spec.parallel && !threadsGiven {
		return "", fmt.Errorf("%s is a parallel case: threads=T is required", name)
	}
	bench, meta, err := spec.open(params)
	if err != nil {
		return "", fmt.Errorf("%s: %v", name, err)
	}
	s.cases[id] = &openCase{spec: spec, bench: bench}
	return strings.Join(append([]string{"ok"}, meta...), " "), nil
}

func (s *session) lookup(id string) (*openCase, error) {
	c := s.cases[id]
	if c == nil {
		return nil, fmt.Errorf("no case %.70q is set up (case ID NAME first)", id)
	}
	return c, nil
}

func (s *session) sample(args []string) (string, error) {
	if len(args) != 2 {
		return "", fmt.Errorf("usage: sample ID N")
	}
	c, err := s.lookup(args[0])
	if err != nil {
		return "", err
	}
	if c.failed != nil {
		return "", fmt.Errorf("%s failed in an earlier sample: %v", c.spec.name, c.failed)
	}
	n, err := strconv.ParseUint(args[1], 10, 64)
	if err != nil || n < 1 || n > maxOps {
		return "", fmt.Errorf("N=%.30q: a count of ops from 1 to %d", args[1], uint64(maxOps))
	}
	m, err := measure(c.bench, n)
	if err != nil {
		c.failed = err
		return "", fmt.Errorf("%s: %v", c.spec.name, err)
	}
	return m.String(), nil
}

func (s *session) done(args []string) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("usage: done ID")
	}
	c, err := s.lookup(args[0])
	if err != nil {
		return "", err
	}
	c.bench.close()
	delete(s.cases, args[0])
	return "ok", nil
}

func (s *session) closeAll() {
	for id, c := range s.cases {
		c.bench.close()
		delete(s.cases, id)
	}
}

// ---- one sample ----

type measurement struct {
	ops            uint64
	wall, cpu      time.Duration
	mallocs, bytes uint64
}

func (m measurement) String() string {
	per := func(x float64) string { return formatFloat(x / float64(m.ops)) }
	return fmt.Sprintf("ok ns_per_op=%s cpu_ns_per_op=%s allocs_per_op=%s bytes_per_op=%s ops=%d wall_ns=%d",
		per(float64(m.wall.Nanoseconds())), per(float64(m.cpu.Nanoseconds())), per(float64(m.mallocs)),
		per(float64(m.bytes)), m.ops, m.wall.Nanoseconds())
}

// measure runs n ops on each of the case's goroutines, as `go test -bench` times b.N: GOMAXPROCS
// set to the case's thread count, a garbage collection first (testing.B.runN does the same),
// then wall time, the process's CPU time (every thread: the GC's included) and
// runtime.MemStats' Mallocs and TotalAlloc (what -benchmem reports) around the run.
func measure(c benchCase, n uint64) (measurement, error) {
	if t := c.threads(); runtime.GOMAXPROCS(0) != t {
		runtime.GOMAXPROCS(t)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := processCPU()
	start := time.Now()
	err := c.run(n)
	wall := time.Since(start)
	cpu1 := processCPU()
	runtime.ReadMemStats(&after)
	if err != nil {
		return measurement{}, err
	}
	if wall <= 0 {
		wall = 1
	}
	return measurement{
		ops: n * uint64(c.threads()), wall: wall, cpu: cpu1 - cpu0,
		mallocs: after.Mallocs - before.Mallocs, bytes: after.TotalAlloc - before.TotalAlloc,
	}, nil
}

// processCPU: user + system time of the whole process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
