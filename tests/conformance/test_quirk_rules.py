"""
Tests for the checker's quirk rules (L{coherence_lite.conformance.quirk_rules})
and the quirks section of its reports: each rule says handled for the
answer of a server that handles the quirk, not handled (WARN) for one that
does not, and FAIL where not handling it breaks a standard.
"""

from __future__ import annotations

import json
from dataclasses import replace

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.conformance import quirk_rules as rules
from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.findings import FAIL, PASS, WARN, Finding
from coherence_lite.conformance.media_rules import Call
from coherence_lite.conformance.report import formatJSON, formatText, notChecked
from coherence_lite.controlpoint.reply import Reply
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.media.contentdirectory import ContentDirectory

from tests.conformance.test_media_rules import CDS, answered, children, didl, faulted, item, scpdOf

REGISTRAR_ARGS = (("DeviceID", ""),)


def ranged(code: int, contentRange: str | None, body: bytes = b"") -> Fetched:
    """
    An answer to a ranged GET.
    """
    headers = {} if contentRange is None else {"content-range": contentRange}
    return Fetched("http://x/media/1.mp3", Reply(code, headers, body))


def withoutVariable(scpd: SCPD, name: str) -> SCPD:
    """
    An SCPD without one state variable.
    """
    return replace(scpd, stateVariables=tuple(v for v in scpd.stateVariables if v.name != name))


class SamsungTests(SynchronousTestCase):
    """
    quirks.samsung-features and quirks.samsung-bookmark.
    """

    def test_featureList(self) -> None:
        """
        A FeatureList naming BASICVIEW is handled; a fault (Invalid
        Action) or another list is not.
        """
        features = '<Features xmlns="urn:schemas-upnp-org:av:avs"><Feature name="samsung.com_BASICVIEW" version="1"><container id="1" type="object.item.audioItem"/></Feature></Features>'
        good = answered(CDS, "X_GetFeatureList", (), [("FeatureList", features)])
        self.assertEqual(rules.checkFeatureList("cd", good).level, PASS)
        self.assertIn("1 containers", rules.checkFeatureList("cd", good).seen)
        missing = rules.checkFeatureList("cd", faulted((), 401, "X_GetFeatureList"))
        self.assertEqual(missing.level, WARN)
        self.assertIn("fault 401", missing.seen)
        other = answered(CDS, "X_GetFeatureList", (), [("FeatureList", "<Features/>")])
        self.assertEqual(rules.checkFeatureList("cd", other).level, WARN)

    def test_bookmark(self) -> None:
        """
        Our SCPD declares X_SetBookmark with ObjectID and PosSecond; an
        SCPD without it (or none) does not.
        """
        ours = scpdOf(ContentDirectory)
        self.assertEqual(rules.checkBookmark("cd", ours).level, PASS)
        without = replace(ours, actions=tuple(a for a in ours.actions if a.name != "X_SetBookmark"))
        self.assertEqual(rules.checkBookmark("cd", without).level, WARN)
        self.assertEqual(rules.checkBookmark("cd", None).level, WARN)


