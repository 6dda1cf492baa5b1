# -*- test-case-name: tests.host.test_service -*-
"""
The device host C{twistd upnp-device} runs.

  - L{service}: L{service.UPnPDeviceService}, the whole host as one
    C{MultiService}, and L{daemon.DaemonService} for twistd.
  - L{settings}: L{settings.HostSettings}, every setting and its default,
    and the device hosted from a device file and overrides.
  - L{site}: the resource tree and site serving each device's documents,
    and the LOCATION pointing at them; L{pages}: its HTML pages.
  - L{bootid}: BOOTID kept across restarts.
  - L{options}: the option checks and network options both command lines
    share.

This package file imports nothing, so C{tap.py} can import just what it
needs.
"""

__all__: list[str] = []
