# -*- test-case-name: tests.model.test_device -*-
"""
What a UPnP device is, as pure data: no reactor, no sockets, no louie.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package imports nothing on purpose: importing one of its modules
loads only what that module needs.
"""

__all__: list[str] = []
