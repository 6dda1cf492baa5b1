# -*- test-case-name: tests.net.test_interfaces -*-
"""
What the host needs of the operating system's network side: interfaces and their changes.
"""

__all__: list[str] = []
