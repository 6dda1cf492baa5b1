# -*- test-case-name: tests.conformance.test_rules -*-
"""
What the checker says: one L{Finding} per rule and subject, PASS, WARN or
FAIL, with the rule's source and what was seen; and L{RULES}, the one list
of the rules, their one-line statement and where each comes from.

Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PASS", "WARN", "FAIL", "LEVELS", "Rule", "RULES", "Finding", "finding"]

PASS = "PASS"
WARN = "WARN"
FAIL = "FAIL"

#: The levels, from best to worst.
LEVELS = (PASS, WARN, FAIL)


@dataclass(frozen=True)
class Rule:
    """
    One rule the checker applies.

    @ivar section: C{ssdp}, C{description}, C{control}, C{eventing},
        C{media} or C{quirks} (which quirks of real clients a MediaServer
        handles).
    @ivar statement: what the rule asks, in one sentence.
    @ivar source: where it comes from (UDA section, CVE...).
    """

    section: str
    statement: str
    source: str


def _rules(*rows: tuple[str, str, str]) -> dict[str, Rule]:
    return {rule: Rule(rule.split(".", 1)[0], statement, source) for rule, statement, source in rows}


#: Every rule, by id.
RULES = _rules(
    ("ssdp.found", "The device answers an ssdp:all search on the chosen interface.", "UDA 2.0 §1.3.2 (M-SEARCH)"),
    ("ssdp.every-target", "Every entry of the advertisement set (root, each uuid, device and service type) is answered when searched for.", "UDA 2.0 §1.3.2, §1.2.2 (advertisement set)"),
    ("ssdp.version-rule", "A search for an older version of a type is answered, with ST and USN carrying the version asked for.", "UDA 2.0 §1.3.2 (ST: urn:...:v)"),
    ("ssdp.st-echoed", "The ST of a response is the searched ST, byte for byte.", "UDA 2.0 §1.3.3 (ST field of the response)"),
    ("ssdp.unknown-target", "A search for a target the device does not have gets no answer.", "UDA 2.0 §1.3.2"),
    ("ssdp.response-headers", "A search response has CACHE-CONTROL max-age >= 1800, DATE, an empty EXT, LOCATION, SERVER 'OS/v UPnP/x.y product/v', ST, USN, BOOTID.UPNP.ORG and CONFIGID.UPNP.ORG.", "UDA 2.0 §1.3.3"),
    ("ssdp.notify-headers", "An ssdp:alive has HOST, CACHE-CONTROL max-age >= 1800, LOCATION, NT, NTS, SERVER, USN, BOOTID.UPNP.ORG and CONFIGID.UPNP.ORG.", "UDA 2.0 §1.2.2"),
    ("ssdp.alive-complete", "Announcements heard cover the whole advertisement set.", "UDA 2.0 §1.2.2"),
    ("ssdp.byebye-then-alive", "A device that starts does not send ssdp:byebye just before its first ssdp:alive.", "Interoperability: some control points (Windows Network view among them) drop a device on a byebye followed at once by alive"),
    ("ssdp.mx-spread", "Responses to a multicast search come within MX seconds, each after its own random delay.", "UDA 2.0 §1.3.3 (MX)"),
    ("ssdp.unicast", "A unicast search (no MX) is answered at once.", "UDA 2.0 §1.3.2 (unicast M-SEARCH)"),
    ("ssdp.no-mx", "A multicast search without MX is ignored, and the device keeps answering.", "UDA 2.0 §1.3.2 (MX required for multicast)"),
    ("ssdp.ids", "BOOTID.UPNP.ORG and CONFIGID.UPNP.ORG are the same in every message of one boot, and CONFIGID is the description's configId.", "UDA 2.0 §1.2.2, §2.3"),
    ("description.fetch", "LOCATION answers GET with 200, Content-Type text/xml (charset utf-8) and a description the control point can read.", "UDA 2.0 §2.11 (retrieving a description)"),
    ("description.namespace", "The document element is <root xmlns='urn:schemas-upnp-org:device-1-0'> (<scpd xmlns='urn:schemas-upnp-org:service-1-0'> for an SCPD).", "UDA 2.0 §2.3, §2.5"),
    ("description.spec-version", "specVersion is major 1 (minor 0, 1 or 2) and agrees with SERVER's UPnP/x.y.", "UDA 2.0 §2.3, §1.3.3 (SERVER)"),
    ("description.config-id", "The configId attribute is present and equals CONFIGID.UPNP.ORG.", "UDA 2.0 §2.3 (configId)"),
    ("description.no-urlbase", "There is no URLBase: it is deprecated since UDA 1.1.", "UDA 1.1 §2.3 (URLBase deprecated)"),
    ("description.required", "Every device has its required elements, within their lengths (friendlyName <= 64, manufacturer <= 64, modelName <= 32, ...) and a UDN 'uuid:' + UUID.", "UDA 2.0 §2.3"),
    ("description.matches-ssdp", "The description's UDNs and types are the ones announced.", "UDA 2.0 §2.3, §1.2.2"),
    ("description.urls", "Every service has SCPDURL, controlURL and eventSubURL resolving to http:// URLs.", "UDA 2.0 §2.3 (serviceList)"),
    ("description.scpd", "Each SCPDURL answers GET with a readable SCPD whose actions and state variables are well formed.", "UDA 2.0 §2.5"),
    ("description.icons", "Each icon is served with the declared mimetype and size.", "UDA 2.0 §2.3 (iconList)"),
    ("description.presentation", "presentationURL, when given, answers GET with 200.", "UDA 2.0 §5 (presentation)"),
    ("description.head", "HEAD on LOCATION answers 200 with the headers of GET and no body.", "RFC 9110 §9.3.2 (HEAD)"),
    ("description.not-found", "An unknown path is answered 404.", "RFC 9110 §15.5.5"),
    ("control.read-only", "Each action without in-arguments answers 200 with every out-argument, each a value of its state variable's type.", "UDA 2.0 §3.2.1, §3.2.2 (action response)"),
    ("control.invalid-args", "A call with missing arguments gets HTTP 500 with a SOAP fault (s:Client, UPnPError) of errorCode 402.", "UDA 2.0 §3.2.2 (UPnPError 402)"),
    ("control.invalid-action", "A call of an unknown action gets HTTP 500 with a SOAP fault (s:Client, UPnPError) of errorCode 401.", "UDA 2.0 §3.2.2 (UPnPError 401)"),
    ("eventing.subscribe", "SUBSCRIBE with CALLBACK and NT: upnp:event answers 200 with a SID (uuid:) and TIMEOUT: Second-N.", "UDA 2.0 §4.1.1"),
    ("eventing.initial-event", "The initial event arrives with SEQ 0 and every evented variable.", "UDA 2.0 §4.3 (initial event message)"),
    ("eventing.renew", "A renewal (SID and TIMEOUT only) answers 200 with the same SID.", "UDA 2.0 §4.1.2"),
    ("eventing.unknown-sid", "A renewal with an unknown SID answers 412 Precondition Failed.", "UDA 2.0 §4.1.2"),
    ("eventing.unsubscribe", "UNSUBSCRIBE with the SID answers 200.", "UDA 2.0 §4.1.3"),
    ("eventing.callstranger", "A SUBSCRIBE whose CALLBACK is outside the subscriber's network is refused.", "CVE-2020-12695 (CallStranger); UDA 2.0 §4.1.1 (2020 update)"),
    ("media.scpd", "ContentDirectory:1 has Browse, GetSearchCapabilities, GetSortCapabilities and GetSystemUpdateID with their arguments, and SearchCapabilities, SortCapabilities and an evented ui4 SystemUpdateID; ConnectionManager:1 has GetProtocolInfo, GetCurrentConnectionIDs and GetCurrentConnectionInfo, and evented SourceProtocolInfo, SinkProtocolInfo and CurrentConnectionIDs.", "UPnP AV ContentDirectory:1 §2.5, §2.7; ConnectionManager:1 §2.2, §2.4"),
    ("media.system-update-id", "GetSystemUpdateID answers a ui4.", "UPnP AV ContentDirectory:1 §2.5.20, §2.7.3"),
    ("media.browse-metadata", "Browse of ObjectID 0 with BrowseMetadata answers the root container (id 0, parentID -1), NumberReturned = TotalMatches = 1.", "UPnP AV ContentDirectory:1 §2.7.4, §2.8.2 (root object)"),
    ("media.didl", "Every Browse Result is DIDL-Lite (urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/) of containers and items, each with id, parentID, restricted, one dc:title and one upnp:class of its kind, and res with protocolInfo; as many as NumberReturned, children of the browsed object.", "UPnP AV ContentDirectory:1 §2.8 (DIDL-Lite), §2.7.4"),
    ("media.paging", "RequestedCount 0 returns every child; a page returns at most RequestedCount with the same TotalMatches and never nothing before the end; pages concatenate to the whole list without duplicates; a StartingIndex past the end returns no object.", "UPnP AV ContentDirectory:1 §2.7.4 (Browse: StartingIndex, RequestedCount, TotalMatches)"),
    ("media.unknown-object", "Browse of an ObjectID that does not exist gets fault 701 (No such object).", "UPnP AV ContentDirectory:1 §2.7.4 (errors)"),
    ("media.bad-flag", "Browse with a BrowseFlag other than BrowseMetadata or BrowseDirectChildren gets fault 402 (Invalid Args).", "UPnP AV ContentDirectory:1 §2.7.4; UDA 2.0 §3.2.2"),
    ("media.bad-search", "Search with malformed SearchCriteria gets fault 708 (Unsupported or invalid search criteria).", "UPnP AV ContentDirectory:1 §2.7.5 (errors), §2.5.5 (grammar)"),
    ("media.bad-sort", "Browse with SortCriteria on a property outside SortCapabilities gets fault 709 (Unsupported or invalid sort criteria).", "UPnP AV ContentDirectory:1 §2.7.4 (errors), §2.5.7"),
    ("media.protocol-info", "Each protocolInfo (GetProtocolInfo's Source, every res) is protocol:network:MIME:info with http-get, *, a MIME type, and * or NAME=value pairs whose DLNA.ORG_ values are well formed.", "UPnP AV ConnectionManager:1 §2.5.2 (protocolInfo); DLNA guidelines 7.4.1.3"),
    ("quirks.samsung-features", "X_GetFeatureList, asked by a Samsung TV, answers a FeatureList naming samsung.com_BASICVIEW.", "Samsung TVs (UA SEC_HHP_) drop a server whose X_GetFeatureList faults (Coherence#2)"),
    ("quirks.samsung-bookmark", "ContentDirectory declares X_SetBookmark(ObjectID, PosSecond), where Samsung TVs keep where playback stopped.", "Samsung AllShare/SmartView"),
    ("quirks.ms-registrar", "The device has X_MS_MediaReceiverRegistrar:1, whose IsAuthorized and IsValidated answer 1.", "Xbox 360 and Windows Media Player 12 list only servers that have it"),
    ("quirks.wmp-search", "Search of the root for tracks with @refID exists false (Windows Media Player 12's first request) is answered with every match in its one page.", "Windows Media Player 12 searches first and reads one page"),
    ("quirks.vlc-page", "Browse with RequestedCount 5000 (VLC's) returns objects, and a capped page is followed by more.", "VLC modules/services_discovery/upnp.cpp (loops to TotalMatches)"),
    ("quirks.suffix-range", "A media file answers Range bytes=-100 with 206 and its last 100 bytes, and a range starting at its length with 416 and Content-Range bytes */LENGTH.", "RFC 9110 §14.1.2, §15.5.17; players read an MP4 index or ID3v1 tag at the end"),
    ("quirks.host-check", "A request whose Host names another server (a DNS rebinding page's) is refused.", "CVE-2022-26505 (minidlna), CVE-2021-33516 (GUPnP), CVE-2021-29462 (pupnp)"),
    ("quirks.container-update-ids", "ContentDirectory has an evented ContainerUpdateIDs.", "UPnP AV ContentDirectory:1 §2.5.21; Kodi (Platinum) caches folders until they are named there"),
    ("quirks.ipv6", "The server answers a search over IPv6 with an IPv6 LOCATION.", "UDA 2.0 §1.1 (IPv6); IPv6-only clients"),
)


@dataclass(frozen=True)
class Finding:
    """
    What the checker found for one rule and one subject.

    @ivar rule: the rule's id, a key of L{RULES}.
    @ivar level: L{PASS}, L{WARN} or L{FAIL}.
    @ivar seen: what was seen, in words a user can act on.
    @ivar subject: what it is about (a URL, a serviceId, an ST), or empty.
    """

    rule: str
    level: str
    seen: str
    subject: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}")
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")

    @property
    def statement(self) -> str:
        """
        What the rule asks.
        """
        return RULES[self.rule].statement

    @property
    def source(self) -> str:
        """
        Where the rule comes from.
        """
        return RULES[self.rule].source

    def asDict(self) -> dict[str, Any]:
        """
        The finding as plain data, fit for JSON.
        """
        return {
            "rule": self.rule,
            "level": self.level,
            "subject": self.subject,
            "seen": self.seen,
            "statement": self.statement,
            "source": self.source,
        }


def finding(rule: str, problems: list[str], passed: str, subject: str = "", warnings: list[str] | None = None) -> Finding:
    """
    The finding of a rule from the problems found: FAIL listing them when
    there are any, else WARN listing C{warnings} when there are any, else
    PASS saying C{passed}.
    """
    if problems:
        return Finding(rule, FAIL, "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more" if len(problems) > 8 else ""), subject)
    if warnings:
        return Finding(rule, WARN, "; ".join(warnings[:8]), subject)
    return Finding(rule, PASS, passed, subject)
