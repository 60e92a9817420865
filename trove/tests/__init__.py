"""Tests, and the tools the tests share with the benchmark."""
