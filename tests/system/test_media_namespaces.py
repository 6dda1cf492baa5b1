"""
The MediaServer across a real link, in network namespaces (see
C{tests/support/netns.py})::

    cl-…-c1 (c1: 10.81.1.2, fd81:1::2) ── d1: 10.81.1.1, fd81:1::1  cl-…-dev

The daemon runs as a user runs it, in the device namespace: C{twistd -n
upnp-device --media DIR --state-dir DIR}, every interface there, SSDP port
1900, without the capabilities that let root read any file
(C{CAP_DAC_OVERRIDE}, C{CAP_DAC_READ_SEARCH}, dropped from its bounding set
by C{setpriv}), so the library's unreadable file is unreadable to it as to
a user's daemon, while the checkout and the library stay readable whatever
their path.  The clients run in
the client namespace and find it by SSDP: async-upnp-client's DmsDevice
walks and searches it as Home Assistant does (over IPv4 and IPv6),
GUPnP-AV parses its DIDL-Lite, curl fetches every item with every range
form and ffprobe probes them, and a subscribed DmsDevice sees a file added
and one removed.  The library and the checks are the loopback tests' (see
C{tests/system/test_media.py}).  Needs root and iproute2; skips otherwise.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from twisted.trial.unittest import TestCase

from tests.media.library import EXPECTED, UNREADABLE, addUnreadable, makeLibrary, needFFmpeg
from tests.support.mediaclients import (
    AUDIO_SUFFIXES, checkDIDLParsed, checkFindings, checkLiveUpdate, checkSearches, checkWalk, curl, folderTree, needGUPnPAV,
    rangeForms, runProbe, runTool,
)
from tests.support.netns import Topology, unavailable
from tests.support.prerequisites import missing
from tests.system.test_cli import Process

REASON = unavailable()
#: Where the tools come from, for the message when one is missing.
PACKAGES = {"curl": "curl", "ffprobe": "ffmpeg", "setpriv": "util-linux"}
HERE = Path(__file__).parent
DMS_PROBE = HERE / "dms_probe.py"
GUPNPAV_PROBE = HERE / "gupnpav_probe.py"
EVENTS_PROBE = HERE / "dms_events_probe.py"
SONG = "music/Artist/Album/Tagged Song"
#: The items ffprobe reads and curl fetches with every range form.
STREAMED = tuple(name for name in EXPECTED if name.endswith((*AUDIO_SUFFIXES, ".mp4", ".mkv")) and name != "truncated.mp3")

try:
    import async_upnp_client  # noqa: F401
except ImportError:
    async_upnp_client = None  # type: ignore[assignment]


class MediaServerAcrossALinkTests(TestCase):
    """
    A MediaServer daemon in a device namespace, its clients in a client
    namespace on their own link: one topology, library and daemon per
    test.
    """

    timeout = 180

    async def setUp(self) -> None:
        if REASON is not None:
            missing(REASON)
        needFFmpeg()
        if async_upnp_client is None:
            missing("async-upnp-client is not installed (pip install '.[test]')")
        for tool, package in PACKAGES.items():
            if shutil.which(tool) is None:
                missing(f"{tool} is not installed (apt-get install {package})")
        self.base = Path(tempfile.mkdtemp(prefix="cl-media-ns-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.music = makeLibrary(self.base)
        addUnreadable(self.music)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        [self.client] = self.topology.clients
        self.inClient = ("ip", "netns", "exec", self.client.namespace)
        self.daemon = Process("the daemon").spawnCommand(
            "ip", "netns", "exec", self.topology.device,
            "setpriv", "--bounding-set", "-dac_override,-dac_read_search",
            sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            "-n", "--pidfile=", "--logfile=-", "upnp-device", "--state-dir", str(self.base / "state"),
            "--media", str(self.music), "--media-name", "Den",
        )
        self.addCleanup(self.daemon.stop)
        await self.daemon.waitFor("Hosting", 20)
        await self.daemon.waitFor("Media scan done", 60)

    def log(self) -> str:
        """
        The daemon's log so far, for failure messages.
        """
        return self.daemon.output + self.daemon.errors

    async def walk(self, source: str, host: str) -> dict[str, Any]:
        """
        Find the daemon by SSDP from C{source} in the client namespace and
        walk it with DmsDevice; check the walk (every readable file once,
        titles, durations, nothing outside, Home Assistant's path search)
        with res URLs on C{host}.

        @return: what the walk found.
        """
        found: dict[str, Any] = await runProbe(
            self, self.inClient, sys.executable, str(DMS_PROBE), f"ssdp:{source}", SONG, context=self.log
        )
        self.assertEqual(urlsplit(found["location"]).hostname, host, found["location"])
        checkWalk(self, found, f"http://{host}:" if ":" not in host else f"http://[{host}]:")
        return found

    def itemURL(self, found: dict[str, Any], name: str) -> str:
        """
        The res URL of the library's file C{name} (by its title and suffix).
        """
        title = EXPECTED[name][0]
        [url] = [
            each["res"][0]["url"] for each in folderTree(found["objects"])
            if each["title"] == title and each["res"] and each["res"][0]["url"].endswith(Path(name).suffix)
        ]
        return str(url)

    async def test_foundWalkedAndSearchedByDmsDevice(self) -> None:
        """
        Over IPv4, DmsDevice finds the server by SSDP and walks it: every
        readable file exactly once with its title and duration, nothing
        outside the folder (outside symlink, prefix sibling, C{/etc}) and
        not the unreadable file, which the daemon logs; Home Assistant's
        path search, a class search, C{*} and the error codes answer as on
        loopback.
        """
        found = await self.walk(self.client.address, self.client.deviceAddress)
        checkSearches(self, found)
        self.assertIn(f"{UNREADABLE}: not readable", self.daemon.output)
        self.assertNotIn("Traceback", self.log())

    async def test_gupnpavParsesEveryPage(self) -> None:
        """
        GUPnP-AV's DIDL-Lite parser, in the client namespace, reads every
        page of every container of the server found by SSDP without an
        error: the same items, hostile names included.
        """
        needGUPnPAV()
        found = await self.walk(self.client.address, self.client.deviceAddress)
        control = found["location"].rsplit("/", 1)[0] + "/ContentDirectory/control"
        checkDIDLParsed(self, await runProbe(self, self.inClient, "/usr/bin/python3", str(GUPNPAV_PROBE), control, context=self.log))

    async def test_curlEveryRangeAndFFprobe(self) -> None:
        """
        Every audio and video item, fetched by curl in the client namespace
        with every range form, is byte-exact, and a range past the end is
        416; ffprobe reads each streamed item's size and duration as the
        file's.
        """
        found = await self.walk(self.client.address, self.client.deviceAddress)
        for name in STREAMED:
            url = self.itemURL(found, name)
            content = (self.music / name).read_bytes()
            for form, status, expected in rangeForms(content):
                got = await curl(self, self.inClient, url, *(("-r", form) if form else ()))
                self.assertEqual(got, (status, expected), (name, form))
            status, _ = await curl(self, self.inClient, url, "-r", f"{len(content)}-")
            self.assertEqual(status, 416, name)
            out, err, code = await runTool(
                self.inClient, "ffprobe", "-v", "error", "-show_entries", "format=duration,size", "-of", "json", url
            )
            self.assertEqual(code, 0, (name, err))
            probed = json.loads(out)["format"]
            self.assertEqual(int(probed["size"]), len(content), name)
            self.assertEqual(round(float(probed["duration"])), EXPECTED[name][1], name)

    async def test_liveUpdate(self) -> None:
        """
        A DmsDevice in the client namespace, subscribed with its callback
        on the client's address, sees a file added, then one removed, in
        Browse and in an evented SystemUpdateID within 10 s each.
        """
        found = await self.walk(self.client.address, self.client.deviceAddress)
        events = Process("the event probe").spawnCommand(
            *self.inClient, sys.executable, str(EVENTS_PROBE), found["location"], self.client.address
        )
        self.addCleanup(events.stop)
        await events.waitFor("subscribed", 20)
        await checkLiveUpdate(self, events.waitFor, self.base, self.music)

    async def test_checkPassesEveryMediaRule(self) -> None:
        """
        C{coherence-lite check}, run in the client namespace on its link,
        finds the MediaServer by SSDP and passes it on every rule, each
        MediaServer rule checked.
        """
        out, err, code = await runTool(
            self.inClient, sys.executable, "-m", "coherence_lite", "check", "-i", self.client.address,
            "--st", "urn:schemas-upnp-org:device:MediaServer:1", "--mx", "1", "--json",
        )
        self.assertEqual(code, 0, out.decode(errors="replace") + err.decode(errors="replace") + self.log())
        [device] = json.loads(out)["devices"]
        location = device["device"]["location"]
        self.assertEqual(urlsplit(location).hostname, self.client.deviceAddress, location)
        checkFindings(self, device)

    async def test_overIPv6(self) -> None:
        """
        Over IPv6 (a search to C{ff02::c} on the link), DmsDevice finds the
        server on its IPv6 address and walks it as over IPv4; curl fetches
        a suffix range and a middle range of the MP3 byte-exact.
        """
        found = await self.walk(f"{self.client.address6}%{self.client.interface}", self.client.deviceAddress6)
        url = self.itemURL(found, "Artist/Album/01 song.mp3")
        content = (self.music / "Artist/Album/01 song.mp3").read_bytes()
        self.assertEqual(await curl(self, self.inClient, url, "-r", "-100"), (206, content[-100:]))
        self.assertEqual(await curl(self, self.inClient, url, "-r", "100-1099"), (206, content[100:1100]))
