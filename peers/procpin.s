// Empty: lets procpin.go declare functions without bodies (go:linkname).
