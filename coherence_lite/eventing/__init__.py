# -*- test-case-name: tests.eventing.test_message -*-
"""
UPnP eventing (UDA chapter 4), host side: GENA subscriptions and the NOTIFYs they get.
"""

__all__: list[str] = []
