"""
Find MediaServers by SSDP, as Home Assistant's DLNA integration does, and
walk each with async-upnp-client's DmsDevice; print what it found as JSON.

    dms_search_probe.py SOURCE_ADDRESS

An M-SEARCH for C{urn:schemas-upnp-org:device:MediaServer:1} leaves from
SOURCE_ADDRESS (a client namespace's own address) to the SSDP group; every
LOCATION answered is described and walked whole (pages of 3, see
C{dms_probe.walk}).  The JSON is a list, one entry per server: its
LOCATION, UDN, friendlyName, SystemUpdateID and every object of the walk.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any, Mapping

from async_upnp_client.aiohttp import AiohttpRequester
from async_upnp_client.client_factory import UpnpFactory
from async_upnp_client.profiles.dlna import DmsDevice
from async_upnp_client.search import async_search

from dms_probe import walk

MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1"


async def main(source: str) -> list[dict[str, Any]]:
    locations: set[str] = set()

    async def answered(headers: Mapping[str, str]) -> None:
        if headers.get("ST") == MEDIA_SERVER and "LOCATION" in headers:
            locations.add(headers["LOCATION"])

    await async_search(answered, timeout=3, search_target=MEDIA_SERVER, source=(source, 0))
    requester = AiohttpRequester()
    servers = []
    for location in sorted(locations):
        device = await UpnpFactory(requester, non_strict=False).async_create_device(location)
        dms = DmsDevice(device, None)
        await dms.async_update()
        objects: list[dict[str, object]] = []
        await walk(dms, "0", objects, {})
        servers.append({
            "location": location,
            "udn": device.udn,
            "friendly_name": device.friendly_name,
            "system_update_id": dms.system_update_id,
            "objects": objects,
        })
    return servers


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
