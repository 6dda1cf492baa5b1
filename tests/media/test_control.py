"""
The MediaServer's ContentDirectory over real SOAP on loopback: hostile
arguments answer a UPnP error from the spec's list (never 501, never a
traceback), and the res URLs carry the address the request came in on.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from twisted.internet import reactor
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent

from coherence_lite.backend.hosted import Hosted
from coherence_lite.media.server import MediaServer
from tests.media.test_server import UDN, writeWave
from tests.support import startLoopbackService
from tests.support.control import callAction, controlURL

CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"


def browse(objectId: str = "0", flag: str = "BrowseDirectChildren", filterText: str = "*", start: str = "0",
           count: str = "0", sort: str = "") -> dict[str, str]:
    """
    The lexical arguments of a Browse.
    """
    return {"ObjectID": objectId, "BrowseFlag": flag, "Filter": filterText, "StartingIndex": start,
            "RequestedCount": count, "SortCriteria": sort}


class ControlTests(TestCase):
    """
    Browse and Search through the host's control resource.
    """

    timeout = 60

    async def setUp(self) -> None:  # type: ignore[override]
        folder = Path(self.mktemp())
        (folder / "sub").mkdir(parents=True)
        writeWave(folder / "one.wav")
        writeWave(folder / "sub" / 'two "&<>.wav')
        self.server = MediaServer([folder], "Den", UDN, Path(self.mktemp()), reactor)
        self.server.startService()
        self.addCleanup(self.server.stopService)
        await self.server.library.scanned
        service = startLoopbackService(self, [self.server.hosted], httpPort=0)  # type: ignore[list-item]
        device = self.server.device
        self.url = controlURL(service.web.port, device, device.services[0])
        self.agent = Agent(reactor)

    async def call(self, action: str, arguments: dict[str, str]) -> tuple[int, bytes]:
        """
        Call an action; return the status and the body.
        """
        code, _, body = await callAction(self.agent, self.url, CDS, action, arguments)
        return code, body

    async def test_resURLs(self) -> None:
        """
        A page's res URLs name 127.0.0.1 and the port the request reached.
        """
        code, body = await self.call("Browse", browse("1"))
        self.assertEqual(code, 200, body)
        result = ET.fromstring(body).find(".//Result")
        assert result is not None and result.text is not None
        urls = [res.text for res in ET.fromstring(result.text).iter("{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}res")]
        port = self.url.decode().split(":")[2].split("/")[0]
        self.assertEqual(len(urls), 1)
        self.assertRegex(urls[0] or "", rf"^http://127\.0\.0\.1:{port}/media/\d+\.wav$")

    async def test_hostileArguments(self) -> None:
        """
        Hostile or malformed arguments answer 402, 601 (a number out of its
        type's range, as the control layer answers), 701, 708, 709 or 710;
        the service answers normally afterwards.
        """
        cases = [
            ("Browse", browse(""), 701),
            ("Browse", browse(" 0"), 701),
            ("Browse", browse("-1"), 701),
            ("Browse", browse("\u0669"), 701),
            ("Browse", browse("9" * 40), 701),
            ("Browse", browse("0' OR '1'='1"), 701),
            ("Browse", browse(flag="browsemetadata"), 402),
            ("Browse", browse(start="-1"), 601),
            ("Browse", browse(count="4294967296"), 601),
            ("Browse", browse(count="abc"), 402),
            ("Browse", browse(sort="+dc:title;--"), 709),
            ("Browse", browse(sort="x" * 5000), 709),
            ("Search", {**browse(), "ContainerID": "0", "SearchCriteria": '((((dc:title = "a"'}, 708),
            ("Search", {**browse(), "ContainerID": "0", "SearchCriteria": 'dc:title = "a" ; DROP TABLE objects'}, 708),
            ("Search", {**browse(), "ContainerID": "0", "SearchCriteria": "(" * 500 + 'a="b"' + ")" * 500}, 708),
            ("Search", {**browse(), "ContainerID": "1' --", "SearchCriteria": "*"}, 710),
        ]
        for action, arguments, expected in cases:
            if action == "Search":
                del arguments["ObjectID"], arguments["BrowseFlag"]
                arguments = {name: arguments[name] for name in
                             ("ContainerID", "SearchCriteria", "Filter", "StartingIndex", "RequestedCount", "SortCriteria")}
            code, body = await self.call(action, arguments)
            found = re.search(rb"<errorCode>(\d+)</errorCode>", body)
            self.assertEqual((code, found and int(found.group(1))), (500, expected), (action, arguments, body[:300]))
        code, body = await self.call("Browse", browse(filterText="dc:title," * 2000))
        self.assertEqual(code, 200)
        code, body = await self.call("Search", {"ContainerID": "0", "SearchCriteria": 'dc:title contains "&"',
                                                "Filter": "*", "StartingIndex": "0", "RequestedCount": "0",
                                                "SortCriteria": ""})
        self.assertEqual(code, 200)
        self.assertIn(b"<TotalMatches>1</TotalMatches>", body)

    def test_hostedCarriesTheRuntimes(self) -> None:
        """
        The hosted value pairs the device with its three services' runtimes
        (ContentDirectory, ConnectionManager, X_MS_MediaReceiverRegistrar).
        """
        self.assertIsInstance(self.server.hosted, Hosted)
        self.assertEqual(len(self.server.hosted.runtimes), 3)
