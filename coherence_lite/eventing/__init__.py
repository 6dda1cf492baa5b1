# -*- test-case-name: tests.test_eventing_message -*-
"""
UPnP eventing: GENA subscriptions at a service's eventSubURL and the NOTIFY
messages sent to subscribers.

L{coherence_lite.eventing.message} parses and formats the headers and the
property set bodies; it is pure.  This package file imports nothing, so
importing the pure module loads nothing else.
"""

__all__: list[str] = []
