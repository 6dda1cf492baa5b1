"""
Tests for the checker's MediaServer rules (L{coherence_lite.conformance.media_rules}
and L{coherence_lite.conformance.didl_rules}): each rule passes a good
answer and fails each kind of broken one.
"""

from __future__ import annotations

from dataclasses import replace
from xml.sax.saxutils import escape, quoteattr

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.conformance import media_rules as rules
from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.didl_rules import parseDIDL, protocolInfoProblems
from coherence_lite.conformance.findings import FAIL, PASS, WARN
from coherence_lite.conformance.media_rules import Call
from coherence_lite.conformance.report import formatText, notChecked
from coherence_lite.control.message import formatFault, formatResponse
from coherence_lite.controlpoint.reply import Reply
from coherence_lite.controlpoint.scpd import SCPD, parseSCPD
from coherence_lite.errors import UPnPError
from coherence_lite.media.connectionmanager import ConnectionManager
from coherence_lite.media.contentdirectory import ContentDirectory
from coherence_lite.model.description import serviceDescription

CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
CM = "urn:schemas-upnp-org:service:ConnectionManager:1"
XML = {"content-type": 'text/xml; charset="utf-8"'}
MP3 = "http-get:*:audio/mpeg:DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_FLAGS=01700000000000000000000000000000"
HEAD = (
    '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/">'
)


def container(objectId: str, parentID: str, title: str = "Folder", **extra: str) -> str:
    """
    A DIDL-Lite container.
    """
    attributes = {"id": objectId, "parentID": parentID, "restricted": "1", "childCount": "2", **extra}
    shown = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes.items())
    return f"<container {shown}><dc:title>{escape(title)}</dc:title><upnp:class>object.container.storageFolder</upnp:class></container>"


def item(objectId: str, parentID: str, protocolInfo: str = MP3, upnpClass: str = "object.item.audioItem.musicTrack") -> str:
    """
    A DIDL-Lite item with one res.
    """
    return (
        f'<item id="{objectId}" parentID="{parentID}" restricted="1"><dc:title>Song {objectId}</dc:title>'
        f"<upnp:class>{upnpClass}</upnp:class><res protocolInfo={quoteattr(protocolInfo)}>http://127.0.0.1/media/{objectId}.mp3</res></item>"
    )


def didl(*objects: str) -> str:
    """
    A DIDL-Lite document of C{objects}.
    """
    return HEAD + "".join(objects) + "</DIDL-Lite>"


def answered(serviceType: str, action: str, arguments: tuple[tuple[str, str], ...], out: list[tuple[str, str]]) -> Call:
    """
    A call answered with C{out}.
    """
    return Call(serviceType, action, arguments, Fetched("http://x/ctl", Reply(200, XML, formatResponse(serviceType, action, out))))


def faulted(arguments: tuple[tuple[str, str], ...], code: int, action: str = "Browse") -> Call:
    """
    A call answered with the fault C{code}.
    """
    return Call(CDS, action, arguments, Fetched("http://x/ctl", Reply(500, XML, formatFault(UPnPError(code, f"error {code}")))))


def browse(objectId: str, flag: str, start: int, count: int, objects: list[str], total: int, returned: int | None = None) -> Call:
    """
    A Browse call answered with C{objects}.
    """
    arguments = (("ObjectID", objectId), ("BrowseFlag", flag), ("Filter", "*"), ("StartingIndex", str(start)), ("RequestedCount", str(count)), ("SortCriteria", ""))
    out = [("Result", didl(*objects)), ("NumberReturned", str(len(objects) if returned is None else returned)), ("TotalMatches", str(total)), ("UpdateID", "3")]
    return answered(CDS, "Browse", arguments, out)


def scpdOf(backend: type) -> SCPD:
    """
    Our own SCPD of a media service.
    """
    parsed = parseSCPD(serviceDescription(backend.describe(), 1))  # type: ignore[attr-defined]
    assert isinstance(parsed, SCPD)
    return parsed


CHILDREN = [item(str(n), "7") for n in range(10, 16)]


def children(start: int, count: int, total: int = 6, listed: list[str] = CHILDREN) -> Call:
    """
    A page of the children of container 7.
    """
    return browse("7", "BrowseDirectChildren", start, count, listed[start : start + count] if count else listed, total)


