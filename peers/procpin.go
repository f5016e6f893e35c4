package main

// runtime_procPin / runtime_procUnpin: the runtime's procPin and procUnpin, as sync and Bolt's
// ContextPool call them (seed 000, "Per-CPU Context Pools"): procPin disables preemption and
// returns the current P's id. Reached by go:linkname; the empty procpin.s lets the compiler
// accept the bodyless declarations.

import _ "unsafe" // go:linkname

//go:linkname runtime_procPin runtime.procPin
func runtime_procPin() int

//go:linkname runtime_procUnpin runtime.procUnpin
func runtime_procUnpin()
