# -*- test-case-name: tests.panel.test_library -*-
"""
The library part of a MediaServer's presentation page: a person browses
the folders page by page (C{?browse=ID&start=N}) and plays an item
(C{?play=ID}) with an C{<audio>}, C{<video>} or C{<img>} element on the
item's own streaming URL.

It asks the device's ContentDirectory through the same L{ServiceRuntime}
as SOAP calls (Browse, as any control point would), reads the DIDL-Lite
answer, and renders escaped HTML links: it works without a script.  Only
C{res} URLs of this host are used, as paths (the page's own origin, which
the panel's C{Content-Security-Policy} allows for media and images).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode, urlsplit
from xml.etree.ElementTree import Element

from coherence_lite.backend.request import baseURL, localAddress
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Device
from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = ["PAGE", "Entry", "LibraryQuery", "libraryRuntime", "queryOf", "readEntries", "librarySection"]

#: Children shown per page.
PAGE = 50

#: The longest object id taken from a query.
_MAX_ID = 256

_CDS = "urn:schemas-upnp-org:service:ContentDirectory:"
_DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_CLASS = "{urn:schemas-upnp-org:metadata-1-0/upnp/}class"
_MAX_DIDL = 8 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """
    One object of the library as the page shows it.

    @ivar path: the path of its first C{res} on this host, or L{None}.
    @ivar mime: that C{res}'s MIME type.
    """

    id: str
    parentID: str
    title: str
    upnpClass: str
    isContainer: bool
    path: str | None = None
    mime: str = ""

    @property
    def kind(self) -> str:
        """
        How it plays: C{audio}, C{video}, C{image}, or C{other}.
        """
        for kind, marker in (("audio", "audioItem"), ("video", "videoItem"), ("image", "imageItem")):
            if f".{marker}" in self.upnpClass or self.mime.startswith(kind + "/"):
                return kind
        return "other"


@dataclass(frozen=True)
class LibraryQuery:
    """
    What the page was asked to show: a folder's page, or an item to play.
    """

    browse: str = "0"
    start: int = 0
    play: str | None = None


def libraryRuntime(device: Device, runtimes: Mapping[str, ServiceRuntime]) -> ServiceRuntime | None:
    """
    The runtime of the device's ContentDirectory with a Browse action, or
    L{None} when it has none.
    """
    for service in device.services:
        runtime = runtimes.get(service.shortId)
        if service.serviceType.startswith(_CDS) and runtime is not None and runtime.action("Browse") is not None:
            return runtime
    return None


def queryOf(args: Mapping[bytes, list[bytes]]) -> LibraryQuery:
    """
    The library query of a request's arguments; anything unusable is
    left at its default.
    """
    def text(name: bytes) -> str | None:
        values = args.get(name)
        if not values or len(values[0]) > _MAX_ID:
            return None
        return values[0].decode("utf-8", "replace")

    start = text(b"start") or "0"
    return LibraryQuery(
        browse=text(b"browse") or "0",
        start=min(int(start), 2**31) if start.isdigit() else 0,
        play=text(b"play"),
    )


def _entry(element: Element, base: str) -> Entry:
    path = None
    mime = ""
    for res in element.findall(f"{_DIDL}res"):
        url = (res.text or "").strip()
        if url.startswith(base + "/"):
            split = urlsplit(url)
            path = split.path + (f"?{split.query}" if split.query else "")
            info = res.attrib.get("protocolInfo", "").split(":")
            mime = info[2] if len(info) >= 4 else ""
            break
    return Entry(
        id=element.attrib.get("id", ""),
        parentID=element.attrib.get("parentID", ""),
        title=(element.findtext(_TITLE) or "").strip(),
        upnpClass=(element.findtext(_CLASS) or "").strip(),
        isContainer=element.tag == f"{_DIDL}container",
        path=path,
        mime=mime.lower(),
    )


def readEntries(result: str, base: str) -> list[Entry]:
    """
    The objects of a DIDL-Lite C{Result}, their C{res} taken only when on
    C{base} (this host); nothing when it cannot be read.
    """
    root = parseXML(result.encode("utf-8", "surrogatepass"), _MAX_DIDL, lenient=True)
    if isinstance(root, XMLError):
        return []
    return [_entry(each, base) for each in root if each.tag in (f"{_DIDL}container", f"{_DIDL}item")]


async def _browse(runtime: ServiceRuntime, address: tuple[str, int], objectId: str, children: bool, start: int = 0) -> tuple[list[Entry], int]:
    token = localAddress.set(address)
    try:
        answer = runtime.invoke(
            "Browse",
            {
                "ObjectID": objectId,
                "BrowseFlag": "BrowseDirectChildren" if children else "BrowseMetadata",
                "Filter": "*",
                "StartingIndex": start,
                "RequestedCount": PAGE if children else 0,
                "SortCriteria": "",
            },
        )
    finally:
        localAddress.reset(token)
    out = await answer
    total = out.get("TotalMatches")
    return readEntries(str(out.get("Result", "")), baseURL(address)), total if isinstance(total, int) else 0


def _link(**query: object) -> str:
    return escape("?" + urlencode({name: str(value) for name, value in query.items()}))


def _player(entry: Entry) -> str:
    if entry.path is None:
        return '<p class="sub">This item has nothing this page can play.</p>\n'
    source = escape(entry.path)
    title = escape(entry.title)
    kind = entry.kind
    if kind == "audio":
        element = f'<audio controls preload="metadata" src="{source}" aria-label="{title}"></audio>'
    elif kind == "video":
        element = f'<video controls preload="metadata" src="{source}" aria-label="{title}"></video>'
    elif kind == "image":
        element = f'<img src="{source}" alt="{title}">'
    else:
        element = ""
    return f'<div class="player">{element}</div>\n<p class="sub"><a href="{source}" download>Download</a></p>\n'


async def librarySection(runtime: ServiceRuntime, address: tuple[str, int], query: LibraryQuery) -> str:
    """
    The library card of the page: the item to play with its folder, or a
    page of a folder's children with links into sub-folders, to items and
    to the neighbouring pages.  A failing Browse is said in words (701 as
    "no such object").

    @param address: the local (host, port) the request came in on.
    """
    try:
        if query.play is not None:
            found, _ = await _browse(runtime, address, query.play, False)
            if not found or found[0].isContainer:
                raise UPnPError(701, "No such object")
            item = found[0]
            return (
                f'<section class="card wide library"><h2>{escape(item.title)}</h2>\n'
                f'<p class="sub"><a href="{_link(browse=item.parentID)}">Back to the folder</a></p>\n'
                + _player(item)
                + "</section>\n"
            )
        metadata, _ = await _browse(runtime, address, query.browse, False)
        children, total = await _browse(runtime, address, query.browse, True, query.start)
    except UPnPError as e:
        return (
            '<section class="card wide library"><h2>Library</h2>\n'
            f'<p class="error">{escape(e.description)} ({e.code}).</p>\n'
            f'<p class="sub"><a href="{_link(browse="0")}">The whole library</a></p></section>\n'
        )
    folder = metadata[0] if metadata else None
    heading = "Library" if folder is None or folder.id == "0" else folder.title
    lines = [f'<section class="card wide library"><h2>{escape(heading)}</h2>\n']
    if folder is not None and folder.parentID not in ("-1", ""):
        lines.append(f'<p class="sub"><a href="{_link(browse=folder.parentID)}" rel="up">Up</a></p>\n')
    if not children:
        lines.append("<p>This folder is empty.</p>\n" if query.start == 0 else "<p>No more items.</p>\n")
    else:
        lines.append('<ul class="plain entries">\n')
        for child in children:
            if child.isContainer:
                lines.append(f'<li class="folder"><a href="{_link(browse=child.id)}">{escape(child.title)}</a></li>\n')
            else:
                lines.append(f'<li class="{child.kind}"><a href="{_link(play=child.id)}">{escape(child.title)}</a></li>\n')
        lines.append("</ul>\n")
        last = query.start + len(children)
        lines.append(f'<p class="sub">{query.start + 1}\u2013{last} of {total}</p>\n')
        pager = []
        if query.start > 0:
            pager.append(f'<a href="{_link(browse=query.browse, start=max(0, query.start - PAGE))}" rel="prev">Previous</a>')
        if last < total:
            pager.append(f'<a href="{_link(browse=query.browse, start=last)}" rel="next">Next</a>')
        if pager:
            lines.append('<p class="pager">' + " \u00b7 ".join(pager) + "</p>\n")
    lines.append("</section>\n")
    return "".join(lines)
