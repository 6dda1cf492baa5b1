"""
GUPnP-DLNA (Debian's gupnp-dlna-tools) agrees that our thumbnails are
C{JPEG_TN}: one made from a large picture and one made from a video frame
grabbed by ffmpeg.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import Image
from twisted.internet import reactor
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase

from coherence_lite.media.thumbnails import grabFrame, writeThumbnail
from tests.media.library import needFFmpeg
from tests.support.prerequisites import missing


class GupnpDlnaProfileTests(TestCase):
    """
    C{gupnp-dlna-info} on thumbnails we made.
    """

    timeout = 120

    async def profileOf(self, path: Path) -> str:
        """
        The profile name gupnp-dlna-info gives a file.
        """
        out, err, code = await getProcessOutputAndValue(
            "gupnp-dlna-info", [path.as_uri()], env={"PATH": "/usr/bin:/bin"}, reactor=reactor
        )
        self.assertEqual(code, 0, err)
        lines = [line for line in out.decode("utf-8", "replace").splitlines() if line.startswith("Profile Name:")]
        self.assertEqual(len(lines), 1, out)
        return lines[0].split(":", 1)[1].strip()

    async def test_thumbnailsAreJpegTn(self) -> None:
        """
        A 1920×1080 picture's thumbnail and a 640×360 video's frame
        thumbnail are both C{JPEG_TN} to GUPnP-DLNA.
        """
        if shutil.which("gupnp-dlna-info") is None:
            missing("gupnp-dlna-info is not installed (apt-get install gupnp-dlna-tools)")
        ffmpeg = needFFmpeg()
        folder = Path(self.mktemp()).absolute()
        folder.mkdir()
        Image.new("RGB", (1920, 1080), (30, 60, 90)).save(folder / "big.jpg")
        writeThumbnail(folder / "big.jpg", [folder], folder / "out", "picture.jpg")
        subprocess.run(
            [ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=2",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", str(folder / "clip.mp4")],
            check=True, timeout=60,
        )
        frame = await grabFrame(reactor, reactor, ffmpeg, folder / "clip.mp4", 0.2, 20)
        writeThumbnail(frame, [], folder / "out", "video.jpg")
        for name in ("picture.jpg", "video.jpg"):
            with Image.open(folder / "out" / name) as image:
                self.assertLessEqual(max(image.size), 160)
            self.assertEqual(await self.profileOf(folder / "out" / name), "JPEG_TN", name)
