"""Benchmarks (run by hand: `make bench`, `make bench-full`); results in RESULTS.md."""
