# -*- test-case-name: tests.cli.test_checks -*-
"""
What C{twistd upnp-device} checks and prints before it starts: the
interfaces named with C{--interface} exist (a typo such as C{eth9} would
leave the daemon waiting for ever), the version line of C{--version}, and,
in the launching C{twistd} before it forks a daemon, that the device host
could start now (L{startProblem}).

That last check makes a daemon that cannot start one C{Cannot start: ...}
line on the launcher's terminal and exit status 1, as in the foreground.
Once forked, a daemon's failure reaches the launcher only through twistd's
status pipe, which the launcher prints as C{An error has occurred:
b'<module>.<class>: <reason>'} and "Please look at log file": the
launcher's own check avoids that for the failures it can see coming.
What it cannot see (a port taken in the instant between the check and the
daemon's start) still comes back that way, and is logged by the daemon.
The check binds the sockets the way the host does (C{SO_REUSEADDR}, and
C{SO_REUSEPORT} for SSDP, the same addresses) and closes them at once.
"""

from __future__ import annotations

import errno
import platform
import socket
from typing import Callable, Protocol, Sequence

from twisted import version as twistedVersion

from coherence_lite._version import __version__
from coherence_lite.identity import PRODUCT
from coherence_lite.net.interfaces import InterfaceReport, NetworkInterface, parseAddress, systemInterfaces, usedLinks

__all__ = ["interfaceNames", "machineInterfaces", "startProblem", "unknownInterfaces", "versionLine"]


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


#: The addresses the web server tries, in order (see L{coherence_lite.http.listener.WebServerService}).
_HTTP_ADDRESSES = ((socket.AF_INET6, "::"), (socket.AF_INET, ""))

#: Errors meaning an address family is not there at all.
_NO_FAMILY = (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL, errno.EPROTONOSUPPORT)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _httpProblem(port: int) -> str | None:
    if port == 0:
        return None
    problem: OSError | None = None
    for family, address in _HTTP_ADDRESSES:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((address, port))
                probe.listen(1)
            return None
        except OSError as e:
            if problem is None or e.errno not in _NO_FAMILY:
                problem = e
    assert problem is not None
    return f"HTTP port {port}: {_reason(problem)}"


def _ssdpProblem(port: int, families: Sequence[int]) -> str | None:
    for family in families:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if hasattr(socket, "SO_REUSEPORT"):
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                if family == socket.AF_INET6:
                    probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                probe.bind(("::" if family == socket.AF_INET6 else "", port))
        except OSError as e:
            if e.errno not in _NO_FAMILY:
                return f"SSDP port {port}: {_reason(e)}"
    return None


class StartSettings(Protocol):
    """
    What L{startProblem} reads of a host's settings (a
    L{coherence_lite.host.settings.HostSettings}, which this package does
    not import).
    """

    @property
    def httpPort(self) -> int:
        """
        The HTTP port, 0 for any free one.
        """

    @property
    def ssdpPort(self) -> int:
        """
        The SSDP port.
        """

    @property
    def pollInterval(self) -> float:
        """
        Seconds between looks at the interfaces, 0 for none.
        """


def startProblem(settings: StartSettings, reports: Callable[[], Sequence[InterfaceReport]]) -> str | None:
    """
    Why a device host with C{settings} could not start now, in the words
    its start would use (C{HTTP port 8080: Address already in use}), or
    L{None} when nothing stands in the way.

    @param reports: which interfaces would be served (see
        L{coherence_lite.host.service.interfaceReports}).
    """
    links = usedLinks(reports())
    if not links and settings.pollInterval == 0:
        return "no usable network interface (see --list-interfaces; name one with --interface)"
    families = sorted({link.family for link in links}) or [socket.AF_INET]
    return _httpProblem(settings.httpPort) or _ssdpProblem(settings.ssdpPort, families)
