package main

// The two peers, Gin and httprouter, each set up twice on a route set: as a user of the
// framework writes an API (request/* cases: the handler below, behind net/http's server), and
// in the form of go-http-routing-benchmark (router/* cases: an empty handler, ServeHTTP called
// directly).
//
// The request handler does what hotpath's pipeline handler does (impls/http/pipeline.h): the body
// {"route":PATTERN, PARAM:VALUE..., "query":{...}} as JSON and the headers Content-Type,
// Server, X-Content-Type-Options, X-Frame-Options; 404 {"error":"not found"} and 405
// {"error":"method not allowed"} with the same headers; no redirects (hotpath answers a
// trailing-slash mismatch with 404). Known differences, checked by verify.go and listed in
// docs/external-cases.md: Gin's c.JSON sends "application/json; charset=utf-8"; Gin 1.8.1 sends
// no Allow header with a 405; httprouter's Allow adds OPTIONS; query values are decoded here
// (url.Values) where hotpath keeps them raw. encoding/json sorts the keys, so the bodies are
// compared as parsed objects.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/julienschmidt/httprouter"
)

type framework struct {
	name string
	// api: the route set behind the user's handler (request/* cases).
	api func(routes []line) (http.Handler, error)
	// bench: the route set with an empty handler, as go-http-routing-benchmark loads it.
	bench func(routes []line) (http.Handler, error)
}

var frameworks = []framework{
	{"gin", ginAPI, ginBench},
	{"httprouter", httprouterAPI, httprouterBench},
}

func init() {
	// Gin prints to os.Stdout in debug mode; stdout carries the protocol.
	gin.SetMode(gin.ReleaseMode)
	gin.DefaultWriter = os.Stderr
	gin.DefaultErrorWriter = os.Stderr
}

// registerAll adds every route, turning the router's panic on a route it refuses (a conflict)
// into an error naming the route.
func registerAll(routes []line, add func(method, path string)) (err error) {
	var current line
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("line %d: the router refuses %s %s: %v", current.number, current.method,
				current.path, r)
		}
	}()
	for _, current = range routes {
		add(current.method, current.path)
	}
	return nil
}

// queryObject: the "query" member of the body, nil without a query: the first value of each
// name, decoded (url.ParseQuery).
func queryObject(u *url.URL) map[string]interface{} {
	if u.RawQuery == "" {
		return nil
	}
	values := u.Query()
	if len(values) == 0 {
		return nil
	}
	query := make(map[string]interface{}, len(values))
	for name, v := range values {
		query[name] = v[0]
	}
	return query
}

// ---- Gin ----

// ginRoute is the handler every route shares, as a Gin user writes it: the extra headers with
// c.Header (Header.Set underneath), the body with c.JSON (which sets Content-Type itself).
func ginRoute(c *gin.Context) {
	c.Header("Server", "gin")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("X-Frame-Options", "DENY")
	body := gin.H{"route": c.FullPath()}
	for _, p := range c.Params {
		body[p.Key] = p.Value
	}
	if query := queryObject(c.Request.URL); query != nil {
		body["query"] = query
	}
	c.JSON(http.StatusOK, body)
}

func ginError(status int, message string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Server", "gin")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("X-Frame-Options", "DENY")
		c.JSON(status, gin.H{"error": message})
	}
}

func ginAPI(routes []line) (http.Handler, error) {
	engine := gin.New()
	engine.RedirectTrailingSlash = false
	engine.RedirectFixedPath = false
	engine.HandleMethodNotAllowed = true
	engine.NoRoute(ginError(http.StatusNotFound, "not found"))
	engine.NoMethod(ginError(http.StatusMethodNotAllowed, "method not allowed"))
	err := registerAll(routes, func(method, path string) { engine.Handle(method, path, ginRoute) })
	return engine, err
}

func ginBench(routes []line) (http.Handler, error) {
	engine := gin.New()
	err := registerAll(routes, func(method, path string) {
		engine.Handle(method, path, func(*gin.Context) {})
	})
	return engine, err
}

// ---- httprouter ----

// writeJSON: what an httprouter user writes for a JSON answer (the headers already set).
func writeJSON(w http.ResponseWriter, status int, body interface{}) {
	out, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write(out)
}

func setAPIHeaders(h http.Header) {
	h.Set("Content-Type", "application/json")
	h.Set("Server", "httprouter")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

// httprouterRoute: httprouter 1.3 gives a handler no route pattern, so each route gets its
// own closure over it.
func httprouterRoute(pattern string) httprouter.Handle {
	return func(w http.ResponseWriter, r *http.Request, ps httprouter.Params) {
		setAPIHeaders(w.Header())
		body := make(map[string]interface{}, len(ps)+1)
		body["route"] = pattern
		for _, p := range ps {
			body[p.Key] = p.Value
		}
		if query := queryObject(r.URL); query != nil {
			body["query"] = query
		}
		writeJSON(w, http.StatusOK, body)
	}
}

func httprouterError(status int, message string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		setAPIHeaders(w.Header())
		writeJSON(w, status, map[string]interface{}{"error": message})
	})
}

func httprouterAPI(routes []line) (http.Handler, error) {
	router := httprouter.New()
	router.RedirectTrailingSlash = false
	router.RedirectFixedPath = false
	router.HandleOPTIONS = false // hotpath answers OPTIONS only where a route has it
	router.HandleMethodNotAllowed = true
	router.NotFound = httprouterError(http.StatusNotFound, "not found")
	router.MethodNotAllowed = httprouterError(http.StatusMethodNotAllowed, "method not allowed")
	err := registerAll(routes, func(method, path string) {
		router.Handle(method, path, httprouterRoute(path))
	})
	return router, err
}

func httprouterBench(routes []line) (http.Handler, error) {
	router := httprouter.New()
	err := registerAll(routes, func(method, path string) {
		router.Handle(method, path, func(http.ResponseWriter, *http.Request, httprouter.Params) {})
	})
	return router, err
}

// ginVersion is recorded by `hello`.
const ginVersion = gin.Version
