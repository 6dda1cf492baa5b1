# -*- test-case-name: tests.system.test_cli -*-
"""
The C{coherence-lite} command (C{search}, C{call}, C{subscribe}, C{check})
and the option checks it shares with C{twistd upnp-device}.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package file imports nothing.
"""

__all__: list[str] = []
