"""
Tests for L{coherence_lite.media.metadata}: what is read from real files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from twisted.trial.unittest import TestCase

from coherence_lite.media import metadata
from coherence_lite.media.metadata import mediaKind, readMetadata
from tests.media.library import makeMedia, needFFmpeg
from tests.support.dlnacorpus import AUDIO


class ReadMetadataTests(TestCase):
    """
    L{readMetadata} reads pictures and videos in-process where it can.
    """

    timeout = 120

    def setUp(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="cl-metadata-"))
        self.addCleanup(shutil.rmtree, self.base, True)

    def test_videoWithoutFfprobe(self) -> None:
        """
        An MP4's and a Matroska file's duration, resolution and average
        bitrate come from the container's header: ffprobe is not run.
        """
        def refuse(path: Path) -> None:
            self.fail(f"ffprobe run on {path}")

        self.patch(metadata, "_ffprobe", refuse)
        for name in ("clip.mp4", "clip.mkv"):
            path = self.base / name
            makeMedia(path)
            kind = mediaKind(name)
            assert kind is not None
            found = readMetadata(path, kind)
            self.assertEqual(found.resolution, "320x240")
            assert found.duration is not None and found.bitrate is not None
            self.assertAlmostEqual(found.duration, 2.0, delta=0.1)
            self.assertEqual(found.bitrate, int(path.stat().st_size / found.duration))

    def test_pngDate(self) -> None:
        """
        A PNG's EXIF date (an eXIf chunk before the image data) is read; a
        PNG without one has no date.
        """
        exif = Image.Exif()
        exif[0x0132] = "2020:01:02 03:04:05"
        Image.new("RGB", (8, 6)).save(self.base / "dated.png", exif=exif)
        Image.new("RGB", (8, 6)).save(self.base / "plain.png")
        kind = mediaKind("dated.png")
        assert kind is not None
        dated = readMetadata(self.base / "dated.png", kind)
        self.assertEqual((dated.date, dated.resolution), ("2020-01-02T03:04:05", "8x6"))
        self.assertIsNone(readMetadata(self.base / "plain.png", kind).date)

    def test_profiles(self) -> None:
        """
        The DLNA profile is read from the file: MP3 or MP3X for a CBR file
        without an Info header (after a long ID3v2 tag too), none with
        one; a JPEG's by its size, none for a CMYK JPEG; none for a video.
        """
        ffmpeg = needFFmpeg()
        long = ["-metadata", "comment=" + "c" * 20000]
        for name, extra in (("mp3-44k-128.mp3", long), ("mp3-44k-128-info.mp3", []), ("mp3-22k-64.mp3", [])):
            subprocess.run([ffmpeg, "-v", "error", "-y", *AUDIO[name], *extra, str(self.base / name)], check=True, timeout=60)
        Image.new("RGB", (160, 100)).save(self.base / "small.jpg")
        Image.new("CMYK", (160, 100)).save(self.base / "cmyk.jpg")
        makeMedia(self.base / "clip.mp4")
        profiles = {}
        for name in ("mp3-44k-128.mp3", "mp3-44k-128-info.mp3", "mp3-22k-64.mp3", "small.jpg", "cmyk.jpg", "clip.mp4"):
            kind = mediaKind(name)
            assert kind is not None
            profiles[name] = readMetadata(self.base / name, kind).profile
        self.assertEqual(profiles, {
            "mp3-44k-128.mp3": "MP3", "mp3-44k-128-info.mp3": None, "mp3-22k-64.mp3": "MP3X",
            "small.jpg": "JPEG_TN", "cmyk.jpg": None, "clip.mp4": None,
        })
