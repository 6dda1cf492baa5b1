# -*- test-case-name: tests.test_logbudget -*-
"""
Tests for L{coherence_lite.logbudget}.
"""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.logger import Logger, LogLevel
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.logbudget import LogBudget


class LogBudgetTests(SynchronousTestCase):
    """
    A budget of 3 events per 10 seconds on a L{Clock}.
    """

    def setUp(self) -> None:
        self.events: list[dict] = []
        self.clock = Clock()
        self.budget = LogBudget(Logger(observer=self.events.append), self.clock, perWindow=3, window=10)

    def test_floodIsCutToTheBudgetAndSummarised(self) -> None:
        """
        A flood logs only the window's budget, then one line saying how many were left out, all at
        debug level.
        """
        for number in range(100):
            self.budget.debug("dropped {number}", number=number)
        self.assertEqual([e["number"] for e in self.events], [0, 1, 2])
        self.assertEqual(self.budget.suppressed, 97)
        self.clock.advance(10)
        self.budget.debug("dropped {number}", number=100)
        self.assertEqual(self.events[3]["suppressed"], 97)
        self.assertEqual(self.events[4]["number"], 100)
        self.assertTrue(all(e["log_level"] == LogLevel.debug for e in self.events))

    def test_quietNetworkLogsEverything(self) -> None:
        """
        Events spread over several windows are all logged.
        """
        for number in range(6):
            self.budget.debug("dropped {number}", number=number)
            self.clock.advance(5)
        self.assertEqual(len(self.events), 6)
        self.assertEqual(self.budget.suppressed, 0)