class SCPDTests(SynchronousTestCase):
    """
    media.scpd.
    """

    def test_ourServicesPass(self) -> None:
        """
        Our ContentDirectory and ConnectionManager have what the spec
        requires.
        """
        self.assertEqual(rules.checkSCPD(CDS, "cds", scpdOf(ContentDirectory)).level, PASS)
        self.assertEqual(rules.checkSCPD(CM, "cm", scpdOf(ConnectionManager)).level, PASS)

    def test_missingActionArgumentOrVariableFails(self) -> None:
        """
        A missing action, a missing Browse argument, an unevented
        SystemUpdateID or none at all fail, each named.
        """
        good = scpdOf(ContentDirectory)
        noBrowse = replace(good, actions=tuple(a for a in good.actions if a.name != "Browse"))
        self.assertIn("no action Browse", rules.checkSCPD(CDS, "cds", noBrowse).seen)
        browseAction = good.action("Browse")
        assert browseAction is not None
        short = replace(browseAction, arguments=tuple(a for a in browseAction.arguments if a.name != "RequestedCount"))
        shortened = replace(good, actions=tuple(short if a.name == "Browse" else a for a in good.actions))
        self.assertIn("Browse has no in-argument RequestedCount", rules.checkSCPD(CDS, "cds", shortened).seen)
        quiet = replace(good, stateVariables=tuple(replace(v, sendEvents=False) if v.name == "SystemUpdateID" else v for v in good.stateVariables))
        self.assertIn("SystemUpdateID is not evented", rules.checkSCPD(CDS, "cds", quiet).seen)
        gone = replace(good, stateVariables=tuple(v for v in good.stateVariables if v.name != "SortCapabilities"))
        self.assertIn("no state variable SortCapabilities", rules.checkSCPD(CDS, "cds", gone).seen)
        self.assertEqual(rules.checkSCPD(CM, "cm", None).level, FAIL)
        cm = scpdOf(ConnectionManager)
        noInfo = replace(cm, actions=tuple(a for a in cm.actions if a.name != "GetCurrentConnectionInfo"))
        self.assertIn("no action GetCurrentConnectionInfo", rules.checkSCPD(CM, "cm", noInfo).seen)


class SystemUpdateIDTests(SynchronousTestCase):
    """
    media.system-update-id.
    """

    def test_ui4(self) -> None:
        """
        A ui4 passes; a negative, too large or missing Id, or a fault,
        fails.
        """
        def check(value: str) -> str:
            return rules.checkSystemUpdateID("cds", answered(CDS, "GetSystemUpdateID", (), [("Id", value)])).level

        self.assertEqual(check("4294967295"), PASS)
        self.assertEqual(check("-1"), FAIL)
        self.assertEqual(check("4294967296"), FAIL)
        self.assertEqual(check("x"), FAIL)
        self.assertEqual(rules.checkSystemUpdateID("cds", answered(CDS, "GetSystemUpdateID", (), [])).level, FAIL)
        self.assertIn("fault 501", rules.checkSystemUpdateID("cds", faulted((), 501, "GetSystemUpdateID")).seen)


class BrowseMetadataTests(SynchronousTestCase):
    """
    media.browse-metadata.
    """

    def test_root(self) -> None:
        """
        The root container passes; a wrong parent, an item, two objects or
        wrong counts fail.
        """
        def check(objects: list[str], total: int = 1) -> str:
            return rules.checkBrowseMetadata("cds", browse("0", "BrowseMetadata", 0, 0, objects, total)).level

        self.assertEqual(check([container("0", "-1", "Root")]), PASS)
        self.assertEqual(check([container("0", "0")]), FAIL)
        self.assertEqual(check([item("0", "-1")]), FAIL)
        self.assertEqual(check([container("0", "-1"), container("1", "0")]), FAIL)
        self.assertEqual(check([container("0", "-1")], total=3), FAIL)
        self.assertEqual(rules.checkBrowseMetadata("cds", faulted((), 701)).level, FAIL)


