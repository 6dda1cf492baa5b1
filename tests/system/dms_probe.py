"""
Walk a MediaServer the way Home Assistant does, with async-upnp-client's
DmsDevice, and print what it found as JSON.

    dms_probe.py DESCRIPTION_URL [PATH_TO_RESOLVE]
    dms_probe.py ssdp:SOURCE_ADDRESS[%INTERFACE] [PATH_TO_RESOLVE]

With C{ssdp:} the device is found first as Home Assistant finds it: an
SSDP search for MediaServer:1 sent from SOURCE_ADDRESS (an IPv6 one with
its interface), repeated each second for up to 10 s, the first answer's
LOCATION taken.  The JSON holds that LOCATION, the device's capabilities and SystemUpdateID, every
container and item of a full walk (pages of 3, to exercise paging; each
with the id of the root's child it was found below, as C{top}), the
object ids Home Assistant's path search finds for each title of
PATH_TO_RESOLVE (C{@parentID="X" and dc:title="Y"}, RequestedCount 1), a
class search, and the error codes of a few bad requests.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys

from async_upnp_client.aiohttp import AiohttpRequester
from async_upnp_client.client_factory import UpnpFactory
from async_upnp_client.exceptions import UpnpActionError
from async_upnp_client.profiles.dlna import DmsDevice
from async_upnp_client.search import SsdpSearchListener

PAGE = 3
MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1"
SEARCHES = 10


async def locate(where: str) -> str:
    """
    The description URL C{where} names: itself, or for
    C{ssdp:ADDRESS[%INTERFACE]} the LOCATION of the first MediaServer
    answering a search sent from ADDRESS.
    """
    if not where.startswith("ssdp:"):
        return where
    address, _, interface = where[len("ssdp:"):].partition("%")
    source = (address, 0, 0, socket.if_nametoindex(interface)) if interface else (address, 0)
    answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def seen(headers: object) -> None:
        if not answered.done():
            answered.set_result(headers["location"])  # type: ignore[index]

    listener = SsdpSearchListener(async_callback=seen, source=source, search_target=MEDIA_SERVER, timeout=1)
    await listener.async_start()
    try:
        for _ in range(SEARCHES):
            listener.async_search()
            try:
                return await asyncio.wait_for(asyncio.shield(answered), 1)
            except asyncio.TimeoutError:
                continue
        raise SystemExit(f"no MediaServer answered {SEARCHES} searches from {address}")
    finally:
        listener.async_stop()


def _caption(didl: object) -> str | None:
    element = getattr(didl, "xml_el", None)
    found = None if element is None else element.find("{http://www.sec.co.kr/}CaptionInfoEx")
    return None if found is None else found.text


def _describe(didl: object) -> dict[str, object]:
    res = list(getattr(didl, "res", None) or [])
    return {
        "id": getattr(didl, "id"),
        "parent_id": getattr(didl, "parent_id"),
        "ref_id": getattr(didl, "ref_id", None),
        "title": getattr(didl, "title"),
        "class": getattr(didl, "upnp_class"),
        "child_count": getattr(didl, "child_count", None),
        "art": getattr(didl, "album_art_uri", None),
        "caption": _caption(didl),
        "res": [{"url": r.uri, "protocol_info": r.protocol_info, "duration": r.duration, "size": r.size} for r in res],
    }


async def walk(
    dms: DmsDevice, objectId: str, found: list[dict[str, object]], totals: dict[str, int], top: str | None = None
) -> None:
    start = 0
    while True:
        page = await dms.async_browse_direct_children(objectId, "*", start, PAGE)
        totals[objectId] = page.total_matches
        for didl in page.result:
            found.append({**_describe(didl), "top": top or didl.id})
            if "container" in didl.upnp_class:
                await walk(dms, didl.id, found, totals, top or didl.id)
        start += page.number_returned
        if page.number_returned == 0 or start >= page.total_matches:
            return


async def errorCode(call: object) -> int | None:
    try:
        await call  # type: ignore[misc]
    except UpnpActionError as e:
        return e.error_code
    return None


async def main(where: str, path: str) -> dict[str, object]:
    url = await locate(where)
    requester = AiohttpRequester()
    device = await UpnpFactory(requester, non_strict=False).async_create_device(url)
    dms = DmsDevice(device, None)
    await dms.async_update()
    found: list[dict[str, object]] = []
    totals: dict[str, int] = {}
    root = await dms.async_browse_metadata("0")
    await walk(dms, "0", found, totals)
    resolved: list[str | None] = []
    objectId = "0"
    for title in [part for part in path.split("/") if part]:
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        page = await dms.async_search_directory(
            objectId, f'@parentID="{objectId}" and dc:title="{escaped}"', ["id", "upnp:class", "dc:title"], requested_count=1
        )
        if page.total_matches != 1:
            resolved.append(None)
            break
        objectId = page.result[0].id
        resolved.append(objectId)
    audio = await dms.async_search_directory("0", 'upnp:class derivedfrom "object.item.audioItem"', "dc:title")
    references = [each for each in found if each["ref_id"]]
    reference = await dms.async_browse_metadata(str(references[0]["id"])) if references else None
    everything = await dms.async_search_directory("0", "*", "dc:title", requested_count=2)
    errors = {
        "browse_missing": await errorCode(dms.async_browse_metadata("987654321")),
        "search_bad": await errorCode(dms.async_search_directory("0", 'dc:title = unquoted')),
        "search_caps": await errorCode(dms.async_search_directory("0", 'upnp:producer = "x"')),
        "search_missing": await errorCode(dms.async_search_directory("987654321", "*")),
        "sort_bad": await errorCode(dms.async_browse_direct_children("0", sort_criteria="+upnp:producer")),
    }
    await requester.async_close() if hasattr(requester, "async_close") else None
    return {
        "location": url,
        "search_capabilities": sorted(dms.search_capabilities),
        "sort_capabilities": sorted(dms.sort_capabilities),
        "system_update_id": dms.system_update_id,
        "root": _describe(root),
        "reference": None if reference is None else _describe(reference),
        "objects": found,
        "totals": totals,
        "resolved": resolved,
        "audio": sorted(didl.title for didl in audio.result),
        "everything": [everything.number_returned, everything.total_matches],
        "errors": errors,
        "protocol_info": sorted((await dms.async_get_protocol_info())["source"]),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""))))
