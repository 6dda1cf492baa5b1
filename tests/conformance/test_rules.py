"""
Tests for the checker's pure rules (L{coherence_lite.conformance}): each
rule against a crafted good answer and crafted bad ones, and the report.
"""

from __future__ import annotations

import json
from dataclasses import replace

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.conformance import control_rules, eventing_rules, ssdp_rules
from coherence_lite.conformance import description_rules as rules
from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.eventing_rules import Delivered
from coherence_lite.conformance.findings import FAIL, PASS, RULES, WARN, Finding, finding
from coherence_lite.conformance.report import exitStatus, formatJSON, formatText, notChecked
from coherence_lite.conformance.ssdp_rules import Answer, SearchRound
from coherence_lite.control.message import formatFault, formatResponse
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteIcon, RemoteRootDevice
from coherence_lite.controlpoint.reply import Reply
from coherence_lite.controlpoint.targets import announcedAs
from coherence_lite.controlpoint.scpd import SCPD, parseSCPD
from coherence_lite.errors import UPnPError
from coherence_lite.model.description import deviceDescription, serviceDescription
from coherence_lite.ssdp.format import formatNotifyAlive, formatNotifyByebye, formatNotifyUpdate, formatSearchResponse
from coherence_lite.ssdp.message import Notify, SearchResponse
from coherence_lite.ssdp.parse import parse

from tests.support import binaryLight
from tests.controlpoint.test_scpd import SWITCH

LOCATION = "http://192.168.1.20:8080/desc.xml"
SERVER = "Linux/6 UPnP/1.1 thing/1"
XML = {"content-type": 'text/xml; charset="utf-8"'}
ROOT_DEVICE = binaryLight(udn="uuid:aaaaaaaa-bbbb-3333-4444-555555555555", version=2)


def described() -> RemoteRootDevice:
    """
    The version-2 BinaryLight as a control point reads its description.
    """
    root = parseDescription(deviceDescription(ROOT_DEVICE, 7), LOCATION)
    assert isinstance(root, RemoteRootDevice)
    return root


ADS = announcedAs(described())


def response(st: str, usn: str, **changes: object) -> SearchResponse:
    """
    A parsed search response, as the host formats it, with C{changes} to
    the headers (a value of L{None} drops the header).
    """
    data = formatSearchResponse(st, usn, LOCATION, 1800, SERVER, "Sat, 01 Jan 2000 00:00:00 GMT", 1, 7).decode()
    for name, value in changes.items():
        lines = [line for line in data.split("\r\n") if not line.upper().startswith(name.upper() + ":")]
        if value is not None:
            lines.insert(1, f"{name}: {value}")
        data = "\r\n".join(lines)
    parsed = parse(data.encode())
    assert isinstance(parsed, SearchResponse), parsed
    return parsed


def answersTo(st: str, at: float = 0.1, **changes: object) -> list[Answer]:
    """
    The answers the host would send to C{st}.
    """
    from coherence_lite.ssdp.advertisement import matchSearch

    return [Answer(at, "192.168.1.20", response(m.st, m.usn, **changes)) for m in matchSearch(st, ADS)]


