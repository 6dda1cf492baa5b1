"""
Tests for L{coherence_lite.media.mpegaudio}: first frames built bit by bit
as the MPEG audio standard lays them out.
"""

from __future__ import annotations

from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.mpegaudio import MpegAudioFrame, firstFrame, id3Size

# Header bits of the versions (1, 2, 2.5) and layers (1, 2, 3).
_VERSION_BITS = {1: 3, 2: 2, 25: 0}
_LAYER_BITS = {1: 3, 2: 2, 3: 1}


def header(version: int = 1, layer: int = 3, bitrateIndex: int = 9, rateIndex: int = 0, mono: bool = False, padding: int = 0) -> bytes:
    """
    Four header bytes: sync, version, layer (no CRC), bitrate and sample
    rate indexes, padding, channel mode.
    """
    b1 = 0xE0 | (_VERSION_BITS[version] << 3) | (_LAYER_BITS[layer] << 1) | 1
    b2 = (bitrateIndex << 4) | (rateIndex << 2) | (padding << 1)
    b3 = 0xC0 if mono else 0x00
    return bytes((0xFF, b1, b2, b3))


def frames(length: int, count: int = 3, first: bytes | None = None, **fields: Any) -> bytes:
    """
    C{count} frames of C{length} bytes with the same header; the first one's
    body may be given (a Xing header).
    """
    head = header(**fields)
    body = bytes(length - 4)
    one = head + ((first or b"") + body)[: length - 4]
    return one + (head + body) * (count - 1)


def id3(size: int) -> bytes:
    """
    An ID3v2.3 tag with C{size} bytes of content (syncsafe size).
    """
    syncsafe = bytes(((size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F))
    return b"ID3\x03\x00\x00" + syncsafe + b"\xff\xfb" + bytes(size - 2)


class FirstFrameTests(SynchronousTestCase):
    """
    The first frame after any ID3v2 tag, confirmed by the next one.
    """

    def test_mpeg1LayerThree(self) -> None:
        """
        128 kbit/s at 44.1 kHz, stereo: 417-byte frames.
        """
        self.assertEqual(firstFrame(frames(417)), MpegAudioFrame(1, 3, 44100, 2, 128000, False))

    def test_mpeg2Mono(self) -> None:
        """
        MPEG-2 Layer III, 32 kbit/s at 16 kHz, single channel: 144-byte
        frames (72 x bitrate / rate).
        """
        found = firstFrame(frames(144, version=2, bitrateIndex=4, rateIndex=2, mono=True))
        self.assertEqual(found, MpegAudioFrame(2, 3, 16000, 1, 32000, False))

    def test_mpeg25(self) -> None:
        """
        MPEG-2.5 is version 25, at 8 kHz.
        """
        found = firstFrame(frames(144, version=25, bitrateIndex=2, rateIndex=2, mono=True))
        self.assertEqual(found, MpegAudioFrame(25, 3, 8000, 1, 16000, False))

    def test_afterId3Tag(self) -> None:
        """
        The ID3v2 tag is skipped, a sync word inside it ignored.
        """
        tag = id3(300)
        self.assertEqual(id3Size(tag), 310)
        self.assertEqual(firstFrame(tag + frames(417)), MpegAudioFrame(1, 3, 44100, 2, 128000, False))

    def test_xingInfoAndVbri(self) -> None:
        """
        Xing or Info after the side information (32 bytes for MPEG-1
        stereo, 17 for mono, 9 for MPEG-2 mono), or VBRI 32 bytes in, mark
        the frame.
        """
        marked = [
            frames(417, first=bytes(32) + b"Info"),
            frames(417, first=bytes(17) + b"Xing", mono=True),
            frames(144, first=bytes(9) + b"Xing", version=2, bitrateIndex=4, rateIndex=2, mono=True),
            frames(417, first=bytes(32) + b"VBRI"),
        ]
        self.assertEqual([getattr(firstFrame(each), "vbrHeader", None) for each in marked], [True] * 4)
        self.assertFalse(firstFrame(frames(417, first=bytes(31) + b"Info")).vbrHeader)  # type: ignore[union-attr]

    def test_noConfirmingFrame(self) -> None:
        """
        A lone header (no frame after it), garbage, a reserved version or
        a free-format bitrate is no frame.
        """
        self.assertIsNone(firstFrame(header() + bytes(100)))
        self.assertIsNone(firstFrame(b"\xff" * 5000))
        self.assertIsNone(firstFrame(b"nothing here"))
        self.assertIsNone(firstFrame(frames(417, bitrateIndex=0)))
        self.assertIsNone(firstFrame(b""))

    def test_syncFoundAfterGarbage(self) -> None:
        """
        A few bytes of junk before the first frame are skipped.
        """
        self.assertEqual(firstFrame(b"\xff\x00junk" + frames(417)), MpegAudioFrame(1, 3, 44100, 2, 128000, False))

    def test_brokenId3Size(self) -> None:
        """
        An ID3 header whose size bytes are not syncsafe is no tag.
        """
        self.assertEqual(id3Size(b"ID3\x03\x00\x00\x80\x00\x00\x00"), 0)
        self.assertEqual(id3Size(b"ID3"), 0)
