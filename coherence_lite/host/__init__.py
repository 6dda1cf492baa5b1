# -*- test-case-name: tests.host.test_service -*-
"""
The device host C{twistd upnp-device} runs: the composition root that
puts the other packages together, and its OS integration.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package file imports nothing, so C{tap.py} can import just what it
needs.
"""

__all__: list[str] = []