class DIDLTests(SynchronousTestCase):
    """
    media.didl and the DIDL-Lite reader.
    """

    def test_goodAnswersPass(self) -> None:
        """
        Metadata and children of the right shape pass, hostile titles
        escaped included.
        """
        calls = [browse("0", "BrowseMetadata", 0, 0, [container("0", "-1", 'a "q" & <b>')], 1), children(0, 0)]
        found = rules.checkDIDL("cds", calls)
        self.assertEqual((found.level, found.seen), (PASS, "2 answers, 7 objects"))

    def test_brokenShapesFail(self) -> None:
        """
        Each broken shape fails with what is wrong.
        """
        cases = {
            "no parentID": container("1", "0").replace(' parentID="0"', ""),
            "no restricted attribute": container("1", "0").replace(' restricted="1"', ""),
            "is not a boolean": container("1", "0").replace('restricted="1"', 'restricted="yes"'),
            "0 dc:title": container("1", "0").replace("<dc:title>Folder</dc:title>", ""),
            "2 upnp:class": item("1", "0").replace("</upnp:class>", "</upnp:class><upnp:class>object.item</upnp:class>"),
            "not object.item": item("1", "0", upnpClass="object.container.storageFolder"),
            "is not a count": container("1", "0", childCount="many"),
            "res without protocolInfo": item("1", "0").replace("res protocolInfo=", "res x="),
            "without an id": container("", "0"),
            "neither container, item nor desc": "<object/>",
            "has parentID '9'": container("1", "9"),
        }
        for expected, broken in cases.items():
            found = rules.checkDIDL("cds", [browse("0", "BrowseDirectChildren", 0, 0, [broken], 1)])
            self.assertEqual(found.level, FAIL, expected)
            self.assertIn(expected, found.seen)

    def test_wrongDocumentFails(self) -> None:
        """
        Not XML, the wrong namespace, or a count unlike the objects fails.
        """
        bad = answered(CDS, "Browse", (("ObjectID", "0"),), [("Result", "<DIDL-Lite>"), ("NumberReturned", "0"), ("TotalMatches", "0")])
        self.assertIn("not XML", rules.checkDIDL("cds", [bad]).seen)
        other = answered(CDS, "Browse", (("ObjectID", "0"),), [("Result", "<DIDL-Lite/>"), ("NumberReturned", "0"), ("TotalMatches", "0")])
        self.assertIn("not DIDL-Lite", rules.checkDIDL("cds", [other]).seen)
        self.assertIn("NumberReturned 3 but 1 objects", rules.checkDIDL("cds", [browse("0", "BrowseDirectChildren", 0, 0, [container("1", "0")], 3, 3)]).seen)

    def test_otherPrefixesWarn(self) -> None:
        """
        dc and upnp bound to other prefixes are read, with a warning.
        """
        text = didl(container("1", "0")).replace("dc:", "d:").replace("xmlns:dc", "xmlns:d")
        parsed = parseDIDL(text)
        self.assertEqual((len(parsed.objects), parsed.problems), (1, ()))
        self.assertIn("prefix dc", parsed.warnings[0])


class PagingTests(SynchronousTestCase):
    """
    media.paging.
    """

    def test_goodPagesPass(self) -> None:
        """
        Pages of 2 over 6 children, then past the end, pass.
        """
        pages = [children(0, 2), children(2, 2), children(4, 2)]
        found = rules.checkPaging("cds", children(0, 0), pages, children(6, 2))
        self.assertEqual(found.level, PASS, found.seen)

    def test_brokenPagingFails(self) -> None:
        """
        More than asked, a changing TotalMatches, an empty page before the
        end, repeated objects, another order, objects past the end and
        RequestedCount 0 answering nothing each fail.
        """
        every = children(0, 0)
        cases = {
            "> RequestedCount": [browse("7", "BrowseDirectChildren", 0, 2, CHILDREN[:3], 6)],
            "TotalMatches 7": [children(0, 2, total=7)],
            "no object before the end": [children(0, 2), browse("7", "BrowseDirectChildren", 2, 2, [], 6)],
            "the pages repeat": [children(0, 2), children(1, 2)],
            "the whole list starts": [children(0, 2, listed=CHILDREN[::-1])],
        }
        for expected, pages in cases.items():
            found = rules.checkPaging("cds", every, pages, children(6, 2))
            self.assertEqual(found.level, FAIL, expected)
            self.assertIn(expected, found.seen)
        past = browse("7", "BrowseDirectChildren", 6, 2, CHILDREN[:1], 6)
        self.assertIn("past the end", rules.checkPaging("cds", every, [children(0, 2)], past).seen)
        nothing = browse("7", "BrowseDirectChildren", 0, 0, [], 6)
        self.assertEqual(rules.checkPaging("cds", nothing, [], None).level, FAIL)

    def test_cappedWholeListWarns(self) -> None:
        """
        RequestedCount 0 answering part of the list (a capped page) warns.
        """
        capped = browse("7", "BrowseDirectChildren", 0, 0, CHILDREN[:4], 6)
        found = rules.checkPaging("cds", capped, [children(0, 2), children(2, 2), children(4, 2)], children(6, 2))
        self.assertEqual(found.level, WARN)


