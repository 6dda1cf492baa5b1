"""
Interop: async-upnp-client (Home Assistant's UPnP library) finds the device
on loopback and builds its device object from our description.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from twisted.internet import defer, reactor
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase

from tests.support.prerequisites import missing
from tests.support import binaryLight, freeUDPPort, jambon, startLoopbackService

PROBE = Path(__file__).with_name("async_upnp_client_probe.py")

try:
    import async_upnp_client  # noqa: F401
except ImportError:
    async_upnp_client = None


class AsyncUPnPClientTests(TestCase):
    """
    async-upnp-client, Home Assistant's UPnP library, against two devices
    hosted on loopback.
    """

    timeout = 60

    def setUp(self) -> None:
        if async_upnp_client is None:
            missing("async-upnp-client is not installed (pip install '.[test]')")
        self.ssdpPort = freeUDPPort()
        self.service = startLoopbackService(self, [jambon(), binaryLight()], self.ssdpPort)

    async def probe(self, searchTarget: str) -> dict:
        out, err, code = await getProcessOutputAndValue(
            sys.executable, [str(PROBE), str(self.ssdpPort), searchTarget], env=dict(os.environ), reactor=reactor
        )
        self.assertEqual(code, 0, err.decode(errors="replace"))
        return json.loads(out)

    @defer.inlineCallbacks
    def test_findsBothRootDevicesAndReadsTheirDescriptions(self):
        """
        A root-device search finds both devices and async-upnp-client builds
        each from its description (actions, embedded device).
        """
        result = yield defer.ensureDeferred(self.probe("upnp:rootdevice"))
        self.assertEqual(
            sorted(r["USN"] for r in result["responses"]),
            [
                "uuid:11111111-2222-3333-4444-555555555555::upnp:rootdevice",
                "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363::upnp:rootdevice",
            ],
        )
        devices = {device["udn"]: device for device in result["devices"]}
        jambonDevice = devices["uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"]
        self.assertEqual(jambonDevice["friendly_name"], "Jambon 3000")
        self.assertEqual(jambonDevice["manufacturer"], "Boucherie numérique SAS")
        self.assertEqual(jambonDevice["services"], ["urn:boucherie.example.com:service:Jambon:1"])
        self.assertEqual(jambonDevice["actions"]["urn:boucherie.example.com:service:Jambon:1"], ["GetSlices"])
        light = devices["uuid:11111111-2222-3333-4444-555555555555"]
        self.assertEqual(light["device_type"], "urn:schemas-upnp-org:device:BinaryLight:1")
        self.assertEqual(light["embedded"], ["urn:schemas-upnp-org:device:DimmableLight:1"])

    @defer.inlineCallbacks
    def test_serviceSearchReturnsEachDeviceOfferingIt(self):
        """
        A service-type search returns each device that offers the service.
        """
        result = yield defer.ensureDeferred(self.probe("urn:schemas-upnp-org:service:SwitchPower:1"))
        self.assertEqual(
            sorted(r["USN"].split("::")[0] for r in result["responses"]),
            ["uuid:11111111-2222-3333-4444-555555555555", "uuid:66666666-7777-8888-9999-000000000000"],
        )
