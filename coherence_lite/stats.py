# -*- test-case-name: tests.test_responder -*-
"""
Counters of what the daemon received, sent and dropped.
"""

from __future__ import annotations

from collections import Counter


class Stats:
    """
    Named counters, such as C{datagrams.received} or C{dropped.off-link}.

    Counting is cheap and never fails; L{snapshot} gives a sorted copy for
    logs and the presentation page.
    """

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def count(self, name: str, amount: int = 1) -> None:
        """
        Add C{amount} to the counter C{name}.
        """
        self._counts[name] += amount

    def __getitem__(self, name: str) -> int:
        return self._counts[name]

    def snapshot(self) -> dict[str, int]:
        """
        The counters by name, sorted.
        """
        return dict(sorted(self._counts.items()))
