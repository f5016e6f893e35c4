package main

// The cases this adapter offers (`list`), and how each is set up from the `case` parameters.

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// benchCase is a prepared case: run(n) does n ops on each of threads() goroutines.
type benchCase interface {
	threads() int
	run(n uint64) error
	close()
}

type caseParams struct {
	threads   int    // 1 unless the case is parallel
	workloads string // hotpath's workloads/ directory
	expected  string // the expected-responses file (request/* cases)
}

type caseSpec struct {
	name     string
	attrs    []string // the `list` line's key=value attributes, after peer and threads
	peer     string
	parallel bool
	// open prepares the case; meta: key=value facts for the `ok` answer.
	open func(p caseParams) (benchCase, []string, error)
}

// The request/* workloads the peers mirror (harness/cases/request_cases.c); all on the GitHub set.
var requestKinds = []struct {
	kind     string
	parallel bool
}{{"static", false}, {"dynamic", false}, {"param2", false}, {"concurrent", true}}

// The router/github/* workloads the peers mirror (harness/cases/router_cases.c; the GitHub set has
// no param1 list).
var routerKinds = []string{"all", "static", "param2", "realistic"}

func githubRoutes(p caseParams) ([]line, error) {
	if p.workloads == "" {
		return nil, fmt.Errorf("workloads=DIR is required (hotpath's workloads directory)")
	}
	return readLines(filepath.Join(p.workloads, "routes", "github.routes"))
}

func serialTwin(build func() *serialOps, meta ...string) func(caseParams) (benchCase, []string, error) {
	return func(caseParams) (benchCase, []string, error) { return build(), meta, nil }
}

func allCases() []caseSpec {
	var specs []caseSpec
	for _, fw := range frameworks {
		fw := fw
		for _, rk := range requestKinds {
			workload := "request/" + rk.kind
			specs = append(specs, caseSpec{
				name: fw.name + "/" + workload, peer: fw.name, parallel: rk.parallel,
				attrs: []string{"workload=" + workload, "needs=workloads,expected"},
				open: func(p caseParams) (benchCase, []string, error) {
					routes, err := githubRoutes(p)
					if err != nil {
						return nil, nil, err
					}
					if p.expected == "" {
						return nil, nil, fmt.Errorf("expected=FILE is required (the responses " +
							"hotpath gave, which the peer's must match before it is timed)")
					}
					records, err := readExpected(p.expected)
					if err != nil {
						return nil, nil, err
					}
					mode, modeName, err := clientModeFromEnv()
					if err != nil {
						return nil, nil, err
					}
					rc, err := newRequestCase(fw, routes, records, p.threads, mode)
					if err != nil {
						return nil, nil, err
					}
					return rc, []string{"requests=" + strconv.Itoa(len(records)),
						"verified=" + strconv.Itoa(len(records)), "client=" + modeName}, nil
				},
			})
		}
		for _, kind := range routerKinds {
			kind := kind
			workload := "router/github/" + kind
			specs = append(specs, caseSpec{
				name: fw.name + "/" + workload, peer: fw.name,
				attrs: []string{"workload=" + workload, "needs=workloads"},
				open: func(p caseParams) (benchCase, []string, error) {
					routes, err := githubRoutes(p)
					if err != nil {
						return nil, nil, err
					}
					requests, err := routerRequests(p.workloads, "github", kind, routes)
					if err != nil {
						return nil, nil, err
					}
					rc, found, err := newRouterCase(fw, routes, requests)
					if err != nil {
						return nil, nil, err
					}
					return rc, []string{"requests=" + strconv.Itoa(len(requests)),
						"found_share=" + formatFloat(found)}, nil
				},
			})
		}
	}
	inline, split := contextSizes()
	twin := func(claim, variant string, open func(caseParams) (benchCase, []string, error)) caseSpec {
		return caseSpec{name: "twin/" + claim + "/" + variant, peer: "go",
			attrs: []string{"claim=" + claim, "variant=" + variant}, open: open}
	}
	specs = append(specs,
		twin("C1", "reference", serialTwin(c1Reference)),
		twin("C1", "improved", serialTwin(c1Improved)),
		twin("C2", "reference", serialTwin(c1Improved)),
		twin("C2", "improved", serialTwin(c2Improved)),
		twin("C4", "reference", serialTwin(c4Reference, "context_bytes="+strconv.Itoa(int(inline)))),
		twin("C4", "improved", serialTwin(c4Improved, "context_bytes="+strconv.Itoa(int(split)))),
		twin("C8", "reference", serialTwin(c8Reference)),
		twin("C8", "improved", serialTwin(c8Improved)),
	)
	for _, variant := range []string{"reference", "improved"} {
		open := c7Reference
		if variant == "improved" {
			open = c7Improved
		}
		spec := twin("C7", variant, func(p caseParams) (benchCase, []string, error) {
			return open(p.threads), nil, nil
		})
		spec.parallel = true
		specs = append(specs, spec)
	}
	return specs
}

// listLine: the `list` answer line of a case.
func (s *caseSpec) listLine() string {
	threads := "serial"
	if s.parallel {
		threads = "parallel"
	}
	return strings.Join(append([]string{"case", s.name, "peer=" + s.peer, "threads=" + threads}, s.attrs...), " ")
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', 7, 64) }
