"""Builders shared by every kind of test (and the benchmarks)."""
