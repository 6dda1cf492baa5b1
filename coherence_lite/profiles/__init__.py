# -*- test-case-name: tests.profiles.test_switchpower -*-
"""
Standard UPnP services (DCPs) as backends, ready to host.
"""

__all__: list[str] = []