class SSDPRuleTests(SynchronousTestCase):
    """
    The SSDP rules.
    """

    def test_everyTarget(self) -> None:
        """
        Every entry answered passes; one missing fails naming its USN.
        """
        targets = tuple(dict.fromkeys(ad.nt for ad in ADS))
        answers = [a for st in targets for a in answersTo(st)]
        self.assertEqual(ssdp_rules.checkEveryTarget(SearchRound(targets, 1, False, tuple(answers)), ADS).level, PASS)
        broken = ssdp_rules.checkEveryTarget(SearchRound(targets, 1, False, tuple(answers[1:])), ADS)
        self.assertEqual(broken.level, FAIL)
        self.assertIn(ADS[0].usn, broken.seen)

    def test_versionRule(self) -> None:
        """
        A search for version 1 of a version-2 type must be answered with
        :1 in ST and USN; answering :2 fails; no older version is no rule.
        """
        st = "urn:schemas-upnp-org:device:BinaryLight:1"
        good = SearchRound((st,), 1, False, tuple(answersTo(st)))
        self.assertEqual(ssdp_rules.checkVersionRule(good, ADS, [st]).level, PASS)  # type: ignore[union-attr]
        wrong = [Answer(0.1, "h", response(st, a.response.usn.replace(":1", ":2"))) for a in answersTo(st)]
        self.assertEqual(ssdp_rules.checkVersionRule(SearchRound((st,), 1, False, tuple(wrong)), ADS, [st]).level, FAIL)  # type: ignore[union-attr]
        self.assertIsNone(ssdp_rules.checkVersionRule(good, ADS, []))

    def test_stEchoed(self) -> None:
        """
        An answer whose ST is not the searched one byte for byte fails,
        naming what was searched and what came back.
        """
        asked = "uuid:" + ROOT_DEVICE.UDN[5:].upper()
        echoed = SearchRound((asked,), 1, False, tuple(answersTo(asked)))
        self.assertEqual(ssdp_rules.checkEchoed([echoed], ADS).level, PASS)
        lowered = SearchRound((asked,), 1, False, tuple(Answer(0.1, "h", response(ROOT_DEVICE.UDN, ROOT_DEVICE.UDN)) for _ in "x"))
        broken = ssdp_rules.checkEchoed([lowered], ADS)
        self.assertEqual(broken.level, FAIL)
        self.assertIn(f"searched {asked}, answered ST {ROOT_DEVICE.UDN}", broken.seen)

    def test_unknownTarget(self) -> None:
        """
        Answering a target the device does not have fails.
        """
        st = "urn:x-test:device:Nothing:1"
        self.assertEqual(ssdp_rules.checkUnknownTarget(SearchRound((st,), 1), st).level, PASS)
        answered = SearchRound((st,), 1, False, (Answer(0.1, "h", response(st, "uuid:x::" + st)),))
        self.assertEqual(ssdp_rules.checkUnknownTarget(answered, st).level, FAIL)

    def test_responseHeaders(self) -> None:
        """
        The host's responses pass; no EXT or no BOOTID under UPnP/1.1
        fails; a short max-age or a comma SERVER warns; nothing to check is
        no finding.
        """
        self.assertEqual(ssdp_rules.checkResponseHeaders(answersTo("upnp:rootdevice")).level, PASS)  # type: ignore[union-attr]
        for changes, level, text in (
            ({"EXT": None}, FAIL, "no EXT"),
            ({"BOOTID.UPNP.ORG": None}, FAIL, "no BOOTID.UPNP.ORG"),
            ({"SERVER": "thing"}, FAIL, "no UPnP/x.y"),
            ({"CACHE-CONTROL": "max-age=60"}, WARN, "below 1800"),
            ({"SERVER": "Linux/6, UPnP/1.1, thing/1"}, WARN, "not 'OS/version"),
        ):
            result = ssdp_rules.checkResponseHeaders(answersTo("upnp:rootdevice", **changes))
            assert result is not None
            self.assertEqual(result.level, level, changes)
            self.assertIn(text, result.seen)
        self.assertIsNone(ssdp_rules.checkResponseHeaders([]))

    def test_notifyHeadersAndCompleteness(self) -> None:
        """
        The host's alive passes; without HOST it fails; an alive burst
        missing entries warns; a byebye then alive in one boot warns (a new
        BOOTID does not); nothing heard is no finding.
        """
        def alive(nt: str, usn: str, drop: str | None = None) -> Notify:
            data = formatNotifyAlive("239.255.255.250:1900", nt, usn, LOCATION, 1800, SERVER, 1, 7).decode()
            if drop:
                data = "\r\n".join(line for line in data.split("\r\n") if not line.startswith(drop))
            parsed = parse(data.encode())
            assert isinstance(parsed, Notify), parsed
            return parsed

        full = [alive(ad.nt, ad.usn) for ad in ADS]
        self.assertEqual(ssdp_rules.checkNotifyHeaders(full).level, PASS)  # type: ignore[union-attr]
        self.assertEqual(ssdp_rules.checkNotifyHeaders([alive(ADS[0].nt, ADS[0].usn, "HOST")]).level, FAIL)  # type: ignore[union-attr]
        self.assertEqual(ssdp_rules.checkAliveComplete(full, ADS).level, PASS)  # type: ignore[union-attr]
        self.assertEqual(ssdp_rules.checkAliveComplete(full[:2], ADS).level, WARN)  # type: ignore[union-attr]
        self.assertIsNone(ssdp_rules.checkNotifyHeaders([]))
        gone = replace(full[0], nts="ssdp:byebye")
        self.assertIsNone(ssdp_rules.checkByebyeThenAlive(full))
        self.assertEqual(ssdp_rules.checkByebyeThenAlive([gone]).level, PASS)  # type: ignore[union-attr]
        self.assertIn("byebye then alive for upnp:rootdevice", ssdp_rules.checkByebyeThenAlive([gone, full[0]]).seen)  # type: ignore[union-attr]
        restarted = replace(full[0], bootId=2)
        self.assertEqual(ssdp_rules.checkByebyeThenAlive([gone, restarted]).level, PASS)  # type: ignore[union-attr]

    def test_mxSpread(self) -> None:
        """
        Answers spread within MX pass; all at once fail as MX ignored; one
        after MX fails as late.
        """
        def round(*times: float) -> SearchRound:
            return SearchRound(("ssdp:all",), 2, False, tuple(Answer(t, "h", response("upnp:rootdevice", "uuid:x")) for t in times))

        self.assertEqual(ssdp_rules.checkMXSpread(round(0.2, 0.9, 1.7)).level, PASS)  # type: ignore[union-attr]
        ignored = ssdp_rules.checkMXSpread(round(0.001, 0.002, 0.003))
        self.assertEqual((ignored.level, "MX is ignored" in ignored.seen), (FAIL, True))  # type: ignore[union-attr]
        self.assertIn("after a search with MX 2", ssdp_rules.checkMXSpread(round(0.1, 1.0, 3.0)).seen)  # type: ignore[union-attr]

    def test_unicastAndNoMX(self) -> None:
        """
        A unicast search needs an answer (late ones warn, and silence only
        warns from a UPnP/1.0 device); an MX-less
        multicast search answered warns, and silence afterwards fails.
        """
        answered = SearchRound(("upnp:rootdevice",), None, True, tuple(answersTo("upnp:rootdevice")))
        self.assertEqual(ssdp_rules.checkUnicast(answered).level, PASS)
        self.assertEqual(ssdp_rules.checkUnicast(SearchRound(("upnp:rootdevice",), None, True)).level, FAIL)
        self.assertEqual(ssdp_rules.checkUnicast(SearchRound(("upnp:rootdevice",), None, True), (1, 0)).level, WARN)
        late = SearchRound(("upnp:rootdevice",), None, True, tuple(answersTo("upnp:rootdevice", at=1.4)))
        self.assertEqual(ssdp_rules.checkUnicast(late).level, WARN)
        silent = SearchRound(("ssdp:all",), None)
        self.assertEqual(ssdp_rules.checkNoMX(silent, True).level, PASS)
        self.assertEqual(ssdp_rules.checkNoMX(answered, True).level, WARN)
        self.assertEqual(ssdp_rules.checkNoMX(silent, False).level, FAIL)

    def test_ids(self) -> None:
        """
        One BOOTID and the description's CONFIGID pass; two BOOTIDs or a
        CONFIGID other than configId fail.
        """
        one = [a.response for a in answersTo("ssdp:all")]
        self.assertEqual(ssdp_rules.checkIds(one, [], 7).level, PASS)  # type: ignore[union-attr]
        self.assertEqual(ssdp_rules.checkIds(one, [], 8).level, FAIL)  # type: ignore[union-attr]
        other = replace(one[0], bootId=2)
        self.assertIn("several BOOTID", ssdp_rules.checkIds([*one, other], [], 7).seen)  # type: ignore[union-attr]


    def test_idsPerBoot(self) -> None:
        """
        A restart heard while watching (byebye with BOOTID 4, then alive
        and answers with 5) is two boots, each judged on its own; the same
        without byebye warns; going back to an older BOOTID, or two BOOTIDs
        within one boot, fails.
        """
        host = "239.255.255.250:1900"

        def alive(boot: int, config: int = 7) -> Notify:
            message = parse(formatNotifyAlive(host, "upnp:rootdevice", "uuid:x::upnp:rootdevice", LOCATION, 1800, SERVER, boot, config))
            assert isinstance(message, Notify)
            return message

        def byebye(boot: int, config: int = 7) -> Notify:
            message = parse(formatNotifyByebye(host, "upnp:rootdevice", "uuid:x::upnp:rootdevice", boot, config))
            assert isinstance(message, Notify)
            return message

        def update(boot: int, nextBoot: int) -> Notify:
            message = parse(formatNotifyUpdate(host, "upnp:rootdevice", "uuid:x::upnp:rootdevice", LOCATION, boot, 7, nextBoot))
            assert isinstance(message, Notify)
            return message

        answers = [replace(a.response, bootId=5) for a in answersTo("ssdp:all")]
        restart = ssdp_rules.checkIds(answers, [alive(4), byebye(4), alive(5)], 7)
        assert restart is not None
        self.assertEqual((restart.level, restart.seen), (PASS, "BOOTID [4, 5], CONFIGID [7] (2 boots)"))
        moved = ssdp_rules.checkIds(answers, [alive(4), update(4, 5), alive(5)], 7)
        self.assertEqual(moved.level, PASS)  # type: ignore[union-attr]
        crashed = ssdp_rules.checkIds(answers, [alive(4), alive(5)], 7)
        self.assertEqual(crashed.level, WARN)  # type: ignore[union-attr]
        self.assertIn("from 4 to 5 without byebye", crashed.seen)  # type: ignore[union-attr]
        back = ssdp_rules.checkIds(answers, [alive(4), byebye(4), alive(5), alive(4)], 7)
        self.assertEqual(back.level, FAIL)  # type: ignore[union-attr]
        self.assertIn("BOOTID.UPNP.ORG 4 heard after 5", back.seen)  # type: ignore[union-attr]
        stale = ssdp_rules.checkIds(answers, [alive(4), byebye(4), alive(6)], 7)
        self.assertIn("several BOOTID.UPNP.ORG in one boot: [5, 6]", stale.seen)  # type: ignore[union-attr]
        reconfigured = ssdp_rules.checkIds(answers, [alive(4, 6), byebye(4, 6), alive(5)], 7)
        self.assertEqual(reconfigured.level, PASS)  # type: ignore[union-attr]


