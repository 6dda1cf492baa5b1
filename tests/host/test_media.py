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
from coherence_lite.host.udn import derivedUDN
from coherence_lite.media.server import MEDIA_SERVER, MediaServer
from coherence_lite.media.streaming import StreamingResource
from coherence_lite.tap import Options, makeService
from tests.test_tap import EXAMPLES, MACHINE, fakeInterfaces


def hostedServer(options: Options) -> MediaServer:
    """
    The MediaServer parsed twistd options host.
    """
    server = options["sources"].mediaHosting.server
    assert server is not None
    return server


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
        with ContentDirectory:1, ConnectionManager:1 (and Microsoft's
        X_MS_MediaReceiverRegistrar:1) and a UDN that stays
        the same from one start to the next.
        """
        options = self.parse("--media", self.folder, "--media", self.folder + "/", "--media-name", "Den")
        self.assertEqual(hostedServer(options).library.folders, (Path(self.folder),))
        [device] = options["devices"]
        self.assertEqual((device.deviceType, device.friendlyName), (MEDIA_SERVER, "Den"))
        self.assertEqual(
            [service.serviceId for service in device.services],
            ["urn:upnp-org:serviceId:ContentDirectory", "urn:upnp-org:serviceId:ConnectionManager",
             "urn:microsoft.com:serviceId:X_MS_MediaReceiverRegistrar"],
        )
        self.assertEqual(device.UDN, derivedUDN(MACHINE, "media:--media"))
        self.assertEqual(self.parse("--media", self.folder)["device"].UDN, device.UDN)
        self.assertIsInstance(hostedServer(options), MediaServer)
        self.assertTrue(os.path.exists(os.path.join(self.stateDirectory, f"media-{device.UDN[5:]}.sqlite")))

    def test_views(self) -> None:
        """
        The views are on unless C{--no-media-views} is given.
        """
        self.assertTrue(hostedServer(self.parse("--media", self.folder)).contentDirectory.views)
        self.assertFalse(hostedServer(self.parse("--media", self.folder, "--no-media-views")).contentDirectory.views)
    def test_thumbnailsOption(self) -> None:
        """
        The MediaServer makes thumbnails in C{media-thumbnails-<uuid>/} of
        the state directory (a served root); C{--no-media-thumbnails} makes
        none and serves no such folder.
        """
        server = hostedServer(self.parse("--media", self.folder))
        assert server.thumbnailer is not None
        uuid = server.device.UDN[5:]
        self.assertEqual(server.thumbnailer.directory, Path(self.stateDirectory, f"media-thumbnails-{uuid}"))
        self.assertIn(server.thumbnailer.directory.resolve(), server.library.servedRoots)
        server = hostedServer(self.parse("--media", self.folder, "--no-media-thumbnails"))
        self.assertIsNone(server.thumbnailer)
        self.assertIsNone(server.library.thumbnailDirectory)

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
        hosting = options["sources"].mediaHosting
        self.assertIs(children[-1], hosting)
        self.assertLess(children.index(service.ssdp), children.index(hosting))
        streaming = service.web.site.resource.getStaticEntity(b"media")
        self.assertIsInstance(streaming, StreamingResource)
        service.replaceDevices(options["hosted"])
        self.assertIs(service.web.site.resource.getStaticEntity(b"media"), streaming)


class MediaFileTests(SynchronousTestCase):
    """
    A device file with a C{[media]} table hosts a MediaServer, read again
    on each reload.
    """

    def setUp(self) -> None:
        self.configs = Path(self.mktemp())
        (self.configs / "music").mkdir(parents=True)
        (self.configs / "photos").mkdir()
        self.stateDirectory = os.path.abspath(self.mktemp())

    def write(self, name: str, text: str) -> Path:
        """
        Write a device file in the config folder.
        """
        path = self.configs / name
        path.write_text(text)
        return path

    def parse(self, *arguments: str) -> Options:
        """
        Parse C{arguments} after C{--config-dir} and C{--state-dir}.
        """
        options = Options(systemInterfaces=fakeInterfaces, identity=lambda stateDirectory: MACHINE)
        options.parseOptions(["--state-dir", self.stateDirectory, "--config-dir", str(self.configs), *arguments])
        return options

    def test_mediaTable(self) -> None:
        """
        Folders relative to the file, a name, and a UDN derived from the
        file; an ordinary device file beside it is hosted too.
        """
        self.write("a-light.toml", (EXAMPLES / "binary-light.toml").read_text())
        path = self.write("den.toml", '[media]\nfolders = ["music", "photos"]\nname = "Den"\n')
        options = self.parse()
        light, media = options["devices"]
        self.assertEqual((media.deviceType, media.friendlyName), (MEDIA_SERVER, "Den"))
        self.assertEqual(media.UDN, derivedUDN(MACHINE, f"media:{path}"))
        server = options["sources"].mediaHosting.server
        self.assertEqual(server.library.folders, ((self.configs / "music").resolve(), (self.configs / "photos").resolve()))
        self.assertTrue(server.contentDirectory.views)
        self.write("den.toml", '[media]\nfolders = ["music"]\nviews = false\n')
        self.assertFalse(self.parse()["sources"].mediaHosting.server.contentDirectory.views)
        self.assertIsNotNone(server.thumbnailer)
        self.write("den.toml", '[media]\nfolders = ["music"]\nthumbnails = false\n')
        self.assertIsNone(self.parse()["sources"].mediaHosting.server.thumbnailer)

    def test_reload(self) -> None:
        """
        Loading again the same table keeps the running MediaServer (the
        same device); a changed table replaces it.
        """
        self.write("den.toml", '[media]\nfolders = "music"\n')
        options = self.parse()
        sources, identity = options["sources"], options["identity"]
        first = sources.mediaHosting.server
        self.assertIs(sources.load(identity)[0], options["hosted"][0])
        self.assertIs(sources.mediaHosting.server, first)
        self.write("den.toml", '[media]\nfolders = ["music", "photos"]\n')
        [reloaded] = sources.load(identity)
        self.assertIsNot(sources.mediaHosting.server, first)
        self.assertIsNone(first.parent)
        self.assertEqual(reloaded.device.UDN, options["device"].UDN)

    def test_errors(self) -> None:
        """
        A wrong table names the file and the key; two MediaServers are
        refused.
        """
        path = self.configs / "den.toml"
        for text, message in (
            ('[media]\nfolder = "music"\n', f"{path}: media.folder: unknown key (known: folders, name, uuid, views, thumbnails)"),
            ('[media]\nfolders = ["missing"]\n', f"{path}: media.folders: missing: not a folder"),
            ('[media]\nfolders = 3\n', f"{path}: media.folders: must be a folder or a list of folders"),
            ('[media]\nfolders = []\n', f"{path}: media.folders: names no folder"),
            ('[media]\nfolders = "music"\nthumbnails = "no"\n', f"{path}: media.thumbnails: must be true or false"),
            ('[media]\nfolders = "music"\n[device]\n', f"{path}: media: a MediaServer's file holds one [media] table and nothing else"),
        ):
            self.write("den.toml", text)
            with self.assertRaises(UsageError) as raised:
                self.parse()
            self.assertEqual(str(raised.exception), message)
        self.write("den.toml", '[media]\nfolders = "music"\n')
        with self.assertRaises(UsageError) as raised:
            self.parse("--media", str(self.configs / "photos"))
        self.assertEqual(str(raised.exception), f"--media: a host serves one MediaServer, and {path} already asks for one")
