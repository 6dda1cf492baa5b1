# -*- test-case-name: tests.control.test_message -*-
"""
UPnP control: SOAP 1.1 action calls at a service's controlURL.

L{coherence_lite.control.message} parses requests and formats responses and
faults; it is pure.  This package file imports nothing, so importing the pure
module loads nothing else.
"""

__all__: list[str] = []
