# -*- test-case-name: tests.http.test_limits -*-
"""
HTTP for a hostile network, shared by every endpoint the host serves, and
the quiet connection pool of the client side.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package file imports nothing.
"""

__all__: list[str] = []
