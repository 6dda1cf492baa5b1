# -*- test-case-name: tests.control.test_message -*-
"""
UPnP control (UDA chapter 3), host side: SOAP action calls at a service's controlURL.
"""

__all__: list[str] = []
