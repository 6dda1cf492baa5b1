"""
The clients that bend the rules, replayed over real loopback HTTP against a
real L{MediaServer}: each test sends the headers and SOAP bodies the client
sends (Samsung TVs, the Xbox 360, Windows Media Player, VLC, Kodi, Home
Assistant's DmsDevice), and the quirk table is checked row by row.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

from twisted.internet import reactor
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, FileBodyProducer, readBody
from twisted.web.http_headers import Headers

from coherence_lite.media.quirks import QUIRKS, Quirk, quirksOf
from coherence_lite.media.samsung import FEATURES_NAMESPACE
from coherence_lite.media.server import MediaServer
from coherence_lite.model import layout
from tests.media.test_server import UDN, writeWave
from tests.support import startLoopbackService
from tests.support.control import controlURL

CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
MRR = "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"
DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
UPNP = "{urn:schemas-upnp-org:metadata-1-0/upnp/}"

#: The User-Agent each client sends with its SOAP requests.
SAMSUNG_TV = "DLNADOC/1.50 SEC_HHP_[TV] Samsung Q70 Series/1.0 UPnP/1.0"
XBOX_360 = "Xbox/2.0.17559.0 UPnP/1.0 Xbox/2.0.17559.0"
WMP_12 = "Microsoft-Windows/6.1 UPnP/1.0 Windows-Media-Player/12.0.7601.17514 DLNADOC/1.50 (MS-DeviceCaps/1024)"
VLC = "Linux/6.18.44-fc-v1272, UPnP/1.0, Portable SDK for UPnP devices/1.8.4"
KODI = "UPnP/1.0 DLNADOC/1.50 Kodi"

#: VLC 3.0.24's Browse body, byte for byte as captured from Debian's cvlc
#: (its libupnp writes no XML declaration and CRLF between elements).
VLC_BROWSE = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">\r\n'
    '<s:Body><u:Browse xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1">\r\n'
    "<ObjectID>{objectId}</ObjectID>\r\n<BrowseFlag>BrowseDirectChildren</BrowseFlag>\r\n<Filter>*</Filter>\r\n"
    "<StartingIndex>{start}</StartingIndex>\r\n<RequestedCount>{count}</RequestedCount>\r\n"
    "<SortCriteria></SortCriteria>\r\n</u:Browse>\r\n</s:Body>\r\n</s:Envelope>\r\n\r\n"
)

#: The headers VLC's libupnp sends with it besides Host and Content-Length.
VLC_HEADERS = {
    b"Accept-Ranges": b"bytes",
    b"CONTENT-TYPE": b'text/xml; charset="utf-8"',
    b"SOAPACTION": b'"urn:schemas-upnp-org:service:ContentDirectory:1#Browse"',
    b"USER-AGENT": VLC.encode("ascii"),
}

#: A Browse as Kodi's Platinum writes it: one line, its XML declaration
#: with an upper-case encoding, the arguments in SCPD order.
KODI_BROWSE = (
    '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
    '<u:Browse xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1"><ObjectID>{objectId}</ObjectID>'
    "<BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>{filter}</Filter><StartingIndex>{start}</StartingIndex>"
    "<RequestedCount>30</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>"
)

#: A Browse as the Xbox 360 sends it: ObjectID named ContainerID, one of
#: Windows Media Connect's fixed roots ("15": video, "16": pictures).
XBOX_BROWSE = (
    '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
    '<u:Browse xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1"><ContainerID>{containerId}</ContainerID>'
    "<BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>dc:title,res,res@duration,res@size,upnp:albumArtURI,"
    "res@resolution,dc:date,upnp:genre,upnp:artist,upnp:album,upnp:originalTrackNumber</Filter>"
    "<StartingIndex>0</StartingIndex><RequestedCount>1000</RequestedCount><SortCriteria>+dc:title</SortCriteria>"
    "</u:Browse></s:Body></s:Envelope>"
)

#: What Kodi (Platinum) asks for in a Browse.
KODI_FILTER = (
    "dc:date,dc:description,upnp:longDescription,upnp:genre,res,res@duration,res@size,upnp:albumArtURI,"
    "upnp:rating,upnp:lastPlaybackPosition,upnp:lastPlaybackTime,upnp:playbackCount,upnp:originalTrackNumber,"
    "upnp:episodeNumber,upnp:programTitle,upnp:seriesTitle,upnp:album,upnp:artist,upnp:author,upnp:director,"
    "dc:publisher,searchable,childCount,dc:title,dc:creator,upnp:actor,res@resolution,upnp:episodeCount,"
    "upnp:episodeSeason"
)


def soapBody(serviceType: str, action: str, inner: str) -> bytes:
    """
    A SOAP body as the UPnP SDKs of those clients write it: the XML
    declaration with its encoding, C{s:} envelope, C{u:} action; C{inner}
    is the arguments' XML, already escaped.
    """
    return (
        '<?xml version="1.0" encoding="utf-8"?>\r\n'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
        f'<u:{action} xmlns:u="{serviceType}">{inner}</u:{action}></s:Body></s:Envelope>\r\n'
    ).encode("utf-8")


def arguments(*pairs: tuple[str, str]) -> str:
    """
    The XML of some arguments whose values are already escaped.
    """
    return "".join(f"<{name}>{value}</{name}>" for name, value in pairs)


def browseArguments(objectId: str, count: str, filterText: str = "*", start: str = "0", sort: str = "",
                    flag: str = "BrowseDirectChildren") -> str:
    """
    The arguments of a Browse.
    """
    return arguments(("ObjectID", objectId), ("BrowseFlag", flag), ("Filter", filterText),
                     ("StartingIndex", start), ("RequestedCount", count), ("SortCriteria", sort))


def searchArguments(containerId: str, criteria: str, count: str, filterText: str = "*", sort: str = "") -> str:
    """
    The arguments of a Search (C{criteria} already escaped).
    """
    return arguments(("ContainerID", containerId), ("SearchCriteria", criteria), ("Filter", filterText),
                     ("StartingIndex", "0"), ("RequestedCount", count), ("SortCriteria", sort))


def outputs(body: bytes) -> dict[str, str]:
    """
    The out-arguments of a SOAP response, by name.
    """
    response = ET.fromstring(body)[0][0]
    return {child.tag: child.text or "" for child in response}


def errorCode(body: bytes) -> int | None:
    """
    The UPnP error code of a fault, L{None} if there is none.
    """
    found = re.search(rb"<errorCode>(\d+)</errorCode>", body)
    return None if found is None else int(found.group(1))


def didlTitles(result: str, kind: str = "item") -> list[str]:
    """
    The titles of the items (or containers) of a DIDL-Lite document.
    """
    return [element.findtext("{http://purl.org/dc/elements/1.1/}title") or ""
            for element in ET.fromstring(result).iter(DIDL + kind)]


class QuirkTableTests(SynchronousTestCase):
    """
    L{quirksOf} reads the quirk table: one row per client.
    """

    def test_rows(self) -> None:
        """
        Each row's client gets its quirks; a client in no row gets none.
        """
        self.assertEqual(quirksOf({"user-agent": XBOX_360}),
                         Quirk.XBOX_CONTAINERS | Quirk.SEARCH_ONCE | Quirk.BROWSE_CONTAINER_ID | Quirk.WMP_DESCRIPTION)
        self.assertEqual(quirksOf({"user-agent": WMP_12}), Quirk.SEARCH_ONCE)
        self.assertEqual(quirksOf({"user-agent": SAMSUNG_TV}), Quirk.SAMSUNG_DESCRIPTION)
        for agent in (VLC, KODI, ""):
            self.assertEqual(quirksOf({"user-agent": agent}), Quirk.NONE, agent)
        self.assertEqual(quirksOf({}), Quirk.NONE)

    def test_everyRowMatchesItsOwnText(self) -> None:
        """
        Every row is reachable: the text it looks for selects it.
        """
        for name, text, quirks in QUIRKS:
            self.assertEqual(quirksOf({name: f"x {text} y"}), quirks)

    def test_outsideARequest(self) -> None:
        """
        Outside a control request no header is known: no quirk.
        """
        self.assertEqual(quirksOf(), Quirk.NONE)


class ClientReplayTests(TestCase):
    """
    Each client's requests, as it sends them, against a real MediaServer.
    """

    timeout = 60

    async def setUp(self) -> None:  # type: ignore[override]
        folder = Path(self.mktemp())
        (folder / "Music").mkdir(parents=True)
        (folder / "Video").mkdir()
        for number in range(34):
            writeWave(folder / "Music" / f"track {number:02}.wav", frames=80)
        writeWave(folder / "loose.wav", frames=80)
        self.server = MediaServer([folder], "Den", UDN, Path(self.mktemp()), reactor)
        self.server.startService()
        self.addCleanup(self.server.stopService)
        await self.server.library.scanned
        self.service = startLoopbackService(self, [self.server.hosted], httpPort=0)  # type: ignore[list-item]
        device = self.server.device
        self.cds = controlURL(self.service.web.port, device, device.services[0])
        self.mrr = controlURL(self.service.web.port, device, device.services[2])
        self.agent = Agent(reactor)
        [(self.topTitle, self.top)] = [(title, objectId) for title, objectId in (await self.children("0")).items() if objectId.isdigit()]
        self.music = (await self.children(self.top))["Music"]

    async def children(self, objectId: str) -> dict[str, str]:
        """
        The ids of a container's child containers by title, as a client in
        no quirk row sees them.
        """
        page = await self.ok(self.cds, CDS, "Browse", browseArguments(objectId, "0"), VLC)
        return {element.findtext("{http://purl.org/dc/elements/1.1/}title") or "": element.get("id") or ""
                for element in ET.fromstring(page["Result"]).iter(DIDL + "container")}

    async def replay(self, url: bytes, serviceType: str, action: str, inner: str, userAgent: str,
                     extra: dict[bytes, bytes] | None = None) -> tuple[int, bytes]:
        """
        POST one call with the client's headers; the status and the body.
        """
        headers = Headers({
            b"Content-Type": [b'text/xml; charset="utf-8"'],
            b"SOAPACTION": [f'"{serviceType}#{action}"'.encode("ascii")],
            b"User-Agent": [userAgent.encode("ascii")],
        })
        for name, value in (extra or {}).items():
            headers.addRawHeader(name, value)
        body = soapBody(serviceType, action, inner)
        response = await self.agent.request(b"POST", url, headers, FileBodyProducer(BytesIO(body)))
        return response.code, await readBody(response)

    async def raw(self, body: str, headers: dict[bytes, bytes]) -> tuple[int, bytes]:
        """
        POST a body as a client wrote it, with its headers, to the
        ContentDirectory; the status and the body.
        """
        sent = Headers()
        for name, value in headers.items():
            sent.addRawHeader(name, value)
        data = body.encode("utf-8")
        response = await self.agent.request(b"POST", self.cds, sent, FileBodyProducer(BytesIO(data)))
        return response.code, await readBody(response)

    async def ok(self, url: bytes, serviceType: str, action: str, inner: str, userAgent: str) -> dict[str, str]:
        """
        L{replay}, which must succeed; its out-arguments.
        """
        code, body = await self.replay(url, serviceType, action, inner, userAgent)
        self.assertEqual(code, 200, body[:400])
        return outputs(body)

    async def test_samsungFeatureList(self) -> None:
        """
        A Samsung TV's X_GetFeatureList answers the BASICVIEW feature with
        a container for audio, video and pictures, each one that browses.
        """
        found = await self.ok(self.cds, CDS, "X_GetFeatureList", "", SAMSUNG_TV)
        features = ET.fromstring(found["FeatureList"])
        self.assertEqual(features.tag, f"{{{FEATURES_NAMESPACE}}}Features")
        feature = features.find(f"{{{FEATURES_NAMESPACE}}}Feature")
        assert feature is not None
        self.assertEqual((feature.get("name"), feature.get("version")), ("samsung.com_BASICVIEW", "1"))
        containers = feature.findall(f"{{{FEATURES_NAMESPACE}}}container")
        self.assertEqual(sorted(c.get("type") or "" for c in containers),
                         ["object.item.audioItem", "object.item.imageItem", "object.item.videoItem"])
        for container in containers:
            criteria = f"upnp:class derivedfrom &quot;{container.get('type')}&quot;"
            page = await self.ok(self.cds, CDS, "Search",
                                 searchArguments(container.get("id") or "", criteria, "0"), SAMSUNG_TV)
            expected = "35" if container.get("type") == "object.item.audioItem" else "0"
            self.assertEqual(page["TotalMatches"], expected, container.get("type"))

    async def test_samsungBookmark(self) -> None:
        """
        A Samsung TV's X_SetBookmark (seconds, its category and RID) is
        accepted with an empty answer; a position out of ui4 is refused
        with 601, not a crash.
        """
        bookmark = arguments(("CategoryType", "VIDEO"), ("RID", "0"), ("ObjectID", "1"), ("PosSecond", "754"))
        self.assertEqual(await self.ok(self.cds, CDS, "X_SetBookmark", bookmark, SAMSUNG_TV), {})
        bad = arguments(("CategoryType", "VIDEO"), ("RID", "0"), ("ObjectID", "1"), ("PosSecond", "-1"))
        code, body = await self.replay(self.cds, CDS, "X_SetBookmark", bad, SAMSUNG_TV)
        self.assertEqual((code, errorCode(body)), (500, 601))

    async def test_registrar(self) -> None:
        """
        The Xbox 360's and WMP's X_MS_MediaReceiverRegistrar calls: every
        device is authorised and validated, a registration is answered
        empty; the device description lists the service.
        """
        for agent in (XBOX_360, WMP_12):
            for action in ("IsAuthorized", "IsValidated"):
                found = await self.ok(self.mrr, MRR, action, arguments(("DeviceID", "")), agent)
                self.assertEqual(found, {"Result": "1"})
        request = base64.b64encode(b"\x00\x01registration request").decode("ascii")
        found = await self.ok(self.mrr, MRR, "RegisterDevice", arguments(("RegistrationReqMsg", request)), XBOX_360)
        self.assertEqual(found, {"RegistrationRespMsg": ""})
        url = f"http://127.0.0.1:{self.service.web.port}{layout.descriptionPath(self.server.device)}"
        response = await self.agent.request(b"GET", url.encode("ascii"))
        description = (await readBody(response)).decode("utf-8")
        self.assertIn(f"<serviceType>{MRR}</serviceType>", description)

    async def test_xboxContainers(self) -> None:
        """
        The Xbox 360 searches Windows Media Connect's fixed containers ("4":
        all music, "F": folders) and browses its roots ("15"): they answer
        from our root; the same ids from another client are not ours.
        """
        criteria = "upnp:class derivedfrom &quot;object.item.audioItem&quot;"
        xboxFilter = "dc:title,res,res@duration,upnp:artist,upnp:album,upnp:genre,upnp:originalTrackNumber"
        for containerId in ("4", "F"):
            page = await self.ok(self.cds, CDS, "Search",
                                 searchArguments(containerId, criteria, "10", xboxFilter, "+dc:title"), XBOX_360)
            self.assertEqual(page["TotalMatches"], "35", containerId)
            titles = didlTitles(page["Result"])
            self.assertEqual(len(titles), 35)
            self.assertEqual(titles, sorted(titles, key=str.lower))
        page = await self.ok(self.cds, CDS, "Browse", browseArguments("15", "100"), XBOX_360)
        self.assertEqual([each.get("id") for each in ET.fromstring(page["Result"])], list((await self.children("0")).values()))
        self.assertEqual(ET.fromstring(page["Result"])[0].get("id"), self.top)
        page = await self.ok(self.cds, CDS, "Browse", browseArguments("15", "1", flag="BrowseMetadata"), KODI)
        self.assertEqual(ET.fromstring(page["Result"])[0].get("id"), "15")
        code, body = await self.replay(self.cds, CDS, "Search", searchArguments("F", criteria, "10"), KODI)
        self.assertEqual((code, errorCode(body)), (500, 710))

    async def test_windowsMediaPlayerSearchesFirst(self) -> None:
        """
        WMP 12 searches the root for each kind with C{@refID exists false}
        and stops after its first page: that page holds every match.
        """
        criteria = "upnp:class derivedfrom &quot;object.item.audioItem&quot; and @refID exists false"
        sort = "+upnp:artist,+upnp:album,+upnp:originalTrackNumber,+dc:title"
        page = await self.ok(self.cds, CDS, "Search", searchArguments("0", criteria, "20", "*", sort), WMP_12)
        self.assertEqual((page["NumberReturned"], page["TotalMatches"]), ("35", "35"))
        criteria = "upnp:class derivedfrom &quot;object.item.videoItem&quot; and @refID exists false"
        page = await self.ok(self.cds, CDS, "Search", searchArguments("0", criteria, "20"), WMP_12)
        self.assertEqual((page["NumberReturned"], page["TotalMatches"]), ("0", "0"))
        criteria = "upnp:class derivedfrom &quot;object.item.audioItem&quot;"
        page = await self.ok(self.cds, CDS, "Search", searchArguments("0", criteria, "20"), VLC)
        self.assertEqual((page["NumberReturned"], page["TotalMatches"]), ("20", "35"))

    async def test_vlcPages(self) -> None:
        """
        VLC browses with RequestedCount 5000 and loops until TotalMatches:
        the first page holds the whole folder, the next is empty.
        """
        page = await self.ok(self.cds, CDS, "Browse", browseArguments(self.music, "5000"), VLC)
        self.assertEqual((page["NumberReturned"], page["TotalMatches"]), ("34", "34"))
        for res in ET.fromstring(page["Result"]).iter(DIDL + "res"):
            self.assertRegex(res.get("protocolInfo") or "", r"^http-get:\*:audio/")
        rest = await self.ok(self.cds, CDS, "Browse", browseArguments(self.music, "5000", start="34"), VLC)
        self.assertEqual((rest["NumberReturned"], rest["TotalMatches"]), ("0", "34"))

    async def test_kodiPages(self) -> None:
        """
        Kodi (Platinum) browses in pages of 30 with its long Filter: the
        pages join into the whole folder, each object once.
        """
        titles: list[str] = []
        for start in ("0", "30"):
            page = await self.ok(self.cds, CDS, "Browse", browseArguments(self.music, "30", KODI_FILTER, start), KODI)
            self.assertEqual(page["TotalMatches"], "34")
            titles += didlTitles(page["Result"])
        self.assertEqual(titles, [f"track {number:02}" for number in range(34)])

    async def test_homeAssistantResolvesATitle(self) -> None:
        """
        Home Assistant's DmsDevice resolves a path one title at a time:
        Search on the parent for C{@parentID} and C{dc:title}, count 1,
        titles compared without case.
        """
        criteria = f'@parentID=&quot;{self.top}&quot; and dc:title=&quot;music&quot;'
        page = await self.ok(self.cds, CDS, "Search", searchArguments(self.top, criteria, "1"), "Python/3.11 aiohttp/3.9.1")
        self.assertEqual((page["NumberReturned"], page["TotalMatches"]), ("1", "1"))
        self.assertEqual(didlTitles(page["Result"], "container"), ["Music"])

    async def test_vlcCapturedBrowse(self) -> None:
        """
        VLC's Browse, as captured from cvlc (no XML declaration, CRLFs,
        RequestedCount 5000), walked as VLC walks it: ask for TotalMatches
        minus what came so far until nothing is left; one request lists
        the folder, every item playable by VLC (an C{http-get:*:audio/}
        res).
        """
        start, count, requests, titles = 0, 5000, 0, []
        while True:
            requests += 1
            code, body = await self.raw(VLC_BROWSE.format(objectId=self.music, start=start, count=count), VLC_HEADERS)
            self.assertEqual(code, 200, body[:400])
            page = outputs(body)
            titles += didlTitles(page["Result"])
            for res in ET.fromstring(page["Result"]).iter(DIDL + "res"):
                self.assertRegex(res.get("protocolInfo") or "", r"^http-get:\*:audio/")
            start += int(page["NumberReturned"])
            count = int(page["TotalMatches"]) - start
            if count <= 0 or requests == 10:
                break
        self.assertEqual((requests, titles), (1, [f"track {number:02}" for number in range(34)]))
        code, body = await self.raw(VLC_BROWSE.format(objectId="0", start=0, count=5000), VLC_HEADERS)
        self.assertEqual(didlTitles(outputs(body)["Result"], "container"), [self.topTitle, "Music", "Photos", "Videos", "Recently added"])

    async def test_kodiPlatinumBrowse(self) -> None:
        """
        Kodi's Browse as Platinum writes it (UTF-8 declaration, one line,
        its long Filter, RequestedCount 30) with Kodi's User-Agent: the
        pages join into the whole folder, each track once with its
        duration and size.
        """
        headers = {b"Content-Type": b'text/xml; charset="utf-8"',
                   b"SOAPACTION": b'"urn:schemas-upnp-org:service:ContentDirectory:1#Browse"',
                   b"User-Agent": KODI.encode("ascii")}
        titles: list[str] = []
        for start in (0, 30):
            code, body = await self.raw(KODI_BROWSE.format(objectId=self.music, filter=KODI_FILTER, start=start), headers)
            self.assertEqual(code, 200, body[:400])
            page = outputs(body)
            self.assertEqual(page["TotalMatches"], "34")
            titles += didlTitles(page["Result"])
            for res in ET.fromstring(page["Result"]).iter(DIDL + "res"):
                self.assertTrue(res.get("duration") and res.get("size"), res.attrib)
        self.assertEqual(titles, [f"track {number:02}" for number in range(34)])

    async def test_xboxBrowsesContainerID(self) -> None:
        """
        The Xbox 360 names Browse's ObjectID C{ContainerID} and browses
        Windows Media Connect's roots ("15" video, "16" pictures): both
        answer our root's children (the folder, then the views); another client sending the same body
        gets 402, as the SCPD says.
        """
        headers = {b"Content-Type": b'text/xml; charset="utf-8"',
                   b"SOAPACTION": b'"urn:schemas-upnp-org:service:ContentDirectory:1#Browse"',
                   b"User-Agent": XBOX_360.encode("ascii")}
        for containerId in ("15", "16"):
            code, body = await self.raw(XBOX_BROWSE.format(containerId=containerId), headers)
            self.assertEqual(code, 200, body[:400])
            page = outputs(body)
            self.assertEqual((page["NumberReturned"], page["TotalMatches"]), ("5", "5"))
            self.assertEqual([each.get("id") for each in ET.fromstring(page["Result"])],
                             [self.top, "music", "photos", "videos", "recent"])
        code, body = await self.raw(XBOX_BROWSE.format(containerId=self.music), headers)
        self.assertEqual(outputs(body)["TotalMatches"], "34")
        headers[b"User-Agent"] = VLC.encode("ascii")
        code, body = await self.raw(XBOX_BROWSE.format(containerId="15"), headers)
        self.assertEqual((code, errorCode(body)), (500, 402))

    async def description(self, method: bytes = b"GET", **headers: str) -> tuple[Headers, bytes]:
        """
        The device description as a client with these headers (by name,
        C{_} for C{-}) gets it; the response headers and the body.
        """
        url = f"http://127.0.0.1:{self.service.web.port}{layout.descriptionPath(self.server.device)}"
        sent = Headers({name.replace("_", "-").encode("ascii"): [value.encode("ascii")] for name, value in headers.items()})
        response = await self.agent.request(method, url.encode("ascii"), sent)
        self.assertEqual(response.code, 200)
        return response.headers, await readBody(response)

    async def test_descriptionPerClient(self) -> None:
        """
        Each client fetching the description over HTTP gets its variant:
        the Xbox 360 a Windows Media Player Sharing 12.0 with a colon in
        its name, Samsung Samsung's C{sec:ProductCap} and
        C{sec:X_ProductCap}, every other client (WMP, VLC, Kodi, none) the
        default; all carry C{dlna:X_DLNADOC} DMS-1.50, the same UDN,
        services and CONFIGID; HEAD says the length of the client's own.
        """
        device = "{urn:schemas-upnp-org:device-1-0}device/"
        uda = "{urn:schemas-upnp-org:device-1-0}"
        sec = "{http://www.sec.co.kr/dlna}"
        _, default = await self.description()
        for agent in (WMP_12, VLC, KODI):
            self.assertEqual((await self.description(user_agent=agent))[1], default, agent)
        _, xbox = await self.description(user_agent=XBOX_360)
        _, samsung = await self.description(user_agent=SAMSUNG_TV)
        parsed = {name: ET.fromstring(body) for name, body in (("default", default), ("xbox", xbox), ("samsung", samsung))}
        self.assertEqual({name: (root.findtext(device + uda + "friendlyName"), root.findtext(device + uda + "modelName"),
                                 root.findtext(device + uda + "modelNumber")) for name, root in parsed.items()},
                         {"default": ("Den", "coherence-lite MediaServer", None),
                          "xbox": ("Den: 1", "Windows Media Player Sharing", "12.0"),
                          "samsung": ("Den", "coherence-lite MediaServer", None)})
        for name, root in parsed.items():
            self.assertEqual(root.findtext(device + "{urn:schemas-dlna-org:device-1-0}X_DLNADOC"), "DMS-1.50", name)
            self.assertEqual(root.get("configId"), parsed["default"].get("configId"), name)
            self.assertEqual(root.findtext(device + uda + "UDN"), self.server.device.UDN, name)
            self.assertEqual([url.text for url in root.iter(uda + "controlURL")],
                             [url.text for url in parsed["default"].iter(uda + "controlURL")], name)
            found = [root.findtext(device + sec + tag) for tag in ("ProductCap", "X_ProductCap")]
            self.assertEqual(found, ["DCM10", "DCM10"] if name == "samsung" else [None, None], name)
        self.assertIn(b'<sec:ProductCap xmlns:sec="http://www.sec.co.kr/dlna">DCM10</sec:ProductCap>', samsung)
        self.assertIn(b'<dlna:X_DLNADOC xmlns:dlna="urn:schemas-dlna-org:device-1-0">DMS-1.50</dlna:X_DLNADOC>', default)
        headers, body = await self.description(b"HEAD", user_agent=XBOX_360)
        self.assertEqual((headers.getRawHeaders(b"Content-Length"), body), ([str(len(xbox)).encode("ascii")], b""))