class FaultTests(SynchronousTestCase):
    """
    media.unknown-object, media.bad-flag, media.bad-search, media.bad-sort.
    """

    def test_expectedCodePasses(self) -> None:
        """
        The expected fault passes; another code or a success fails.
        """
        arguments = (("ObjectID", "nope"),)
        self.assertEqual(rules.checkFault("media.unknown-object", "cds", faulted(arguments, 701), 701).level, PASS)
        wrong = rules.checkFault("media.unknown-object", "cds", faulted(arguments, 720), 701)
        self.assertIn("errorCode 720", wrong.seen)
        self.assertEqual(rules.checkFault("media.bad-flag", "cds", children(0, 0), 402).level, FAIL)
        self.assertEqual(rules.checkFault("media.bad-sort", "cds", faulted((), 402), 709).level, FAIL)
        self.assertEqual(rules.checkFault("media.bad-search", "cds", faulted((), 708, "Search"), 708).level, PASS)


class ProtocolInfoTests(SynchronousTestCase):
    """
    media.protocol-info and the protocolInfo reader.
    """

    def test_syntax(self) -> None:
        """
        Well-formed protocolInfos pass; each malformed part is a problem,
        another protocol or an unknown DLNA.ORG_ name a warning.
        """
        for good in (MP3, "http-get:*:image/jpeg:*", "http-get:*:video/mp4:DLNA.ORG_OP=01;DLNA.ORG_CI=0", "http-get:*:audio/L16;rate=44100;channels=2:*"):
            self.assertEqual(protocolInfoProblems(good), ([], []), good)
        for bad, expected in {
            "http-get:*:audio/mpeg": "3 fields",
            "http-get:*:mpeg:*": "not a MIME type",
            "http-get:eth0:audio/mpeg:*": "network",
            "http-get:*:audio/mpeg:DLNA.ORG_OP=1": "DLNA.ORG_OP='1'",
            "http-get:*:audio/mpeg:DLNA.ORG_FLAGS=0170": "DLNA.ORG_FLAGS",
            "http-get:*:audio/mpeg:DLNA.ORG_PN=MP3;;": "not NAME=value",
            "http get:*:audio/mpeg:*": "protocol",
        }.items():
            problems, _ = protocolInfoProblems(bad)
            self.assertTrue(problems and expected in problems[0], (bad, problems))
        self.assertIn("protocol 'rtsp-rtp-udp'", protocolInfoProblems("rtsp-rtp-udp:*:audio/mpeg:*")[1][0])
        self.assertIn("unknown DLNA.ORG_XX", protocolInfoProblems("http-get:*:audio/mpeg:DLNA.ORG_XX=1")[1][0])

    def test_sourceAndRes(self) -> None:
        """
        The Source and every res are checked; a res the Source does not
        list warns; an empty Source warns.
        """
        def info(source: str) -> Call:
            return answered(CM, "GetProtocolInfo", (), [("Source", source), ("Sink", "")])

        listing = [children(0, 0)]
        self.assertEqual(rules.checkProtocolInfo("cm", info(f"{MP3},http-get:*:image/jpeg:*"), listing).level, PASS)
        self.assertIn("Source: 'http-get:*:audio:*'", rules.checkProtocolInfo("cm", info("http-get:*:audio:*"), listing).seen)
        broken = [browse("7", "BrowseDirectChildren", 0, 0, [item("1", "7", "http-get:*:audio/mpeg")], 1)]
        self.assertIn("res of '1'", rules.checkProtocolInfo("cm", info(MP3), broken).seen)
        self.assertEqual(rules.checkProtocolInfo("cm", info("http-get:*:image/jpeg:*"), listing).level, WARN)
        self.assertEqual(rules.checkProtocolInfo("cm", info(""), []).level, WARN)


class ReportTests(SynchronousTestCase):
    """
    The media section of the text report.
    """

    def test_mediaSection(self) -> None:
        """
        Media findings are reported in their own section, with the rule.
        """
        found = rules.checkFault("media.bad-sort", "cds", faulted((), 402), 709)
        text = formatText([found], "Den")
        self.assertIn("media:\n  FAIL media.bad-sort [cds]", text)
        self.assertIn("ContentDirectory:1 §2.7.4", text)

    def test_notCheckedOnlyForAMediaServer(self) -> None:
        """
        A device without a ContentDirectory is not told the MediaServer
        rules were not checked; a MediaServer is told which were not.
        """
        self.assertFalse([rule for rule in notChecked([]) if rule.startswith("media.")])
        found = rules.checkFault("media.bad-sort", "cds", faulted((), 709), 709)
        self.assertIn("media.bad-search", notChecked([found]))