class MicrosoftTests(SynchronousTestCase):
    """
    quirks.ms-registrar and quirks.wmp-search.
    """

    def test_registrar(self) -> None:
        """
        IsAuthorized and IsValidated answering 1 is handled, under either
        spelling of the type (the spelling shown when not Microsoft's); a
        0, a fault or no service is not.
        """
        yes = [answered(rules.REGISTRAR, action, REGISTRAR_ARGS, [("Result", "1")]) for action in ("IsAuthorized", "IsValidated")]
        self.assertEqual(rules.checkRegistrar("r", rules.REGISTRAR, yes).level, PASS)
        hyphen = rules.checkRegistrar("r", rules.REGISTRARS[1], yes)
        self.assertEqual(hyphen.level, PASS)
        self.assertIn("microsoft-com", hyphen.seen)
        no = [yes[0], answered(rules.REGISTRAR, "IsValidated", REGISTRAR_ARGS, [("Result", "0")])]
        self.assertIn("IsValidated answers Result '0'", rules.checkRegistrar("r", rules.REGISTRAR, no).seen)
        self.assertEqual(rules.checkRegistrar("r", None, []).level, WARN)

    def test_searchFirst(self) -> None:
        """
        Every match in the one page is handled; a short page, a refused
        criteria or no Search is not.
        """
        arguments = (("ContainerID", "0"), ("SearchCriteria", rules.WMP_CRITERIA), ("RequestedCount", "20"))
        tracks = [item(str(n), "0") for n in range(3)]

        def found(listed: list[str]) -> Call:
            out = [("Result", didl(*listed)), ("NumberReturned", str(len(listed))), ("TotalMatches", "3"), ("UpdateID", "3")]
            return answered(CDS, "Search", arguments, out)

        self.assertEqual(rules.checkSearchFirst("cd", found(tracks)).seen, "3 tracks in one page")
        short = rules.checkSearchFirst("cd", found(tracks[:2]))
        self.assertEqual(short.level, WARN)
        self.assertIn("2 of 3", short.seen)
        self.assertEqual(rules.checkSearchFirst("cd", faulted(arguments, 708, "Search")).level, WARN)
        self.assertEqual(rules.checkSearchFirst("cd", None).level, WARN)


class VLCTests(SynchronousTestCase):
    """
    quirks.vlc-page.
    """

    def test_pages(self) -> None:
        """
        A page with objects is handled, a capped one followed by more too;
        a refused count, an empty page or a capped page followed by nothing
        is not.
        """
        self.assertEqual(rules.checkVLCPage("cd", children(0, 0), None).level, PASS)
        self.assertEqual(rules.checkVLCPage("cd", children(0, 3), children(3, 3)).level, PASS)
        self.assertIn("then nothing", rules.checkVLCPage("cd", children(0, 3), children(3, 3, listed=[])).seen)
        self.assertEqual(rules.checkVLCPage("cd", children(0, 3, listed=[]), None).level, WARN)
        self.assertEqual(rules.checkVLCPage("cd", faulted((), 402), None).level, WARN)
        self.assertEqual(rules.checkVLCPage("cd", None, None).level, WARN)


class RangeAndHostTests(SynchronousTestCase):
    """
    quirks.suffix-range and quirks.host-check: not handling them breaks a
    standard.
    """

    def test_ranges(self) -> None:
        """
        206 with the last 100 bytes, then 416 with C{bytes */LEN}, is
        handled; minidlna's 400s, Rygel's C{bytes 0-100} and a 416 without
        Content-Range fail; a file shorter than 100 bytes is whole.
        """
        good = rules.checkRanges("cd", 1000, ranged(206, "bytes 900-999/1000", bytes(100)), ranged(416, "bytes */1000"))
        self.assertEqual(good.level, PASS)
        short = rules.checkRanges("cd", 40, ranged(206, "bytes 0-39/40", bytes(40)), ranged(416, "bytes */40"))
        self.assertEqual(short.level, PASS)
        minidlna = rules.checkRanges("cd", 1000, ranged(400, None), ranged(400, None))
        self.assertEqual(minidlna.level, FAIL)
        self.assertIn("HTTP status 400, not 206", minidlna.seen)
        self.assertIn("HTTP status 400, not 416", minidlna.seen)
        rygel = rules.checkRanges("cd", 1000, ranged(206, "bytes 0-100/1000", bytes(101)), ranged(416, None))
        self.assertIn("not bytes 900-999/1000", rygel.seen)
        self.assertIn("Content-Range None", rygel.seen)
        self.assertEqual(rules.checkRanges("cd", None, ranged(400, None), ranged(400, None)).level, WARN)
        self.assertEqual(rules.checkRanges("cd", None, None, None).level, WARN)

    def test_host(self) -> None:
        """
        A foreign Host refused with any 4xx is handled; a 200 fails; no
        answer is a warning.
        """
        for code in (400, 404, 421):
            self.assertEqual(rules.checkHostHeader("d", Fetched("http://x/d.xml", Reply(code))).level, PASS)
        self.assertEqual(rules.checkHostHeader("d", Fetched("http://x/d.xml", Reply(200))).level, FAIL)
        self.assertEqual(rules.checkHostHeader("d", Fetched("http://x/d.xml", None, "timed out")).level, WARN)


