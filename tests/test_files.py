# -*- test-case-name: tests.test_files -*-
"""
Tests for L{coherence_lite._files}: atomic replacement and the bounded read
of a JSON state file.
"""

from __future__ import annotations

import os
from pathlib import Path

from twisted.logger import LogEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite._files import readStateFile, writeAtomically


class WriteAtomicallyTests(SynchronousTestCase):
    """
    L{writeAtomically} in a temporary folder.
    """

    def setUp(self) -> None:
        self.directory = Path(self.mktemp())

    def test_writeAtomicallyLeavesNoTemporaryFiles(self) -> None:
        """
        Atomic writes replace the file and leave no temporary file behind.
        """
        target = self.directory / "x.json"
        writeAtomically(target, b"1")
        writeAtomically(target, b"2")
        self.assertEqual(target.read_bytes(), b"2")
        self.assertEqual(os.listdir(self.directory), ["x.json"])


class ReadStateFileTests(SynchronousTestCase):
    """
    L{readStateFile}: the content of a good file, L{None} with one warning
    naming a damaged one.
    """

    def setUp(self) -> None:
        self.path = Path(self.mktemp())
        self.events: list[LogEvent] = []
        globalLogPublisher.addObserver(self.events.append)
        self.addCleanup(globalLogPublisher.removeObserver, self.events.append)

    def warnings(self) -> list[LogEvent]:
        """
        The damaged-file warnings logged so far.
        """
        return [e for e in self.events if "damaged state file" in e.get("log_format", "")]

    def test_missingFileIsNoneWithoutWarning(self) -> None:
        """
        A file that does not exist is L{None}, and nothing is logged.
        """
        self.assertIsNone(readStateFile(self.path))
        self.assertEqual(self.warnings(), [])

    def test_goodFileIsItsContent(self) -> None:
        """
        A JSON file reads back as its value.
        """
        self.path.write_bytes(b'{"a": [1, 2]}')
        self.assertEqual(readStateFile(self.path), {"a": [1, 2]})
        self.assertEqual(self.warnings(), [])

    def test_damagedFilesAreNoneWithOneWarning(self) -> None:
        """
        A file that is too long, not UTF-8 or not JSON is L{None}, with one
        warning naming the file and what is wrong.
        """
        for data, reason in ((b"[1, 2, 3]", "longer than 4 bytes"), (b"\xff", "not UTF-8 text"), (b"{", "not JSON")):
            self.events.clear()
            self.path.write_bytes(data)
            self.assertIsNone(readStateFile(self.path, maxBytes=4))
            [warning] = self.warnings()
            self.assertEqual(warning["path"], str(self.path))
            self.assertIn(reason, warning["reason"])
