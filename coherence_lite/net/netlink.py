# -*- test-case-name: tests.net.test_netlink -*-
"""
Address changes the moment they happen, on Linux: L{NetlinkMonitor} listens
to the kernel's rtnetlink notifications (links and IPv4/IPv6 addresses that
appear, change or go) and asks for a look at the interfaces a moment after
each burst of them, instead of waiting for the next poll.

A small C{AF_NETLINK} socket read by the reactor does it; the messages are
not even parsed, since any of them means "look again" and the look itself
(L{coherence_lite.net.interfaces.systemInterfaces}) is what decides.  Where
there is no netlink (other systems, a sandbox that refuses the socket),
L{NetlinkMonitor} logs why once and polling alone goes on.
"""

from __future__ import annotations

import socket
from typing import Callable

from twisted.application.service import Service
from twisted.internet.interfaces import IDelayedCall, IReactorFDSet, IReactorTime, IReadDescriptor
from twisted.logger import Logger
from twisted.python.failure import Failure
from zope.interface import implementer

__all__ = ["GROUPS", "SETTLE_DELAY", "NetlinkMonitor", "openNetlink"]

log = Logger()

# <linux/rtnetlink.h>
RTMGRP_LINK = 0x1
RTMGRP_IPV4_IFADDR = 0x10
RTMGRP_IPV6_IFADDR = 0x100
NETLINK_ROUTE = 0

#: The notification groups joined: links, IPv4 and IPv6 addresses.
GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR

#: Seconds from a notification to the look it asks for: the messages of one
#: change (an address and its routes, a link and its addresses) come in a
#: burst, and one look covers them all.
SETTLE_DELAY = 0.1

#: The most notifications read in one go before the reactor gets a turn.
_MAX_READS = 256


def openNetlink(groups: int = GROUPS) -> socket.socket:
    """
    A non-blocking rtnetlink socket that has joined C{groups}.

    @raise OSError: there is no netlink here, or it is refused.
    """
    family = getattr(socket, "AF_NETLINK", None)
    if family is None:
        raise OSError("netlink is Linux only")
    skt = socket.socket(family, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_ROUTE)
    try:
        skt.setblocking(False)
        skt.bind((0, groups))
    except OSError:
        skt.close()
        raise
    return skt


@implementer(IReadDescriptor)
class NetlinkMonitor(Service):
    """
    Calls C{changed} a moment (L{SETTLE_DELAY}) after the kernel reports a
    link or address change, once per burst.

    @param changed: what to call (such as
        L{coherence_lite.net.watcher.InterfaceWatcher.poll}); it must not
        raise.
    @param reactor: times the calls, and reads the socket if it provides
        L{IReactorFDSet} (every reactor on Linux does; without it polling
        alone goes on).
    @param opener: opens the socket; L{openNetlink} by default.
    @ivar active: whether notifications are being read.
    """

    def __init__(
        self,
        changed: Callable[[], None],
        reactor: IReactorTime,
        opener: Callable[[], socket.socket] = openNetlink,
        settle: float = SETTLE_DELAY,
    ) -> None:
        self._changed = changed
        self._reactor = reactor
        self._fdset: IReactorFDSet | None = IReactorFDSet(reactor, None)
        self._opener = opener
        self._settle = settle
        self._socket: socket.socket | None = None
        self._pending: IDelayedCall | None = None

    @property
    def active(self) -> bool:
        """
        Whether the netlink socket is open and read.
        """
        return self._socket is not None

    def startService(self) -> None:
        """
        Open the socket and read it; without netlink, log why and do
        nothing (polling goes on).
        """
        Service.startService(self)
        if self._fdset is None:
            log.info("No netlink notifications (the reactor reads no descriptors): polling only")
            return
        try:
            self._socket = self._opener()
        except OSError as e:
            log.info(
                "No netlink notifications ({error}): address changes are seen by polling only",
                error=e.strerror or str(e),
            )
            return
        self._fdset.addReader(self)

    def stopService(self) -> None:
        """
        Stop reading and close the socket.
        """
        Service.stopService(self)
        if self._pending is not None and self._pending.active():
            self._pending.cancel()
        self._pending = None
        skt, self._socket = self._socket, None
        if skt is not None:
            if self._fdset is not None:
                self._fdset.removeReader(self)
            skt.close()

    def fileno(self) -> int:
        """
        The socket's descriptor (-1 once closed).
        """
        return self._socket.fileno() if self._socket is not None else -1

    def logPrefix(self) -> str:
        """
        How the reactor names this reader in its logs.
        """
        return "netlink"

    def doRead(self) -> None:
        """
        Read what the kernel sent and ask for a look a moment later.  A
        lost notification (the kernel's buffer overran) asks for a look
        too.
        """
        if self._socket is None:
            return
        for _ in range(_MAX_READS):
            try:
                data = self._socket.recv(65536)
            except BlockingIOError:
                break
            except OSError:
                # ENOBUFS: notifications were lost; the look covers them.
                pass
            else:
                if not data:
                    break
        self._schedule()

    def _schedule(self) -> None:
        if self._pending is not None and self._pending.active():
            return
        self._pending = self._reactor.callLater(self._settle, self._fire)

    def _fire(self) -> None:
        self._pending = None
        self._changed()

    def connectionLost(self, reason: Failure) -> None:
        """
        The reactor gave up on the socket: stop reading it (polling goes
        on).
        """
        log.warn("Netlink notifications stopped: {reason}", reason=reason.getErrorMessage())
        skt, self._socket = self._socket, None
        if skt is not None:
            skt.close()