def good(body: bytes, **headers: str) -> Fetched:
    """
    A 200 answer with XML's Content-Type and C{headers}.
    """
    return Fetched(LOCATION, Reply(200, {**XML, **headers}, body))


class DescriptionRuleTests(SynchronousTestCase):
    """
    The description and SCPD rules.
    """

    def test_hostsDescriptionPassesEveryRule(self) -> None:
        """
        The host's own description passes fetch, namespace, spec version,
        configId, URLBase, required elements, URLs and matches-ssdp.
        """
        body = deviceDescription(ROOT_DEVICE, 7)
        root = described()
        found = [
            rules.checkFetch(good(body), root),
            rules.checkNamespace(LOCATION, body, "root", "urn:schemas-upnp-org:device-1-0"),
            rules.checkSpecVersion(root, SERVER),
            rules.checkConfigId(LOCATION, body, 7),
            rules.checkNoURLBase(root),
            rules.checkRequired(root),
            rules.checkURLs(root),
            rules.checkMatchesSSDP(root, [(ad.nt, ad.usn) for ad in ADS], [(ad.nt, ad.usn) for ad in ADS]),
        ]
        self.assertEqual([(f.rule, f.level) for f in found if f.level != PASS], [])

    def test_brokenDescription(self) -> None:
        """
        No namespace, an HTML Content-Type, another configId, a SERVER of
        another version, a friendlyName too long and an extra announced
        entry each fail the rule they break.
        """
        body = deviceDescription(ROOT_DEVICE, 7).replace(b' xmlns="urn:schemas-upnp-org:device-1-0"', b"")
        root = replace(described(), friendlyName="x" * 65)
        self.assertEqual(rules.checkNamespace(LOCATION, body, "root", "urn:schemas-upnp-org:device-1-0").level, FAIL)
        self.assertEqual(rules.checkFetch(good(body, **{"content-type": "text/html"}), root).level, FAIL)
        self.assertEqual(rules.checkConfigId(LOCATION, body, 8).level, FAIL)
        self.assertIn("UPnP/1.0", rules.checkSpecVersion(root, "Linux/6 UPnP/1.0 x/1").seen)
        required = rules.checkRequired(root)
        self.assertEqual(required.level, FAIL)
        self.assertIn("friendlyName", required.seen)
        extra = rules.checkMatchesSSDP(root, [("urn:x:device:Other:1", "uuid:y::urn:x:device:Other:1")], [])
        self.assertEqual(extra.level, FAIL)
        self.assertEqual(rules.checkNoURLBase(replace(root, urlBase="http://x/")).level, WARN)

    def test_fetchFailure(self) -> None:
        """
        No answer or a 404 at LOCATION fails with the reason.
        """
        self.assertIn("refused", rules.checkFetch(Fetched(LOCATION, None, "refused"), None).seen)
        self.assertIn("404", rules.checkFetch(Fetched(LOCATION, Reply(404)), None).seen)

    def test_scpd(self) -> None:
        """
        The host's SCPD passes; one whose variable has an unknown type
        fails with the parser's reason.
        """
        service = described().services[0]
        body = serviceDescription(SWITCH, 7)
        self.assertEqual({f.level for f in rules.checkSCPD(service, good(body), parseSCPD(body), 7)}, {PASS})
        bad = body.replace(b"<dataType>boolean</dataType>", b"<dataType>bool</dataType>", 1)
        [scpd, _, _] = rules.checkSCPD(service, good(bad), parseSCPD(bad), 7)
        self.assertEqual(scpd.level, FAIL)
        self.assertIn("'bool'", scpd.seen)

    def test_icons(self) -> None:
        """
        An icon of the declared type and size passes; another size or type
        fails; a type whose size cannot be read warns.
        """
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (48).to_bytes(4, "big") * 2 + b"\x08"
        icon = RemoteIcon("image/png", 48, 48, 24, "http://h/icon.png")
        self.assertEqual(rules.checkIcon(icon, Fetched(icon.url, Reply(200, {"content-type": "image/png"}, png))).level, PASS)
        self.assertEqual(rules.checkIcon(replace(icon, width=32), Fetched(icon.url, Reply(200, {"content-type": "image/png"}, png))).level, FAIL)
        self.assertEqual(rules.checkIcon(icon, Fetched(icon.url, Reply(200, {"content-type": "image/jpeg"}, png))).level, FAIL)
        jpeg = replace(icon, mimetype="image/jpeg")
        self.assertEqual(rules.checkIcon(jpeg, Fetched(icon.url, Reply(200, {"content-type": "image/jpeg"}, b"\xff\xd8"))).level, WARN)

    def test_headAndNotFound(self) -> None:
        """
        HEAD with GET's headers and no body passes, with a body fails; a
        404 passes the not-found rule and a 200 fails it.
        """
        get = good(b"<root/>", **{"content-length": "7"})
        self.assertEqual(rules.checkHead(get, good(b"", **{"content-length": "7"})).level, PASS)
        self.assertEqual(rules.checkHead(get, good(b"<root/>")).level, FAIL)
        self.assertEqual(rules.checkNotFound(Fetched("u", Reply(404))).level, PASS)
        self.assertEqual(rules.checkNotFound(Fetched("u", Reply(200))).level, FAIL)
        self.assertEqual(rules.checkPresentation(Fetched("u", Reply(500))).level, FAIL)


