# -*- test-case-name: tests.host.test_systemd -*-
"""
Telling systemd how the daemon is doing (C{Type=notify} units, see
C{contrib/coherence-lite.service}).

The protocol is small enough to speak by hand (C{sd_notify(3)}): one
datagram of C{KEY=value} lines to the C{AF_UNIX} socket named by
C{$NOTIFY_SOCKET}, a path or, when it starts with C{@}, an abstract
socket.  Without the variable nothing is sent.  L{SystemdNotifier} sends

  - C{READY=1} once the first ssdp:alive is out (or at once when no
    interface is usable yet, with a C{STATUS} saying so);
  - C{RELOADING=1} (with C{MONOTONIC_USEC}) when a reload begins, and
    C{READY=1} when it is over;
  - C{STOPPING=1} when the daemon stops;
  - a C{STATUS} line with each, shown by C{systemctl status}.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Callable, Mapping

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

__all__ = ["CHECK_INTERVAL", "Notify", "SystemdNotifier", "notifyAddress"]

log = Logger()

#: Seconds between two looks for the first alive.
CHECK_INTERVAL = 0.05


def notifyAddress(environ: Mapping[str, str]) -> str | None:
    """
    The address of systemd's notification socket: C{$NOTIFY_SOCKET}, with
    a leading C{@} turned into the NUL byte of an abstract socket.

    @return: the address for C{sendto}, or L{None} when there is none or
        it is neither an absolute path nor an abstract name.
    """
    value = environ.get("NOTIFY_SOCKET", "")
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None


class Notify:
    """
    Sends notification datagrams to one address, as C{sd_notify} does: a
    new non-blocking socket per message.  A failure is logged once and
    never raised.

    @param address: see L{notifyAddress}.
    @param socketFactory: makes the socket; L{socket.socket} by default.
    """

    def __init__(
        self, address: str, socketFactory: Callable[[int, int], socket.socket] = socket.socket
    ) -> None:
        self.address = address
        self._socketFactory = socketFactory
        self._warned = False

    def send(self, *lines: str) -> bool:
        """
        Send C{lines} (C{KEY=value} each) as one message.

        @return: whether it was sent.
        """
        message = "\n".join(lines).encode("utf-8")
        try:
            with self._socketFactory(socket.AF_UNIX, socket.SOCK_DGRAM) as skt:
                skt.setblocking(False)
                skt.sendto(message, self.address)
        except OSError as e:
            if not self._warned:
                self._warned = True
                log.warn("Cannot notify systemd ({error}): carrying on without", error=e.strerror or str(e))
            return False
        return True


class SystemdNotifier(Service):
    """
    Keeps systemd told: ready once the first alive is out, reloading,
    stopping.

    @param notify: where to send, or L{None} when not run by systemd (then
        nothing is sent).
    @param announced: whether the first alive has been sent.
    @param hasLinks: whether any interface is served.
    @param status: one line on what is served, for C{STATUS}.
    @param clock: paces the looks for the first alive.
    @param monotonic: the C{CLOCK_MONOTONIC} seconds systemd compares
        C{MONOTONIC_USEC} with.
    """

    def __init__(
        self,
        notify: Notify | None,
        announced: Callable[[], bool],
        hasLinks: Callable[[], bool],
        status: Callable[[], str],
        clock: IReactorTime,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notify = notify
        self._announced = announced
        self._hasLinks = hasLinks
        self._status = status
        self._clock = clock
        self._monotonic = monotonic
        self._loop: LoopingCall | None = None
        self.ready = False

    @classmethod
    def fromEnvironment(
        cls,
        announced: Callable[[], bool],
        hasLinks: Callable[[], bool],
        status: Callable[[], str],
        clock: IReactorTime,
        environ: Mapping[str, str] = os.environ,
    ) -> "SystemdNotifier":
        """
        A notifier sending to C{$NOTIFY_SOCKET}, or sending nothing when it
        is not set.
        """
        address = notifyAddress(environ)
        return cls(Notify(address) if address is not None else None, announced, hasLinks, status, clock)

    def _send(self, *lines: str) -> None:
        if self.notify is not None:
            self.notify.send(*lines)

    def startService(self) -> None:
        """
        Look for the first alive every L{CHECK_INTERVAL} seconds, and say
        ready when it is out; at once when there is no link to announce on.
        """
        Service.startService(self)
        if self.notify is None:
            return
        if not self._hasLinks():
            self._becomeReady("Waiting for a usable network interface")
            return
        self._loop = LoopingCall(self._check)
        self._loop.clock = self._clock
        self._loop.start(CHECK_INTERVAL, now=True)

    def _check(self) -> None:
        if self._announced():
            self._stopLooking()
            self._becomeReady(self._status())

    def _stopLooking(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None

    def _becomeReady(self, status: str) -> None:
        self.ready = True
        self._send("READY=1", f"STATUS={status}")

    def reloading(self) -> None:
        """
        A reload begins.
        """
        usec = int(self._monotonic() * 1_000_000)
        self._send("RELOADING=1", f"MONOTONIC_USEC={usec}", "STATUS=Reloading the device files")

    def reloaded(self) -> None:
        """
        A reload is over (applied or refused).
        """
        self._becomeReady(self._status())

    def stopService(self) -> None:
        """
        Say the daemon is stopping (before the byebyes go out).
        """
        Service.stopService(self)
        self._stopLooking()
        self._send("STOPPING=1", "STATUS=Sending byebye and stopping")
