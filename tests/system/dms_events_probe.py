"""
Follow a MediaServer live, as Home Assistant does: subscribe to its
ContentDirectory with async-upnp-client (its notify server on
CALLBACK_ADDRESS, 127.0.0.1 by default) and, after each event, browse the
library's C{music/other} folder.

    dms_events_probe.py DESCRIPTION_URL [CALLBACK_ADDRESS]

Lines written: C{subscribed} once the initial event arrived; then for each
event a JSON line with the evented variables, then C{has TITLE} for each
item of the folder and C{gone pcm} when no item is titled C{pcm}.  Runs at
most 60 s.
"""

import asyncio
import json
import sys

from async_upnp_client.aiohttp import AiohttpNotifyServer, AiohttpRequester
from async_upnp_client.client_factory import UpnpFactory
from async_upnp_client.profiles.dlna import DmsDevice

SERVICE = "urn:schemas-upnp-org:service:ContentDirectory:1"
LIFETIME = 60


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def folder(dms: DmsDevice, path: str) -> str:
    objectId = "0"
    for title in path.split("/"):
        page = await dms.async_search_directory(objectId, f'@parentID="{objectId}" and dc:title="{title}"', "dc:title", requested_count=1)
        objectId = page.result[0].id
    return objectId


async def probe(location: str, callback: str) -> None:
    requester = AiohttpRequester()
    device = await UpnpFactory(requester, non_strict=False).async_create_device(location)
    dms = DmsDevice(device, None)
    other = await folder(dms, "music/other")
    service = device.service(SERVICE)
    events: asyncio.Queue = asyncio.Queue()
    service.on_event = lambda _service, variables: events.put_nowait({v.name: v.value for v in variables})
    server = AiohttpNotifyServer(requester, source=(callback, 0))
    await server.async_start_server()
    try:
        await server.event_handler.async_subscribe(service)
        await asyncio.wait_for(events.get(), 10)
        say("subscribed")
        while True:
            changed = await events.get()
            say(json.dumps(changed))
            page = await dms.async_browse_direct_children(other, "dc:title")
            titles = [item.title for item in page.result]
            for title in titles:
                say(f"has {title}")
            if "pcm" not in titles:
                say("gone pcm")
    finally:
        await server.async_stop_server()


if __name__ == "__main__":
    try:
        asyncio.run(asyncio.wait_for(probe(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"), LIFETIME))
    except asyncio.TimeoutError:
        pass
