"""Builders shared by the test suite: one place per kind of thing a test needs (a process
environment, a policy version, ...), so every test module builds it the same way."""
