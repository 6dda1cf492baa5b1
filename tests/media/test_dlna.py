"""
Tests for L{coherence_lite.media.dlna}.
"""

from __future__ import annotations

import re

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media import dlna
from coherence_lite.media.mpegaudio import MpegAudioFrame

AV_FLAGS = "DLNA.ORG_FLAGS=01700000000000000000000000000000"
IMAGE_FLAGS = "DLNA.ORG_FLAGS=00f00000000000000000000000000000"

# protocolInfo grammar: four colon-separated fields, the fourth either `*`
# or NAME=value pairs joined by `;`.
PROTOCOL_INFO = re.compile(r"http-get:\*:[a-z]+/[-+.a-z0-9]+:(\*|[A-Z_.]+=[^;:,]+(;[A-Z_.]+=[^;:,]+)*)")


class MimeTypeTests(SynchronousTestCase):
    """
    Extensions map to the MIME types clients expect.
    """

    def test_knownExtensions(self) -> None:
        """
        Each served extension has its MIME type, whatever its case.
        """
        expected = {
            "a.mp3": "audio/mpeg",
            "b.FLAC": "audio/flac",
            "c.ogg": "audio/ogg",
            "d.opus": "audio/ogg",
            "e.m4a": "audio/mp4",
            "f.wav": "audio/wav",
            "g.Mp4": "video/mp4",
            "h.mkv": "video/x-matroska",
            "i.JPG": "image/jpeg",
            "j.png": "image/png",
            "k.srt": "text/srt",
        }
        self.assertEqual({name: dlna.mimeTypeFor(name) for name in expected}, expected)

    def test_unknownOrMissingExtension(self) -> None:
        """
        Files we do not serve have no MIME type.
        """
        self.assertIsNone(dlna.mimeTypeFor("notes.txt"))
        self.assertIsNone(dlna.mimeTypeFor("mp3"))
        self.assertIsNone(dlna.mimeTypeFor("archive.tar.gz"))

    def test_transferModes(self) -> None:
        """
        Audio and video stream; images and subtitles are interactive.
        """
        self.assertEqual(dlna.transferMode("audio/mpeg"), "Streaming")
        self.assertEqual(dlna.transferMode("video/x-matroska"), "Streaming")
        self.assertEqual(dlna.transferMode("image/jpeg"), "Interactive")
        self.assertEqual(dlna.transferMode("text/srt"), "Interactive")


class ContentFeaturesTests(SynchronousTestCase):
    """
    The fourth field: PN only when given, OP=01, CI, and the flags of the
    DLNA guidelines.
    """

    def test_audioVideoFlags(self) -> None:
        """
        Audio and video: streaming, background, stalling, DLNA 1.5 bits.
        """
        self.assertEqual(dlna.contentFeatures("video/mp4"), "DLNA.ORG_OP=01;DLNA.ORG_CI=0;" + AV_FLAGS)
        self.assertEqual(
            dlna.contentFeatures("audio/mpeg", "MP3"), "DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;" + AV_FLAGS
        )

    def test_imageAndTextFlags(self) -> None:
        """
        Images: interactive, background, stalling, DLNA 1.5; subtitles the
        same without stalling; a thumbnail we made says CI=1.
        """
        self.assertEqual(
            dlna.contentFeatures("image/jpeg", "JPEG_TN", converted=True),
            "DLNA.ORG_PN=JPEG_TN;DLNA.ORG_OP=01;DLNA.ORG_CI=1;" + IMAGE_FLAGS,
        )
        self.assertTrue(dlna.contentFeatures("text/srt").endswith("DLNA.ORG_FLAGS=00d" + "0" * 29))

    def test_protocolInfo(self) -> None:
        """
        The protocolInfo is C{http-get:*:MIME:4TH}.
        """
        self.assertEqual(
            dlna.protocolInfo("audio/flac"), "http-get:*:audio/flac:DLNA.ORG_OP=01;DLNA.ORG_CI=0;" + AV_FLAGS
        )

    def test_servedListIsWellFormedAndComplete(self) -> None:
        """
        Every served protocolInfo has the grammar's shape, none repeats, and
        each MIME type of L{dlna.MIME_TYPES} is there without a profile.
        """
        served = dlna.SERVED_PROTOCOL_INFOS
        self.assertEqual(len(served), len(set(served)))
        for info in served:
            self.assertIsNotNone(PROTOCOL_INFO.fullmatch(info), info)
        for mimeType in dlna.MIME_TYPES.values():
            self.assertIn(dlna.protocolInfo(mimeType), served)
        self.assertIn(dlna.protocolInfo("image/jpeg", "JPEG_SM"), served)
        self.assertIn(dlna.protocolInfo("audio/mpeg", "MP3"), served)


def frame(version: int = 1, rate: int = 44100, channels: int = 2, bitrate: int = 128000, vbr: bool = False, layer: int = 3) -> MpegAudioFrame:
    """
    A first frame as L{coherence_lite.media.mpegaudio} reads it.
    """
    return MpegAudioFrame(version, layer, rate, channels, bitrate, vbr)


