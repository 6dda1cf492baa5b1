"""
Call SwitchPower:1 actions of a device host on loopback with a third-party
control point and print what it got, as JSON on stdout.

Used by tests.system.test_control_interop in a subprocess (async-upnp-client runs
on asyncio, upnpclient blocks on requests):

    python tests/system/control_probe.py async-upnp-client LOCATION
    python tests/system/control_probe.py upnpclient LOCATION

async-upnp-client builds the device strictly (non_strict=False: data types
and allowed values of every argument are checked both ways), calls
SetTarget(1) then GetStatus and GetTarget, and tries SetTarget with a value
that is not a boolean through its raw call to see the fault.  upnpclient
calls SetTarget("1") (it takes lexical values) then GetStatus.
"""

import asyncio
import json
import sys

SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"


async def withAsyncUPnPClient(location: str) -> dict:
    from async_upnp_client.aiohttp import AiohttpRequester
    from async_upnp_client.client_factory import UpnpFactory
    from async_upnp_client.exceptions import UpnpError

    factory = UpnpFactory(AiohttpRequester(), non_strict=False)
    device = await factory.async_create_device(location)
    service = device.service(SWITCH_POWER)
    await service.action("SetTarget").async_call(newTargetValue=True)
    status = await service.action("GetStatus").async_call()
    target = await service.action("GetTarget").async_call()
    try:
        await service.action("SetTarget").async_call(newTargetValue="maybe")
        refused = None
    except (UpnpError, ValueError) as e:
        refused = type(e).__name__
    return {"status": status["ResultStatus"], "target": target["RetTargetValue"], "refused": refused}


def withUPnPClient(location: str) -> dict:
    import upnpclient

    device = upnpclient.Device(location)
    service = device.service_map["SwitchPower"]
    service.SetTarget(newTargetValue="1")
    return {"status": service.GetStatus()["ResultStatus"]}


if __name__ == "__main__":
    library, url = sys.argv[1], sys.argv[2]
    if library == "async-upnp-client":
        result = asyncio.run(withAsyncUPnPClient(url))
    else:
        result = withUPnPClient(url)
    sys.stdout.write(json.dumps(result) + "\n")
