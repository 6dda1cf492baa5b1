# -*- test-case-name: tests.media.test_dlna -*-
"""
DLNA's vocabulary (pure): the MIME type of each file extension we serve,
the C{DLNA.ORG_PN} profiles we name (only those GUPnP-DLNA, the
reference, names for the same file), the fourth field of a
protocolInfo (C{DLNA.ORG_PN;OP;CI;FLAGS}), the C{transferMode.dlna.org} of
a MIME type, and every protocolInfo we serve (for GetProtocolInfo).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

from coherence_lite.media.mpegaudio import MpegAudioFrame

__all__ = [
    "MIME_TYPES",
    "SERVED_PROTOCOL_INFOS",
    "contentFeatures",
    "imageProfile",
    "kindOf",
    "mimeTypeFor",
    "mp3Profile",
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

# The profiles of pictures, in the order GUPnP-DLNA's profile files try
# them (the first match wins): (name, width, height, exact), where an exact
# profile takes only that size (the icon profiles) and the others any
# picture no wider and no taller (the bounds are not turned for portrait
# pictures: a 480x640 JPEG is JPEG_MED).
_PICTURE_PROFILES: Mapping[str, tuple[tuple[str, int, int, bool], ...]] = {
    "image/jpeg": (
        ("JPEG_SM_ICO", 48, 48, True),
        ("JPEG_LRG_ICO", 120, 120, True),
        ("JPEG_TN", 160, 160, False),
        ("JPEG_SM", 640, 480, False),
        ("JPEG_MED", 1024, 768, False),
        ("JPEG_LRG", 4096, 4096, False),
    ),
    "image/png": (
        ("PNG_SM_ICO", 48, 48, True),
        ("PNG_LRG_ICO", 120, 120, True),
        ("PNG_TN", 160, 160, False),
        ("PNG_LRG", 4096, 4096, False),
    ),
}

#: The JPEG colour modes (Pillow's names) a JPEG profile allows: grey or
#: YCbCr; a CMYK JPEG conforms to none (and GStreamer cannot decode it).
_JPEG_MODES = frozenset(("1", "L", "RGB"))

#: The MP3 profiles: (name, MPEG versions, sample rates, lowest and highest
#: bitrate), as GUPnP-DLNA's mp3.xml has them.
_MP3_PROFILES: tuple[tuple[str, frozenset[int], frozenset[int], int, int], ...] = (
    ("MP3", frozenset((1,)), frozenset((32000, 44100, 48000)), 32000, 320000),
    ("MP3X", frozenset((1, 2)), frozenset((16000, 22050, 24000, 32000, 44100, 48000)), 8000, 320000),
)


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


def imageProfile(mimeType: str, width: int, height: int, mode: str | None = None) -> str | None:
    """
    The C{DLNA.ORG_PN} of a JPEG or PNG picture of this size, or L{None}:
    the one GUPnP-DLNA names for the same file (L{_PICTURE_PROFILES}).

    @param mode: the picture's colour mode as Pillow names it, when known;
        a JPEG of another mode than grey or RGB (CMYK) has no profile.
    """
    if width <= 0 or height <= 0 or (mimeType == "image/jpeg" and mode is not None and mode not in _JPEG_MODES):
        return None
    for name, maxWidth, maxHeight, exact in _PICTURE_PROFILES.get(mimeType, ()):
        fits = (width, height) == (maxWidth, maxHeight) if exact else width <= maxWidth and height <= maxHeight
        if fits:
            return name
    return None


def mp3Profile(frame: MpegAudioFrame | None) -> str | None:
    """
    The C{DLNA.ORG_PN} of an C{.mp3} from its first frame, when GUPnP-DLNA
    names the same one, else L{None}.

    C{MP3} is MPEG-1 Layer III at 32, 44.1 or 48 kHz, 32 to 320 kbit/s;
    C{MP3X} adds MPEG-2 (16, 22.05, 24 kHz) down to 8 kbit/s; mono or
    stereo.  A file whose first frame holds a Xing, Info or VBRI header
    (VBR, or any LAME file) has no profile: its bitrate is not known from
    the frame, and GUPnP-DLNA names none for it.
    """
    if frame is None or frame.layer != 3 or frame.vbrHeader or frame.channels not in (1, 2):
        return None
    for name, versions, rates, lowest, highest in _MP3_PROFILES:
        if frame.version in versions and frame.sampleRate in rates and lowest <= frame.bitrate <= highest:
            return name
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
            infos.extend(protocolInfo(mimeType, name) for name, *_ in _MP3_PROFILES)
        for name, *_ in _PICTURE_PROFILES.get(mimeType, ()):
            infos.append(protocolInfo(mimeType, name))
            if name.endswith("_TN"):
                infos.append(protocolInfo(mimeType, name, converted=True))
        infos.append(protocolInfo(mimeType))
    return tuple(infos)


#: Every protocolInfo the MediaServer serves: each MIME type without a
#: profile, plus each profile we can name (and the thumbnail ones again
#: marked converted, for the thumbnails we make); the
#: C{Source} of ConnectionManager's GetProtocolInfo, comma-joined.
SERVED_PROTOCOL_INFOS: tuple[str, ...] = _served()
