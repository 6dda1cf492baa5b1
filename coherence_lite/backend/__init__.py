# -*- test-case-name: tests.backend.test_runtime -*-
"""
What hosted services do: declared in Python or bound by device files, their state and their runtimes.
"""

__all__: list[str] = []
