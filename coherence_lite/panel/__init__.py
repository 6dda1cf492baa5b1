# -*- test-case-name: tests.host.test_panel -*-
"""
The live control panel: presentation pages, action forms and live values.
"""

__all__: list[str] = []
