"""
Run async-upnp-client against a device host on loopback and print what it
understood, as JSON on stdout.

Used by tests.system.test_interop and tests.system.test_namespaces in a subprocess
(async-upnp-client runs on asyncio).  Searches leave from the source
address given: 127.0.0.1, or a client namespace's own address.

    python tests/system/async_upnp_client_probe.py SSDP_PORT SEARCH_TARGET [SOURCE_ADDRESS]

SOURCE_ADDRESS (default 127.0.0.1) is the address searches leave from.
"""

import asyncio
import json
import sys

from async_upnp_client.aiohttp import AiohttpRequester
from async_upnp_client.client_factory import UpnpFactory
from async_upnp_client.search import async_search


async def probe(port: int, searchTarget: str, source: str) -> dict:
    responses = []

    async def collect(headers) -> None:
        responses.append({key: headers[key] for key in ("ST", "USN", "LOCATION") if key in headers})

    await async_search(
        collect,
        timeout=2,
        search_target=searchTarget,
        source=(source, 0),
        target=("239.255.255.250", port),
    )
    factory = UpnpFactory(AiohttpRequester())
    devices = []
    for location in sorted({response["LOCATION"] for response in responses}):
        device = await factory.async_create_device(location)
        devices.append(
            {
                "location": location,
                "friendly_name": device.friendly_name,
                "device_type": device.device_type,
                "udn": device.udn,
                "manufacturer": device.manufacturer,
                "services": sorted(device.services),
                "actions": {
                    service.service_type: sorted(service.actions) for service in device.all_services
                },
                "embedded": sorted(d.device_type for d in device.embedded_devices.values()),
            }
        )
    return {"responses": responses, "devices": devices}


if __name__ == "__main__":
    source = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    result = asyncio.run(probe(int(sys.argv[1]), sys.argv[2], source))
    sys.stdout.write(json.dumps(result, indent=1) + "\n")
