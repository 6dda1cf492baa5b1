# -*- test-case-name: tests.controlpoint.test_discovery -*-
"""
The control point: finding devices, reading their descriptions, calling and subscribing.
"""

__all__: list[str] = []
