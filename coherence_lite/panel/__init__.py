# -*- test-case-name: tests.panel.test_resource -*-
"""
The live control panel: presentation pages, action forms and live values.
"""

__all__: list[str] = []
