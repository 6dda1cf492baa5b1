"""
Tests for L{coherence_lite.media.containers}: real MP4 and Matroska files
made with ffmpeg, and broken ones.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from twisted.trial.unittest import TestCase

from coherence_lite.media.containers import VideoHeader, readVideoHeader
from tests.media.library import makeMedia


class ReadVideoHeaderTests(TestCase):
    """
    L{readVideoHeader} reads the duration and picture size ffprobe would
    report, and gives up quietly on anything else.
    """

    timeout = 120

    def setUp(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="cl-containers-"))
        self.addCleanup(shutil.rmtree, self.base, True)

    def read(self, name: str) -> VideoHeader | None:
        path = self.base / name
        makeMedia(path)
        with path.open("rb") as file:
            return readVideoHeader(file)

    def test_mp4(self) -> None:
        """
        An MP4's C{mvhd} duration and its video track's C{tkhd} size.
        """
        header = self.read("clip.mp4")
        assert header is not None and header.duration is not None
        self.assertAlmostEqual(header.duration, 2.0, delta=0.1)
        self.assertEqual((header.width, header.height), (320, 240))

    def test_matroska(self) -> None:
        """
        A Matroska file's segment duration and its video track's pixel
        size.
        """
        header = self.read("clip.mkv")
        assert header is not None and header.duration is not None
        self.assertAlmostEqual(header.duration, 2.0, delta=0.1)
        self.assertEqual((header.width, header.height), (320, 240))

    def test_truncated(self) -> None:
        """
        A file cut inside its header gives L{None} or a header without a
        size, never an exception.
        """
        for name in ("clip.mp4", "clip.mkv"):
            path = self.base / name
            makeMedia(path)
            data = path.read_bytes()
            for cut in (8, 40, 200, len(data) // 2):
                header = readVideoHeader(io.BytesIO(data[:cut]))
                self.assertTrue(header is None or header.width is None or header.duration is None
                                or header.width == 320, (name, cut, header))

    def test_other(self) -> None:
        """
        Anything neither MP4 nor Matroska gives L{None}.
        """
        self.assertIsNone(readVideoHeader(io.BytesIO(b"RIFF\x00\x00\x00\x00AVI LIST")))
        self.assertIsNone(readVideoHeader(io.BytesIO(b"")))
        self.assertIsNone(readVideoHeader(io.BytesIO(b"\x00\x00\x00\x08ftyp\xff\xff\xff\xff" * 3)))
