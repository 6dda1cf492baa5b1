"""
Tests for what C{coherence-lite call}, C{subscribe} and C{check} do with
bad input (L{coherence_lite.cli.target}, L{coherence_lite.cli.version},
L{coherence_lite.model.arguments} as the CLI uses it): one line and exit
status 2 for a malformed device, our own C{--version}, the device's own
error codes, and "did you mean" for a misspelt name.
"""

from __future__ import annotations

import io
import sys

from twisted.internet import reactor
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent

from coherence_lite._version import __version__
from coherence_lite.cli.call import CallOptions, runCall
from coherence_lite.cli.main import main
from coherence_lite.control.message import parseResponse, SOAPAction
from coherence_lite.controlpoint.soap import SOAPClient
from coherence_lite.errors import UPnPError
from coherence_lite.model import layout
from coherence_lite.model.devicefile import loadDevice

from tests.support.netns import ROOT
from tests.support import freeUDPPort, startLoopbackService

LIGHT = loadDevice(ROOT / "examples" / "binary-light.toml")

#: Devices named wrongly, and what the one error line must say.
MALFORMED = [
    ("", "the device is empty"),
    ("uuid:", "'uuid:' is not a UUID: it is empty"),
    ("uuid:a b", "'uuid:a b' is not a UUID"),
    ("urn:schemas-upnp-org:device:BinaryLight:1", "is a search target, not a device"),
    ("https://192.168.1.20/d.xml", "only http:// URLs are fetched"),
    ("http://", "the URL has no host"),
    ("http://host:99999/d.xml", "the URL is malformed"),
    ("http://a b/d.xml", "contains spaces"),
]


class MainTests(SynchronousTestCase):
    """
    The commands run through L{main}, their output captured; on loopback
    and a free SSDP port only, so that a regression cannot send anything
    out of this machine.
    """

    def setUp(self) -> None:
        self.loopback = ["-i", "127.0.0.1", "--ssdp-port", str(freeUDPPort()), "--find-timeout", "1"]
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        self.patch(sys, "stdout", self.stdout)
        self.patch(sys, "stderr", self.stderr)

    def test_malformedDeviceIsOneLineAndStatus2(self) -> None:
        """
        A device that is no LOCATION and no UUID is one line naming the
        argument and what is wrong, status 2, for call and subscribe alike,
        instead of a traceback.
        """
        for command, extra in (("call", ["SwitchPower", "GetStatus"]), ("subscribe", ["SwitchPower"])):
            for target, reason in MALFORMED:
                self.stderr.truncate(0)
                self.stderr.seek(0)
                self.assertEqual(main([command, *self.loopback, target, *extra]), 2, (command, target, self.stderr.getvalue()))
                [line] = self.stderr.getvalue().splitlines()
                self.assertTrue(line.startswith(f"coherence-lite {command}: error: LOCATION|UUID: "), line)
                self.assertIn(reason, line)

    def test_checkRefusesAMalformedUUIDOrLocation(self) -> None:
        """
        C{check --uuid ''} and C{check --location ftp://...} are one line
        naming the option, status 2.
        """
        for arguments, start in (
            (["--uuid", ""], "coherence-lite check: error: --uuid: '' is not a UUID"),
            (["--uuid", "uuid:a b"], "coherence-lite check: error: --uuid: 'uuid:a b' is not a UUID"),
            (["--location", "ftp://x/d.xml"], "coherence-lite check: error: --location: 'ftp://x/d.xml' is not a usable LOCATION"),
        ):
            self.stderr.truncate(0)
            self.stderr.seek(0)
            self.assertEqual(main(["check", "-i", "127.0.0.1", "--ssdp-port", self.loopback[3], "--timeout", "1", *arguments]), 2)
            [line] = self.stderr.getvalue().splitlines()
            self.assertTrue(line.startswith(start), line)

    def test_everyCommandPrintsOurVersion(self) -> None:
        """
        C{--version} of every command prints coherence-lite's version, not
        Twisted's.
        """
        for command in ("search", "call", "subscribe", "check"):
            self.stdout.truncate(0)
            self.stdout.seek(0)
            self.assertEqual(main([command, "--version"]), 0, command)
            self.assertEqual(self.stdout.getvalue(), f"coherence-lite {__version__}\n", command)


class DeviceCodeTests(TestCase):
    """
    C{call} against the example light on loopback refuses what the device
    refuses, with the device's code.
    """

    timeout = 30

    def setUp(self) -> None:
        service = startLoopbackService(self, [LIGHT])
        self.base = f"http://127.0.0.1:{service.web.port}"
        self.location = self.base + layout.descriptionPath(LIGHT)

    async def call(self, *arguments: str) -> tuple[int, str]:
        options = CallOptions()
        options.parseOptions([self.location, "SwitchPower", *arguments])
        err = io.StringIO()
        status = await runCall(reactor, options, io.StringIO(), err)
        return status, err.getvalue()

    async def deviceCode(self, text: str) -> int:
        """
        The code the device answers to SetTarget with C{text}, sent as is.
        """
        service = LIGHT.services[0]
        url = self.base + layout.servicePath(LIGHT, service, layout.CONTROL)
        reply = await SOAPClient(Agent(reactor), reactor).post(url, service.serviceType, "SetTarget", [("newTargetValue", text)])
        fault = parseResponse(reply.body, SOAPAction(service.serviceType, "SetTarget"))
        assert isinstance(fault, UPnPError), fault
        return fault.code

    async def test_sameCodeAsTheDevice(self) -> None:
        """
        Values the device refuses are refused by the CLI with the very code
        the device answers.
        """
        for text in ("maybe", "2", "", "-1", "truee"):
            device = await self.deviceCode(text)
            status, err = await self.call("SetTarget", f"newTargetValue={text}")
            self.assertEqual(status, 1)
            self.assertTrue(err.startswith(f"coherence-lite call: UPnPError {device}: "), (text, device, err))

    async def test_didYouMean(self) -> None:
        """
        An argument or action named in the wrong case says which was meant.
        """
        status, err = await self.call("SetTarget", "NewTargetValue=1")
        self.assertEqual(
            (status, err),
            (1, "coherence-lite call: UPnPError 402: SetTarget has no in-argument 'NewTargetValue'; did you mean newTargetValue?\n"),
        )
        status, err = await self.call("settarget", "newTargetValue=1")
        self.assertEqual(status, 1)
        self.assertIn("has no action 'settarget'; did you mean SetTarget?", err)