class ProfileTests(SynchronousTestCase):
    """
    PNs are named only where GUPnP-DLNA (gupnp-dlna-info) names the same:
    the decision table, each row as that tool answered for a real file of
    that kind (tests/system/test_dlna_profiles.py compares with it).
    """

    def test_jpegBySize(self) -> None:
        """
        A JPEG takes the first profile whose width and height bounds hold
        it, the bounds not turned for portrait pictures; the icon profiles
        only at exactly 48x48 and 120x120; nothing beyond 4096.
        """
        expected = {
            (48, 48): "JPEG_SM_ICO",
            (120, 120): "JPEG_LRG_ICO",
            (100, 100): "JPEG_TN",
            (160, 120): "JPEG_TN",
            (160, 160): "JPEG_TN",
            (161, 100): "JPEG_SM",
            (640, 480): "JPEG_SM",
            (480, 640): "JPEG_MED",
            (641, 480): "JPEG_MED",
            (1024, 768): "JPEG_MED",
            (768, 1024): "JPEG_LRG",
            (1920, 1080): "JPEG_LRG",
            (4096, 4096): "JPEG_LRG",
            (4097, 100): None,
            (5000, 3000): None,
            (0, 10): None,
        }
        self.assertEqual({size: dlna.imageProfile("image/jpeg", *size) for size in expected}, expected)

    def test_jpegColourModes(self) -> None:
        """
        Grey and RGB JPEGs have a profile; a CMYK one has none.
        """
        self.assertEqual(dlna.imageProfile("image/jpeg", 640, 480, "L"), "JPEG_SM")
        self.assertEqual(dlna.imageProfile("image/jpeg", 640, 480, "RGB"), "JPEG_SM")
        self.assertIsNone(dlna.imageProfile("image/jpeg", 640, 480, "CMYK"))

    def test_pngBySize(self) -> None:
        """
        A PNG is an icon at exactly 48x48 or 120x120, PNG_TN up to
        160x160, PNG_LRG up to 4096x4096, whatever its colour mode.
        """
        expected = {
            (48, 48): "PNG_SM_ICO",
            (120, 120): "PNG_LRG_ICO",
            (100, 100): "PNG_TN",
            (161, 100): "PNG_LRG",
            (480, 640): "PNG_LRG",
            (4096, 4096): "PNG_LRG",
            (4097, 100): None,
        }
        self.assertEqual({size: dlna.imageProfile("image/png", *size, "RGBA") for size in expected}, expected)
        self.assertIsNone(dlna.imageProfile("image/gif", 10, 10))

    def test_mp3(self) -> None:
        """
        MP3 is MPEG-1 Layer III at 32, 44.1 or 48 kHz, mono or stereo;
        MP3X is MPEG-2 at 16, 22.05 or 24 kHz; MPEG-2.5, other layers and
        no frame name none.
        """
        self.assertEqual(dlna.mp3Profile(frame()), "MP3")
        self.assertEqual(dlna.mp3Profile(frame(rate=48000, bitrate=320000)), "MP3")
        self.assertEqual(dlna.mp3Profile(frame(rate=32000, channels=1, bitrate=64000)), "MP3")
        self.assertEqual(dlna.mp3Profile(frame(version=2, rate=22050, bitrate=64000)), "MP3X")
        self.assertEqual(dlna.mp3Profile(frame(version=2, rate=16000, channels=1, bitrate=32000)), "MP3X")
        self.assertIsNone(dlna.mp3Profile(frame(version=25, rate=8000, channels=1, bitrate=16000)))
        self.assertIsNone(dlna.mp3Profile(frame(layer=2)))
        self.assertIsNone(dlna.mp3Profile(None))

    def test_mp3WithVbrHeader(self) -> None:
        """
        A first frame holding a Xing, Info or VBRI header (a VBR file, or
        any LAME file, CBR included) names no profile: the reference sees
        no bitrate for it and names none.
        """
        self.assertIsNone(dlna.mp3Profile(frame(vbr=True)))
        self.assertIsNone(dlna.mp3Profile(frame(version=2, rate=22050, bitrate=64000, vbr=True)))

    def test_everyProfileIsServed(self) -> None:
        """
        Every profile the decision table can name is in GetProtocolInfo's
        list for its MIME type (CI=0), and the thumbnail profiles also as
        converted (CI=1).
        """
        served = set(dlna.SERVED_PROTOCOL_INFOS)
        for mimeType in ("image/jpeg", "image/png"):
            for width, height in ((48, 48), (120, 120), (100, 100), (640, 480), (1024, 768), (4096, 4096)):
                name = dlna.imageProfile(mimeType, width, height)
                self.assertIn(dlna.protocolInfo(mimeType, name), served)
            tn = mimeType.split("/")[1].upper() + "_TN"
            self.assertIn(dlna.protocolInfo(mimeType, tn, converted=True), served)
        for each in (frame(), frame(version=2, rate=22050, bitrate=64000)):
            self.assertIn(dlna.protocolInfo("audio/mpeg", dlna.mp3Profile(each)), served)
