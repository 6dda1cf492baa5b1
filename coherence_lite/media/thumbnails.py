# -*- test-case-name: tests.media.test_thumbnails -*-
"""
Making one JPEG_TN thumbnail (at most 160×160, aspect kept, baseline JPEG,
EXIF orientation applied): from a picture with Pillow (blocking: run on a
thread, never the reactor's), bounded in the pixels it decodes; and from a
video, a frame grabbed by an C{ffmpeg} process spawned on the reactor and
killed when it takes too long.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from struct import error as struct_error
from typing import Any, Sequence

from PIL import Image, ImageOps
from twisted.internet.defer import Deferred
from twisted.internet.error import ProcessExitedAlready
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure

from coherence_lite.media.containment import openContained
from coherence_lite.media.extras import Thumbnail

__all__ = ["MAX_PIXELS", "MAX_SIDE", "ThumbnailError", "grabFrame", "writeThumbnail"]

#: The longest side of a JPEG_TN picture.
MAX_SIDE = 160

#: The most pixels decoded to make one thumbnail (a JPEG is decoded at a
#: reduced scale first, so this bounds its reduced size): larger pictures
#: get none, whatever their file size says (decompression bombs).
MAX_PIXELS = 36_000_000

#: The most bytes of a frame read from ffmpeg.
MAX_FRAME_BYTES = 4 * 1024 * 1024

#: The JPEG quality of thumbnails.
QUALITY = 85


class ThumbnailError(Exception):
    """
    The source cannot be made into a thumbnail; the message says why in
    a few words.
    """


def _flattened(image: Image.Image) -> Image.Image:
    """
    The picture in RGB, transparency laid on white.
    """
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _encode(source: Any) -> tuple[bytes, int, int]:
    with Image.open(source) as image:
        image.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ThumbnailError(f"{width}x{height} is more than {MAX_PIXELS} pixels")
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        picture = _flattened(upright)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=QUALITY)
        return out.getvalue(), picture.width, picture.height


def writeThumbnail(source: Path | bytes, roots: Sequence[Path], directory: Path, name: str) -> Thumbnail:
    """
    Make the thumbnail of a picture (a file, opened only if it lies inside
    C{roots}, or a frame's bytes) and write it as C{directory/name}.

    @raise ThumbnailError: the source is missing, outside the roots, not a
        picture, broken or too large.
    @raise OSError: the thumbnail cannot be written.
    """
    try:
        if isinstance(source, bytes):
            data, width, height = _encode(io.BytesIO(source))
        else:
            with os.fdopen(openContained(source, roots), "rb") as file:
                data, width, height = _encode(file)
    except ThumbnailError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, struct_error,
            Image.DecompressionBombError) as e:
        raise ThumbnailError(f"{type(e).__name__}: {e}"[:200]) from None
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / (name + ".part")
    partial.write_bytes(data)
    os.replace(partial, directory / name)
    return Thumbnail(name, len(data), width, height)


class _FrameProtocol(ProcessProtocol):
    """
    Collects one frame from ffmpeg's standard output (bounded) and a little
    of its standard error.
    """

    def __init__(self) -> None:
        self.frame = bytearray()
        self.errors = bytearray()
        self.overflow = False
        self.ended: Deferred[int | None] = Deferred()

    def connectionMade(self) -> None:
        self.transport.closeStdin()  # type: ignore[union-attr]

    def outReceived(self, data: bytes) -> None:
        if len(self.frame) + len(data) > MAX_FRAME_BYTES:
            self.overflow = True
            self.kill()
            return
        self.frame += data

    def errReceived(self, data: bytes) -> None:
        self.errors += data[: max(0, 500 - len(self.errors))]

    def kill(self) -> None:
        try:
            self.transport.signalProcess("KILL")  # type: ignore[union-attr]
        except (ProcessExitedAlready, OSError):
            pass

    def processEnded(self, reason: Failure) -> None:
        self.ended.callback(getattr(reason.value, "exitCode", None))


async def grabFrame(reactor: Any, clock: Any, ffmpeg: str, path: Path, at: float, timeout: float) -> bytes:
    """
    One frame of a video at C{at} seconds, scaled to fit 160×160, as PNG
    bytes, from an ffmpeg process spawned on C{reactor}; killed after
    C{timeout} seconds on C{clock}.

    @return: the frame, or C{b""} when the video has none there.
    @raise ThumbnailError: ffmpeg failed, took too long or wrote too much.
    """
    protocol = _FrameProtocol()
    arguments = [
        ffmpeg, "-nostdin", "-v", "error", "-threads", "1", "-ss", f"{max(0.0, at):.3f}", "-i", f"file:{path}",
        "-map", "0:v:0", "-frames:v", "1",
        "-vf", f"scale=w={MAX_SIDE}:h={MAX_SIDE}:force_original_aspect_ratio=decrease",
        "-f", "image2pipe", "-c:v", "png", "pipe:1",
    ]
    reactor.spawnProcess(protocol, ffmpeg, arguments, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    late = clock.callLater(timeout, protocol.kill)
    code = await protocol.ended
    timedOut = not late.active()
    if not timedOut:
        late.cancel()
    if timedOut:
        raise ThumbnailError(f"ffmpeg took more than {timeout:g} s")
    if protocol.overflow:
        raise ThumbnailError(f"ffmpeg wrote more than {MAX_FRAME_BYTES} bytes")
    if code != 0:
        detail = bytes(protocol.errors).decode("utf-8", "replace").strip().splitlines()
        raise ThumbnailError(f"ffmpeg exited with {code}: {detail[-1][:150] if detail else 'no message'}")
    return bytes(protocol.frame)
