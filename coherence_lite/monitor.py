# -*- test-case-name: tests.test_monitor -*-
"""
L{StatsMonitor}: the host's counters in the log, one line at a time.
"""

from __future__ import annotations

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

from coherence_lite.stats import Stats

__all__ = ["DEFAULT_INTERVAL", "StatsMonitor", "summary"]

log = Logger()

#: Seconds between two stats lines by default.
DEFAULT_INTERVAL = 300.0


def summary(counters: dict[str, int]) -> str:
    """
    Counters as one line: C{datagrams.received=12 dropped.off-link=3}, in
    name order; C{(none)} when there are none.
    """
    return " ".join(f"{name}={value}" for name, value in sorted(counters.items())) or "(none)"


class StatsMonitor(Service):
    """
    Logs a L{Stats} at info level every C{interval} seconds while running,
    and once more when stopped.

    A failure while logging is itself logged; the loop goes on.

    @ivar interval: seconds between lines; 0 logs only when stopping.
    """

    def __init__(self, stats: Stats, clock: IReactorTime, interval: float = DEFAULT_INTERVAL) -> None:
        """
        @param stats: the counters to log.
        @param clock: the reactor, or a L{twisted.internet.task.Clock}.
        @param interval: seconds between lines, 0 for none but the last.
        @raise ValueError: C{interval} is negative.
        """
        if interval < 0:
            raise ValueError("interval must not be negative")
        self.setName("monitor")
        self.stats = stats
        self.interval = interval
        self._loop = LoopingCall(self.logNow)
        self._loop.clock = clock

    def logNow(self) -> None:
        """
        Log the counters now; never raises.
        """
        try:
            counters = self.stats.snapshot()
            log.info("Stats: {summary}", summary=summary(counters), counters=counters)
        except Exception:
            log.failure("Cannot log the stats")

    def startService(self) -> None:
        """
        Start logging every C{interval} seconds, the first line after one
        interval.
        """
        Service.startService(self)
        if self.interval > 0:
            self._loop.start(self.interval, now=False)

    def stopService(self) -> None:
        """
        Stop the loop and log the counters a last time.
        """
        Service.stopService(self)
        if self._loop.running:
            self._loop.stop()
        self.logNow()
