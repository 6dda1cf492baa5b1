# -*- test-case-name: tests.conformance.test_quirk_rules -*-
"""
Which quirks of real clients a MediaServer handles (the checker's
C{quirks} section): pure functions over the answers to the requests those
clients send (L{quirk_probe}), each a finding that PASSes when the quirk is
handled, WARNs when it is not (that client will stumble), and FAILs when
not handling it also breaks a standard (RFC 9110 ranges, the Host check
against DNS rebinding).

The clients' identities are the ones they send (User-Agent), as
C{tests/media/test_quirks.py} replays them against our own server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.findings import Finding, finding
from coherence_lite.conformance.media_rules import Call, browsed
from coherence_lite.controlpoint.scpd import SCPD

__all__ = [
    "SAMSUNG_TV",
    "XBOX_360",
    "WMP_12",
    "VLC",
    "REGISTRAR",
    "REGISTRARS",
    "WMP_CRITERIA",
    "WMP_COUNT",
    "WMP_SORT",
    "VLC_COUNT",
    "SUFFIX",
    "FOREIGN_HOST",
    "checkFeatureList",
    "checkBookmark",
    "checkRegistrar",
    "checkSearchFirst",
    "checkVLCPage",
    "checkRanges",
    "checkHostHeader",
    "checkContainerUpdateIDs",
    "checkIPv6",
]

#: The User-Agent of a Samsung TV's control requests.
SAMSUNG_TV = "DLNADOC/1.50 SEC_HHP_[TV]UE40D6500/1.0"

#: The User-Agent of an Xbox 360.
XBOX_360 = "Xbox/2.0.17559.0 UPnP/1.0 Xbox/2.0.17559.0"

#: The User-Agent of Windows Media Player 12.
WMP_12 = "Microsoft-Windows/6.1 UPnP/1.0 Windows-Media-Player/12.0.7601.17514 DLNADOC/1.50 (MS-DeviceCaps/1024)"

#: The User-Agent of VLC's libupnp.
VLC = "Linux/6.1.0, UPnP/1.0, Portable SDK for UPnP devices/1.14.15"

#: Microsoft's registrar service, which an Xbox 360 and WMP look for.
REGISTRAR = "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"

#: Its type as servers write it (Rygel's generic description spells the
#: domain with a hyphen, and gives Xboxes the dotted one).
REGISTRARS = (REGISTRAR, "urn:microsoft-com:service:X_MS_MediaReceiverRegistrar:1")

#: How Windows Media Player 12 asks for every track (its first request),
#: the page it asks for and its order.
WMP_CRITERIA = 'upnp:class derivedfrom "object.item.audioItem" and @refID exists false'
WMP_COUNT = 20
WMP_SORT = "+upnp:artist,+upnp:album,+upnp:originalTrackNumber,+dc:title"

#: VLC's RequestedCount.
VLC_COUNT = 5000

#: The suffix range asked for (the last bytes of a file).
SUFFIX = 100

#: A Host no server is named: a DNS rebinding page's.
FOREIGN_HOST = "rebind.coherence-lite-check.invalid"

_FEATURE = "samsung.com_BASICVIEW"
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def checkFeatureList(subject: str, call: Call) -> Finding:
    """
    quirks.samsung-features: X_GetFeatureList, asked by a Samsung TV
    (whether the SCPD lists it or not), answers a FeatureList naming
    samsung.com_BASICVIEW (a fault makes the TV drop the server).
    """
    answer = call.answer()
    if isinstance(answer, str):
        return finding("quirks.samsung-features", [], "", subject, [f"{answer}: Samsung TVs drop the server"])
    features = answer.get("FeatureList", "")
    if _FEATURE not in features:
        return finding("quirks.samsung-features", [], "", subject, [f"FeatureList {features[:80]!r} names no {_FEATURE}"])
    return finding("quirks.samsung-features", [], f"FeatureList names {_FEATURE} ({features.count('<container')} containers)", subject)


def checkBookmark(subject: str, scpd: SCPD | None) -> Finding:
    """
    quirks.samsung-bookmark: ContentDirectory declares X_SetBookmark with
    ObjectID and PosSecond (not called: it writes).
    """
    action = None if scpd is None else scpd.action("X_SetBookmark")
    if action is None:
        return finding("quirks.samsung-bookmark", [], "", subject, ["the SCPD declares no X_SetBookmark (not called: it writes): Samsung TVs may not resume where they stopped"])
    names = {a.name for a in action.arguments if a.direction == "in"}
    missing = [name for name in ("ObjectID", "PosSecond") if name not in names]
    if missing:
        return finding("quirks.samsung-bookmark", [], "", subject, [f"X_SetBookmark has no in-argument {', '.join(missing)}"])
    return finding("quirks.samsung-bookmark", [], "X_SetBookmark declared (not called: it writes)", subject)


def checkRegistrar(subject: str, serviceType: str | None, calls: Sequence[Call]) -> Finding:
    """
    quirks.ms-registrar: the device has X_MS_MediaReceiverRegistrar:1 and
    its IsAuthorized and IsValidated, asked by an Xbox 360, answer 1.

    @param serviceType: the registrar's type as the description has it, or
        L{None} when it has none.
    """
    if serviceType is None:
        return finding("quirks.ms-registrar", [], "", subject, [f"no {REGISTRAR}: an Xbox 360 does not list the server"])
    warnings = []
    for call in calls:
        answer = call.answer()
        if isinstance(answer, str):
            warnings.append(answer)
        elif answer.get("Result", "").strip() != "1":
            warnings.append(f"{call.action} answers Result {answer.get('Result', '')[:20]!r}, not 1")
    spelt = "" if serviceType == REGISTRAR else f" (as {serviceType})"
    return finding("quirks.ms-registrar", [], f"IsAuthorized and IsValidated answer 1{spelt}", subject, warnings)


def checkSearchFirst(subject: str, call: Call | None) -> Finding:
    """
    quirks.wmp-search: Windows Media Player 12's first request, a Search of
    the root for tracks with C{@refID exists false}, is answered, every
    match in the one page it reads.
    """
    if call is None:
        return finding("quirks.wmp-search", [], "", subject, ["no Search action: Windows Media Player 12 searches first and lists nothing"])
    read = browsed(call)
    if isinstance(read, str):
        return finding("quirks.wmp-search", [], "", subject, [read])
    if read.numberReturned < read.totalMatches:
        warning = f"{read.numberReturned} of {read.totalMatches} tracks in the first page: Windows Media Player 12 reads no other"
        return finding("quirks.wmp-search", [], "", subject, [warning])
    return finding("quirks.wmp-search", [], f"{read.totalMatches} tracks in one page", subject)


def checkVLCPage(subject: str, first: Call | None, following: Call | None) -> Finding:
    """
    quirks.vlc-page: a Browse with VLC's RequestedCount 5000 is answered
    with objects, and when the page is capped the next one (VLC loops to
    TotalMatches) brings more.
    """
    if first is None:
        return finding("quirks.vlc-page", [], "", subject, ["no container with children to browse"])
    read = browsed(first)
    if isinstance(read, str):
        return finding("quirks.vlc-page", [], "", subject, [read])
    if read.totalMatches and not read.numberReturned:
        return finding("quirks.vlc-page", [], "", subject, [f"RequestedCount {VLC_COUNT}: no object of {read.totalMatches}"])
    if following is not None:
        more = browsed(following)
        if isinstance(more, str) or not more.numberReturned:
            return finding("quirks.vlc-page", [], "", subject, [f"a capped page of {read.numberReturned} of {read.totalMatches}, then nothing: VLC stops there"])
    return finding("quirks.vlc-page", [], f"RequestedCount {VLC_COUNT}: {read.numberReturned} of {read.totalMatches}", subject)


def _status(fetched: Fetched) -> str:
    return f"HTTP status {fetched.reply.code}" if fetched.reply is not None else f"no answer ({fetched.error})"


def checkRanges(subject: str, size: int | None, suffix: Fetched | None, pastEnd: Fetched | None) -> Finding:
    """
    quirks.suffix-range: a media file answers C{Range: bytes=-100} (what
    players send to read an MP4's index or an MP3's ID3v1 tag at the end)
    with 206 and its last 100 bytes, and a range starting at its length
    with 416 and C{Content-Range: bytes */LENGTH} (RFC 9110 §14.1.2,
    §15.5.17).

    @param size: the file's length from a HEAD, or L{None} if unknown
        (then C{suffix} is the HEAD's answer).
    """
    if suffix is None or pastEnd is None:
        return finding("quirks.suffix-range", [], "", subject, ["no res URL to fetch"])
    if size is None:
        return finding("quirks.suffix-range", [], "", subject, [f"HEAD {suffix.url}: {_status(suffix)}, no Content-Length: the length is not known"])
    problems = []
    want = (max(0, size - SUFFIX), size - 1, size)
    if suffix.reply is None or suffix.reply.code != 206:
        problems.append(f"Range bytes=-{SUFFIX}: {_status(suffix)}, not 206")
    else:
        matched = _CONTENT_RANGE.match(suffix.reply.header("content-range") or "")
        got = tuple(int(each) for each in matched.groups()) if matched else None
        if got != want or len(suffix.reply.body) != want[1] - want[0] + 1:
            problems.append(f"Range bytes=-{SUFFIX}: Content-Range {suffix.reply.header('content-range')!r} and {len(suffix.reply.body)} bytes, not bytes {want[0]}-{want[1]}/{size}")
    if pastEnd.reply is None or pastEnd.reply.code != 416:
        problems.append(f"Range bytes={size}- (at the end): {_status(pastEnd)}, not 416")
    elif (pastEnd.reply.header("content-range") or "") != f"bytes */{size}":
        problems.append(f"Range bytes={size}-: 416 with Content-Range {pastEnd.reply.header('content-range')!r}, not 'bytes */{size}'")
    return finding("quirks.suffix-range", problems, f"206 bytes {want[0]}-{want[1]}/{size}, then 416 bytes */{size}", subject)


def checkHostHeader(subject: str, fetched: Fetched) -> Finding:
    """
    quirks.host-check: the description asked for with a Host naming
    another server (a DNS rebinding page's) is refused with a 4xx
    (CVE-2022-26505, CVE-2021-33516, CVE-2021-29462).
    """
    if fetched.reply is None:
        return finding("quirks.host-check", [], "", subject, [f"GET with Host {FOREIGN_HOST}: {_status(fetched)}"])
    if 400 <= fetched.reply.code < 500:
        return finding("quirks.host-check", [], f"Host {FOREIGN_HOST} refused with {fetched.reply.code}", subject)
    return finding("quirks.host-check", [f"GET {fetched.url} with Host {FOREIGN_HOST}: {_status(fetched)}: a page rebound to this address reads it"], "", subject)


def checkContainerUpdateIDs(subject: str, scpd: SCPD | None) -> Finding:
    """
    quirks.container-update-ids: ContentDirectory has an evented
    ContainerUpdateIDs (Kodi shows a folder as cached until it is named
    there).
    """
    variable = None if scpd is None else scpd.variable("ContainerUpdateIDs")
    if variable is None or not variable.sendEvents:
        state = "no" if variable is None else "an unevented"
        return finding("quirks.container-update-ids", [], "", subject, [f"{state} ContainerUpdateIDs: Kodi keeps showing changed folders as they were"])
    return finding("quirks.container-update-ids", [], "ContainerUpdateIDs is evented", subject)


def checkIPv6(subject: str, locations: Sequence[str], searchedOverIPv6: bool) -> Finding | None:
    """
    quirks.ipv6: the server answered the search over IPv6 too, with an IPv6
    LOCATION; L{None} (not checked) when the search went over IPv4 (or
    IPv6 loopback, where SSDP's link-local group does not reach) only.
    """
    if any(location.split("//", 1)[-1].startswith("[") for location in locations):
        return finding("quirks.ipv6", [], f"LOCATIONs {', '.join(locations)}", subject)
    if not searchedOverIPv6:
        return None
    return finding("quirks.ipv6", [], "", subject, ["answered over IPv4 only, though searched over IPv6 too: IPv6-only clients do not see it"])
