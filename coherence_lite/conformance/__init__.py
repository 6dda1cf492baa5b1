# -*- test-case-name: tests.conformance.test_rules -*-
"""
The conformance checker behind C{coherence-lite check}: pure rules, probes and the report.
"""

__all__: list[str] = []
