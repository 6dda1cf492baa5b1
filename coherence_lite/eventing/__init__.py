# -*- test-case-name: tests.eventing.test_message -*-
"""
UPnP eventing: GENA subscriptions at a service's eventSubURL and the NOTIFY
messages sent to subscribers.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package file imports nothing, so importing the pure modules loads
nothing else.
"""

__all__: list[str] = []
