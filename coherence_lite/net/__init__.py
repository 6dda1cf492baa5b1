# -*- test-case-name: tests.net.test_interfaces -*-
"""
What the host needs of the operating system's network side.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package imports nothing on purpose.
"""

__all__: list[str] = []
