"""
Tests for L{coherence_lite.media.thumbnails}: real pictures made with
Pillow become JPEG_TN thumbnails; broken, outside and oversized ones are
refused; a real ffmpeg grabs a frame of a lavfi video, and one that takes
too long is killed.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from PIL import Image
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.media.thumbnails import MAX_PIXELS, ThumbnailError, grabFrame, writeThumbnail
from tests.media.library import needFFmpeg
from tests.support.prerequisites import missing


def _png(width: int, height: int) -> bytes:
    """
    A PNG header claiming C{width}×C{height} with one tiny compressed row:
    what a decompression bomb looks like before it is decoded.
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


class WriteThumbnailTests(SynchronousTestCase):
    """
    L{writeThumbnail} on pictures made by Pillow.
    """

    def setUp(self) -> None:
        self.root = Path(self.mktemp()).absolute()
        self.root.mkdir()
        self.out = Path(self.mktemp()).absolute()

    def picture(self, name: str, size: tuple[int, int], mode: str = "RGB", **save: object) -> Path:
        """
        Save a picture of C{size} in the root.
        """
        path = self.root / name
        Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None).save(path, **save)  # type: ignore[arg-type]
        return path

    def made(self, name: str) -> Image.Image:
        """
        The thumbnail written as C{name}, opened (and checked to be JPEG).
        """
        image = Image.open(self.out / name)
        self.assertEqual(image.format, "JPEG")
        return image

    def test_landscapeKeepsAspect(self) -> None:
        """
        A 1280×720 JPEG becomes a 160×90 JPEG; the returned sizes are the
        file's.
        """
        made = writeThumbnail(self.picture("a.jpg", (1280, 720)), [self.root], self.out, "t.jpg")
        self.assertEqual((made.width, made.height), (160, 90))
        self.assertEqual(made.bytes, (self.out / "t.jpg").stat().st_size)
        self.assertEqual(self.made("t.jpg").size, (160, 90))
        self.assertFalse((self.out / "t.jpg.part").exists())

    def test_portraitAndSmall(self) -> None:
        """
        A tall PNG fits 160 high; a picture smaller than 160×160 keeps its
        size (never enlarged) but is still a JPEG.
        """
        writeThumbnail(self.picture("tall.png", (300, 900)), [self.root], self.out, "tall.jpg")
        self.assertEqual(self.made("tall.jpg").size, (53, 160))
        writeThumbnail(self.picture("small.png", (64, 48)), [self.root], self.out, "small.jpg")
        self.assertEqual(self.made("small.jpg").size, (64, 48))

    def test_transparencyAndOrientation(self) -> None:
        """
        A transparent PNG is laid on white; an EXIF orientation of 6
        (rotated) is applied, so a 400×200 picture gives a 80×160 one.
        """
        writeThumbnail(self.picture("clear.png", (200, 200), "RGBA"), [self.root], self.out, "clear.jpg")
        red, green, blue = self.made("clear.jpg").getpixel((100, 100))  # type: ignore[misc]
        self.assertGreater(min(red, green, blue), 240)
        exif = Image.Exif()
        exif[0x0112] = 6
        writeThumbnail(self.picture("turned.jpg", (400, 200), exif=exif.tobytes()), [self.root], self.out, "turned.jpg")
        self.assertEqual(self.made("turned.jpg").size, (80, 160))

    def test_refused(self) -> None:
        """
        A broken file, a missing one, one outside the roots (through a
        symlink) and a picture larger than L{MAX_PIXELS} each raise
        L{ThumbnailError}, writing nothing.
        """
        (self.root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg at all")
        outside = Path(self.mktemp()).absolute()
        outside.mkdir()
        Image.new("RGB", (10, 10)).save(outside / "secret.png")
        os.symlink(outside / "secret.png", self.root / "link.png")
        side = int(MAX_PIXELS ** 0.5) + 10
        (self.root / "bomb.png").write_bytes(_png(side, side))
        for name in ("broken.jpg", "missing.jpg", "link.png", "bomb.png"):
            with self.assertRaises(ThumbnailError, msg=name):
                writeThumbnail(self.root / name, [self.root], self.out, name)
        self.assertFalse(self.out.exists() and os.listdir(self.out))

    def test_largeJpegDecodedReduced(self) -> None:
        """
        A JPEG larger than L{MAX_PIXELS} is decoded at a reduced scale, so
        it still gets a thumbnail.
        """
        path = self.root / "wide.jpg"
        Image.new("RGB", (9000, 4500), (10, 120, 10)).save(path, quality=30)
        made = writeThumbnail(path, [self.root], self.out, "wide.jpg")
        self.assertEqual((made.width, made.height), (160, 80))

    def test_frameBytes(self) -> None:
        """
        A frame's PNG bytes become the thumbnail too.
        """
        frame = io.BytesIO()
        Image.new("RGB", (160, 120)).save(frame, "PNG")
        made = writeThumbnail(frame.getvalue(), [], self.out, "frame.jpg")
        self.assertEqual((made.width, made.height), (160, 120))
        with self.assertRaises(ThumbnailError):
            writeThumbnail(b"garbage", [], self.out, "garbage.jpg")


class GrabFrameTests(TestCase):
    """
    L{grabFrame} with a real ffmpeg process.
    """

    timeout = 60

    async def test_frameOfVideo(self) -> None:
        """
        A frame of a 640×360 lavfi video comes back as a PNG of 160×90; a
        time past the end gives no frame.
        """
        ffmpeg = needFFmpeg()
        video = Path(self.mktemp()).absolute()
        video.mkdir()
        clip = video / "clip -name.mp4"
        subprocess.run(
            [ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=2",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)],
            check=True, timeout=60,
        )
        frame = await grabFrame(reactor, reactor, ffmpeg, clip, 0.2, 20)
        with Image.open(io.BytesIO(frame)) as image:
            self.assertEqual((image.format, image.size), ("PNG", (160, 90)))
        self.assertEqual(await grabFrame(reactor, reactor, ffmpeg, clip, 60, 20), b"")

    async def test_failure(self) -> None:
        """
        ffmpeg failing (a file that is no video) raises L{ThumbnailError}
        with its last message.
        """
        ffmpeg = needFFmpeg()
        path = Path(self.mktemp()).absolute()
        path.write_bytes(b"not a video")
        with self.assertRaises(ThumbnailError) as raised:
            await grabFrame(reactor, reactor, ffmpeg, path, 0, 20)
        self.assertIn("ffmpeg exited with", str(raised.exception))

    async def test_timeout(self) -> None:
        """
        A process still running when the clock passes the timeout is
        killed, and the grab fails saying so.
        """
        if shutil.which("sleep") is None:
            missing("the sleep command is not installed (coreutils)")
        sleeper = Path(self.mktemp()).absolute()
        sleeper.write_text("#!/bin/sh\nexec sleep 30\n")
        sleeper.chmod(0o755)
        clock = Clock()
        waiting = Deferred.fromCoroutine(grabFrame(reactor, clock, str(sleeper), sleeper, 0, 5))
        clock.advance(5)
        with self.assertRaises(ThumbnailError) as raised:
            await waiting
        self.assertIn("more than 5 s", str(raised.exception))
