# -*- test-case-name: tests.media.test_didl -*-
"""
The DIDL-Lite writer (pure): library objects as the XML text a
ContentDirectory's C{Result} carries, with C{Filter} honoured and hostile
names made safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["DidlObject", "DidlResource", "Filter", "formatDuration", "writeDidl"]

#: The namespaces of a DIDL-Lite document, with the prefixes clients match
#: literally.
NAMESPACES = (
    ("", "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("upnp", "urn:schemas-upnp-org:metadata-1-0/upnp/"),
    ("dlna", "urn:schemas-dlna-org:metadata-1-0/"),
)

#: What XML 1.0 cannot carry: dropped from names and tags.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: The properties every object carries whatever the Filter says.
_REQUIRED = frozenset({"@id", "@parentID", "@restricted", "dc:title", "upnp:class", "res@protocolInfo"})


@dataclass(frozen=True)
class DidlResource:
    """
    One C{res} of an item: where to fetch it and what it is.

    @ivar url: its absolute HTTP URL.
    @ivar protocolInfo: C{http-get:*:MIME:4TH}.
    @ivar size: bytes, or L{None}.
    @ivar duration: seconds, or L{None}.
    @ivar bitrate: bytes per second (UPnP's unit), or L{None}.
    @ivar sampleFrequency: Hz, or L{None}.
    @ivar nrAudioChannels: channels, or L{None}.
    @ivar resolution: C{WxH}, or L{None}.
    """

    url: str
    protocolInfo: str
    size: int | None = None
    duration: float | None = None
    bitrate: int | None = None
    sampleFrequency: int | None = None
    nrAudioChannels: int | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class DidlObject:
    """
    A container or an item as DIDL-Lite describes it.

    @ivar id: its object id.
    @ivar parentID: its parent's id (C{-1} for the root).
    @ivar title: C{dc:title}.
    @ivar upnpClass: C{upnp:class}; C{object.container...} makes it a
        container.
    @ivar childCount: a container's child count.
    @ivar searchable: whether a container may be searched.
    @ivar refID: the id of the item an item refers to (an item of a view
        refers to the folder tree's), or L{None}.
    """

    id: str
    parentID: str
    title: str
    upnpClass: str
    childCount: int | None = None
    searchable: bool = True
    creator: str | None = None
    artist: str | None = None
    album: str | None = None
    genre: str | None = None
    date: str | None = None
    originalTrackNumber: int | None = None
    albumArtURI: str | None = None
    resources: tuple[DidlResource, ...] = ()
    refID: str | None = None

    @property
    def isContainer(self) -> bool:
        """
        Whether the object is a container.
        """
        return self.upnpClass.startswith("object.container")


class Filter:
    """
    A Browse or Search C{Filter}: which optional properties to write.
    """

    def __init__(self, text: str) -> None:
        """
        @param text: C{*} for all, empty for the required properties only,
            else a comma-separated list (C{upnp:album,res@size}); unknown
            names are ignored.
        """
        names = {name.strip() for name in text.split(",") if name.strip()}
        self.everything = "*" in names
        self._names = names | {name.split("@", 1)[0] for name in names if "@" in name[1:]}

    def allows(self, name: str) -> bool:
        """
        Whether the property C{name} (C{upnp:artist}, C{res@size},
        C{@childCount}) is written.
        """
        return self.everything or name in _REQUIRED or name in self._names


def clean(text: str) -> str:
    """
    C{text} without the characters XML 1.0 cannot carry.
    """
    return _NOT_XML.sub("", text)


#: Anything element text or attribute values cannot carry as is.
_SPECIAL = re.compile("[&<>\"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    if _SPECIAL.search(value) is None:
        return value
    return clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    if _SPECIAL.search(value) is None:
        return value
    escaped = _text(value).replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\t", "&#9;")


def formatDuration(seconds: float) -> str:
    """
    A duration as C{res@duration} writes it: C{H+:MM:SS.FFF}.
    """
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _resource(resource: DidlResource, wanted: Filter) -> str:
    optional: tuple[tuple[str, int | str | None], ...] = (
        ("size", resource.size),
        ("duration", None if resource.duration is None else formatDuration(resource.duration)),
        ("bitrate", resource.bitrate),
        ("sampleFrequency", resource.sampleFrequency),
        ("nrAudioChannels", resource.nrAudioChannels),
        ("resolution", resource.resolution),
    )
    written = f' protocolInfo="{_attribute(resource.protocolInfo)}"'
    for name, value in optional:
        if value is not None and wanted.allows("res@" + name):
            written += f' {name}="{value if isinstance(value, int) else _attribute(value)}"'
    return f"<res{written}>{_text(resource.url)}</res>"


def _element(name: str, value: object) -> str:
    return f"<{name}>{_text(str(value))}</{name}>"


def _object(didl: DidlObject, wanted: Filter) -> str:
    tag = "container" if didl.isContainer else "item"
    opening = f'<{tag} id="{_attribute(didl.id)}" parentID="{_attribute(didl.parentID)}" restricted="1"'
    if didl.isContainer:
        if didl.childCount is not None and wanted.allows("@childCount"):
            opening += f' childCount="{didl.childCount}"'
        if wanted.allows("@searchable"):
            opening += f' searchable="{int(didl.searchable)}"'
    elif didl.refID is not None and wanted.allows("@refID"):
        opening += f' refID="{_attribute(didl.refID)}"'
    parts = [opening + ">", _element("dc:title", didl.title), _element("upnp:class", didl.upnpClass)]
    for name, value in (
        ("dc:creator", didl.creator),
        ("upnp:artist", didl.artist),
        ("upnp:album", didl.album),
        ("upnp:genre", didl.genre),
        ("dc:date", didl.date),
        ("upnp:originalTrackNumber", didl.originalTrackNumber),
    ):
        if value is not None and wanted.allows(name):
            parts.append(_element(name, value))
    if didl.albumArtURI is not None and wanted.allows("upnp:albumArtURI"):
        parts.append(_element("upnp:albumArtURI", didl.albumArtURI))
    if wanted.allows("res"):
        parts.extend(_resource(resource, wanted) for resource in didl.resources)
    parts.append(f"</{tag}>")
    return "".join(parts)


def writeDidl(objects: Iterable[DidlObject], filterText: str = "*") -> str:
    """
    A DIDL-Lite document holding C{objects}, without an XML declaration (as
    C{Result} carries it).

    @param filterText: the request's C{Filter}.
    """
    wanted = Filter(filterText)
    declarations = " ".join(
        f'xmlns{":" + prefix if prefix else ""}="{uri}"' for prefix, uri in NAMESPACES
    )
    body = "".join(_object(didl, wanted) for didl in objects)
    return f"<DIDL-Lite {declarations}>{body}</DIDL-Lite>"
