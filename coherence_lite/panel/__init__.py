# -*- test-case-name: tests.test_panel -*-
"""
The live control panel: presentation pages, action forms and live values.
"""

__all__: list[str] = []
