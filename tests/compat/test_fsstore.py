"""
Tests for Coherence's FSStore plugin on the L{Coherence
<coherence_lite.compat.base.Coherence>} façade
(L{coherence_lite.compat._impl.fsstore}): C{plugin} and C{plugins} entries
as Coherence accepted them become a MediaServer served over real HTTP on
loopback (C{unittest: yes}), built without blocking the reactor and
stopped by C{shutdown()}.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from PIL import Image
from twisted.internet import reactor
from twisted.logger import ILogObserver, LogLevel, formatEvent, globalLogPublisher
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, readBody
from zope.interface import provider

from coherence_lite.compat._impl.fsstore import FSStorePlugin
from coherence_lite.compat.base import Coherence
from coherence_lite.media.coherenceconfig import fsstoreRequest
from tests.support.control import callAction, controlURL

CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
DIDL_TITLE = "{http://purl.org/dc/elements/1.1/}title"
UUID = "33d68364-5bee-4dee-9ede-52afdd7baeaf"

#: An ID3 header with no frames and no audio: listed by its name.
SONG = b"ID3\x04\x00\x00\x00\x00\x00\x00"


def mediaThreads() -> list[str]:
    """
    The names of the media library's threads still alive.
    """
    return [thread.name for thread in threading.enumerate() if "media-" in thread.name]


#: The views the root lists after the media folder (L{coherence_lite.media.views}).
_VIEWS = ["Music", "Photos", "Videos", "Recently added"]


class FSStoreFacadeTests(TestCase):
    """
    A façade in unittest mode configured with an FSStore plugin.
    """

    timeout = 60

    def setUp(self) -> None:
        self.folder = Path(os.path.abspath(self.mktemp())) / "Media"
        (self.folder / "Album").mkdir(parents=True)
        (self.folder / "Album" / "song.mp3").write_bytes(SONG)
        Image.new("RGB", (8, 6), "red").save(self.folder / "picture.png")
        Image.new("RGB", (8, 6), "blue").save(self.folder / "skip.png")
        self.state = os.path.abspath(self.mktemp())
        self.events: list[dict[str, Any]] = []

        @provider(ILogObserver)
        def observe(event: dict[str, Any]) -> None:
            if event.get("log_level") in (LogLevel.warn, LogLevel.error):
                self.events.append(event)

        globalLogPublisher.addObserver(observe)
        self.addCleanup(globalLogPublisher.removeObserver, observe)

    def start(self, **config: Any) -> Coherence:
        """
        A façade with this configuration, shut down after the test.
        """
        coherence = Coherence({"unittest": "yes", "state_dir": self.state, **config})

        def stop() -> Any:
            return coherence.shutdown(force=True).addBoth(lambda result: coherence.clear() or result)

        self.addCleanup(stop)
        return coherence

    def served(self, coherence: Coherence) -> FSStorePlugin:
        """
        The one FSStore plugin the façade hosts.
        """
        [plugin] = coherence.active_backends.values()
        assert isinstance(plugin, FSStorePlugin)
        return plugin

    async def browse(self, coherence: Coherence, objectId: str) -> dict[str, str]:
        """
        Browse the direct children of C{objectId} over HTTP SOAP: their
        titles to their ids.
        """
        server = self.served(coherence).server
        url = controlURL(coherence.web_server_port, server.device, server.contentDirectory.service)
        code, _, body = await callAction(Agent(reactor), url, CDS, "Browse", {
            "ObjectID": objectId, "BrowseFlag": "BrowseDirectChildren", "Filter": "*", "StartingIndex": "0",
            "RequestedCount": "0", "SortCriteria": "",
        })
        self.assertEqual(code, 200, body)
        result = ElementTree.fromstring(body).find(".//Result")
        assert result is not None and result.text is not None
        didl = ElementTree.fromstring(result.text)
        return {node.findtext(DIDL_TITLE) or "": node.get("id") or "" for node in didl}

    def warnings(self) -> list[str]:
        """
        The warnings and errors logged, formatted.
        """
        return [formatEvent(event) for event in self.events]

    async def test_pluginEntryBrowsed(self) -> None:
        """
        A C{plugin} entry (a list of dicts, Coherence's command-line form)
        is hosted at once, before its first scan is done: its description
        names it, a Browse over HTTP lists the folder once scanned (less
        what C{ignore_patterns} leaves out) and a listed file's bytes are
        served.
        """
        coherence = self.start(plugin=[{
            "backend": "FSStore", "content": str(self.folder), "name": "Den", "ignore_patterns": "skip",
        }])
        plugin = self.served(coherence)
        self.assertFalse(plugin.server.library.scanned.called)
        description = await readBody(await Agent(reactor).request(
            b"GET", f"{coherence.urlbase}{plugin.uuid.removeprefix('uuid:')}/description.xml".encode("ascii")
        ))
        self.assertIn(b"<friendlyName>Den</friendlyName>", description)
        self.assertIn(f"<UDN>{plugin.uuid}</UDN>".encode("ascii"), description)
        await plugin.server.library.scanned
        self.assertEqual(list(await self.browse(coherence, "0")), ["Media", *_VIEWS])
        top = await self.browse(coherence, (await self.browse(coherence, "0"))["Media"])
        self.assertEqual(sorted(top), ["Album", "picture"])
        self.assertEqual(sorted(await self.browse(coherence, top["Album"])), ["song"])
        response = await Agent(reactor).request(b"GET", f"{coherence.urlbase}media/{top['picture']}.png".encode("ascii"))
        self.assertEqual(response.code, 200)
        self.assertEqual(await readBody(response), (self.folder / "picture.png").read_bytes())
        self.assertEqual(self.warnings(), [])

    async def test_pluginsSectionBrowsed(self) -> None:
        """
        A C{plugins} dict (Coherence's config file: backend name to its
        keys) is hosted with its C{uuid} as UDN and C{name} as friendlyName.
        """
        coherence = self.start(plugins={"FSStore": {"content": str(self.folder), "name": "Phil", "uuid": UUID}})
        plugin = self.served(coherence)
        self.assertEqual((plugin.get_id(), plugin.friendly_name), (f"uuid:{UUID}", "Phil"))
        await plugin.server.library.scanned
        top = await self.browse(coherence, (await self.browse(coherence, "0"))["Media"])
        self.assertEqual(sorted(top), ["Album", "picture", "skip"])

    async def test_derivedUDNStable(self) -> None:
        """
        Without a C{uuid}, the UDN is derived from the machine and the
        folders: the same in a new façade, another for other folders.
        """
        udns = []
        for folder in (self.folder, self.folder, self.folder / "Album"):
            coherence = self.start(plugin={"backend": "FSStore", "content": str(folder)})
            udns.append(self.served(coherence).uuid)
            await coherence.shutdown(force=True)
            coherence.clear()
        self.assertEqual(udns[0], udns[1])
        self.assertNotEqual(udns[0], udns[2])

    async def test_shutdownDuringFirstScan(self) -> None:
        """
        C{shutdown()} right after the façade is made (the first scan under
        way) fires, with the library's threads ended and the device gone;
        trial's check finds no timer or socket left.
        """
        coherence = self.start(plugin={"backend": "FSStore", "content": str(self.folder), "name": "Den"})
        self.assertTrue(mediaThreads())
        await coherence.shutdown()
        self.assertEqual(mediaThreads(), [])
        self.assertEqual(coherence.active_backends, {})
        self.assertEqual(coherence.hosting.root.devices, {})

    async def test_shutdownAfterBrowse(self) -> None:
        """
        C{shutdown()} after the scan and a Browse fires, the threads ended.
        """
        coherence = self.start(plugin={"backend": "FSStore", "content": str(self.folder)})
        await self.served(coherence).server.library.scanned
        self.assertEqual(list(await self.browse(coherence, "0")), ["Media", *_VIEWS])
        await coherence.shutdown()
        self.assertEqual(mediaThreads(), [])

    async def test_addAndRemovePlugin(self) -> None:
        """
        C{add_plugin('FSStore', ...)} hosts one; C{remove_plugin} takes it
        away (its files no longer served) and C{shutdown()} waits for its
        library to stop.
        """
        coherence = self.start()
        plugin = coherence.add_plugin("FSStore", content=str(self.folder), name="Den")
        assert isinstance(plugin, FSStorePlugin)
        await plugin.server.library.scanned
        self.assertEqual(coherence.remove_plugin(plugin), plugin.uuid)
        response = await Agent(reactor).request(b"GET", f"{coherence.urlbase}media/1".encode("ascii"))
        self.assertEqual(response.code, 404)
        await readBody(response)
        await coherence.shutdown()
        self.assertEqual(mediaThreads(), [])

    def test_unsupportedKeys(self) -> None:
        """
        Each key the daemon does not support is one warning, worded as the
        daemon words it; the plugin is served all the same.
        """
        settings = {"content": str(self.folder), "version": "1", "enable_destroy": "no"}
        daemonLines: list[str] = []
        fsstoreRequest("Coherence plugin FSStore", {"backend": "FSStore", **settings}, daemonLines.append)
        coherence = self.start(plugin={"backend": "FSStore", **settings})
        self.assertEqual(len(coherence.active_backends), 1)
        self.assertEqual(self.warnings(), daemonLines)
        self.assertEqual(daemonLines, [
            "Coherence plugin FSStore: plugin FSStore: FSStore key 'version' is not supported; ignored",
            "Coherence plugin FSStore: plugin FSStore: FSStore key 'enable_destroy' is not supported; ignored",
        ])

    def test_secondPluginRefused(self) -> None:
        """
        A second FSStore plugin is refused with one error, as the daemon
        refuses it (its files would share C{/media/}); the first is served.
        """
        coherence = self.start(plugin=[
            {"backend": "FSStore", "content": str(self.folder), "name": "Den"},
            {"backend": "FSStore", "content": str(self.folder / "Album"), "name": "Attic"},
        ])
        self.assertEqual([plugin.friendly_name for plugin in coherence.active_backends.values()], ["Den"])
        self.assertIn(
            "Cannot enable FSStore: a second MediaServer (an FSStore plugin is served already); "
            "a host serves one: give its folders as one plugin's content",
            self.warnings(),
        )

    def test_badPlugin(self) -> None:
        """
        An FSStore plugin that cannot be served is one error naming the key;
        nothing is hosted.
        """
        coherence = self.start(plugin={"backend": "FSStore", "content": "/no/such/folder"})
        self.assertEqual(coherence.active_backends, {})
        self.assertIn(
            "Cannot enable FSStore: Coherence plugin FSStore: plugin FSStore: content: /no/such/folder: not a folder",
            self.warnings(),
        )
