# -*- test-case-name: tests.model.test_device -*-
"""
What a UPnP device is, as pure data: no reactor, no sockets, no louie.

  - L{device}: the frozen, validated device tree (L{device.Device} and its
    parts), type URNs, and the manifestations L{device.LOCAL} and
    L{device.REMOTE}.
  - L{types}: the UPnP data types.
  - L{description}: device and service description documents as bytes.
  - L{layout}: the URL path of every document and endpoint of a device.
  - L{devicefile}: TOML device files (C{docs/device-files.md}).
  - L{defaults}: the device hosted when no device file is given.
  - L{xmlparse}: safe parsing of XML from the network.

This package imports nothing on purpose: importing one of its modules
loads only what that module needs.
"""

__all__: list[str] = []
