"""
Subscribe to a service with async-upnp-client (Home Assistant's UPnP
library) and its own notify server on 127.0.0.1, and report the events it
understood, one JSON line each on stdout.

Used by tests.system.test_eventing_interop in a subprocess (async-upnp-client runs
on asyncio):

    python tests/system/async_upnp_client_events_probe.py DESCRIPTION_URL SERVICE_TYPE

Lines written: C{{"subscribed": SID, "timeout": seconds, "initial": {...}}}
once the initial event arrived (the test then changes the state), then
C{{"change": {...}}} for the next event, then C{{"unsubscribed": true}}.
Each wait is bounded (10 s); a timeout exits with status 1.
"""

import asyncio
import json
import sys

from async_upnp_client.aiohttp import AiohttpNotifyServer, AiohttpRequester
from async_upnp_client.client_factory import UpnpFactory

WAIT = 10


def say(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


async def probe(location: str, serviceType: str) -> None:
    requester = AiohttpRequester()
    device = await UpnpFactory(requester, non_strict=False).async_create_device(location)
    service = device.service(serviceType)
    events: asyncio.Queue = asyncio.Queue()
    service.on_event = lambda _service, variables: events.put_nowait({v.name: v.value for v in variables})
    server = AiohttpNotifyServer(requester, source=("127.0.0.1", 0))
    await server.async_start_server()
    try:
        sid, timeout = await server.event_handler.async_subscribe(service)
        initial = await asyncio.wait_for(events.get(), WAIT)
        say(subscribed=sid, timeout=timeout.total_seconds(), initial=initial)
        change = await asyncio.wait_for(events.get(), WAIT)
        say(change=change)
        await server.event_handler.async_unsubscribe(service)
        say(unsubscribed=True)
    finally:
        await server.async_stop_server()


if __name__ == "__main__":
    asyncio.run(probe(sys.argv[1], sys.argv[2]))
