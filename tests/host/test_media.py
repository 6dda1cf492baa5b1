"""
Tests for L{coherence_lite.host.media}: C{--media} folders become a hosted
MediaServer with its library and its C{/media/} resource.
"""

from __future__ import annotations

import os
from pathlib import Path

from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.daemon import DaemonService
from coherence_lite.host.media import mediaUDN
from coherence_lite.media.server import MEDIA_SERVER, MediaServer
from coherence_lite.media.streaming import StreamingResource
from coherence_lite.tap import Options, makeService
from tests.test_tap import EXAMPLES, MACHINE, fakeInterfaces


class MediaOptionsTests(SynchronousTestCase):
    """
    C{twistd upnp-device --media DIR [--media-name NAME]}.
    """

    def parse(self, *arguments: str) -> Options:
        """
        Parse C{arguments} as C{twistd upnp-device} would, with a new
        state directory.
        """
        options = Options(systemInterfaces=fakeInterfaces, identity=lambda stateDirectory: MACHINE)
        options.parseOptions(["--state-dir", self.stateDirectory, *arguments])
        return options

    def setUp(self) -> None:
        self.stateDirectory = os.path.abspath(self.mktemp())
        self.folder = os.path.abspath(self.mktemp())
        os.makedirs(self.folder)

    def test_mediaAlone(self) -> None:
        """
        C{--media} alone hosts one MediaServer, named by C{--media-name},
        with ContentDirectory:1 and ConnectionManager:1 and a UDN that stays
        the same from one start to the next.
        """
        options = self.parse("--media", self.folder, "--media", self.folder + "/", "--media-name", "Den")
        self.assertEqual(options["mediaServer"].library.folders, (Path(self.folder),))
        [device] = options["devices"]
        self.assertEqual((device.deviceType, device.friendlyName), (MEDIA_SERVER, "Den"))
        self.assertEqual(
            [service.serviceId for service in device.services],
            ["urn:upnp-org:serviceId:ContentDirectory", "urn:upnp-org:serviceId:ConnectionManager"],
        )
        self.assertEqual(device.UDN, mediaUDN(MACHINE))
        self.assertEqual(self.parse("--media", self.folder)["device"].UDN, device.UDN)
        self.assertIsInstance(options["mediaServer"], MediaServer)
        self.assertTrue(os.path.exists(os.path.join(self.stateDirectory, f"media-{device.UDN[5:]}.sqlite")))

    def test_overridesWhenAlone(self) -> None:
        """
        With no device file, C{--friendly-name} and C{--uuid} name the
        MediaServer.
        """
        device = self.parse(
            "--media", self.folder, "--friendly-name", "Salon", "--uuid", "0c9a6e4e-0000-4000-8000-000000000009"
        )["device"]
        self.assertEqual((device.friendlyName, device.UDN), ("Salon", "uuid:0c9a6e4e-0000-4000-8000-000000000009"))

    def test_notAFolder(self) -> None:
        """
        A C{--media} that is not a folder is a usage error naming it.
        """
        with self.assertRaises(UsageError) as raised:
            self.parse("--media", self.folder + "/missing")
        self.assertEqual(str(raised.exception), f"--media: {self.folder}/missing: not a folder")

    def test_besideDeviceFiles(self) -> None:
        """
        Beside a device file the MediaServer is hosted after its device;
        makeService runs its library after SSDP and serves C{/media/}, also
        after a reload.
        """
        options = self.parse("--config", str(EXAMPLES / "binary-light.toml"), "--media", self.folder)
        self.assertEqual([device.deviceType for device in options["devices"]][1], MEDIA_SERVER)
        service = makeService(options)
        assert isinstance(service, DaemonService)
        children = list(service)
        self.assertIs(children[-1], options["mediaServer"])
        self.assertLess(children.index(service.ssdp), children.index(options["mediaServer"]))
        streaming = service.web.site.resource.getStaticEntity(b"media")
        self.assertIsInstance(streaming, StreamingResource)
        service.replaceDevices(options["devices"])
        self.assertIs(service.web.site.resource.getStaticEntity(b"media"), streaming)