SCPD_ = parseSCPD(serviceDescription(SWITCH, 1))
assert isinstance(SCPD_, SCPD)
TYPE = SWITCH.serviceType


class ControlRuleTests(SynchronousTestCase):
    """
    The control rules.
    """

    def test_readOnly(self) -> None:
        """
        A response with its out-argument of the right type passes; one of
        the wrong type, without it, or a fault, fails.
        """
        action = SCPD_.action("GetStatus")
        assert action is not None

        def check(body: bytes, code: int = 200) -> Finding:
            return control_rules.checkReadOnly(TYPE, "S", action, SCPD_, Fetched("u", Reply(code, XML, body)))

        self.assertEqual(check(formatResponse(TYPE, "GetStatus", [("ResultStatus", "1")])).level, PASS)
        self.assertIn("not a valid boolean", check(formatResponse(TYPE, "GetStatus", [("ResultStatus", "on")])).seen)
        self.assertIn("no out-argument", check(formatResponse(TYPE, "GetStatus", [])).seen)
        self.assertIn("fault 501", check(formatFault(UPnPError(501)), 500).seen)

    def test_faults(self) -> None:
        """
        A 402 fault in the exact shape passes; a fault without UPnPError,
        another code, or a 200 fails the invalid-args rule.
        """
        fault = formatFault(UPnPError(402))

        def check(body: bytes, code: int = 500) -> Finding:
            return control_rules.checkInvalidArgs(TYPE, "S", "SetTarget", Fetched("u", Reply(code, XML, body)))

        self.assertEqual(check(fault).level, PASS)
        bare = fault.split(b"<detail>")[0] + b"</s:Fault></s:Body></s:Envelope>"
        self.assertIn("without a usable UPnPError", check(bare).seen)
        self.assertIn("errorCode 501", check(formatFault(UPnPError(501))).seen)
        self.assertIn("succeeded", check(formatResponse(TYPE, "SetTarget", []), 200).seen)
        server = fault.replace(b"s:Client", b"s:Server")
        self.assertIn("not s:Client", check(server).seen)
        unknown = control_rules.checkInvalidAction(TYPE, "S", Fetched("u", Reply(500, XML, formatFault(UPnPError(401)))))
        self.assertEqual(unknown.level, PASS)


