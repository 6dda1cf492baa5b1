# -*- test-case-name: tests.media.test_contentdirectory -*-
"""
ContentDirectory:1 over the library index: Browse (metadata and pages of
children), Search (the SearchCriteria grammar compiled to parameterised
SQL), the capabilities and the update ids, evented with moderation.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall

from coherence_lite.backend.request import baseURL, localAddress
from coherence_lite.backend.declare import action, stateVariable
from coherence_lite.errors import UPnPError
from coherence_lite.media.didl import DidlObject, DidlResource, writeDidl
from coherence_lite.media.dlna import protocolInfo
from coherence_lite.media.extralinks import withExtras
from coherence_lite.media.extras import Extras, readExtras
from coherence_lite.media.index import Library
from coherence_lite.media.quirks import browsedId, meantArguments, searchedCount, searchedId
from coherence_lite.media.samsung import SamsungActions
from coherence_lite.media.search import Criteria, SearchCriteriaError, compileCriteria, parseCriteria
from coherence_lite.media.store import (
    SEARCHABLE,
    SORTABLE,
    Row,
    childRows,
    fetchRow,
    profileOf,
    searchRows,
    sortClause,
    storedId,
    systemUpdateId,
)
from coherence_lite.media.views import EVENTED, ViewItem, browseView, isViewId
from coherence_lite.model.xmltext import XMLText

__all__ = ["MAX_PAGE", "ContentDirectory", "didlObject"]

#: The most objects one Browse or Search answers (RequestedCount 0 asks for
#: all: the page is this long and TotalMatches says how many there are).
MAX_PAGE = 5000

#: Seconds between two events of the update ids (and how long a changed
#: container stays listed in ContainerUpdateIDs).
EVENT_INTERVAL = 2.0

#: The path of the streaming resource on our HTTP server.
MEDIA_PATH = "/media/"

_BROWSE_FLAGS = ("BrowseMetadata", "BrowseDirectChildren")

#: The errors ContentDirectory:1 defines, with their descriptions.
_ERRORS = {
    701: "No such object",
    708: "Unsupported or invalid search criteria",
    709: "Unsupported or invalid sort criteria",
    710: "No such container",
    720: "Cannot process the request",
}


def _error(code: int) -> UPnPError:
    return UPnPError(code, _ERRORS[code])


#: The out-arguments of Browse and Search.
_OUTPUTS = {
    "Result": "A_ARG_TYPE_Result",
    "NumberReturned": "A_ARG_TYPE_Count",
    "TotalMatches": "A_ARG_TYPE_Count",
    "UpdateID": "A_ARG_TYPE_UpdateID",
}


def _suffix(path: bytes | None) -> str:
    """
    The file name extension of C{path} (with its dot, lower case) when it is
    ASCII letters and digits, else C{""}: C{os.path.splitext}'s rule (a
    name's leading dots start no extension), without its generality.
    """
    if not path:
        return ""
    name = path[path.rfind(b"/") + 1:]
    dot = name.rfind(b".")
    if dot <= 0 or not name[:dot].strip(b"."):
        return ""
    extension = name[dot + 1:]
    return "." + extension.decode("ascii").lower() if extension.isalnum() else ""


def didlObject(row: Row, base: str, art: dict[int, bytes | None]) -> DidlObject:
    """
    The DIDL-Lite form of a stored object.

    @param base: C{http://host:port} of the request's local address.
    @param art: the path of each album art object by id (for its suffix);
        a track's embedded picture comes before its folder's cover.
    """
    parentID = "-1" if row.parent is None else str(row.parent)
    if row.container:
        return DidlObject(str(row.id), parentID, row.title, row.cls, childCount=row.childCount)
    assert row.mime is not None
    resource = DidlResource(
        f"{base}{MEDIA_PATH}{row.id}{_suffix(row.path)}",
        protocolInfo(row.mime, profileOf(row)),
        size=row.size,
        duration=row.duration,
        bitrate=row.bitrate,
        sampleFrequency=row.sampleRate,
        nrAudioChannels=row.channels,
        resolution=row.resolution,
    )
    artId = row.embeddedArt if row.embeddedArt is not None else row.art
    artURI = None if artId is None or artId not in art else f"{base}{MEDIA_PATH}{artId}{_suffix(art[artId])}"
    return DidlObject(
        str(row.id), parentID, row.title, row.cls,
        creator=row.artist, artist=row.artist, album=row.album, genre=row.genre, date=row.date,
        originalTrackNumber=row.track, albumArtURI=artURI, resources=(resource,),
    )


def _artPaths(connection: sqlite3.Connection, rows: list[Row]) -> dict[int, bytes | None]:
    wanted = sorted({each for row in rows for each in (row.art, row.embeddedArt) if each is not None})
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    return dict(connection.execute(f"SELECT id, path FROM objects WHERE id IN ({marks})", wanted).fetchall())


#: A page as Browse and Search answer it: the DIDL-Lite Result, how many
#: objects it holds, TotalMatches and the UpdateID.
_Page = tuple[XMLText, int, int, int]


def _page(connection: sqlite3.Connection, rows: list[Row], total: int, updateId: int, base: str, filterText: str) -> _Page:
    art = _artPaths(connection, rows)
    extras = readExtras(connection, rows)
    media = base + MEDIA_PATH
    return writeDidl([withExtras(didlObject(row, base, art), row, extras, media) for row in rows], filterText), len(rows), total, updateId


def _browse(
    connection: sqlite3.Connection, objectId: int, children: bool, start: int, count: int, order: str,
    base: str, filterText: str,
) -> _Page | None:
    row = fetchRow(connection, objectId)
    if row is None:
        return None
    updateId = row.updateId if row.container else systemUpdateId(connection)
    if not children:
        return _page(connection, [row], 1, updateId, base, filterText)
    if not row.container:
        return _page(connection, [], 0, updateId, base, filterText)
    rows, total = childRows(connection, objectId, start, count, order)
    return _page(connection, rows, total, updateId, base, filterText)


def _search(
    connection: sqlite3.Connection, containerId: int, condition: str, parameters: list[object], start: int, count: int,
    order: str, base: str, filterText: str,
) -> _Page | None:
    within = fetchRow(connection, containerId)
    if within is None or not within.container:
        return None
    rows, total = searchRows(connection, within, condition, parameters, start, count, order)
    return _page(connection, rows, total, within.updateId, base, filterText)


def _answer(found: _Page | None, missing: int) -> dict[str, object]:
    if found is None:
        raise _error(missing)
    result, returned, total, updateId = found
    return {"Result": result, "NumberReturned": returned, "TotalMatches": total, "UpdateID": updateId}


def _viewed(
    connection: sqlite3.Connection, objectId: str, children: bool, start: int, count: int, criteria: str,
    base: str, filterText: str,
) -> _Page | None:
    found = browseView(connection, objectId, children, start, count, criteria)
    if found is None:
        return None
    entries, total, updateId = found
    rows = [each.row if isinstance(each, ViewItem) else each for each in entries if not isinstance(each, DidlObject)]
    art = _artPaths(connection, rows)
    extras = readExtras(connection, rows)
    return writeDidl([_describe(entry, base, art, extras) for entry in entries], filterText), len(entries), total, updateId


def _describe(entry: Row | ViewItem | DidlObject, base: str, art: dict[int, bytes | None], extras: Extras) -> DidlObject:
    if isinstance(entry, DidlObject):
        return entry
    row = entry.row if isinstance(entry, ViewItem) else entry
    described = withExtras(didlObject(row, base, art), row, extras, base + MEDIA_PATH)
    if isinstance(entry, ViewItem):
        return described._replace(id=entry.id, parentID=entry.parentID, refID=str(entry.row.id))
    return described


def _objectId(text: str, code: int) -> int:
    objectId = storedId(text)
    if objectId is None:
        raise _error(code)
    return objectId


class ContentDirectory(SamsungActions):
    """
    The ContentDirectory:1 service of a library, with Samsung's actions and
    the quirks of the clients that need them (L{coherence_lite.media.quirks}).
    """

    serviceType = "urn:schemas-upnp-org:service:ContentDirectory:1"
    serviceId = "urn:upnp-org:serviceId:ContentDirectory"

    SearchCapabilities = stateVariable("string", ",".join(SEARCHABLE), sendEvents=False)
    SortCapabilities = stateVariable("string", ",".join(SORTABLE), sendEvents=False)
    SystemUpdateID = stateVariable("ui4", 0, maximumRate=EVENT_INTERVAL)
    ContainerUpdateIDs = stateVariable("string", "", maximumRate=EVENT_INTERVAL)
    A_ARG_TYPE_ObjectID = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Result = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_SearchCriteria = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_BrowseFlag = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Filter = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_SortCriteria = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Index = stateVariable("ui4", sendEvents=False)
    A_ARG_TYPE_Count = stateVariable("ui4", sendEvents=False)
    A_ARG_TYPE_UpdateID = stateVariable("ui4", sendEvents=False)

    def __init__(self, library: Library, clock: Any, systemUpdateID: int = 0, views: bool = False) -> None:
        """
        @param library: the index answering the queries; its changes are
            evented.
        @param clock: times how long a changed container stays listed in
            ContainerUpdateIDs.
        @param systemUpdateID: the stored SystemUpdateID to start from.
        @param views: whether the root lists the views after the media
            folders (L{coherence_lite.media.views}).
        """
        super().__init__({"SystemUpdateID": systemUpdateID})
        self.library = library
        self.views = views
        self._clock = clock
        self._changed: dict[int, int] = {}
        self._forget: IDelayedCall | None = None
        library.listeners.append(self.libraryChanged)

    def libraryChanged(self, system: int, containers: dict[int, int]) -> None:
        """
        Event a change of the library: the new SystemUpdateID and the
        changed containers (with those changed in the last
        L{EVENT_INTERVAL}, each once with its newest UpdateID).
        """
        self._changed.update(containers)
        if self._forget is None or not self._forget.active():
            self._forget = self._clock.callLater(EVENT_INTERVAL, self._changed.clear)
        listed = ",".join(f"{container},{updateId}" for container, updateId in sorted(self._changed.items()))
        if self.views:
            listed += "".join(f",{view},{system}" for view in EVENTED)
        self.set(SystemUpdateID=system, ContainerUpdateIDs=listed)

    def stop(self) -> None:
        """
        Stop listening to the library and forget the pending list.
        """
        if self.libraryChanged in self.library.listeners:
            self.library.listeners.remove(self.libraryChanged)
        if self._forget is not None and self._forget.active():
            self._forget.cancel()

    def meantArguments(self, actionName: str, sent: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """
        The arguments a call means: see L{coherence_lite.media.quirks.meantArguments}.
        """
        return meantArguments(actionName, sent)

    @action(outputs={"SearchCaps": "SearchCapabilities"})
    def GetSearchCapabilities(self) -> None:
        """
        The properties a Search may name.
        """

    @action(outputs={"SortCaps": "SortCapabilities"})
    def GetSortCapabilities(self) -> None:
        """
        The properties SortCriteria may name.
        """

    @action(outputs={"Id": "SystemUpdateID"})
    def GetSystemUpdateID(self) -> None:
        """
        The SystemUpdateID.
        """

    @action(
        inputs={
            "ObjectID": "A_ARG_TYPE_ObjectID",
            "BrowseFlag": "A_ARG_TYPE_BrowseFlag",
            "Filter": "A_ARG_TYPE_Filter",
            "StartingIndex": "A_ARG_TYPE_Index",
            "RequestedCount": "A_ARG_TYPE_Count",
            "SortCriteria": "A_ARG_TYPE_SortCriteria",
        },
        outputs=_OUTPUTS,
    )
    def Browse(
        self, ObjectID: str, BrowseFlag: str, Filter: str, StartingIndex: int, RequestedCount: int, SortCriteria: str
    ) -> "Deferred[dict[str, object]]":
        """
        An object's metadata, or a page of a container's children (read and
        written as DIDL-Lite on the library's query thread).
        """
        base = self._base()
        if BrowseFlag not in _BROWSE_FLAGS:
            raise UPnPError(402)
        objectText = browsedId(ObjectID)
        if self.views and (objectText == "0" or isViewId(objectText)):
            self._order(SortCriteria)
            viewed = self.library.query(
                _viewed, objectText, BrowseFlag == "BrowseDirectChildren", StartingIndex, self._count(RequestedCount), SortCriteria,
                base, Filter,
            )
            return viewed.addCallback(_answer, 701)
        objectId = _objectId(objectText, 701)
        order = self._order(SortCriteria)
        found = self.library.query(
            _browse, objectId, BrowseFlag == "BrowseDirectChildren", StartingIndex, self._count(RequestedCount), order,
            base, Filter,
        )
        return found.addCallback(_answer, 701)

    @action(
        inputs={
            "ContainerID": "A_ARG_TYPE_ObjectID",
            "SearchCriteria": "A_ARG_TYPE_SearchCriteria",
            "Filter": "A_ARG_TYPE_Filter",
            "StartingIndex": "A_ARG_TYPE_Index",
            "RequestedCount": "A_ARG_TYPE_Count",
            "SortCriteria": "A_ARG_TYPE_SortCriteria",
        },
        outputs=_OUTPUTS,
    )
    def Search(
        self, ContainerID: str, SearchCriteria: str, Filter: str, StartingIndex: int, RequestedCount: int, SortCriteria: str
    ) -> "Deferred[dict[str, object]]":
        """
        A page of the objects below a container matching SearchCriteria.
        """
        base = self._base()
        containerId = _objectId(searchedId(ContainerID), 710)
        RequestedCount = searchedCount(RequestedCount)
        try:
            criteria: Criteria = parseCriteria(SearchCriteria)
            condition, parameters = compileCriteria(criteria, SEARCHABLE)
        except SearchCriteriaError as e:
            raise UPnPError(708, f"{_ERRORS[708]}: {str(e)[:120]}") from None
        order = self._order(SortCriteria)
        found = self.library.query(
            _search, containerId, condition, parameters, StartingIndex, self._count(RequestedCount), order, base, Filter
        )
        return found.addCallback(_answer, 710)

    def _base(self) -> str:
        address = localAddress.get()
        if address is None:
            raise _error(720)
        return baseURL(address)

    def _order(self, criteria: str) -> str:
        try:
            return sortClause(criteria)
        except ValueError as e:
            raise UPnPError(709, f"{_ERRORS[709]}: {str(e)[:120]}") from None

    def _count(self, requested: int) -> int:
        return MAX_PAGE if requested == 0 else min(requested, MAX_PAGE)
