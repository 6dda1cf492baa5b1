# -*- test-case-name: tests.test_monitor -*-
"""
Tests for L{coherence_lite.monitor}: periodic stats lines on a L{Clock}.
"""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.monitor import StatsMonitor, summary
from coherence_lite.stats import Stats


class _BrokenStats(Stats):
    """
    Counters whose snapshot fails the first time only.
    """

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def snapshot(self) -> dict[str, int]:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("counters unavailable")
        return super().snapshot()


class StatsMonitorTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)

    def lines(self) -> list[str]:
        return [e["summary"] for e in self.events if e.get("log_format") == "Stats: {summary}"]

    def test_summaryIsOneSortedLine(self) -> None:
        self.assertEqual(summary({"dropped.off-link": 3, "datagrams.received": 12}), "datagrams.received=12 dropped.off-link=3")
        self.assertEqual(summary({}), "(none)")

    def test_logsEveryIntervalAtInfoAndOnStop(self) -> None:
        stats = Stats()
        monitor = StatsMonitor(stats, self.clock, 300)
        monitor.startService()
        stats.count("datagrams.received", 12)
        self.clock.advance(299)
        self.assertEqual(self.lines(), [])
        self.clock.advance(1)
        stats.count("dropped.off-link", 3)
        self.clock.advance(300)
        monitor.stopService()
        self.assertEqual(
            self.lines(),
            [
                "datagrams.received=12",
                "datagrams.received=12 dropped.off-link=3",
                "datagrams.received=12 dropped.off-link=3",
            ],
        )
        event = [e for e in self.events if e.get("log_format") == "Stats: {summary}"][0]
        self.assertEqual(event["log_level"], LogLevel.info)
        self.assertEqual(event["counters"], {"datagrams.received": 12})
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_failureIsLoggedAndTheLoopGoesOn(self) -> None:
        stats = _BrokenStats()
        monitor = StatsMonitor(stats, self.clock, 10)
        monitor.startService()
        self.addCleanup(monitor.stopService)
        stats.count("notify.sent")
        self.clock.advance(10)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
        self.clock.advance(10)
        self.assertEqual(self.lines(), ["notify.sent=1"])

    def test_zeroIntervalLogsOnlyOnStop(self) -> None:
        stats = Stats()
        monitor = StatsMonitor(stats, self.clock, 0)
        monitor.startService()
        self.assertEqual(self.clock.getDelayedCalls(), [])
        monitor.stopService()
        self.assertEqual(self.lines(), ["(none)"])

    def test_negativeIntervalIsRefused(self) -> None:
        self.assertRaises(ValueError, StatsMonitor, Stats(), self.clock, -1)
