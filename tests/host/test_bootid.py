# -*- test-case-name: tests.host.test_bootid -*-
"""
Tests for L{coherence_lite.host.bootid}: BOOTID kept across restarts.
"""

from __future__ import annotations

import json
from pathlib import Path

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.bootid import BootIdStore
from coherence_lite.ssdp.message import MAX_BOOTID


class BootIdStoreTests(SynchronousTestCase):
    """
    L{BootIdStore} on a L{Clock} far from the epoch.
    """

    def setUp(self) -> None:
        self.directory = Path(self.mktemp())
        self.clock = Clock()
        self.clock.advance(1_700_000_000)

    def test_increasesAcrossRestarts(self) -> None:
        """
        Each new store over the same directory hands out the stored value plus one, and stores it.
        """
        values = [BootIdStore(self.directory, self.clock).next() for _ in range(3)]
        self.assertEqual(values, [1, 2, 3])
        self.assertEqual(json.loads((self.directory / "state.json").read_text()), {"bootId": 3})

    def test_withoutDirectoryUsesTheClock(self) -> None:
        """
        Without a state directory, BOOTID is the clock's seconds.
        """
        self.assertEqual(BootIdStore(None, self.clock).next(), 1_700_000_000)

    def test_corruptFileStartsOver(self) -> None:
        """
        An unreadable state file is ignored and counting starts again at 1.
        """
        self.directory.mkdir()
        (self.directory / "state.json").write_text("{not json")
        self.assertEqual(BootIdStore(self.directory, self.clock).next(), 1)

    def test_outOfRangeValueStartsOver(self) -> None:
        """
        A stored value outside 0 to 2**31-1 is ignored and counting starts again at 1.
        """
        self.directory.mkdir()
        (self.directory / "state.json").write_text('{"bootId": -5}')
        self.assertEqual(BootIdStore(self.directory, self.clock).next(), 1)

    def test_wrapsAt31Bits(self) -> None:
        """
        After the largest BOOTID comes 1.
        """
        self.directory.mkdir()
        (self.directory / "state.json").write_text(json.dumps({"bootId": MAX_BOOTID}))
        self.assertEqual(BootIdStore(self.directory, self.clock).next(), 1)

    def test_unwritableDirectoryFallsBackToTheClock(self) -> None:
        """
        When the state cannot be written, BOOTID comes from the clock.
        """
        blocker = Path(self.mktemp())
        blocker.write_text("a file where a directory should be")
        self.assertEqual(BootIdStore(blocker / "sub", self.clock).next(), 1_700_000_000)

    def test_withoutDirectoryEachValueIsAboveTheLast(self) -> None:
        """
        Without a directory, values handed out within one second still increase.
        """
        store = BootIdStore(None, self.clock)
        self.assertEqual([store.next(), store.next(), store.next()], [1_700_000_000, 1_700_000_001, 1_700_000_002])
