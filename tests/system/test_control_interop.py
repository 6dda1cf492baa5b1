# -*- test-case-name: tests.system.test_control_interop -*-
"""
Interop of SOAP control: async-upnp-client (strict) and upnpclient switch
the zero-code light of C{examples/binary-light.toml} and the Python light
of C{upnp-device.tac} and C{examples/binary_light.py}, hosted on loopback.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent

from coherence_lite.backend.hosted import Hosted, hosted
from coherence_lite.model.device import Device
from coherence_lite.model.devicefile import loadDevice
from coherence_lite.model.layout import descriptionPath

from tests.support.control import callAction, controlURL
from tests.support.prerequisites import missing
from tests.support import startLoopbackService

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("control_probe.py")


def installed(name: str) -> bool:
    """
    Whether the module C{name} can be imported.
    """
    try:
        __import__(name)
    except ImportError:
        return False
    return True


class ThirdPartyTests(TestCase):
    """
    Third-party control points call actions of the light on loopback.
    """

    timeout = 60

    def setUp(self) -> None:
        """
        Host the zero-code light.
        """
        read = loadDevice(ROOT / "examples" / "binary-light.toml", hostname="tests")
        self.device = read.device
        self.host = startLoopbackService(self, [read])

    async def probe(self, library: str) -> Any:
        """
        Run the probe with C{library} against the light; its JSON answer.
        """
        location = f"http://127.0.0.1:{self.host.web.port}{descriptionPath(self.device)}"
        out, err, code = await getProcessOutputAndValue(
            sys.executable, [str(PROBE), library, location], env=dict(os.environ), reactor=reactor
        )
        self.assertEqual(code, 0, err.decode(errors="replace"))
        return json.loads(out)

    async def test_asyncUPnPClientStrict(self) -> None:
        """
        async-upnp-client, strict, calls SetTarget then reads Status and
        Target back as True; a non-boolean value does not go through.
        """
        if not installed("async_upnp_client"):
            missing("async-upnp-client is not installed (pip install '.[test]')")
        self.assertEqual(await self.probe("async-upnp-client"), {"status": True, "target": True, "refused": "UpnpValueError"})

    async def test_upnpclient(self) -> None:
        """
        upnpclient calls SetTarget and reads Status back as True.
        """
        if not installed("upnpclient"):
            missing("upnpclient is not installed (pip install '.[test]')")
        self.assertEqual(await self.probe("upnpclient"), {"status": True})


class PythonLightTests(TestCase):
    """
    The BinaryLight of the tac file and of the example script answer
    SetTarget and GetStatus.
    """

    timeout = 60

    @inlineCallbacks
    def switch(self, pair: Hosted) -> Any:
        """
        Host a device with its backend, switch it on over HTTP, and check
        GetStatus.
        """
        host = startLoopbackService(self, [pair])
        device = pair.device
        service = device.services[0]
        url = controlURL(host.web.port, device, service)
        agent = Agent(reactor)
        code, _, _ = yield callAction(agent, url, service.serviceType, "SetTarget", {"newTargetValue": "1"})
        self.assertEqual(code, 200)
        code, _, body = yield callAction(agent, url, service.serviceType, "GetStatus")
        self.assertEqual(code, 200)
        self.assertIn(b"<ResultStatus>1</ResultStatus>", body)

    def test_tac(self) -> Any:
        """
        The tac file's light (with its own UDN) switches; the tac serves
        loopback unless told otherwise.
        """
        names = runpy.run_path(str(ROOT / "upnp-device.tac"))
        self.assertEqual(names["settings"].interfaces, ("127.0.0.1",))
        self.assertNotEqual(names["light"].UDN, "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363")
        return self.switch(hosted(names["light"], names["switch"]))

    def test_exampleScript(self) -> Any:
        """
        The example script's SwitchPower class makes a light that switches.
        """
        names = runpy.run_path(str(ROOT / "examples" / "binary_light.py"), run_name="example")
        power = names["SwitchPower"]()
        light = Device("urn:schemas-upnp-org:device:BinaryLight:1", "Light", "Tests", "Light",
                       "uuid:0f0e0d0c-0b0a-4909-8807-060504030201", services=(power.service,))
        return self.switch(hosted(light, power))
