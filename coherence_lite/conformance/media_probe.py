# -*- test-case-name: tests.system.test_media_check -*-
"""
The MediaServer half of the checker's probe: the ContentDirectory and
ConnectionManager calls any MediaServer must answer, turned into findings
by L{media_rules}.

Bounded: at most L{MAX_CALLS} calls per device, each with the HTTP
probe's time limit and at most L{didl_rules.MAX_DIDL_SIZE} bytes read.
Only reading actions are called (Browse, Search, the getters); the
deliberately wrong calls (an unknown ObjectID, a bad BrowseFlag, bad
SearchCriteria and SortCriteria) must be refused before anything is done.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from coherence_lite.conformance import media_rules as rules
from coherence_lite.conformance.didl_rules import MAX_DIDL_SIZE
from coherence_lite.conformance.findings import Finding
from coherence_lite.conformance.http_probe import HTTPProbe
from coherence_lite.conformance.media_rules import CONNECTION_MANAGER, CONTENT_DIRECTORY, Browsed, Call
from coherence_lite.conformance.quirk_probe import QuirkProbe
from coherence_lite.control.message import formatRequest
from coherence_lite.controlpoint.remote import RemoteRootDevice, RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.controlpoint.soap import requestHeaders

__all__ = ["MAX_CALLS", "MAX_PAGES", "PAGED", "MAX_FOLDERS", "NO_SUCH_OBJECT", "BAD_SEARCH", "BAD_SORT", "MediaProbe"]

#: The most calls to one MediaServer.
MAX_CALLS = 24

#: The most pages walked.
MAX_PAGES = 4

#: How many children of one container the pages cover at most.
PAGED = 60

#: The most containers browsed below the root, looking for items.
MAX_FOLDERS = 4

#: An ObjectID no server has.
NO_SUCH_OBJECT = "coherence-lite-check:no-such-object"

#: SearchCriteria no grammar accepts: an unterminated string.
BAD_SEARCH = 'dc:title = "unterminated'

#: SortCriteria on a property no server sorts by.
BAD_SORT = "+coherence-lite-check:noSuchProperty"


def _browse(objectId: str, flag: str, start: int = 0, count: int = 0, sort: str = "") -> tuple[tuple[str, str], ...]:
    return (
        ("ObjectID", objectId),
        ("BrowseFlag", flag),
        ("Filter", "*"),
        ("StartingIndex", str(start)),
        ("RequestedCount", str(count)),
        ("SortCriteria", sort),
    )


class MediaProbe:
    """
    Calls one MediaServer's ContentDirectory and ConnectionManager.

    @param http: every request goes through it.
    """

    def __init__(self, http: HTTPProbe) -> None:
        self._http = http
        self._calls = 0

    async def _call(self, service: RemoteService, action: str, arguments: Sequence[tuple[str, str]]) -> Call:
        assert service.controlURL is not None
        self._calls += 1
        if self._calls > MAX_CALLS:
            raise RuntimeError("the media probe made more calls than it may")
        body = formatRequest(service.serviceType, action, list(arguments))
        fetched = await self._http.request(b"POST", service.controlURL, requestHeaders(service.serviceType, action), body, MAX_DIDL_SIZE + 65536)
        return Call(service.serviceType, action, tuple(arguments), fetched)

    async def run(self, root: RemoteRootDevice, scpds: dict[str, SCPD]) -> list[Finding]:
        """
        The media rules for the ContentDirectory and ConnectionManager of
        C{root}'s devices (the first of each with a control URL), then the
        quirk rules (L{QuirkProbe}); none when it has no ContentDirectory.
        """
        self._calls = 0
        services = [s for d in root.allDevices() for s in d.services if s.controlURL is not None]
        cds = next((s for s in services if s.serviceType.startswith(CONTENT_DIRECTORY)), None)
        if cds is None:
            return []
        cm = next((s for s in services if s.serviceType.startswith(CONNECTION_MANAGER)), None)
        findings = [rules.checkSCPD(cds.serviceType, cds.serviceId, scpds.get(cds.serviceId))]
        if cm is None:
            findings.append(rules.checkSCPD(f"{CONNECTION_MANAGER}1", "ConnectionManager", None))
        else:
            findings.append(rules.checkSCPD(cm.serviceType, cm.serviceId, scpds.get(cm.serviceId)))
        answers: list[Call] = []
        findings += await self._contentDirectory(cds, scpds.get(cds.serviceId), cm, answers)
        findings += await QuirkProbe(self._http).run(root, cds, scpds, answers)
        return findings

    async def _contentDirectory(self, cds: RemoteService, scpd: SCPD | None, cm: RemoteService | None, answers: list[Call]) -> list[Finding]:
        """
        The ContentDirectory and ConnectionManager rules; every Browse
        answer is added to C{answers}.
        """
        subject = cds.serviceId or cds.serviceType
        findings = [rules.checkSystemUpdateID(subject, await self._call(cds, "GetSystemUpdateID", ()))]
        metadata = await self._call(cds, "Browse", _browse("0", "BrowseMetadata"))
        findings.append(rules.checkBrowseMetadata(subject, metadata))
        listed = await self._folders(cds)
        answers += [metadata] + listed
        largest = max(listed, key=lambda call: _total(rules.browsed(call)), default=None)
        if largest is not None:
            findings.append(await self._paging(cds, subject, largest, answers))
        findings.append(rules.checkDIDL(subject, answers))
        findings.append(rules.checkFault("media.unknown-object", subject, await self._call(cds, "Browse", _browse(NO_SUCH_OBJECT, "BrowseMetadata")), 701))
        findings.append(rules.checkFault("media.bad-flag", subject, await self._call(cds, "Browse", _browse("0", "BrowseEverything")), 402))
        findings.append(rules.checkFault("media.bad-sort", subject, await self._call(cds, "Browse", _browse("0", "BrowseDirectChildren", sort=BAD_SORT)), 709))
        if scpd is not None and scpd.action("Search") is not None:
            search = (("ContainerID", "0"), ("SearchCriteria", BAD_SEARCH), ("Filter", "*"), ("StartingIndex", "0"), ("RequestedCount", "0"), ("SortCriteria", ""))
            findings.append(rules.checkFault("media.bad-search", subject, await self._call(cds, "Search", search), 708))
        if cm is not None:
            info = await self._call(cm, "GetProtocolInfo", ())
            findings.append(rules.checkProtocolInfo(cm.serviceId or cm.serviceType, info, answers))
        return findings

    async def _folders(self, cds: RemoteService) -> list[Call]:
        """
        Browse the root's children and, breadth first, at most
        L{MAX_FOLDERS} containers below it until an item is seen; each
        with RequestedCount 0.
        """
        calls: list[Call] = []
        queue = ["0"]
        while queue and len(calls) <= MAX_FOLDERS:
            call = await self._call(cds, "Browse", _browse(queue.pop(0), "BrowseDirectChildren"))
            calls.append(call)
            read = rules.browsed(call)
            if isinstance(read, str):
                break
            if any(each.kind == "item" for each in read.didl.objects) and len(calls) > 1:
                break
            queue += [each.id for each in read.didl.objects if each.kind == "container" and each.id][:MAX_FOLDERS]
        return calls

    async def _paging(self, cds: RemoteService, subject: str, everything: Call, answers: list[Call]) -> Finding:
        """
        Walk the start of the largest container seen in at most
        L{MAX_PAGES} pages, then once past its end.
        """
        objectId = everything.argument("ObjectID")
        total = _total(rules.browsed(everything))
        covered = min(total, PAGED)
        size = max(1, math.ceil(covered / (MAX_PAGES - 1)))
        pages: list[Call] = []
        start = 0
        while start < covered and len(pages) < MAX_PAGES:
            page = await self._call(cds, "Browse", _browse(objectId, "BrowseDirectChildren", start, size))
            pages.append(page)
            read = rules.browsed(page)
            if isinstance(read, str) or read.numberReturned == 0:
                break
            start += read.numberReturned
        pastEnd = await self._call(cds, "Browse", _browse(objectId, "BrowseDirectChildren", total, size))
        answers += pages + [pastEnd]
        return rules.checkPaging(subject, everything, pages, pastEnd)


def _total(read: Browsed | str) -> int:
    return read.totalMatches if isinstance(read, Browsed) else -1
