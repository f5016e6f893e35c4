package main

// A fake harness driving the adapter as `hotpath run` will: the test binary started again as
// the adapter process (TestMain), spoken to over its stdin and stdout.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const childEnv = "HOTPATH_PEERS_TEST_ADAPTER"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runAdapter())
	}
	os.Exit(m.Run())
}

type fakeHarness struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	cancel context.CancelFunc
}

func startAdapter(t *testing.T) *fakeHarness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &fakeHarness{t, cmd, stdin, bufio.NewReader(stdout), cancel}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	return h
}

// ask sends one request line and returns the answer line.
func (h *fakeHarness) ask(request string) string {
	h.t.Helper()
	if _, err := io.WriteString(h.stdin, request+"\n"); err != nil {
		h.t.Fatalf("%.60q: %v", request, err)
	}
	return h.read()
}

func (h *fakeHarness) read() string {
	h.t.Helper()
	line, err := h.stdout.ReadString('\n')
	if err != nil {
		h.t.Fatalf("reading an answer: %v", err)
	}
	return strings.TrimSuffix(line, "\n")
}

// fields: the key=value pairs of an answer after its first word.
func fields(answer string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Fields(answer)[1:] {
		if eq := strings.IndexByte(kv, '='); eq > 0 {
			m[kv[:eq]] = kv[eq+1:]
		}
	}
	return m
}

func (h *fakeHarness) expect(request, prefix string) string {
	h.t.Helper()
	answer := h.ask(request)
	if !strings.HasPrefix(answer, prefix) {
		h.t.Errorf("%.80q: answered %q, want %q...", request, answer, prefix)
	}
	return answer
}

func TestProtocol(t *testing.T) {
	h := startAdapter(t)
	hello := h.expect("hello 1", "ok ")
	if f := fields(hello); f["protocol"] != "1" || f["gin"] == "" || f["go"] == "" {
		t.Errorf("hello: %q", hello)
	}
	h.expect("hello 2", "error protocol version")

	// list: case lines, then ok count=K with K the number of lines.
	io.WriteString(h.stdin, "list\n")
	var names []string
	for {
		line := h.read()
		if strings.HasPrefix(line, "ok ") {
			if n, _ := strconv.Atoi(fields(line)["count"]); n != len(names) {
				t.Errorf("list: %d case lines, then %q", len(names), line)
			}
			break
		}
		f := fields(line)
		if !strings.HasPrefix(line, "case ") || f["peer"] == "" ||
			(f["threads"] != "serial" && f["threads"] != "parallel") ||
			(f["workload"] == "" && f["claim"] == "") {
			t.Fatalf("list: bad line %q", line)
		}
		names = append(names, strings.Fields(line)[1])
	}
	for _, want := range []string{"gin/request/static", "httprouter/request/concurrent",
		"gin/router/github/all", "twin/C1/reference", "twin/C7/improved"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("list lacks %s", want)
		}
	}

	// A serial case, a parallel one, a request case with its expected responses.
	h.expect("case a twin/C2/improved", "ok")
	h.expect("case b twin/C7/reference threads=2", "ok")
	expected := writeFixture(t, requestRecords(t, "static"))
	h.expect(fmt.Sprintf("case c gin/request/static workloads=%s expected=%s", workloadsDir,
		strings.ReplaceAll(expected, " ", "%20")), "ok requests=")
	for _, id := range []string{"a", "b", "c"} {
		f := fields(h.expect("sample "+id+" 2000", "ok "))
		ns, err1 := strconv.ParseFloat(f["ns_per_op"], 64)
		allocs, err2 := strconv.ParseFloat(f["allocs_per_op"], 64)
		_, err3 := strconv.ParseFloat(f["cpu_ns_per_op"], 64)
		_, err4 := strconv.ParseFloat(f["bytes_per_op"], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || ns <= 0 || allocs < 0 {
			t.Errorf("sample %s: %v", id, f)
		}
		wantOps := "2000"
		if id == "b" {
			wantOps = "4000" // two threads
		}
		if f["ops"] != wantOps {
			t.Errorf("sample %s: ops=%s, want %s", id, f["ops"], wantOps)
		}
	}

	// Bad requests: one error line each, and the adapter goes on.
	for _, bad := range []struct{ request, message string }{
		{"\x00\x01garbage \xff", "error unknown request"},
		{"", "error empty request line"},
		{"sample a 0", "error N="},
		{"sample a many", "error N="},
		{"sample nobody 10", "error no case"},
		{"case a twin/C1/reference", "error case ID a is in use"},
		{"case d no/such/case", "error no case"},
		{"case d twin/C1/reference threads=2", "error twin/C1/reference is a serial case"},
		{"case d twin/C7/improved", "error twin/C7/improved is a parallel case: threads=T is required"},
		{"case d twin/C7/improved threads=0", "error threads="},
		{"case d twin/C1/reference colour=blue", "error unknown parameter"},
		{"case d gin/request/static workloads=" + workloadsDir, "error gin/request/static: expected=FILE is required"},
		{"case d gin/router/github/all workloads=/nonexistent", "error gin/router/github/all: open /nonexistent"},
		{"case d gin/request/static workloads=" + workloadsDir + " expected=/nonexistent", "error gin/request/static: open /nonexistent"},
		{"case d? twin/C1/reference", "error case ID"},
		{strings.Repeat("x", lineMax+10), "error request line longer than"},
	} {
		h.expect(bad.request, bad.message)
	}
	h.expect("done a", "ok")
	h.expect("done a", "error no case")
	h.expect("sample c 100", "ok ")
	h.expect("quit", "ok")
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("after quit: %v", err)
	}
}

// The end of input ends the adapter as quit does; nothing but answers reaches stdout.
func TestEndOfInput(t *testing.T) {
	h := startAdapter(t)
	h.expect("case r gin/router/github/static workloads="+workloadsDir, "ok")
	h.stdin.Close()
	rest, err := io.ReadAll(h.stdout)
	if err != nil || len(rest) != 0 {
		t.Errorf("after the end of input: %q, %v", rest, err)
	}
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}
