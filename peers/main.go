// Command hotpath-peers: Gin and httprouter doing the work of hotpath's request/* and
// router/github/* workloads, and Go twins of the Go claims of Bolt's plan, as external cases of
// `hotpath run`: started once per run, it answers the line protocol of docs/external-cases.md
// on stdin/stdout (protocol.go) until `quit` or the end of its input.
//
// Build and test offline with scripts/go-peers.sh (GOPATH mode, Debian's Gin and httprouter).
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: hotpath-peers   (no arguments: it speaks the line protocol of "+
			"docs/external-cases.md on stdin and stdout)")
		os.Exit(2)
	}
	os.Exit(runAdapter())
}

// runAdapter serves the protocol on stdin and stdout. Only the protocol writes to stdout:
// anything else that prints (a library's debug output) goes to stderr.
func runAdapter() int {
	protocol := os.Stdout
	os.Stdout = os.Stderr
	return serve(os.Stdin, protocol)
}
