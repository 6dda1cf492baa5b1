# -*- test-case-name: tests.backend.test_runtime -*-
"""
What hosted services do when they run: their state, their actions, the
Python class API that declares both, device-file bindings made to run, and
the pairing of a device with what runs it.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package file imports nothing.
"""

__all__: list[str] = []
