# -*- test-case-name: tests.conformance.test_rules -*-
"""
The SSDP rules of the checker: pure functions over what a device answered
to the probe's searches and what it announced.

What should answer a search is computed with the host's own matcher
(L{coherence_lite.ssdp.advertisement.matchSearch}) over the advertisement
set the control point derives from the description
(L{coherence_lite.controlpoint.targets.announcedAs}), so the checker, the
host and the control point cannot disagree on the version rule or on
which entries exist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coherence_lite.conformance.findings import Finding, finding
from coherence_lite.ssdp.advertisement import Advertisement, matchSearch
from coherence_lite.ssdp.message import ALIVE, BYEBYE, UPDATE, Headers, Notify, SearchResponse

__all__ = [
    "MX_TOLERANCE",
    "UNICAST_WITHIN",
    "Answer",
    "SearchRound",
    "serverVersion",
    "checkFound",
    "checkEveryTarget",
    "checkVersionRule",
    "checkEchoed",
    "checkUnknownTarget",
    "checkResponseHeaders",
    "checkNotifyHeaders",
    "checkAliveComplete",
    "checkByebyeThenAlive",
    "checkMXSpread",
    "checkUnicast",
    "checkNoMX",
    "checkIds",
]

#: Seconds a response may come after MX (network and scheduling).
MX_TOLERANCE = 0.5

#: Seconds within which a unicast search counts as answered at once.
UNICAST_WITHIN = 1.0

_SERVER = re.compile(r"(?:^|[\s,])UPnP/([0-9])\.([0-9])(?:$|[\s,])")
_SERVER_SHAPE = re.compile(r"\S+/\S+ UPnP/[0-9]\.[0-9] \S+/\S+")
_MAX_AGE = re.compile(r"(?:^|[\s,;])max-age\s*=\s*([0-9]{1,10})(?:$|[\s,;])", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """
    One response received.

    @ivar at: seconds after the search(es) of its round were sent.
    @ivar source: the address it came from.
    """

    at: float
    source: str
    response: SearchResponse


@dataclass(frozen=True)
class SearchRound:
    """
    Searches sent together, and every answer of the device received
    before the next round.

    @ivar targets: the STs sent.
    @ivar mx: their MX; L{None} for none.
    @ivar unicast: sent to the device's own address.
    """

    targets: tuple[str, ...]
    mx: int | None
    unicast: bool = False
    answers: tuple[Answer, ...] = ()


def serverVersion(server: str | None) -> tuple[int, int] | None:
    """
    The C{UPnP/x.y} of a SERVER (or USER-AGENT) value, or L{None}.
    """
    match = _SERVER.search(server or "")
    return None if match is None else (int(match[1]), int(match[2]))


def _expected(st: str, ads: Sequence[Advertisement]) -> set[tuple[str, str]]:
    return {(match.st, match.usn.lower()) for match in matchSearch(st, ads)}


def _got(answers: Sequence[Answer], st: str) -> set[tuple[str, str]]:
    return {(a.response.st, a.response.usn.lower()) for a in answers if a.response.st == st}


def checkFound(round: SearchRound, subject: str) -> Finding:
    """
    ssdp.found: the ssdp:all round got at least one answer.
    """
    if not round.answers:
        return finding("ssdp.found", [f"no answer to ssdp:all (MX {round.mx}) on the chosen interface"], "", subject)
    return finding("ssdp.found", [], f"{len(round.answers)} answers to ssdp:all", subject)


def checkEveryTarget(round: SearchRound, ads: Sequence[Advertisement]) -> Finding:
    """
    ssdp.every-target: each NT of the set, searched for, got the answers
    the version rule calls for.
    """
    problems = []
    for ad in ads:
        if ad.nt not in round.targets:
            continue
        missing = _expected(ad.nt, ads) - _got(round.answers, ad.nt)
        if missing:
            problems.append(f"searched {ad.nt}: no answer with USN {sorted(missing)[0][1]}")
    return finding("ssdp.every-target", problems, f"all {len(ads)} entries answered")


def checkVersionRule(round: SearchRound, ads: Sequence[Advertisement], older: Sequence[str]) -> Finding | None:
    """
    ssdp.version-rule: searches for older versions (C{older}, sent in
    C{round}) were answered with the version asked; L{None} when no type
    has an older version to ask for.
    """
    if not older:
        return None
    problems = []
    for st in older:
        missing = _expected(st, ads) - _got(round.answers, st)
        if missing:
            problems.append(f"searched {st}: no answer with ST {st} and USN {sorted(missing)[0][1]}")
    return finding("ssdp.version-rule", problems, f"{len(older)} searches for older versions answered as asked")


def checkEchoed(rounds: Sequence[SearchRound], ads: Sequence[Advertisement]) -> Finding:
    """
    ssdp.st-echoed: every answer's ST is one of the STs its round sent,
    byte for byte.
    """
    problems = []
    for round in rounds:
        for answer in round.answers:
            st = answer.response.st
            if st in round.targets or "ssdp:all" in round.targets:
                continue
            asked = [t for t in round.targets if any(u == answer.response.usn.lower() for _, u in _expected(t, ads))]
            problems.append(f"searched {asked[0] if asked else ' or '.join(round.targets)[:120]}, answered ST {st}")
    return finding("ssdp.st-echoed", sorted(set(problems)), "every ST echoed as sent")


def checkUnknownTarget(round: SearchRound, unknown: str) -> Finding:
    """
    ssdp.unknown-target: nothing answered C{unknown}.
    """
    answered = [a for a in round.answers if a.response.st == unknown]
    return finding("ssdp.unknown-target", [f"{len(answered)} answers to {unknown}"] if answered else [], f"no answer to {unknown}")


def _maxAgeProblem(value: str | None) -> str | None:
    match = _MAX_AGE.search(value or "")
    if match is None:
        return "no CACHE-CONTROL max-age"
    if int(match[1]) < 1800:
        return f"max-age {match[1]} is below 1800"
    return None


def _common(headers: Headers, version: tuple[int, int] | None, problems: list[str], warnings: list[str]) -> None:
    server = headers.get("server")
    if server is None:
        problems.append("no SERVER")
    elif version is None:
        problems.append(f"SERVER {server[:80]!r} has no UPnP/x.y token")
    elif not _SERVER_SHAPE.fullmatch(server):
        warnings.append(f"SERVER {server[:80]!r} is not 'OS/version UPnP/x.y product/version'")
    if version is not None and version >= (1, 1):
        for name in ("BOOTID.UPNP.ORG", "CONFIGID.UPNP.ORG"):
            if name.lower() not in headers:
                problems.append(f"no {name} (required since UPnP/1.1, which SERVER claims)")
    problem = _maxAgeProblem(headers.get("cache-control"))
    if problem is not None:
        (problems if problem.startswith("no ") else warnings).append(problem)


def checkResponseHeaders(answers: Sequence[Answer]) -> Finding | None:
    """
    ssdp.response-headers: every answer has the headers a response needs;
    L{None} when there was none.
    """
    if not answers:
        return None
    problems: list[str] = []
    warnings: list[str] = []
    for answer in answers:
        headers = answer.response.headers
        version = serverVersion(headers.get("server"))
        if "ext" not in headers:
            problems.append("no EXT header")
        elif headers["ext"]:
            warnings.append(f"EXT is {headers['ext'][:40]!r}, not empty")
        if "date" not in headers:
            warnings.append("no DATE")
        _common(headers, version, problems, warnings)
    return finding("ssdp.response-headers", sorted(set(problems)), f"{len(answers)} responses checked", warnings=sorted(set(warnings)))


def checkNotifyHeaders(notifies: Sequence[Notify]) -> Finding | None:
    """
    ssdp.notify-headers: every ssdp:alive heard has the headers it needs;
    L{None} when none was heard.
    """
    alive = [notify for notify in notifies if notify.nts == ALIVE]
    if not alive:
        return None
    problems: list[str] = []
    warnings: list[str] = []
    for notify in alive:
        if "host" not in notify.headers:
            problems.append("no HOST")
        _common(notify.headers, serverVersion(notify.server), problems, warnings)
    return finding("ssdp.notify-headers", sorted(set(problems)), f"{len(alive)} announcements checked", warnings=sorted(set(warnings)))


def checkAliveComplete(notifies: Sequence[Notify], ads: Sequence[Advertisement]) -> Finding | None:
    """
    ssdp.alive-complete: the alive (or byebye) announcements heard cover
    the whole set; L{None} when none was heard.
    """
    findings = []
    for nts in (ALIVE, BYEBYE):
        heard = {(n.nt, n.usn.lower()) for n in notifies if n.nts == nts}
        if not heard:
            continue
        missing = sorted(ad.nt for ad in ads if (ad.nt, ad.usn.lower()) not in heard)
        findings.append((nts, missing))
    if not findings:
        return None
    warnings = [f"{nts} heard without {', '.join(missing[:4])}" for nts, missing in findings if missing]
    return finding("ssdp.alive-complete", [], "every entry announced", warnings=warnings)


def checkByebyeThenAlive(notifies: Sequence[Notify]) -> Finding | None:
    """
    ssdp.byebye-then-alive: no entry was announced gone and then alive
    again under the same BOOTID (a restart has a new BOOTID); L{None} when
    no byebye was heard.
    """
    if not any(n.nts == BYEBYE for n in notifies):
        return None
    gone: dict[str, int | None] = {}
    again = []
    for notify in notifies:
        if notify.nts == BYEBYE:
            gone[notify.usn.lower()] = notify.bootId
        elif notify.nts == ALIVE and notify.usn.lower() in gone and gone[notify.usn.lower()] == notify.bootId:
            again.append(notify.nt)
    warnings = [f"byebye then alive for {', '.join(sorted(set(again))[:4])}"] if again else []
    return finding("ssdp.byebye-then-alive", [], "no byebye before an alive", warnings=warnings)


def checkMXSpread(round: SearchRound) -> Finding | None:
    """
    ssdp.mx-spread: the answers to a multicast search with MX came within
    MX (and a little), spread over the window rather than all at once;
    L{None} when there were no answers.
    """
    if not round.answers or round.mx is None:
        return None
    times = sorted(answer.at for answer in round.answers)
    problems = []
    if times[-1] > round.mx + MX_TOLERANCE:
        problems.append(f"an answer came {times[-1]:.2f} s after a search with MX {round.mx}")
    if len(times) >= 3 and times[-1] - times[0] < min(0.1, round.mx * 0.05):
        problems.append(f"all {len(times)} answers came within {1000 * (times[-1] - times[0]):.0f} ms: MX is ignored")
    return finding("ssdp.mx-spread", problems, f"{len(times)} answers spread over {times[-1] - times[0]:.2f} s of MX {round.mx}")


def checkUnicast(round: SearchRound, version: tuple[int, int] | None = None) -> Finding:
    """
    ssdp.unicast: the unicast search got an answer within
    L{UNICAST_WITHIN} seconds.  UDA 1.1 introduced unicast searches: a
    device whose SERVER says UPnP/1.0 (C{version}) that stays silent gets
    a warning only.
    """
    if not round.answers:
        silence = f"no answer to a unicast search for {round.targets[0]}"
        if version is not None and version < (1, 1):
            return finding("ssdp.unicast", [], "", warnings=[f"{silence} (the device says UPnP/{version[0]}.{version[1]}, older than unicast search)"])
        return finding("ssdp.unicast", [silence], "")
    first = min(answer.at for answer in round.answers)
    warnings = [f"first answer after {first:.2f} s"] if first > UNICAST_WITHIN else []
    return finding("ssdp.unicast", [], f"answered after {first * 1000:.0f} ms", warnings=warnings)


def checkNoMX(round: SearchRound, answeringAfter: bool) -> Finding:
    """
    ssdp.no-mx: a multicast search without MX got no answer (answering is
    tolerated with a warning), and the device answered the searches sent
    after it (C{answeringAfter}).
    """
    problems = [] if answeringAfter else ["the device stopped answering after a search without MX"]
    warnings = [f"{len(round.answers)} answers to a multicast search without MX"] if round.answers else []
    return finding("ssdp.no-mx", problems, "ignored, and still answering afterwards", warnings=warnings)


def _boots(notifies: Sequence[Notify]) -> tuple[list[list[Notify]], list[str], list[str]]:
    """
    Split the announcements heard, in order, into boots: a higher BOOTID
    starts a new boot (after the old boot's byebye or an ssdp:update
    announcing it; without either it warns: a crash, or a lost byebye).
    A BOOTID lower than the current boot's, or a NEXTBOOTID not kept, is
    a problem.

    @return: the boots, the problems and the warnings.
    """
    boots: list[list[Notify]] = [[]]
    current: int | None = None
    ended = False
    announced: int | None = None
    problems: list[str] = []
    warnings: list[str] = []
    for notify in notifies:
        boot = notify.bootId
        if boot is not None and current is not None and boot != current:
            if boot < current:
                problems.append(f"BOOTID.UPNP.ORG {boot} heard after {current}")
                continue
            if not ended and announced != boot:
                warnings.append(f"BOOTID.UPNP.ORG went from {current} to {boot} without byebye or ssdp:update")
            boots.append([])
            ended, announced = False, None
        if boot is not None:
            current = boot
        if notify.nts == BYEBYE:
            ended = True
        elif notify.nts == UPDATE and notify.nextBootId is not None:
            announced = notify.nextBootId
        boots[-1].append(notify)
    return boots, problems, warnings


def checkIds(responses: Sequence[SearchResponse], notifies: Sequence[Notify], configId: int | None) -> Finding | None:
    """
    ssdp.ids: one BOOTID and one CONFIGID in every message of one boot,
    the last boot's CONFIGID being the description's C{configId};
    L{None} when no message carried either.

    A device restarted while the checker listens (C{check --watch}) has
    several boots: each is judged on its own (see L{_boots}); the search
    responses, which come after the announcements heard while watching,
    belong to the last.
    """
    boots, problems, warnings = _boots(notifies)
    allBoots: set[int] = set()
    allConfigs: set[int] = set()
    for number, boot in enumerate(boots):
        messages: list[SearchResponse | Notify] = [*boot, *(responses if number == len(boots) - 1 else ())]
        ids = {m.bootId for m in messages if m.bootId is not None}
        configs = {m.configId for m in messages if m.configId is not None}
        allBoots |= ids
        allConfigs |= configs
        if len(ids) > 1:
            problems.append(f"several BOOTID.UPNP.ORG in one boot: {sorted(ids)[:4]}")
        if len(configs) > 1:
            problems.append(f"several CONFIGID.UPNP.ORG in one boot: {sorted(configs)[:4]}")
        elif number == len(boots) - 1 and configs and configId is not None and configs != {configId}:
            problems.append(f"CONFIGID.UPNP.ORG {min(configs)} but the description's configId is {configId}")
    if not allBoots and not allConfigs:
        return None
    restarts = f" ({len(boots)} boots)" if len(boots) > 1 else ""
    passed = f"BOOTID {sorted(allBoots) or '-'}, CONFIGID {sorted(allConfigs) or '-'}{restarts}"
    return finding("ssdp.ids", problems, passed, warnings=warnings)
