// Copyright 2026 Example Authors.

/* Package store keeps things. */
package store

func Get() string { return "" }
