# -*- test-case-name: tests.cli.test_checks -*-
"""
What C{twistd upnp-device} checks and prints before it starts: the
interfaces named with C{--interface} exist (a typo such as C{eth9} would
leave the daemon waiting for ever), and the version line of C{--version}.
"""

from __future__ import annotations

import platform
import socket
from typing import Sequence

from twisted import version as twistedVersion

from coherence_lite._version import __version__
from coherence_lite.identity import PRODUCT
from coherence_lite.net.interfaces import NetworkInterface, parseAddress, systemInterfaces

__all__ = ["interfaceNames", "machineInterfaces", "unknownInterfaces", "versionLine"]


def versionLine() -> str:
    """
    C{coherence-lite <version> (Twisted <version>, Python <version>)}.
    """
    return f"{PRODUCT} {__version__} (Twisted {twistedVersion.short()}, Python {platform.python_version()})"


def interfaceNames() -> list[str]:
    """
    The names of every interface of this machine, with or without an
    address, up or down (those without an address are missing from
    L{coherence_lite.net.interfaces.systemInterfaces}).
    """
    try:
        return [name for _, name in socket.if_nameindex()]
    except OSError:
        return []


def machineInterfaces() -> list[NetworkInterface]:
    """
    This machine's interfaces with their addresses (see
    L{coherence_lite.net.interfaces.systemInterfaces}).
    """
    return systemInterfaces()


def unknownInterfaces(
    requested: Sequence[str], interfaces: Sequence[NetworkInterface], names: Sequence[str] = ()
) -> list[str]:
    """
    The names and addresses in C{requested} that no interface has.

    @param interfaces: the machine's interfaces with their addresses.
    @param names: more interface names known to exist (see
        L{interfaceNames}).
    """
    known = {interface.name for interface in interfaces} | set(names)
    addresses = {address.ip for interface in interfaces for address in interface.addresses}
    return [item for item in requested if item not in known and parseAddress(item) not in addresses]
