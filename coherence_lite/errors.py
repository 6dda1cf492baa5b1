# -*- test-case-name: tests.test_host_service -*-
"""
Errors shared by the device host, the control point and the command line.

Errors that belong to one pure layer stay with it (L{DeviceError} with the
device model, L{ConfigError} with device files, L{ParseError} with SSDP
messages); this module holds the ones several packages raise or catch.
"""

__all__ = ["StartupError"]


class StartupError(Exception):
    """
    A service cannot start (a port is taken, no interface is usable); the
    message says why in one line.
    """
