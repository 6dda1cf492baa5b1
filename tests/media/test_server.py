"""
Tests for L{coherence_lite.media.server}: the MediaServer device and its
SystemUpdateID across restarts.
"""

from __future__ import annotations

import wave
from pathlib import Path

from twisted.internet import reactor
from twisted.trial.unittest import TestCase

from coherence_lite.media.server import MEDIA_SERVER, MediaServer, defaultMediaName

UDN = "uuid:7b1d3c52-9f0e-4d7a-8f2b-1c9a0e6d5f43"


def writeWave(path: Path, frames: int = 8000) -> None:
    """
    Write a short silent mono WAV file (the standard library's C{wave}).
    """
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * frames)


class MediaServerTests(TestCase):
    """
    L{MediaServer} hosts a library as a MediaServer:1 device.
    """

    def setUp(self) -> None:
        self.folder = Path(self.mktemp())
        self.folder.mkdir()
        writeWave(self.folder / "one.wav")
        self.state = Path(self.mktemp())

    async def started(self) -> MediaServer:
        """
        A new MediaServer of the folder on the same state directory, after
        its first scan.
        """
        server = MediaServer([self.folder], "Den", UDN, self.state, reactor)
        server.startService()
        self.addCleanup(lambda: server.stopService() if server.running else None)
        await server.library.scanned
        return server

    async def test_device(self) -> None:
        """
        The device is a MediaServer:1 with ContentDirectory and
        ConnectionManager (their standard service ids), and Microsoft's
        X_MS_MediaReceiverRegistrar for the Xbox 360 and WMP.
        """
        server = await self.started()
        self.assertEqual((server.device.deviceType, server.device.friendlyName, server.device.UDN), (MEDIA_SERVER, "Den", UDN))
        self.assertEqual(
            [service.serviceType for service in server.device.services],
            ["urn:schemas-upnp-org:service:ContentDirectory:1", "urn:schemas-upnp-org:service:ConnectionManager:1",
             "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"],
        )
        self.assertTrue((self.state / f"media-{UDN[5:]}.sqlite").exists())

    async def test_systemUpdateIdNeverGoesBack(self) -> None:
        """
        The SystemUpdateID a scan reached is the next start's first value;
        an unchanged library keeps it, a change moves it on.
        """
        first = await self.started()
        reached = first.contentDirectory.SystemUpdateID
        self.assertGreater(reached, 0)
        first.stopService()
        second = MediaServer([self.folder], "Den", UDN, self.state, reactor)
        self.assertEqual(second.contentDirectory.SystemUpdateID, reached)
        writeWave(self.folder / "two.wav")
        second.startService()
        self.addCleanup(lambda: second.stopService() if second.running else None)
        await second.library.scanned
        self.assertGreater(second.contentDirectory.SystemUpdateID, reached)

    def test_defaultName(self) -> None:
        """
        Without a name the server is named after the host.
        """
        self.assertEqual(defaultMediaName("den-pc\x07"), "Media on den-pc")
        self.assertEqual(defaultMediaName(""), "Media")
