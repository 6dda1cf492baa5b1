# -*- test-case-name: tests.system.test_media_check -*-
"""
The checker's quirk probe: the requests real clients send a MediaServer
beyond the spec (a Samsung TV's X_GetFeatureList, an Xbox's registrar
calls, Windows Media Player's first Search, VLC's page of 5000, a player's
suffix range, a DNS rebinding page's Host), each with that client's
User-Agent, turned into findings by L{quirk_rules}.

Bounded: at most L{MAX_CALLS} requests; only reading actions are called
(X_SetBookmark, which writes, is looked up in the SCPD only), and only a
few bytes of one media file are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from coherence_lite.conformance import quirk_rules as rules
from coherence_lite.conformance.didl_rules import MAX_DIDL_SIZE
from coherence_lite.conformance.findings import Finding
from coherence_lite.conformance.http_probe import HTTPProbe
from coherence_lite.conformance.media_rules import Browsed, Call, browsed
from coherence_lite.control.message import formatRequest
from coherence_lite.controlpoint.remote import RemoteRootDevice, RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.controlpoint.soap import requestHeaders

__all__ = ["MAX_CALLS", "QuirkProbe"]

#: The most requests of the quirk probe to one MediaServer.
MAX_CALLS = 14

#: The most media files asked for their length (HEAD), until one answers.
MAX_FILES = 3


def _isMedia(protocolInfo: str) -> bool:
    fields = protocolInfo.split(":", 3)
    return len(fields) == 4 and fields[2].startswith(("audio/", "video/", "image/"))


class QuirkProbe:
    """
    Sends one MediaServer the requests of the clients that bend the rules.

    @param http: every request goes through it.
    """

    def __init__(self, http: HTTPProbe) -> None:
        self._http = http
        self._calls = 0

    def _count(self) -> None:
        self._calls += 1
        if self._calls > MAX_CALLS:
            raise RuntimeError("the quirk probe made more requests than it may")

    async def _call(self, service: RemoteService, action: str, arguments: Sequence[tuple[str, str]], userAgent: str) -> Call:
        assert service.controlURL is not None
        self._count()
        body = formatRequest(service.serviceType, action, list(arguments))
        headers = requestHeaders(service.serviceType, action, userAgent)
        fetched = await self._http.request(b"POST", service.controlURL, headers, body, MAX_DIDL_SIZE + 65536)
        return Call(service.serviceType, action, tuple(arguments), fetched)

    async def run(self, root: RemoteRootDevice, cds: RemoteService, scpds: dict[str, SCPD], answers: Sequence[Call]) -> list[Finding]:
        """
        The quirk findings for C{root}'s ContentDirectory C{cds}, given the
        Browse answers the media probe got (for a container and a file).
        """
        self._calls = 0
        subject = cds.serviceId or cds.serviceType
        scpd = scpds.get(cds.serviceId)
        actions = set() if scpd is None else {action.name for action in scpd.actions}
        # A Samsung TV calls it whether the SCPD lists it or not.
        features = await self._call(cds, "X_GetFeatureList", (), rules.SAMSUNG_TV)
        findings = [rules.checkFeatureList(subject, features), rules.checkBookmark(subject, scpd)]
        registrar = next((s for d in root.allDevices() for s in d.services if s.serviceType in rules.REGISTRARS and s.controlURL), None)
        if registrar is None:
            findings.append(rules.checkRegistrar(subject, None, []))
        else:
            calls = [await self._call(registrar, action, (("DeviceID", ""),), rules.XBOX_360) for action in ("IsAuthorized", "IsValidated")]
            findings.append(rules.checkRegistrar(registrar.serviceId or registrar.serviceType, registrar.serviceType, calls))
        search = None
        if "Search" in actions:
            arguments = (
                ("ContainerID", "0"), ("SearchCriteria", rules.WMP_CRITERIA), ("Filter", "*"), ("StartingIndex", "0"),
                ("RequestedCount", str(rules.WMP_COUNT)), ("SortCriteria", rules.WMP_SORT),
            )
            search = await self._call(cds, "Search", arguments, rules.WMP_12)
        findings.append(rules.checkSearchFirst(subject, search))
        findings.append(await self._vlc(cds, subject, answers))
        findings.append(await self._ranges(subject, [*answers, *([search] if search is not None else [])]))
        findings.append(await self._host(root))
        findings.append(rules.checkContainerUpdateIDs(subject, scpd))
        return findings

    async def _vlc(self, cds: RemoteService, subject: str, answers: Sequence[Call]) -> Finding:
        """
        Browse the container with the most children seen as VLC does, and
        the next page when the first is capped.
        """
        containers = [read for read in map(browsed, answers) if isinstance(read, Browsed) and read.call.argument("BrowseFlag") == "BrowseDirectChildren"]
        largest = max(containers, key=lambda read: read.totalMatches, default=None)
        if largest is None or not largest.totalMatches:
            return rules.checkVLCPage(subject, None, None)
        objectId = largest.call.argument("ObjectID")

        def browse(start: int) -> tuple[tuple[str, str], ...]:
            return (("ObjectID", objectId), ("BrowseFlag", "BrowseDirectChildren"), ("Filter", "*"), ("StartingIndex", str(start)), ("RequestedCount", str(rules.VLC_COUNT)), ("SortCriteria", ""))

        first = await self._call(cds, "Browse", browse(0), rules.VLC)
        read = browsed(first)
        following = None
        if isinstance(read, Browsed) and 0 < read.numberReturned < read.totalMatches:
            following = await self._call(cds, "Browse", browse(read.numberReturned), rules.VLC)
        return rules.checkVLCPage(subject, first, following)

    async def _ranges(self, subject: str, answers: Sequence[Call]) -> Finding:
        """
        HEAD the first audio, video or picture C{res} of an item seen over
        HTTP (in the answers to Browse, then to Windows Media Player's
        Search; the next, up to L{MAX_FILES}, while the HEAD gives no
        length), then ask for its last bytes and for a range starting at
        its end.
        """
        urls = list(dict.fromkeys(
            url
            for read in map(browsed, answers) if isinstance(read, Browsed)
            for each in read.didl.objects if each.kind == "item"
            for url, protocolInfo in zip(each.urls, each.res)
            if url.startswith("http://") and _isMedia(protocolInfo)
        ))
        if not urls:
            return rules.checkRanges(subject, None, None, None)
        for url in urls[:MAX_FILES]:
            self._count()
            head = await self._http.request(b"HEAD", url)
            length = (head.reply.header("content-length") or "") if head.reply is not None and head.reply.code == 200 else ""
            if length.isdigit():
                break
        else:
            return rules.checkRanges(subject, None, head, head)
        size = int(length)
        self._count()
        suffix = await self._http.request(b"GET", url, [(b"Range", f"bytes=-{rules.SUFFIX}".encode("ascii"))], maxSize=64 * 1024)
        self._count()
        pastEnd = await self._http.request(b"GET", url, [(b"Range", f"bytes={size}-".encode("ascii"))], maxSize=64 * 1024)
        return rules.checkRanges(subject, size, suffix, pastEnd)

    async def _host(self, root: RemoteRootDevice) -> Finding:
        """
        GET the description with the Host of another server.
        """
        port = urlsplit(root.location).port
        self._count()
        fetched = await self._http.request(b"GET", root.location, [(b"Host", f"{rules.FOREIGN_HOST}{f':{port}' if port else ''}".encode("ascii"))])
        return rules.checkHostHeader(root.location, fetched)
