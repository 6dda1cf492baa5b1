"""
Tests for L{coherence_lite.panel.library}: the library card of a
MediaServer's page, over a real L{ServiceRuntime} of a small in-memory
ContentDirectory, and the page that carries it.
"""

from __future__ import annotations

from html import escape

from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.server import NOT_DONE_YET
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.backend.request import baseURL, localAddress
from coherence_lite.backend.declare import ServiceBackend, action, stateVariable
from coherence_lite.errors import UPnPError
from coherence_lite.host.site import makeRootResource
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.model.device import Device
from coherence_lite.panel.library import PAGE, Entry, LibraryQuery, libraryRuntime, librarySection, queryOf, readEntries
from coherence_lite.panel.resource import PresentationResource

from tests.support import binaryLight

ADDRESS = ("192.168.1.20", 8200)
DIDL = (
    '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/">{}</DIDL-Lite>'
)

#: The tree: id -> (parent, title, class, MIME or None for a container).
TREE: dict[str, tuple[str, str, str, str | None]] = {
    "0": ("-1", "root", "object.container", None),
    "1": ("0", "Music & <more>", "object.container.storageFolder", None),
    "2": ("1", 'Song "one"', "object.item.audioItem.musicTrack", "audio/mpeg"),
    "3": ("1", "Clip", "object.item.videoItem", "video/mp4"),
    "4": ("1", "Photo", "object.item.imageItem.photo", "image/jpeg"),
    "5": ("0", "Many", "object.container.storageFolder", None),
    **{f"m{n:03}": ("5", f"p{n:03}", "object.item.imageItem.photo", "image/png") for n in range(PAGE + 5)},
}


def _didl(objectId: str) -> str:
    parent, title, upnpClass, mime = TREE[objectId]
    head = f'id="{escape(objectId)}" parentID="{parent}" restricted="1"'
    inside = f"<dc:title>{escape(title)}</dc:title><upnp:class>{upnpClass}</upnp:class>"
    if mime is None:
        return f"<container {head}>{inside}</container>"
    address = localAddress.get()
    assert address is not None
    return f'<item {head}>{inside}<res protocolInfo="http-get:*:{mime}:*">{baseURL(address)}/media/{objectId}</res></item>'


class TreeDirectory(ServiceBackend):
    """
    A ContentDirectory over L{TREE}.
    """

    serviceType = "urn:schemas-upnp-org:service:ContentDirectory:1"
    serviceId = "urn:upnp-org:serviceId:ContentDirectory"
    A_ARG_TYPE_ObjectID = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Result = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_BrowseFlag = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Filter = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_SortCriteria = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Index = stateVariable("ui4", sendEvents=False)
    A_ARG_TYPE_Count = stateVariable("ui4", sendEvents=False)
    A_ARG_TYPE_UpdateID = stateVariable("ui4", sendEvents=False)

    @action(
        inputs={
            "ObjectID": "A_ARG_TYPE_ObjectID",
            "BrowseFlag": "A_ARG_TYPE_BrowseFlag",
            "Filter": "A_ARG_TYPE_Filter",
            "StartingIndex": "A_ARG_TYPE_Index",
            "RequestedCount": "A_ARG_TYPE_Count",
            "SortCriteria": "A_ARG_TYPE_SortCriteria",
        },
        outputs={
            "Result": "A_ARG_TYPE_Result",
            "NumberReturned": "A_ARG_TYPE_Count",
            "TotalMatches": "A_ARG_TYPE_Count",
            "UpdateID": "A_ARG_TYPE_UpdateID",
        },
    )
    def Browse(self, ObjectID: str, BrowseFlag: str, Filter: str, StartingIndex: int, RequestedCount: int, SortCriteria: str) -> dict[str, object]:
        """
        The object, or a page of its children.
        """
        if ObjectID not in TREE:
            raise UPnPError(701, "No such object")
        if BrowseFlag == "BrowseMetadata":
            listed = [ObjectID]
            total = 1
        else:
            children = [each for each, row in TREE.items() if row[0] == ObjectID]
            total = len(children)
            listed = children[StartingIndex : StartingIndex + (RequestedCount or total)]
        return {"Result": DIDL.format("".join(_didl(each) for each in listed)), "NumberReturned": len(listed), "TotalMatches": total, "UpdateID": 1}


def card(query: LibraryQuery) -> str:
    """
    The library card for C{query}, from a fresh L{TreeDirectory}.
    """
    shown: list[str] = []
    Deferred.fromCoroutine(librarySection(TreeDirectory().runtime, ADDRESS, query)).addCallback(shown.append)
    [html] = shown
    return html


