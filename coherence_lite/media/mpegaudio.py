# -*- test-case-name: tests.media.test_mpegaudio -*-
"""
The first frame of an MPEG audio file (after any ID3v2 tag), read from its
first bytes: MPEG version, layer, sample rate, channels and bitrate, and
whether a Xing, Info or VBRI header follows it (what the DLNA profile of
an C{.mp3} depends on).  Pure: parses bytes given.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HEAD_SIZE", "MpegAudioFrame", "firstFrame", "id3Size"]

#: How many bytes after the ID3v2 tag are searched for the first frame.
SEARCHED = 4096

#: The longest frame: Layer II at 384 kbit/s and 32 kHz, padded.
LONGEST_FRAME = 1729

#: How many bytes L{firstFrame} needs after the ID3v2 tag: the search
#: window, a frame of the largest size and the next frame's header.
HEAD_SIZE = SEARCHED + LONGEST_FRAME + 4

# Bitrates in kbit/s by bitrate index (1-14), for MPEG-1 Layer I, II, III
# and MPEG-2/2.5 Layer I, and Layers II and III.
_BITRATES = {
    (1, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}

# Sample rates by version (2.5 written 25) and sample rate index (0-2).
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}

# The version bits of the header: 00 is MPEG-2.5, 01 reserved.
_VERSIONS = {0: 25, 2: 2, 3: 1}


@dataclass(frozen=True)
class MpegAudioFrame:
    """
    The first frame header of an MPEG audio stream.

    @ivar version: 1, 2, or 25 for MPEG-2.5.
    @ivar layer: 1, 2 or 3.
    @ivar sampleRate: Hz.
    @ivar channels: 1 (single channel) or 2.
    @ivar bitrate: bits per second of this frame.
    @ivar vbrHeader: whether the frame holds a Xing, Info or VBRI header
        (a VBR or LAME-encoded file: the stream's bitrate is not this
        frame's).
    """

    version: int
    layer: int
    sampleRate: int
    channels: int
    bitrate: int
    vbrHeader: bool


def id3Size(head: bytes) -> int:
    """
    The size of the ID3v2 tag at the start of C{head} (header and footer
    included), or 0 when there is none.
    """
    if len(head) < 10 or head[:3] != b"ID3" or any(byte & 0x80 for byte in head[6:10]):
        return 0
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    return 10 + size + (10 if head[5] & 0x10 else 0)


def _header(data: bytes, at: int) -> tuple[MpegAudioFrame, int] | None:
    """
    The frame whose header starts at C{at}, with its length in bytes, or
    L{None} when there is no valid header there.
    """
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    b1, b2, b3 = data[at + 1], data[at + 2], data[at + 3]
    version = _VERSIONS.get((b1 >> 3) & 3)
    layer = 4 - ((b1 >> 1) & 3)
    index, rateIndex, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version is None or layer == 4 or index in (0, 15) or rateIndex == 3:
        return None
    bitrate = _BITRATES[(1 if version == 1 else 2, layer)][index - 1] * 1000
    sampleRate = _RATES[version][rateIndex]
    channels = 1 if b3 >> 6 == 3 else 2
    if layer == 1:
        length = (12 * bitrate // sampleRate + padding) * 4
    else:
        length = (144 if layer == 2 or version == 1 else 72) * bitrate // sampleRate + padding
    side = (32 if channels == 2 else 17) if version == 1 else (17 if channels == 2 else 9)
    tag = at + 4 + side
    vbr = data[tag:tag + 4] in (b"Xing", b"Info") or data[at + 36:at + 40] == b"VBRI"
    return MpegAudioFrame(version, layer, sampleRate, channels, bitrate, vbr), length


def firstFrame(head: bytes) -> MpegAudioFrame | None:
    """
    The first MPEG audio frame of a file from its first bytes (at least
    the ID3v2 tag and L{HEAD_SIZE} more), or L{None} when none is found.

    A frame counts only when the next one follows it with the same
    version, layer and sample rate: a stray sync word in a tag or in
    garbage is not taken for the stream.
    """
    start = id3Size(head)
    end = min(len(head), start + SEARCHED)
    at = head.find(b"\xff", start, end)
    while at != -1:
        found = _header(head, at)
        if found is not None:
            frame, length = found
            following = _header(head, at + length)
            if following is not None and (following[0].version, following[0].layer, following[0].sampleRate) == (
                frame.version, frame.layer, frame.sampleRate,
            ):
                return frame
        at = head.find(b"\xff", at + 1, end)
    return None
