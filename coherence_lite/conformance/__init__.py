# -*- test-case-name: tests.conformance.test_rules -*-
"""
The conformance checker behind C{coherence-lite check}: pure rules per
area, the rule table, the probes and the report.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package imports nothing on purpose, so that importing a pure module
of it loads no reactor.
"""

__all__: list[str] = []
