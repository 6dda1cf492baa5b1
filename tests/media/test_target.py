"""
Tests for L{coherence_lite.media.target}.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.target import StreamTarget


class StreamTargetTests(SynchronousTestCase):
    """
    L{StreamTarget} is a frozen, comparable value.
    """

    def test_frozenValue(self) -> None:
        """
        Targets with the same fields are equal and cannot be changed.
        """
        one = StreamTarget(Path("/srv/a.mp3"), "audio/mpeg", 10, 1.5, "MP3")
        self.assertEqual(one, StreamTarget(Path("/srv/a.mp3"), "audio/mpeg", 10, 1.5, "MP3"))
        self.assertIsNone(StreamTarget(Path("/srv/b.png"), "image/png", 1, 0.0).dlnaProfile)
        with self.assertRaises(FrozenInstanceError):
            one.size = 11  # type: ignore[misc]
