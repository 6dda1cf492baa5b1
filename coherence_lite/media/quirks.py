# -*- test-case-name: tests.media.test_quirks -*-
"""
The clients that bend the rules: one table from what a request's
User-Agent or X-AV-Client-Info says to the quirks the ContentDirectory
honours for it and the device description it is given (a new quirk is
one row here and one test).
"""

from __future__ import annotations

import enum
from dataclasses import replace
from typing import Mapping

from coherence_lite.backend.request import clientHeaders
from coherence_lite.media.samsung import PRODUCT_CAPS
from coherence_lite.model.description import Variant
from coherence_lite.model.device import Device

__all__ = [
    "QUIRKS", "Quirk", "browsedId", "descriptionVariants", "meantArguments", "quirksOf", "searchedCount", "searchedId",
]


class Quirk(enum.Flag):
    """
    What a client needs that the spec does not say.

    @cvar XBOX_CONTAINERS: browses and searches fixed Windows Media Connect
        container ids (music, artists, albums, videos, pictures...); they
        are answered from the root, the SearchCriteria choosing the class.
    @cvar SEARCH_ONCE: searches first and stops after one page, whatever
        TotalMatches says: a Search answers a whole page (up to the most
        we answer) whatever RequestedCount asks.
    @cvar BROWSE_CONTAINER_ID: names Browse's ObjectID C{ContainerID}, as
        in a Search: taken as the ObjectID when there is none.
    @cvar WMP_DESCRIPTION: lists only servers that describe themselves as
        Windows Media Player Sharing 12.0 with a colon in their name: its
        device description says so.
    @cvar SAMSUNG_DESCRIPTION: reads what the server does from Samsung's
        C{sec:ProductCap}/C{sec:X_ProductCap}: its device description has
        them.
    """

    NONE = 0
    XBOX_CONTAINERS = enum.auto()
    SEARCH_ONCE = enum.auto()
    BROWSE_CONTAINER_ID = enum.auto()
    WMP_DESCRIPTION = enum.auto()
    SAMSUNG_DESCRIPTION = enum.auto()


#: (lower-case header name, text it contains, quirks), first match wins.
QUIRKS: tuple[tuple[str, str, Quirk], ...] = (
    ("user-agent", "Xbox/", Quirk.XBOX_CONTAINERS | Quirk.SEARCH_ONCE | Quirk.BROWSE_CONTAINER_ID | Quirk.WMP_DESCRIPTION),
    ("user-agent", "Windows-Media-Player/", Quirk.SEARCH_ONCE),
    ("user-agent", "SEC_HHP_", Quirk.SAMSUNG_DESCRIPTION),
)

#: The model an Xbox 360 looks for in a description.
WMP_MODEL = ("Windows Media Player Sharing", "12.0")

#: The Windows Media Connect containers an Xbox 360 searches (all music,
#: genres, artists, albums, playlists, folders; all video; all pictures).
_XBOX_SEARCHED = frozenset({"1", "4", "5", "6", "7", "F", "8", "B", "C"})

#: The Windows Media Connect roots an Xbox 360 browses (music, video,
#: pictures).
_XBOX_BROWSED = frozenset({"14", "15", "16"})


def quirksOf(headers: Mapping[str, str] | None = None) -> Quirk:
    """
    The quirks of a client.

    @param headers: its identifying headers by lower-case name; L{None}
        for those of the control request being answered.
    """
    if headers is None:
        headers = clientHeaders.get()
    for name, text, quirks in QUIRKS:
        if text in headers.get(name, ""):
            return quirks
    return Quirk.NONE


def meantArguments(actionName: str, sent: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """
    The arguments a ContentDirectory call of the current client means,
    from the (name, text) pairs it sent: a Browse's C{ContainerID} is its
    ObjectID for a client with L{Quirk.BROWSE_CONTAINER_ID}.
    """
    names = [name for name, _ in sent]
    if actionName != "Browse" or "ObjectID" in names or "ContainerID" not in names:
        return sent
    if Quirk.BROWSE_CONTAINER_ID not in quirksOf():
        return sent
    return tuple(("ObjectID" if name == "ContainerID" else name, text) for name, text in sent)


def browsedId(objectId: str) -> str:
    """
    The ObjectID a Browse of the current client means.
    """
    if objectId in _XBOX_BROWSED and Quirk.XBOX_CONTAINERS in quirksOf():
        return "0"
    return objectId


def searchedId(containerId: str) -> str:
    """
    The ContainerID a Search of the current client means.
    """
    if containerId in _XBOX_SEARCHED and Quirk.XBOX_CONTAINERS in quirksOf():
        return "0"
    return containerId


def searchedCount(requested: int) -> int:
    """
    The RequestedCount a Search of the current client means (0: as many
    as a page holds).
    """
    return 0 if Quirk.SEARCH_ONCE in quirksOf() else requested


def _described(device: Device, quirks: Quirk) -> Device | None:
    """
    The device as a client with C{quirks} is to see it in its description,
    or L{None} when the default description does.
    """
    if not quirks & (Quirk.WMP_DESCRIPTION | Quirk.SAMSUNG_DESCRIPTION):
        return None
    if Quirk.WMP_DESCRIPTION in quirks:
        name = device.friendlyName if ":" in device.friendlyName else f"{device.friendlyName[:61]}: 1"
        device = replace(device, friendlyName=name, modelName=WMP_MODEL[0], modelNumber=WMP_MODEL[1])
    if Quirk.SAMSUNG_DESCRIPTION in quirks:
        device = replace(device, extensions=device.extensions + PRODUCT_CAPS)
    return device


def descriptionVariants(device: Device) -> tuple[Variant, ...]:
    """
    The description variants of a MediaServer's root device: one per row
    of the quirk table, in its order (so the row that L{quirksOf} picks
    picks the description too), the default description for a row without
    description quirks.
    """
    return tuple(Variant(name, text, _described(device, quirks)) for name, text, quirks in QUIRKS)
