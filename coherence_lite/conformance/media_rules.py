# -*- test-case-name: tests.conformance.test_media_rules -*-
"""
The MediaServer rules of the checker (ContentDirectory:1 and
ConnectionManager:1, as any MediaServer must answer them): pure functions
over the SCPDs and the probe's calls (L{Call}), read with the host's own
SOAP parser and L{didl_rules}.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.didl_rules import DIDL, MAX_DIDL_SIZE, parseDIDL, protocolInfoProblems
from coherence_lite.conformance.control_rules import faultProblems
from coherence_lite.conformance.findings import Finding, finding
from coherence_lite.control.message import ActionResponse, SOAPAction, parseResponse
from coherence_lite.controlpoint.scpd import SCPD

__all__ = [
    "CONTENT_DIRECTORY",
    "CONNECTION_MANAGER",
    "REQUIRED",
    "Call",
    "Browsed",
    "browsed",
    "checkSCPD",
    "checkSystemUpdateID",
    "checkBrowseMetadata",
    "checkDIDL",
    "checkPaging",
    "checkFault",
    "checkProtocolInfo",
]

CONTENT_DIRECTORY = "urn:schemas-upnp-org:service:ContentDirectory:"
CONNECTION_MANAGER = "urn:schemas-upnp-org:service:ConnectionManager:"

#: By service type prefix: the required actions with their arguments (in
#: and out), and the required state variables (evented or not).
REQUIRED: dict[str, tuple[dict[str, tuple[tuple[str, ...], tuple[str, ...]]], dict[str, bool]]] = {
    CONTENT_DIRECTORY: (
        {
            "GetSearchCapabilities": ((), ("SearchCaps",)),
            "GetSortCapabilities": ((), ("SortCaps",)),
            "GetSystemUpdateID": ((), ("Id",)),
            "Browse": (
                ("ObjectID", "BrowseFlag", "Filter", "StartingIndex", "RequestedCount", "SortCriteria"),
                ("Result", "NumberReturned", "TotalMatches", "UpdateID"),
            ),
        },
        {"SearchCapabilities": False, "SortCapabilities": False, "SystemUpdateID": True},
    ),
    CONNECTION_MANAGER: (
        {
            "GetProtocolInfo": ((), ("Source", "Sink")),
            "GetCurrentConnectionIDs": ((), ("ConnectionIDs",)),
            "GetCurrentConnectionInfo": (
                ("ConnectionID",),
                ("RcsID", "AVTransportID", "ProtocolInfo", "PeerConnectionManager", "PeerConnectionID", "Direction", "Status"),
            ),
        },
        {"SourceProtocolInfo": True, "SinkProtocolInfo": True, "CurrentConnectionIDs": True},
    ),
}


@dataclass(frozen=True)
class Call:
    """
    One action call of the probe and its answer.

    @ivar serviceType: the called service's type.
    @ivar arguments: the in-arguments sent, in order.
    """

    serviceType: str
    action: str
    arguments: tuple[tuple[str, str], ...]
    fetched: Fetched

    def argument(self, name: str) -> str:
        """
        The in-argument C{name} as sent, or an empty string.
        """
        return dict(self.arguments).get(name, "")

    @property
    def label(self) -> str:
        """
        The call in a few words, for findings.
        """
        shown = " ".join(f"{name}={value[:40]}" for name, value in self.arguments if value and name != "Filter")
        return f"{self.action} {shown}".strip()

    def answer(self) -> dict[str, str] | str:
        """
        The out-arguments of a successful answer, or why there are none.
        """
        reply = self.fetched.reply
        if reply is None:
            return f"{self.label}: no answer: {self.fetched.error}"
        parsed = parseResponse(reply.body, SOAPAction(self.serviceType, self.action), MAX_DIDL_SIZE + 65536)
        if reply.code != 200 or not isinstance(parsed, ActionResponse):
            reason = getattr(parsed, "reason", None) or f"fault {getattr(parsed, 'code', '?')} ({getattr(parsed, 'description', '')})"
            return f"{self.label}: HTTP status {reply.code}: {reason}"
        return dict(parsed.arguments)


@dataclass(frozen=True)
class Browsed:
    """
    A successful Browse answer, read.
    """

    call: Call
    numberReturned: int
    totalMatches: int
    didl: DIDL

    @property
    def ids(self) -> list[str]:
        """
        The objects' ids, in order.
        """
        return [each.id for each in self.didl.objects]


def _count(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) < 2**32 else None


def browsed(call: Call) -> Browsed | str:
    """
    A Browse answer read (counts as ui4, the Result as DIDL-Lite), or why
    it cannot be.
    """
    answer = call.answer()
    if isinstance(answer, str):
        return answer
    returned, total = _count(answer.get("NumberReturned")), _count(answer.get("TotalMatches"))
    if returned is None or total is None or "Result" not in answer:
        return f"{call.label}: NumberReturned {answer.get('NumberReturned')!r}, TotalMatches {answer.get('TotalMatches')!r}: not ui4 counts and a Result"
    return Browsed(call, returned, total, parseDIDL(answer["Result"]))


def checkSCPD(serviceType: str, subject: str, scpd: SCPD | None) -> Finding:
    """
    media.scpd: the service's SCPD has the required actions, with their
    arguments, and the required state variables (evented as the spec says).
    """
    prefix = CONTENT_DIRECTORY if serviceType.startswith(CONTENT_DIRECTORY) else CONNECTION_MANAGER
    if scpd is None:
        return finding("media.scpd", [f"no readable SCPD for {serviceType}"], "", subject)
    actions, variables = REQUIRED[prefix]
    problems = []
    for name, (ins, outs) in actions.items():
        action = scpd.action(name)
        if action is None:
            problems.append(f"no action {name}")
            continue
        for direction, names in (("in", ins), ("out", outs)):
            have = {a.name for a in action.arguments if a.direction == direction}
            problems += [f"{name} has no {direction}-argument {each}" for each in names if each not in have]
    for name, evented in variables.items():
        variable = scpd.variable(name)
        if variable is None:
            problems.append(f"no state variable {name}")
        elif variable.sendEvents != evented:
            problems.append(f"{name} is {'not ' if evented else ''}evented")
    update = scpd.variable("SystemUpdateID")
    if prefix == CONTENT_DIRECTORY and update is not None and update.dataType != "ui4":
        problems.append(f"SystemUpdateID is {update.dataType}, not ui4")
    return finding("media.scpd", problems, f"{len(actions)} required actions, {len(variables)} state variables", subject)


def checkSystemUpdateID(subject: str, call: Call) -> Finding:
    """
    media.system-update-id: GetSystemUpdateID answers a ui4.
    """
    answer = call.answer()
    if isinstance(answer, str):
        return finding("media.system-update-id", [answer], "", subject)
    value = answer.get("Id")
    if _count(value) is None:
        return finding("media.system-update-id", [f"Id {str(value)[:40]!r} is not a ui4"], "", subject)
    return finding("media.system-update-id", [], f"Id {value}", subject)


def checkBrowseMetadata(subject: str, call: Call) -> Finding:
    """
    media.browse-metadata: BrowseMetadata of C{0} answers one container, the
    root (C{id} 0, C{parentID} -1), NumberReturned = TotalMatches = 1.
    """
    read = browsed(call)
    if isinstance(read, str):
        return finding("media.browse-metadata", [read], "", subject)
    problems = []
    if (read.numberReturned, read.totalMatches) != (1, 1):
        problems.append(f"NumberReturned {read.numberReturned}, TotalMatches {read.totalMatches}, not 1 and 1")
    objects = read.didl.objects
    if len(objects) != 1:
        problems.append(f"{len(objects)} objects in the Result, not one")
    else:
        root = objects[0]
        if (root.kind, root.id, root.parentID) != ("container", "0", "-1"):
            problems.append(f"a {root.kind} id={root.id[:40]!r} parentID={root.parentID[:40]!r}, not the container 0 of parent -1")
    return finding("media.browse-metadata", problems, "the root container", subject)


def checkDIDL(subject: str, calls: Sequence[Call]) -> Finding:
    """
    media.didl: every Browse answer holds a well-formed DIDL-Lite document
    with as many objects as NumberReturned, children of the browsed object
    (or the object itself for BrowseMetadata).
    """
    problems: list[str] = []
    warnings: list[str] = []
    objects = 0
    for call in calls:
        read = browsed(call)
        if isinstance(read, str):
            continue
        objects += len(read.didl.objects)
        mine = [f"{call.label}: {each}" for each in read.didl.problems]
        warnings += [f"{call.label}: {each}" for each in read.didl.warnings[:1]]
        if not read.didl.problems and len(read.didl.objects) != read.numberReturned:
            mine.append(f"{call.label}: NumberReturned {read.numberReturned} but {len(read.didl.objects)} objects")
        objectId = call.argument("ObjectID")
        if call.argument("BrowseFlag") == "BrowseMetadata":
            mine += [f"{call.label}: the object has id {each.id[:40]!r}" for each in read.didl.objects if each.id != objectId]
        else:
            mine += [f"{call.label}: {each.kind} {each.id[:40]!r} has parentID {each.parentID[:40]!r}" for each in read.didl.objects if each.parentID != objectId][:2]
        problems += mine
    return finding("media.didl", problems, f"{len(calls)} answers, {objects} objects", subject, list(dict.fromkeys(warnings)))


def checkPaging(subject: str, everything: Call, pages: Sequence[Call], pastEnd: Call | None) -> Finding:
    """
    media.paging: RequestedCount 0 returns every child; each page returns
    at most RequestedCount with the same TotalMatches and never nothing
    before the end; the pages, one after the other, are the start of the
    whole list without duplicates; a StartingIndex past the end returns 0.
    """
    whole = browsed(everything)
    if isinstance(whole, str):
        return finding("media.paging", [whole], "", subject)
    problems: list[str] = []
    warnings: list[str] = []
    total = whole.totalMatches
    complete = whole.numberReturned == total
    if not complete:
        if whole.numberReturned == 0 or whole.numberReturned > total:
            problems.append(f"RequestedCount 0: NumberReturned {whole.numberReturned} of TotalMatches {total}")
        else:
            warnings.append(f"RequestedCount 0 returned {whole.numberReturned} of {total} (a capped page)")
    walked: list[str] = []
    for call in pages:
        read = browsed(call)
        if isinstance(read, str):
            problems.append(read)
            break
        asked = _count(call.argument("RequestedCount")) or 0
        start = _count(call.argument("StartingIndex")) or 0
        if asked and read.numberReturned > asked:
            problems.append(f"{call.label}: NumberReturned {read.numberReturned} > RequestedCount")
        if read.totalMatches != total:
            problems.append(f"{call.label}: TotalMatches {read.totalMatches}, {total} with RequestedCount 0")
        if read.numberReturned == 0 and start < total:
            problems.append(f"{call.label}: no object before the end ({total})")
        walked += read.ids
    repeated = sorted({each for each in walked if walked.count(each) > 1})
    if repeated:
        problems.append(f"the pages repeat {', '.join(repr(each[:40]) for each in repeated[:4])}")
    elif complete and walked != whole.ids[: len(walked)]:
        problems.append(f"the pages list {walked[:6]}..., the whole list starts {whole.ids[:6]}...")
    if pastEnd is not None:
        past = browsed(pastEnd)
        if isinstance(past, str):
            problems.append(past)
        elif past.numberReturned != 0 or past.didl.objects:
            problems.append(f"{pastEnd.label}: {past.numberReturned} objects past the end, not 0")
    return finding("media.paging", problems, f"{len(pages)} pages of {total} children, {len(walked)} objects", subject, warnings)


def checkFault(rule: str, subject: str, call: Call, expected: int) -> Finding:
    """
    media.unknown-object, media.bad-flag, media.bad-search, media.bad-sort:
    the call got the fault C{expected}.
    """
    problems = [f"{call.label}: {each}" for each in faultProblems(call.fetched, call.serviceType, call.action, expected)]
    return finding(rule, problems, f"fault {expected}", subject)


def checkProtocolInfo(subject: str, call: Call, answers: Sequence[Call]) -> Finding:
    """
    media.protocol-info: each protocolInfo of GetProtocolInfo's Source and
    of every C{res} seen is well formed; a C{res} whose protocol and MIME
    type the Source does not list is a warning.
    """
    answer = call.answer()
    if isinstance(answer, str):
        return finding("media.protocol-info", [answer], "", subject)
    problems: list[str] = []
    warnings: list[str] = []
    source = [each.strip() for each in answer.get("Source", "").split(",") if each.strip()]
    if not source:
        warnings.append("GetProtocolInfo's Source is empty")
    for each in source:
        bad, doubtful = protocolInfoProblems(each)
        problems += [f"Source: {text}" for text in bad]
        warnings += [f"Source: {text}" for text in doubtful]
    listed = {tuple(each.split(":", 3)[0:3:2]) for each in source}
    seen = 0
    for other in answers:
        read = browsed(other)
        if isinstance(read, str):
            continue
        for thing in read.didl.objects:
            for protocolInfo in thing.res:
                seen += 1
                bad, doubtful = protocolInfoProblems(protocolInfo)
                problems += [f"res of {thing.id[:40]!r}: {text}" for text in bad]
                warnings += [f"res of {thing.id[:40]!r}: {text}" for text in doubtful]
                if source and not bad and tuple(protocolInfo.split(":", 3)[0:3:2]) not in listed:
                    warnings.append(f"res of {thing.id[:40]!r}: {protocolInfo[:80]!r} is not in GetProtocolInfo's Source")
    return finding("media.protocol-info", problems, f"{len(source)} in Source, {seen} res", subject, list(dict.fromkeys(warnings)))
