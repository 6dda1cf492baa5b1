# -*- test-case-name: tests.media.test_didl -*-
"""
The DIDL-Lite writer (pure): library objects as the XML text a
ContentDirectory's C{Result} carries, with C{Filter} honoured and hostile
names made safe.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple, cast

from coherence_lite.model.xmltext import XMLText

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


class DidlResource(NamedTuple):
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


class DidlObject(NamedTuple):
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
    @ivar albumArtProfile: the C{dlna:profileID} of C{albumArtURI}
        (C{JPEG_TN} for a thumbnail we made), or L{None}.
    @ivar captionURI: a video's subtitle (SubRip), written as Samsung's
        C{sec:CaptionInfoEx}, or L{None}.
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
    albumArtProfile: str | None = None
    captionURI: str | None = None

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
    seconds, millis = divmod(rest, 1000)
    return "%d:%02d:%02d.%03d" % (hours, minutes, seconds, millis)


#: The optional attributes of C{res}: (position in L{DidlResource}, name).
_RES_ATTRIBUTES = tuple(
    (DidlResource._fields.index(name), name)
    for name in ("size", "duration", "bitrate", "sampleFrequency", "nrAudioChannels", "resolution")
)
_DURATION = DidlResource._fields.index("duration")

#: The optional elements of an object: (position in L{DidlObject}, name).
_ELEMENTS = tuple(
    (DidlObject._fields.index(field), name)
    for field, name in (
        ("creator", "dc:creator"),
        ("artist", "upnp:artist"),
        ("album", "upnp:album"),
        ("genre", "upnp:genre"),
        ("date", "dc:date"),
        ("originalTrackNumber", "upnp:originalTrackNumber"),
    )
)


class _Plan:
    """
    What a L{Filter} lets a document carry, decided once for all its
    objects: the optional elements and C{res} attributes written, each with
    its markup.
    """

    def __init__(self, wanted: Filter) -> None:
        self.childCount = wanted.allows("@childCount")
        self.searchable = wanted.allows("@searchable")
        self.refID = wanted.allows("@refID")
        self.albumArt = wanted.allows("upnp:albumArtURI")
        self.caption = wanted.allows("sec:CaptionInfoEx")
        self.res = wanted.allows("res")
        self.elements = tuple(
            (position, f"<{name}>", f"</{name}>") for position, name in _ELEMENTS if wanted.allows(name)
        )
        self.attributes = tuple(
            (position, f' {name}="') for position, name in _RES_ATTRIBUTES if wanted.allows("res@" + name)
        )


def _resource(resource: DidlResource, plan: _Plan, parts: list[str]) -> None:
    parts += ('<res protocolInfo="', _attribute(resource.protocolInfo), '"')
    for position, opening in plan.attributes:
        value: object = resource[position]
        if value is None:
            continue
        if position == _DURATION:
            written = _attribute(formatDuration(cast(float, value)))
        else:
            written = str(value) if isinstance(value, int) else _attribute(cast(str, value))
        parts += (opening, written, '"')
    parts += (">", _text(resource.url), "</res>")


#: Samsung's namespace, declared on the element that uses it (so documents
#: without one stay as they were).
SEC_NAMESPACE = "http://www.sec.co.kr/"


def _extras(didl: DidlObject, plan: _Plan, parts: list[str]) -> None:
    """
    An item's album art (with its DLNA profile) and Samsung's caption
    element.
    """
    if didl.albumArtURI is not None and plan.albumArt:
        if didl.albumArtProfile is None:
            parts += ("<upnp:albumArtURI>", _text(didl.albumArtURI), "</upnp:albumArtURI>")
        else:
            parts += ('<upnp:albumArtURI dlna:profileID="', _attribute(didl.albumArtProfile), '">',
                      _text(didl.albumArtURI), "</upnp:albumArtURI>")
    if didl.captionURI is not None and plan.caption:
        parts += (f'<sec:CaptionInfoEx xmlns:sec="{SEC_NAMESPACE}" sec:type="srt">', _text(didl.captionURI),
                  "</sec:CaptionInfoEx>")


def _object(didl: DidlObject, plan: _Plan, parts: list[str]) -> None:
    container = didl.upnpClass.startswith("object.container")
    tag = "container" if container else "item"
    parts += ("<", tag, ' id="', _attribute(didl.id), '" parentID="', _attribute(didl.parentID), '" restricted="1"')
    if container:
        if didl.childCount is not None and plan.childCount:
            parts += (' childCount="', str(didl.childCount), '"')
        if plan.searchable:
            parts += (' searchable="', str(int(didl.searchable)), '"')
    elif didl.refID is not None and plan.refID:
        parts += (' refID="', _attribute(didl.refID), '"')
    parts += ("><dc:title>", _text(didl.title), "</dc:title><upnp:class>", _text(didl.upnpClass), "</upnp:class>")
    for position, opening, closing in plan.elements:
        value = didl[position]
        if value is not None:
            parts += (opening, _text(str(value)), closing)
    _extras(didl, plan, parts)
    if plan.res:
        for resource in didl.resources:
            _resource(resource, plan, parts)
    parts += ("</", tag, ">")


#: The start tag of a DIDL-Lite document, with its namespaces.
_OPENING = "<DIDL-Lite {}>".format(
    " ".join(f'xmlns{":" + prefix if prefix else ""}="{uri}"' for prefix, uri in NAMESPACES)
)


def writeDidl(objects: Iterable[DidlObject], filterText: str = "*") -> XMLText:
    """
    A DIDL-Lite document holding C{objects}, without an XML declaration (as
    C{Result} carries it).  Every text in it is escaped and cleaned of what
    XML cannot carry, so it is an L{XMLText}.

    @param filterText: the request's C{Filter}.
    """
    plan = _Plan(Filter(filterText))
    parts = [_OPENING]
    for didl in objects:
        _object(didl, plan, parts)
    parts.append("</DIDL-Lite>")
    return XMLText("".join(parts))
