# -*- test-case-name: tests.http.test_limits -*-
"""
HTTP for a hostile network: limits, the connection, the site, the fast path and resources.
"""

__all__: list[str] = []
