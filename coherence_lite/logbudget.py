# -*- test-case-name: tests.test_logbudget -*-
"""
Bounded logging for events a hostile network can cause at will.

Every dropped datagram deserves a debug line, and a flood of them must not
fill the disk: a L{LogBudget} lets a few events through per time window and
counts the rest, then says in one line how many were left out.  The
counters in L{coherence_lite.stats.Stats} keep the full tally.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

__all__ = ["LogBudget"]


class LogBudget:
    """
    Emits at most C{perWindow} debug events per C{window} seconds through
    C{log}.

    @param log: the logger the events belong to.
    @param clock: tells the time.
    """

    def __init__(self, log: Logger, clock: IReactorTime, perWindow: int = 20, window: float = 10.0) -> None:
        self._log = log
        self._clock = clock
        self._perWindow = perWindow
        self._window = window
        self._windowStart = float("-inf")
        self._spent = 0
        self.suppressed = 0

    def debug(self, format: str, **fields: Any) -> None:
        """
        Log a debug event unless this window's budget is spent.
        """
        now = self._clock.seconds()
        if now - self._windowStart >= self._window:
            if self.suppressed:
                self._log.debug(
                    "{suppressed} more events like these were not logged in {window} s",
                    suppressed=self.suppressed,
                    window=self._window,
                )
            self._windowStart, self._spent, self.suppressed = now, 0, 0
        if self._spent < self._perWindow:
            self._spent += 1
            self._log.debug(format, **fields)
        else:
            self.suppressed += 1
