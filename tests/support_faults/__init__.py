"""Harness parts for the proof tests: a real engine in a child process and a
fault-injecting HTTP proxy on loopback."""
