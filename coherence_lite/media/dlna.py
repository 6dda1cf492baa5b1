# -*- test-case-name: tests.media.test_dlna -*-
"""
DLNA's vocabulary (pure): the MIME type of each file extension we serve,
the C{DLNA.ORG_PN} profiles we can vouch for, the fourth field of a
protocolInfo (C{DLNA.ORG_PN;OP;CI;FLAGS}), the C{transferMode.dlna.org} of
a MIME type, and every protocolInfo we serve (for GetProtocolInfo).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

__all__ = [
    "MIME_TYPES",
    "SERVED_PROTOCOL_INFOS",
    "audioProfile",
    "contentFeatures",
    "imageProfile",
    "kindOf",
    "mimeTypeFor",
    "protocolInfo",
    "transferMode",
]

#: The MIME type of each file extension the MediaServer serves (lower case,
#: without the dot).
MIME_TYPES: Mapping[str, str] = {
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "mkv": "video/x-matroska",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "srt": "text/srt",
}

# DLNA.ORG_FLAGS bits (DLNA guidelines 7.4.1.3.24): the primary flags are the
# top 32 of 128 bits, written as 8 hex digits and then 24 zeros.
_TM_STREAMING = 1 << 24
_TM_INTERACTIVE = 1 << 23
_TM_BACKGROUND = 1 << 22
_HTTP_STALLING = 1 << 21
_DLNA_V15 = 1 << 20

# What each kind of content allows: audio and video are streamed (and may
# stall the connection while paused), images and text are fetched whole.
_FLAGS = {
    "audio": _TM_STREAMING | _TM_BACKGROUND | _HTTP_STALLING | _DLNA_V15,
    "video": _TM_STREAMING | _TM_BACKGROUND | _HTTP_STALLING | _DLNA_V15,
    "image": _TM_INTERACTIVE | _TM_BACKGROUND | _HTTP_STALLING | _DLNA_V15,
    "text": _TM_INTERACTIVE | _TM_BACKGROUND | _DLNA_V15,
}

#: DLNA.ORG_OP of a file served over HTTP: no time seek (0), byte ranges (1).
_OPERATIONS = "01"

# The largest picture of each JPEG profile (width, height), smallest first;
# either orientation fits (the guidelines bound the longer and the shorter
# side).
_JPEG_PROFILES: tuple[tuple[str, int, int], ...] = (("JPEG_TN", 160, 160), ("JPEG_SM", 640, 480), ("JPEG_MED", 1024, 768), ("JPEG_LRG", 4096, 4096))
_PNG_PROFILES: tuple[tuple[str, int, int], ...] = (("PNG_TN", 160, 160), ("PNG_LRG", 4096, 4096))


def mimeTypeFor(name: str) -> str | None:
    """
    The MIME type served for a file name, by its extension, or L{None} when
    we do not serve that kind of file.
    """
    _, dot, extension = name.rpartition(".")
    if not dot:
        return None
    return MIME_TYPES.get(extension.lower())


def kindOf(mimeType: str) -> str:
    """
    C{audio}, C{video}, C{image} or C{text}: what a MIME type carries, as
    far as DLNA's transfer modes care (C{application/*} counts as video).
    """
    major = mimeType.partition("/")[0].lower()
    if major in ("audio", "video", "image", "text"):
        return major
    return "video"


def transferMode(mimeType: str) -> str:
    """
    The C{transferMode.dlna.org} a file of this MIME type is served with
    by default: C{Streaming} for audio and video, C{Interactive} for
    images and text.
    """
    return "Streaming" if kindOf(mimeType) in ("audio", "video") else "Interactive"


def imageProfile(mimeType: str, width: int, height: int, thumbnail: bool = False) -> str | None:
    """
    The C{DLNA.ORG_PN} of a JPEG or PNG picture of this size, or L{None}.

    A picture fits the smallest profile whose bounds hold it in either
    orientation; C{JPEG_TN} and C{PNG_TN} only name thumbnails we made.

    @param thumbnail: whether the picture is a thumbnail we generated.
    """
    if width <= 0 or height <= 0:
        return None
    if mimeType == "image/jpeg":
        profiles = _JPEG_PROFILES
    elif mimeType == "image/png":
        profiles = _PNG_PROFILES
    else:
        return None
    longer, shorter = max(width, height), min(width, height)
    for name, maxLonger, maxShorter in profiles:
        if name.endswith("_TN") and not thumbnail:
            continue
        if longer <= maxLonger and shorter <= maxShorter:
            return name
    return None


def audioProfile(mimeType: str, sampleRate: int | None, channels: int | None, bitrate: int | None) -> str | None:
    """
    The C{DLNA.ORG_PN} of an audio file when it surely conforms, else
    L{None}.

    C{MP3} is MPEG-1 Layer III: 32, 44.1 or 48 kHz, mono or stereo, at most
    320 kbit/s (an C{.mp3} at 22.05 kHz is MPEG-2 and does not qualify).
    C{LPCM} is C{audio/L16} at 44.1 or 48 kHz, mono or stereo.

    @param sampleRate: Hz, or L{None} when unknown (then no profile).
    @param channels: how many, or L{None} when unknown (then no profile).
    @param bitrate: bits per second, or L{None} when unknown.
    """
    if sampleRate is None or channels is None or channels not in (1, 2):
        return None
    major = mimeType.split(";")[0].strip().lower()
    if major == "audio/mpeg":
        if sampleRate in (32000, 44100, 48000) and bitrate is not None and 32000 <= bitrate <= 320000:
            return "MP3"
        return None
    if major == "audio/l16" and sampleRate in (44100, 48000):
        return "LPCM"
    return None


def contentFeatures(mimeType: str, profile: str | None = None, converted: bool = False) -> str:
    """
    The fourth field of a protocolInfo, also the value of the
    C{contentFeatures.dlna.org} header: C{DLNA.ORG_PN} (when given),
    C{DLNA.ORG_OP=01} (byte ranges, no time seek), C{DLNA.ORG_CI} and
    C{DLNA.ORG_FLAGS}, in that order.

    @param profile: the C{DLNA.ORG_PN}, only when the file surely conforms.
    @param converted: whether the content was transcoded or resized by us
        (a thumbnail): C{DLNA.ORG_CI=1}.
    """
    fields = []
    if profile:
        fields.append(f"DLNA.ORG_PN={profile}")
    fields.append(f"DLNA.ORG_OP={_OPERATIONS}")
    fields.append(f"DLNA.ORG_CI={1 if converted else 0}")
    fields.append(f"DLNA.ORG_FLAGS={_FLAGS[kindOf(mimeType)]:08x}{'0' * 24}")
    return ";".join(fields)


@lru_cache(maxsize=128)
def protocolInfo(mimeType: str, profile: str | None = None, converted: bool = False) -> str:
    """
    The protocolInfo of a file served over HTTP GET:
    C{http-get:*:<mimeType>:<contentFeatures>} (the last 128 remembered:
    every item of a Browse page asks for one).
    """
    return f"http-get:*:{mimeType}:{contentFeatures(mimeType, profile, converted)}"


def _served() -> tuple[str, ...]:
    infos: list[str] = []
    for mimeType in dict.fromkeys(MIME_TYPES.values()):
        if mimeType == "audio/mpeg":
            infos.append(protocolInfo(mimeType, "MP3"))
        elif mimeType == "image/jpeg":
            infos.extend(protocolInfo(mimeType, name) for name, _, _ in _JPEG_PROFILES if name != "JPEG_TN")
            infos.append(protocolInfo(mimeType, "JPEG_TN", converted=True))
        elif mimeType == "image/png":
            infos.append(protocolInfo(mimeType, "PNG_LRG"))
            infos.append(protocolInfo(mimeType, "PNG_TN", converted=True))
        infos.append(protocolInfo(mimeType))
    return tuple(infos)


#: Every protocolInfo the MediaServer serves: each MIME type without a
#: profile, plus each profile we can name (thumbnails marked converted); the
#: C{Source} of ConnectionManager's GetProtocolInfo, comma-joined.
SERVED_PROTOCOL_INFOS: tuple[str, ...] = _served()
