# -*- test-case-name: tests.system.test_cli -*-
"""
The C{coherence-lite} command: L{main} (C{coherence-lite search}).

This package file imports nothing.
"""

__all__: list[str] = []