SID = "uuid:00000000-0000-0000-0000-000000000001"


class EventingRuleTests(SynchronousTestCase):
    """
    The eventing rules.
    """

    def test_subscribeAndRenew(self) -> None:
        """
        A grant with SID and TIMEOUT passes; without TIMEOUT fails; a
        renewal under another SID fails.
        """
        granted = Fetched("u", Reply(200, {"sid": SID, "timeout": "Second-1800"}))
        self.assertEqual(eventing_rules.checkSubscribe("S", granted).level, PASS)
        self.assertEqual(eventing_rules.checkSubscribe("S", Fetched("u", Reply(200, {"sid": SID}))).level, FAIL)
        self.assertEqual(eventing_rules.checkRenew("S", SID, granted).level, PASS)
        self.assertEqual(eventing_rules.checkRenew("S", "uuid:00000000-0000-0000-0000-000000000002", granted).level, FAIL)

    def test_initialEvent(self) -> None:
        """
        SEQ 0 with every evented variable passes; a missing variable, a
        first SEQ of 1, or no event fails.
        """
        evented = SCPD_.evented()
        self.assertEqual(eventing_rules.checkInitialEvent("S", SID, [Delivered(0.1, SID, 0, (("Status", "0"),))], evented, 3).level, PASS)
        self.assertIn("lacks Status", eventing_rules.checkInitialEvent("S", SID, [Delivered(0.1, SID, 0, ())], evented, 3).seen)
        self.assertIn("SEQ 1", eventing_rules.checkInitialEvent("S", SID, [Delivered(0.1, SID, 1, (("Status", "0"),))], evented, 3).seen)
        self.assertIn("no event message within 3 s", eventing_rules.checkInitialEvent("S", SID, [], evented, 3).seen)

    def test_refusals(self) -> None:
        """
        412 for an unknown SID and 200 for UNSUBSCRIBE pass; CallStranger
        passes on a refusal and fails when the off-network CALLBACK is
        granted.
        """
        self.assertEqual(eventing_rules.checkUnknownSID("S", Fetched("u", Reply(412))).level, PASS)
        self.assertEqual(eventing_rules.checkUnknownSID("S", Fetched("u", Reply(200))).level, FAIL)
        self.assertEqual(eventing_rules.checkUnsubscribe("S", Fetched("u", Reply(200))).level, PASS)
        self.assertEqual(eventing_rules.checkCallStranger("S", "http://192.0.2.1/", Fetched("u", Reply(412))).level, PASS)
        accepted = eventing_rules.checkCallStranger("S", "http://192.0.2.1/", Fetched("u", Reply(200, {"sid": SID})))
        self.assertEqual(accepted.level, FAIL)
        self.assertIn("accepted CALLBACK http://192.0.2.1/", accepted.seen)


