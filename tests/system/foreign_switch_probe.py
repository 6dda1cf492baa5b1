"""
Find a BinaryLight:1 with async-upnp-client (Home Assistant's UPnP library)
by an SSDP search, build it strictly and switch it on, then print what it
got as JSON on stdout.

Used by tests.system.test_compat_namespaces in a client network namespace:

    python tests/system/foreign_switch_probe.py SOURCE_ADDRESS [SSDP_PORT [dimmable]]

Searches leave from SOURCE_ADDRESS; the first BinaryLight (or, with
C{dimmable}, DimmableLight) that answers is used.  Output: C{{"location",
"friendlyName", "before", "after", "target"}}, and for a dimmable light
C{"level"} (the status after dimming to 30); a light not found within the
search's 3 s gives C{{"location": null}}.
"""

import asyncio
import json
import sys

BINARY_LIGHT = "urn:schemas-upnp-org:device:BinaryLight:1"
DIMMABLE_LIGHT = "urn:schemas-upnp-org:device:DimmableLight:1"
SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"
DIMMING = "urn:schemas-upnp-org:service:Dimming:1"


async def probe(source: str, port: int, dimmable: bool) -> dict:
    from async_upnp_client.aiohttp import AiohttpRequester
    from async_upnp_client.client_factory import UpnpFactory
    from async_upnp_client.search import async_search

    locations = []

    async def collect(headers) -> None:
        if headers.get("LOCATION"):
            locations.append(headers["LOCATION"])

    await async_search(collect, timeout=3, search_target=DIMMABLE_LIGHT if dimmable else BINARY_LIGHT, source=(source, 0), target=("239.255.255.250", port))
    if not locations:
        return {"location": None}
    factory = UpnpFactory(AiohttpRequester(), non_strict=False)
    device = await factory.async_create_device(locations[0])
    service = device.service(SWITCH_POWER)
    before = await service.action("GetStatus").async_call()
    await service.action("SetTarget").async_call(newTargetValue=True)
    after = await service.action("GetStatus").async_call()
    target = await service.action("GetTarget").async_call()
    extra = {}
    if dimmable:
        dimming = device.service(DIMMING)
        await dimming.action("SetLoadLevelTarget").async_call(newLoadlevelTarget=30)
        level = await dimming.action("GetLoadLevelStatus").async_call()
        extra["level"] = level["retLoadlevelStatus"]
    return {
        **extra,
        "location": locations[0],
        "friendlyName": device.friendly_name,
        "before": before["ResultStatus"],
        "after": after["ResultStatus"],
        "target": target["RetTargetValue"],
    }


if __name__ == "__main__":
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 1900
    dimmable = sys.argv[3:4] == ["dimmable"]
    sys.stdout.write(json.dumps(asyncio.run(probe(sys.argv[1], port, dimmable))) + "\n")
