# -*- test-case-name: tests.http.test_limits -*-
"""
HTTP for a hostile network, shared by every endpoint the host serves.

  - L{limits}: L{limits.HTTPLimits} and the channel enforcing them (sizes,
    deadlines); L{server}: the site with connection caps and plain 500s.
  - L{resources}: the one HTML error page, the content types, and the
    small resources trees are built from.
  - L{body}: bounded, safely parsed XML request bodies.

This package file imports nothing.
"""

__all__: list[str] = []
