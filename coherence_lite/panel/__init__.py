# -*- test-case-name: tests.panel.test_resource -*-
"""
The live control panel: presentation pages, action forms and live values.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.
"""

__all__: list[str] = []
