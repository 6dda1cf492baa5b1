"""
Tests for L{coherence_lite.media.dlna}.
"""

from __future__ import annotations

import re

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media import dlna

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


class ProfileTests(SynchronousTestCase):
    """
    PNs are named only when certain.
    """

    def test_jpegBySize(self) -> None:
        """
        A photo takes the smallest JPEG profile holding it in either
        orientation; TN only for our thumbnails; nothing beyond 4096.
        """
        self.assertEqual(dlna.imageProfile("image/jpeg", 640, 480), "JPEG_SM")
        self.assertEqual(dlna.imageProfile("image/jpeg", 480, 640), "JPEG_SM")
        self.assertEqual(dlna.imageProfile("image/jpeg", 100, 100), "JPEG_SM")
        self.assertEqual(dlna.imageProfile("image/jpeg", 100, 100, thumbnail=True), "JPEG_TN")
        self.assertEqual(dlna.imageProfile("image/jpeg", 1024, 768), "JPEG_MED")
        self.assertEqual(dlna.imageProfile("image/jpeg", 1920, 1080), "JPEG_LRG")
        self.assertIsNone(dlna.imageProfile("image/jpeg", 5000, 3000))
        self.assertIsNone(dlna.imageProfile("image/jpeg", 0, 10))
        self.assertEqual(dlna.imageProfile("image/png", 800, 600), "PNG_LRG")
        self.assertIsNone(dlna.imageProfile("image/gif", 10, 10))

    def test_mp3OnlyWhenMpeg1LayerThree(self) -> None:
        """
        MP3 needs an MPEG-1 sample rate, one or two channels and a bitrate
        in range; unknowns name no profile.
        """
        self.assertEqual(dlna.audioProfile("audio/mpeg", 44100, 2, 128000), "MP3")
        self.assertIsNone(dlna.audioProfile("audio/mpeg", 22050, 2, 64000))
        self.assertIsNone(dlna.audioProfile("audio/mpeg", 44100, 6, 128000))
        self.assertIsNone(dlna.audioProfile("audio/mpeg", 44100, 2, None))
        self.assertIsNone(dlna.audioProfile("audio/mpeg", None, 2, 128000))
        self.assertIsNone(dlna.audioProfile("audio/flac", 44100, 2, 900000))

    def test_lpcm(self) -> None:
        """
        LPCM is audio/L16 at 44.1 or 48 kHz, mono or stereo.
        """
        self.assertEqual(dlna.audioProfile("audio/L16;rate=44100;channels=2", 44100, 2, None), "LPCM")
        self.assertIsNone(dlna.audioProfile("audio/L16;rate=32000;channels=2", 32000, 2, None))
        self.assertIsNone(dlna.audioProfile("audio/wav", 44100, 2, None))
