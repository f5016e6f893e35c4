package main

// Is a peer's response the one hotpath gave to the same request? (docs/external-cases.md,
// "Checking a peer's responses".) Same status; the same set of header names; Date and Server
// present in both, values not compared (the time, the product); Content-Length each consistent
// with its own body (the bytes may differ: see the body); Content-Type the same media type,
// the one parameter allowed on either side being charset=utf-8 (Gin adds it; JSON is UTF-8 by
// definition, RFC 8259); Allow the same set of methods, OPTIONS aside (httprouter lists it
// because it could answer OPTIONS itself); every other header the same value; the bodies the
// same JSON value (encoding/json sorts object keys and escapes <, > and & as \u00XX, so the
// bytes differ in order and may differ in length).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
)

type parsedResponse struct {
	status int
	header http.Header
	body   []byte
}

func parseResponse(b []byte, method string) (*parsedResponse, error) {
	r := bufio.NewReader(bytes.NewReader(b))
	resp, err := http.ReadResponse(r, &http.Request{Method: method})
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, responseMax+1))
	if err != nil {
		return nil, fmt.Errorf("body: %v", err)
	}
	if rest := r.Buffered(); rest != 0 {
		return nil, fmt.Errorf("%d bytes after the response", rest)
	}
	return &parsedResponse{resp.StatusCode, resp.Header, body}, nil
}

// requestLine: the first line of a raw request, for messages.
func requestLine(request []byte) string {
	if i := bytes.Index(request, []byte("\r\n")); i >= 0 {
		request = request[:i]
	}
	if len(request) > 200 {
		request = request[:200]
	}
	return strings.TrimSuffix(string(request), " HTTP/1.1")
}

// requestMethod: the method token of a raw request.
func requestMethod(request []byte) string {
	if i := bytes.IndexByte(request, ' '); i > 0 {
		return string(request[:i])
	}
	return ""
}

// compareResponses returns nil when got matches want (the rules above), else what differs.
func compareResponses(got, want []byte, method string) error {
	w, err := parseResponse(want, method)
	if err != nil {
		return fmt.Errorf("the expected response does not parse: %v", err)
	}
	g, err := parseResponse(got, method)
	if err != nil {
		return fmt.Errorf("the peer's response does not parse: %v", err)
	}
	if g.status != w.status {
		return fmt.Errorf("status %d, expected %d", g.status, w.status)
	}
	if missing, extra := headerNameDiff(g.header, w.header); len(missing)+len(extra) > 0 {
		return fmt.Errorf("header names differ: missing %v, unexpected %v", missing, extra)
	}
	for name := range w.header {
		gv, wv := g.header.Get(name), w.header.Get(name)
		var ok bool
		switch name {
		case "Date", "Server", "Content-Length":
			ok = true
		case "Content-Type":
			ok = sameMediaType(gv, wv)
		case "Allow":
			ok = sameMethods(gv, wv)
		default:
			ok = gv == wv
		}
		if !ok {
			return fmt.Errorf("header %s: %q, expected %q", name, gv, wv)
		}
	}
	var gb, wb interface{}
	if err := json.Unmarshal(w.body, &wb); err != nil {
		return fmt.Errorf("the expected body is not JSON: %v", err)
	}
	if err := json.Unmarshal(g.body, &gb); err != nil {
		return fmt.Errorf("the peer's body is not JSON: %v: %.200q", err, g.body)
	}
	if !reflect.DeepEqual(gb, wb) {
		return fmt.Errorf("body %.300s, expected %.300s", g.body, w.body)
	}
	return nil
}

func headerNameDiff(got, want http.Header) (missing, extra []string) {
	for name := range want {
		if _, ok := got[name]; !ok {
			missing = append(missing, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

func sameMediaType(got, want string) bool {
	gt, gp, gerr := mime.ParseMediaType(got)
	wt, wp, werr := mime.ParseMediaType(want)
	return gerr == nil && werr == nil && gt == wt && onlyUTF8(gp) && onlyUTF8(wp)
}

func onlyUTF8(params map[string]string) bool {
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}

func sameMethods(got, want string) bool {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" && f != http.MethodOptions {
				m[f] = true
			}
		}
		return m
	}
	return reflect.DeepEqual(set(got), set(want))
}
