# -*- test-case-name: tests.system.test_cli -*-
"""
The C{coherence-lite} command: search, call, subscribe, check, and the options shared with twistd.
"""

__all__: list[str] = []
