# -*- test-case-name: tests.net.test_watcher -*-
"""
Watching the machine's interfaces for addresses that appear, change or go.

L{InterfaceWatcher} asks for the current links every few seconds (polling
L{ifaddr} is portable and cheap) and reports a changed set, so DHCP renewals,
Wi-Fi reconnects and interfaces plugged in later are served without a
restart.
"""

from __future__ import annotations

from typing import Callable, Sequence

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

from coherence_lite.net.interfaces import InterfaceReport, Link, usedLinks

__all__ = ["POLL_INTERVAL", "InterfaceWatcher"]

log = Logger()

#: Seconds between two looks at the interfaces.
POLL_INTERVAL = 5.0


class InterfaceWatcher(Service):
    """
    Polls the interfaces and reports changes of the served links.

    @param select: returns the current interface reports.
    @param changed: called with (old links, new links) when they differ.
    @param current: the links served now.
    """

    def __init__(
        self,
        select: Callable[[], Sequence[InterfaceReport]],
        changed: Callable[[list[Link], list[Link]], None],
        clock: IReactorTime,
        interval: float = POLL_INTERVAL,
    ) -> None:
        self._select = select
        self._changed = changed
        self._clock = clock
        self.interval = interval
        self.current: list[Link] = []
        self._loop: LoopingCall | None = None

    def startService(self) -> None:
        """
        Start polling.
        """
        Service.startService(self)
        self._loop = LoopingCall(self.poll)
        self._loop.clock = self._clock
        self._loop.start(self.interval, now=False)

    def stopService(self) -> None:
        """
        Stop polling.
        """
        Service.stopService(self)
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None

    def poll(self) -> None:
        """
        Look at the interfaces once; report a change.  Never raises: a
        failure is logged and the next poll tries again.
        """
        try:
            reports = list(self._select())
            links = usedLinks(reports)
            if links == self.current:
                return
            old, self.current = self.current, links
            for line in _differences(old, links):
                log.info("Interfaces changed: {change}", change=line)
            self._changed(old, links)
        except Exception:
            log.failure("Looking at the network interfaces failed")


def _differences(old: Sequence[Link], new: Sequence[Link]) -> list[str]:
    gone = [f"{link.interface} {link.host} gone" for link in old if link not in new]
    came = [f"{link.interface} {link.host} added" for link in new if link not in old]
    return gone + came