class LibrarySectionTests(SynchronousTestCase):
    """
    The card: folders, pages, players, errors.
    """

    def test_rootListsFolders(self) -> None:
        """
        The root lists its folders as browse links, escaped, without Up.
        """
        html = card(LibraryQuery())
        self.assertIn('<li class="folder"><a href="?browse=1">Music &amp; &lt;more&gt;</a></li>', html)
        self.assertIn('<a href="?browse=5">Many</a>', html)
        self.assertNotIn("Up", html)
        self.assertIn("1\u20132 of 2", html)

    def test_folderListsItemsWithUp(self) -> None:
        """
        A folder has its title, Up to its parent, and its items as play
        links classed by kind.
        """
        html = card(LibraryQuery(browse="1"))
        self.assertIn("<h2>Music &amp; &lt;more&gt;</h2>", html)
        self.assertIn('<a href="?browse=0" rel="up">Up</a>', html)
        self.assertIn('<li class="audio"><a href="?play=2">Song &quot;one&quot;</a></li>', html)
        self.assertIn('<li class="video"><a href="?play=3">Clip</a></li>', html)
        self.assertIn('<li class="image"><a href="?play=4">Photo</a></li>', html)

    def test_pages(self) -> None:
        """
        A folder larger than a page has Next; the last page Previous only.
        """
        first = card(LibraryQuery(browse="5"))
        self.assertEqual(first.count('class="image"'), PAGE)
        self.assertIn(f'href="?browse=5&amp;start={PAGE}" rel="next"', first)
        self.assertNotIn("Previous", first)
        last = card(LibraryQuery(browse="5", start=PAGE))
        self.assertEqual(last.count('class="image"'), 5)
        self.assertIn('href="?browse=5&amp;start=0" rel="prev"', last)
        self.assertNotIn("Next", last)
        self.assertIn(f"{PAGE + 1}\u2013{PAGE + 5} of {PAGE + 5}", last)
        self.assertIn("No more items.", card(LibraryQuery(browse="5", start=500)))

    def test_players(self) -> None:
        """
        An item plays with the element of its kind on its res path, with a
        link back to its folder.
        """
        self.assertIn('<audio controls preload="metadata" src="/media/2" aria-label="Song &quot;one&quot;"></audio>', card(LibraryQuery(play="2")))
        self.assertIn('<video controls preload="metadata" src="/media/3"', card(LibraryQuery(play="3")))
        photo = card(LibraryQuery(play="4"))
        self.assertIn('<img src="/media/4" alt="Photo">', photo)
        self.assertIn('<a href="?browse=1">Back to the folder</a>', photo)

    def test_errorsInWords(self) -> None:
        """
        An unknown object, or a container asked to play, says 701 with a
        link to the whole library; the id is never echoed raw.
        """
        for query in (LibraryQuery(browse="<script>"), LibraryQuery(play="<script>"), LibraryQuery(play="1")):
            html = card(query)
            self.assertIn('<p class="error">No such object (701).</p>', html)
            self.assertNotIn("<script>", html)


class ReadingTests(SynchronousTestCase):
    """
    The query and the DIDL-Lite reading.
    """

    def test_query(self) -> None:
        """
        browse, start and play are read; a bad start is 0, an overlong id
        ignored.
        """
        self.assertEqual(queryOf({}), LibraryQuery())
        self.assertEqual(queryOf({b"browse": [b"7"], b"start": [b"50"]}), LibraryQuery("7", 50))
        self.assertEqual(queryOf({b"start": [b"-3"], b"play": [b"x" * 300]}), LibraryQuery())
        self.assertEqual(queryOf({b"play": ["caf\u00e9".encode()]}).play, "caf\u00e9")

    def test_onlyThisHostsRes(self) -> None:
        """
        A res on another host is not played; unreadable DIDL is no entry.
        """
        item = '<item id="9" parentID="0" restricted="1"><dc:title>x</dc:title><upnp:class>object.item.audioItem</upnp:class><res protocolInfo="http-get:*:audio/mpeg:*">{}</res></item>'
        [foreign] = readEntries(DIDL.format(item.format("http://evil.example/x.mp3")), baseURL(ADDRESS))
        self.assertIsNone(foreign.path)
        [mine] = readEntries(DIDL.format(item.format("http://192.168.1.20:8200/media/9.mp3?x=1")), baseURL(ADDRESS))
        self.assertEqual((mine.path, mine.mime, mine.kind), ("/media/9.mp3?x=1", "audio/mpeg", "audio"))
        self.assertEqual(readEntries("<DIDL-Lite", baseURL(ADDRESS)), [])
        self.assertEqual(Entry("1", "0", "t", "object.item", False, mime="text/plain").kind, "other")


class PageTests(SynchronousTestCase):
    """
    The page of a device with a ContentDirectory, through the site.
    """

    def setUp(self) -> None:
        self.directory = TreeDirectory()
        self.device = Device(
            deviceType="urn:schemas-upnp-org:device:MediaServer:1",
            friendlyName="Den",
            manufacturer="m",
            modelName="n",
            UDN="uuid:aaaaaaaa-bbbb-3333-4444-555555555555",
            services=(self.directory.service,),
        )
        documents = buildDocuments(self.device)
        self.root = makeRootResource([documents], None, {(self.device.UDN, self.directory.service.shortId): self.directory.runtime})
        self.path = layout.presentationPath(self.device)

    def render(self, method: bytes, args: dict[bytes, list[bytes]]) -> DummyRequest:
        """
        Render the page for C{method} with C{args}.
        """
        request = DummyRequest([])
        request.method = method
        request.args = args
        resource = self.root.getChildWithDefault(self.path.strip("/").encode(), request).getChildWithDefault(b"", request)
        self.assertIsInstance(resource, PresentationResource)
        self.assertEqual(resource.render(request), NOT_DONE_YET)
        return request

    def test_pageCarriesTheLibraryFirst(self) -> None:
        """
        GET answers the page with the library card before the services,
        the panel's headers kept; HEAD the same headers without a body.
        """
        request = self.render(b"GET", {b"browse": [b"1"]})
        page = b"".join(request.written).decode()
        self.assertLess(page.index('class="card wide library"'), page.index('class="card service"'))
        self.assertIn("media-src 'self'", request.responseHeaders.getRawHeaders(b"content-security-policy")[0].decode())
        self.assertEqual(request.responseHeaders.getRawHeaders(b"x-frame-options"), [b"DENY"])
        head = self.render(b"HEAD", {})
        self.assertEqual(b"".join(head.written), b"")
        self.assertTrue(head.finished)

    def test_onlyForAContentDirectory(self) -> None:
        """
        A device without a ContentDirectory has no library.
        """
        light = binaryLight()
        self.assertIsNone(libraryRuntime(light, {}))
        self.assertIs(libraryRuntime(self.device, {self.directory.service.shortId: self.directory.runtime}), self.directory.runtime)