class ReportTests(SynchronousTestCase):
    """
    Findings and the report.
    """

    def test_findingNamesItsRule(self) -> None:
        """
        A finding carries its rule's statement and source; an unknown rule
        or level is refused.
        """
        f = finding("ssdp.unicast", ["silence"], "")
        self.assertEqual((f.level, f.source), (FAIL, RULES["ssdp.unicast"].source))
        self.assertRaises(ValueError, Finding, "no.such", PASS, "")
        self.assertRaises(ValueError, Finding, "ssdp.unicast", "MAYBE", "")

    def test_textShowsEveryProblemWithItsRule(self) -> None:
        """
        The text report shows each FAIL with the rule and its source, counts
        the passes, escapes device text, and lists the rules not checked.
        """
        findings = [finding("ssdp.unicast", ["no answer \x1b[2J"], ""), finding("ssdp.found", [], "ok")]
        text = formatText(findings, "Lamp")
        self.assertIn("FAIL ssdp.unicast: no answer \\x1b[2J", text)
        self.assertIn(f"rule: {RULES['ssdp.unicast'].statement} ({RULES['ssdp.unicast'].source})", text)
        self.assertIn("PASS 1 other check(s)", text)
        self.assertIn("1 passed, 0 warnings, 1 failed", text)
        self.assertIn("eventing.callstranger", text.splitlines()[-1])
        self.assertEqual(exitStatus(findings), 1)
        self.assertEqual(exitStatus(findings[1:]), 0)
        self.assertNotIn("ssdp.found", notChecked(findings))

    def test_json(self) -> None:
        """
        The JSON report holds each device's findings with rule, level,
        statement and source, and the overall status.
        """
        data = json.loads(formatJSON([([finding("ssdp.unicast", ["x"], "")], {"UDN": "uuid:1"})]))
        self.assertEqual(data["status"], "fail")
        [device] = data["devices"]
        self.assertEqual(device["findings"][0]["rule"], "ssdp.unicast")
        self.assertEqual(device["counts"], {"PASS": 0, "WARN": 0, "FAIL": 1})
