# -*- test-case-name: tests.host.test_preflight -*-
"""
What the launching C{twistd} checks before it forks a daemon: that the
device host could start now (its HTTP and SSDP ports free, an interface to
serve when it will not wait for one), so that a daemon that cannot start
is one C{Cannot start: ...} line on the launcher's terminal and exit status
1, as in the foreground.

Once forked, a daemon's failure reaches the launcher only through twistd's
status pipe, which the launcher prints as C{An error has occurred:
b'<module>.<class>: <reason>'} and "Please look at log file": the
launcher's own check avoids that for the failures it can see coming.
What it cannot see (a port taken in the instant between the check and the
daemon's start) still comes back that way, and is logged by the daemon.

The checks bind the sockets the way the host does (C{SO_REUSEADDR}, and
C{SO_REUSEPORT} for SSDP, the same addresses) and close them at once.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Sequence

from coherence_lite.host.settings import HostSettings
from coherence_lite.net.interfaces import InterfaceReport, usedLinks

__all__ = ["startProblem"]

#: The addresses the web server tries, in order (see WebServerService).
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


def startProblem(settings: HostSettings, reports: Callable[[], Sequence[InterfaceReport]]) -> str | None:
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