class EventsAndIPv6Tests(SynchronousTestCase):
    """
    quirks.container-update-ids and quirks.ipv6.
    """

    def test_containerUpdateIds(self) -> None:
        """
        Our evented ContainerUpdateIDs is handled; without it, not.
        """
        ours = scpdOf(ContentDirectory)
        self.assertEqual(rules.checkContainerUpdateIDs("cd", ours).level, PASS)
        self.assertEqual(rules.checkContainerUpdateIDs("cd", withoutVariable(ours, "ContainerUpdateIDs")).level, WARN)
        self.assertEqual(rules.checkContainerUpdateIDs("cd", None).level, WARN)

    def test_ipv6(self) -> None:
        """
        An IPv6 LOCATION is handled; IPv4 only is not when the search went
        over IPv6, and not checked when it did not.
        """
        both = ("http://10.0.0.1:80/d.xml", "http://[fd81:1::1]:80/d.xml")
        found = rules.checkIPv6("d", both, True)
        assert found is not None
        self.assertEqual(found.level, PASS)
        only = rules.checkIPv6("d", both[:1], True)
        assert only is not None
        self.assertEqual(only.level, WARN)
        self.assertIsNone(rules.checkIPv6("d", both[:1], False))


class ReportTests(SynchronousTestCase):
    """
    The quirks section of the text and JSON reports.
    """

    findings = [
        Finding("media.didl", PASS, "ok", "cd"),
        Finding("quirks.vlc-page", PASS, "RequestedCount 5000: 3 of 3", "cd"),
        Finding("quirks.samsung-features", WARN, "fault 401", "cd"),
        Finding("quirks.suffix-range", FAIL, "HTTP status 400", "cd"),
    ]

    def test_text(self) -> None:
        """
        The quirks section lists every quirk, handled ones too (unlike the
        other sections' passes), saying whether each is handled.
        """
        text = formatText(self.findings, "server")
        section = text.split("quirks (what real clients need beyond the spec):\n", 1)[1]
        self.assertIn("  FAIL quirks.suffix-range [cd]: not handled, against a standard: HTTP status 400", section)
        self.assertIn("  WARN quirks.samsung-features [cd]: not handled: fault 401", section)
        self.assertIn("  PASS quirks.vlc-page [cd]: handled: RequestedCount 5000: 3 of 3", section)
        self.assertIn("media:\n  PASS 1 other check(s)", text)

    def test_json(self) -> None:
        """
        Each device lists its quirks with whether each is handled.
        """
        report = json.loads(formatJSON([(self.findings, {"location": "http://x/d.xml"})]))
        [device] = report["devices"]
        self.assertEqual(
            [(each["rule"], each["handled"], each["level"]) for each in device["quirks"]],
            [("quirks.vlc-page", True, PASS), ("quirks.samsung-features", False, WARN), ("quirks.suffix-range", False, FAIL)],
        )

    def test_notChecked(self) -> None:
        """
        The quirk rules are listed as not checked only for a MediaServer.
        """
        skipped = notChecked(self.findings)
        self.assertIn("quirks.ipv6", skipped)
        self.assertNotIn("quirks.vlc-page", skipped)
        self.assertFalse([rule for rule in notChecked([Finding("ssdp.found", PASS, "ok")]) if rule.startswith("quirks.")])
