# -*- test-case-name: tests.controlpoint.test_discovery -*-
"""
The control point side: seeing the UPnP devices on the network, calling
their actions and following their events.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.
Coherence's accessors and signals for these devices are in
L{coherence_lite.compat}.

This package imports nothing on purpose, so that importing one of its
pure modules loads no reactor, web client or device host.
"""

__all__: list[str] = []
