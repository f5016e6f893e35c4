package main

// The files a case reads: route sets and request lists (workloads/README.md), and the
// expected-responses file hotpath writes for a request workload (docs/external-cases.md).
// Every read has a size limit; a bad file is refused with FILE:LINE and the problem.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

const (
	listFileMax     = 64 << 20 // a route set or request list
	expectedFileMax = 64 << 20 // an expected-responses file
	requestMax      = 1 << 20  // one request: net/http's DefaultMaxHeaderBytes
	responseMax     = 1 << 20  // one response
	recordsMax      = 1000000  // records in one expected-responses file
)

// The methods hotpath's routers know (impls/routers/route_set.c), in its order.
var knownMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}

// line is one `METHOD /path` line of a route set or request list. For a request, path may
// carry a query; target splits it.
type line struct {
	method, path string
	number       int // in its file, for messages
}

// target splits a request path into the path and the raw query (without the '?').
func (l line) target() (path, rawQuery string) {
	if i := strings.IndexByte(l.path, '?'); i >= 0 {
		return l.path[:i], l.path[i+1:]
	}
	return l.path, ""
}

// readFileLimited reads a whole regular file of at most max bytes.
func readFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return data, nil
}

// readLines reads a route set or request list: `METHOD PATH` a line, blank lines and `#`
// comments skipped. Paths must start with '/'.
func readLines(path string) ([]line, error) {
	data, err := readFileLimited(path, listFileMax)
	if err != nil {
		return nil, err
	}
	var out []line
	for number, text := range strings.Split(string(data), "\n") {
		text = strings.TrimSpace(text)
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: expected 'METHOD /path', got %q", path, number+1, text)
		}
		if !isKnownMethod(fields[0]) {
			return nil, fmt.Errorf("%s:%d: unknown method %q (known: %s)", path, number+1,
				fields[0], strings.Join(knownMethods, " "))
		}
		if fields[1][0] != '/' {
			return nil, fmt.Errorf("%s:%d: the path %q does not start with '/'", path, number+1, fields[1])
		}
		out = append(out, line{fields[0], fields[1], number + 1})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no lines", path)
	}
	return out, nil
}

func isKnownMethod(m string) bool {
	for _, k := range knownMethods {
		if m == k {
			return true
		}
	}
	return false
}

// record is one request of a request workload and the response hotpath's pipeline gave it.
type record struct {
	request, response []byte
}

// The expected-responses format, version 1 (docs/external-cases.md):
//
//	hotpath-responses 1\n
//	then per record: "request LEN\n" LEN bytes "\n" "response LEN\n" LEN bytes "\n"
//	and last "end COUNT\n" (COUNT records; its absence means a truncated file).
const expectedMagic = "hotpath-responses 1\n"

// writeExpected writes records in the expected-responses format (the Go tests' fixture; hotpath
// writes the same format).
func writeExpected(w io.Writer, records []record) error {
	var b bytes.Buffer
	b.WriteString(expectedMagic)
	for _, r := range records {
		fmt.Fprintf(&b, "request %d\n", len(r.request))
		b.Write(r.request)
		fmt.Fprintf(&b, "\nresponse %d\n", len(r.response))
		b.Write(r.response)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "end %d\n", len(records))
	_, err := w.Write(b.Bytes())
	return err
}

// readExpected reads an expected-responses file.
func readExpected(path string) ([]record, error) {
	data, err := readFileLimited(path, expectedFileMax)
	if err != nil {
		return nil, err
	}
	lineNo := 1
	fail := func(format string, args ...interface{}) ([]record, error) {
		return nil, fmt.Errorf("%s:%d: %s", path, lineNo, fmt.Sprintf(format, args...))
	}
	if !bytes.HasPrefix(data, []byte(expectedMagic)) {
		return fail("not an expected-responses file (the first line must be %q)",
			strings.TrimSuffix(expectedMagic, "\n"))
	}
	rest := data[len(expectedMagic):]
	lineNo++
	// field reads "NAME LEN\n" and then LEN bytes and a "\n"; returns the bytes.
	field := func(name string, max int) ([]byte, error) {
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("%s:%d: truncated (expected %q)", path, lineNo, name+" LEN")
		}
		head := string(rest[:nl])
		if !strings.HasPrefix(head, name+" ") {
			return nil, fmt.Errorf("%s:%d: expected %q, got %q", path, lineNo, name+" LEN", head)
		}
		n, err := strconv.Atoi(head[len(name)+1:])
		if err != nil || n < 0 || n > max {
			return nil, fmt.Errorf("%s:%d: bad length in %q (0 to %d)", path, lineNo, head, max)
		}
		rest = rest[nl+1:]
		if len(rest) < n+1 || rest[n] != '\n' {
			return nil, fmt.Errorf("%s:%d: %s of %d bytes truncated or not followed by a newline",
				path, lineNo, name, n)
		}
		body := rest[:n]
		lineNo += 2 + bytes.Count(body, []byte{'\n'})
		rest = rest[n+1:]
		return body, nil
	}
	var records []record
	for !bytes.HasPrefix(rest, []byte("end ")) {
		if len(records) == recordsMax {
			return fail("more than %d records", recordsMax)
		}
		request, err := field("request", requestMax)
		if err != nil {
			return nil, err
		}
		response, err := field("response", responseMax)
		if err != nil {
			return nil, err
		}
		records = append(records, record{request, response})
	}
	want := fmt.Sprintf("end %d\n", len(records))
	if string(rest) != want {
		return fail("expected %q as the last line after %d records", strings.TrimSuffix(want, "\n"),
			len(records))
	}
	if len(records) == 0 {
		return fail("no records")
	}
	return records, nil
}
