# -*- test-case-name: tests.media.test_metadata -*-
"""
What a media file is and holds: its kind and MIME type from its name, and
its tags, duration, audio format, resolution, date and DLNA profile read
from the file (tinytag for audio, Pillow for images, the first MPEG audio
frame for an MP3's profile, the container's header for video, ffprobe when
that says too little and ffprobe is installed).
Blocking: run on the index's thread, never the reactor's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from struct import error as struct_error

from PIL import Image, UnidentifiedImageError
from tinytag import TinyTag, TinyTagException

from coherence_lite.media.containers import readVideoHeader
from coherence_lite.media.dlna import imageProfile, kindOf as contentKind, mimeTypeFor, mp3Profile
from coherence_lite.media.mpegaudio import HEAD_SIZE, firstFrame, id3Size

__all__ = ["Kind", "Metadata", "MetadataError", "mediaKind", "readMetadata"]

#: The largest embedded picture kept as album art.
MAX_ART_SIZE = 8 * 1024 * 1024

#: The pictures kept as album art, by their first bytes (whatever type
#: the tag claims).
_ART_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))

#: How long ffprobe may take over one file.
FFPROBE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Kind:
    """
    A kind of file the library lists.

    @ivar mimeType: its MIME type.
    @ivar upnpClass: the class of its items.
    """

    mimeType: str
    upnpClass: str


_AUDIO = "object.item.audioItem.musicTrack"
_PHOTO = "object.item.imageItem.photo"
_VIDEO = "object.item.videoItem"

#: The item class of each kind of content the library lists.
_CLASSES = {"audio": _AUDIO, "image": _PHOTO, "video": _VIDEO}


@dataclass(frozen=True)
class Metadata:
    """
    What was read from a file; L{None} where nothing was found.

    @ivar art: an embedded cover picture (JPEG or PNG): its MIME type and
        bytes.
    @ivar profile: the C{DLNA.ORG_PN} of the file, when it surely has one
        (L{coherence_lite.media.dlna}).
    """

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    genre: str | None = None
    track: int | None = None
    date: str | None = None
    duration: float | None = None
    bitrate: int | None = None
    sampleRate: int | None = None
    channels: int | None = None
    resolution: str | None = None
    art: tuple[str, bytes] | None = None
    profile: str | None = None


def mediaKind(name: str) -> Kind | None:
    """
    The kind of a file by its name (its MIME type from
    L{coherence_lite.media.dlna}), or L{None} for a file not listed.
    """
    mimeType = mimeTypeFor(name)
    upnpClass = None if mimeType is None else _CLASSES.get(contentKind(mimeType))
    return None if mimeType is None or upnpClass is None else Kind(mimeType, upnpClass)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:1024] or None


def _positive(value: object) -> int | None:
    try:
        number = int(float(str(value)))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _embeddedArt(tag: TinyTag) -> tuple[str, bytes] | None:
    image = tag.images.front_cover or tag.images.any
    data = image.data if image is not None else b""
    if not data or len(data) > MAX_ART_SIZE:
        return None
    for magic, mimeType in _ART_MAGIC:
        if data.startswith(magic):
            return mimeType, data
    return None


def _mp3Profile(path: Path) -> str | None:
    """
    The profile of an MPEG audio file, from its first frame.
    """
    with path.open("rb") as file:
        head = file.read(10)
        file.seek(id3Size(head))
        return mp3Profile(firstFrame(file.read(HEAD_SIZE)))


def _audio(path: Path, mimeType: str) -> Metadata:
    tag = TinyTag.get(path, image=True)
    bitrate = _positive(tag.bitrate * 1000 / 8) if tag.bitrate else None
    duration = float(tag.duration) if tag.duration and tag.duration > 0 else None
    return Metadata(
        title=_text(tag.title),
        artist=_text(tag.artist),
        album=_text(tag.album),
        genre=_text(tag.genre),
        track=_positive(tag.track),
        date=_text(tag.year),
        duration=duration,
        bitrate=bitrate,
        sampleRate=_positive(tag.samplerate),
        channels=_positive(tag.channels),
        art=_embeddedArt(tag),
        profile=_mp3Profile(path) if mimeType == "audio/mpeg" else None,
    )


def _exifDate(image: Image.Image) -> str | None:
    if image.format == "PNG" and "exif" not in image.info:
        # An eXIf chunk comes before the image data; looking further would
        # decode the whole picture.
        return None
    exif = image.getexif()
    raw = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def _image(path: Path, mimeType: str) -> Metadata:
    with Image.open(path) as image:
        width, height = image.size
        return Metadata(
            resolution=f"{width}x{height}",
            date=_exifDate(image),
            profile=imageProfile(mimeType, width, height, image.mode),
        )


def _ffprobe(path: Path) -> Metadata | None:
    command = shutil.which("ffprobe")
    if command is None:
        return None
    try:
        done = subprocess.run(
            [command, "-v", "error", "-show_entries", "format=duration,bit_rate:stream=codec_type,width,height",
             "-of", "json", "--", str(path)],
            capture_output=True, timeout=FFPROBE_TIMEOUT, check=False,
        )
        found = json.loads(done.stdout or b"{}")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    fmt = found.get("format") or {}
    video = [stream for stream in found.get("streams") or () if stream.get("codec_type") == "video"]
    width, height = (_positive(video[0].get("width")), _positive(video[0].get("height"))) if video else (None, None)
    try:
        duration = float(fmt["duration"]) if "duration" in fmt else None
    except ValueError:
        duration = None
    bitrate = _positive(fmt.get("bit_rate"))
    return Metadata(
        duration=duration,
        bitrate=bitrate // 8 if bitrate else None,
        resolution=f"{width}x{height}" if width and height else None,
    )


def _fromHeader(path: Path) -> Metadata | None:
    """
    A video's metadata from its container's header, if that gives both its
    duration and its picture size (the bitrate is the file's average).
    """
    with path.open("rb") as file:
        header = readVideoHeader(file)
        size = os.fstat(file.fileno()).st_size
    if header is None or not header.duration or not header.width or not header.height:
        return None
    return Metadata(
        duration=header.duration,
        bitrate=_positive(size / header.duration),
        resolution=f"{header.width}x{header.height}",
    )


def _video(path: Path) -> Metadata:
    read = _fromHeader(path)
    if read is not None:
        return read
    probed = _ffprobe(path)
    if probed is not None:
        return probed
    if path.suffix.lower() in (".mp4", ".m4v"):
        tag = TinyTag.get(path)
        return Metadata(duration=float(tag.duration) if tag.duration else None)
    return Metadata()


class MetadataError(Exception):
    """
    A file could not be read (truncated, broken or unreadable); the message
    says why in a few words.
    """


def readMetadata(path: Path, kind: Kind) -> Metadata:
    """
    Read what C{path} holds.

    @raise MetadataError: the file cannot be read or is broken.
    """
    try:
        if kind.upnpClass == _AUDIO:
            return _audio(path, kind.mimeType)
        if kind.upnpClass == _PHOTO:
            return _image(path, kind.mimeType)
        return _video(path)
    except (OSError, TinyTagException, UnidentifiedImageError, Image.DecompressionBombError, SyntaxError) as e:
        raise MetadataError(f"{type(e).__name__}: {e}"[:200]) from None
    except (ValueError, KeyError, IndexError, struct_error) as e:
        raise MetadataError(f"broken file ({type(e).__name__}: {e})"[:200]) from None
