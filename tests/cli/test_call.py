"""
Tests for C{coherence-lite call} and C{coherence-lite subscribe}
(L{coherence_lite.cli.call}, L{coherence_lite.cli.subscribe},
L{coherence_lite.cli.target}): options, output, and runs against our
daemon on loopback.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

from twisted.internet import reactor
from twisted.python import usage
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.cli.call import CallOptions, formatResults, runCall
from coherence_lite.cli.main import Options, main
from coherence_lite.cli.subscribe import SubscribeCommand, SubscribeOptions, eventLine
from coherence_lite.cli.target import TargetError, findService, optionsFirst
from coherence_lite.controlpoint.gena import Event
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.model import layout
from coherence_lite.model.description import deviceDescription
from coherence_lite.model.devicefile import loadDevice

from tests.support.netns import ROOT
from tests.support import binaryLight, freeUDPPort, startLoopbackService

LIGHT_FILE = loadDevice(ROOT / "examples" / "binary-light.toml")
LIGHT = LIGHT_FILE.device


def described(device=None) -> RemoteRootDevice:  # type: ignore[no-untyped-def]
    """
    A device as a control point reads it.
    """
    root = parseDescription(deviceDescription(device or binaryLight(), 1), "http://127.0.0.1:1/d.xml")
    assert isinstance(root, RemoteRootDevice)
    return root


class OptionsTests(SynchronousTestCase):
    """
    The options of C{call} and C{subscribe}.
    """

    def test_callArguments(self) -> None:
        """
        name=value arguments are gathered; options may follow them.
        """
        options = Options()
        options.parseOptions(["call", "uuid:x", "SwitchPower", "SetTarget", "newTargetValue=1", "--json", "-i", "lo"])
        call = options.subOptions
        self.assertEqual((call["target"], call["service"], call["action"]), ("uuid:x", "SwitchPower", "SetTarget"))
        self.assertEqual((call["arguments"], call["json"], call["interfaces"]), ({"newTargetValue": "1"}, True, ["lo"]))

    def test_badArguments(self) -> None:
        """
        An argument without '=', one given twice, or too few positionals
        are usage errors, as is a --count below 1.
        """
        for arguments in (["u", "S", "A", "novalue"], ["u", "S", "A", "a=1", "a=2"], ["u", "S"]):
            self.assertRaises(usage.UsageError, CallOptions().parseOptions, arguments)
        self.assertRaises(usage.UsageError, SubscribeOptions().parseOptions, ["u", "S", "--count", "0"])

    def test_optionsFirst(self) -> None:
        """
        Options and their values move before the positionals; nothing
        after -- moves.
        """
        self.assertEqual(
            optionsFirst(["a", "--count", "2", "b", "-v", "--", "-x"], ["count=", "verbose"], "c:v"),
            ["--count", "2", "-v", "a", "b", "--", "-x"],
        )

    def test_commandsListed(self) -> None:
        """
        Without a command, the usage error names every command.
        """
        self.assertEqual(main([]), 2)
        self.assertEqual([name for name, *_ in Options.subCommands], ["search", "call", "subscribe", "check"])


class OutputTests(SynchronousTestCase):
    """
    What C{call} and C{subscribe} print.
    """

    def test_results(self) -> None:
        """
        Text is name=text lines, escaped; JSON has the values (bytes as
        hex, decimals as text).
        """
        results = {"A": ("1", True), "B": ("x\x1b", "x\x1b"), "C": ("00ff", b"\x00\xff"), "D": ("1.5", Decimal("1.5"))}
        self.assertEqual(formatResults(results, False), "A=1\nB=x\\x1b\nC=00ff\nD=1.5\n")
        self.assertEqual(json.loads(formatResults(results, True)), {"A": True, "B": "x\x1b", "C": "00ff", "D": "1.5"})

    def test_eventLine(self) -> None:
        """
        An event is its SEQ, missed events and variables on one line.
        """
        event = Event("uuid:1", 3, (("Status", "1"), ("Level", "5")), {}, 2)
        self.assertEqual(eventLine(event, False), "SEQ 3 (2 missed): Status=1 Level=5\n")
        self.assertEqual(json.loads(eventLine(event, True))["properties"], {"Status": "1", "Level": "5"})


class FindServiceTests(SynchronousTestCase):
    """
    L{findService}.
    """

    def test_byIdTypeOrName(self) -> None:
        """
        A service is found by its serviceId, the id's last part, its type
        or its type's name, in any case.
        """
        root = described(LIGHT)
        service = root.services[0]
        for name in (service.serviceId, "switchpower", service.serviceType, "SwitchPower"):
            self.assertIs(findService(root, name), service)

    def test_unknownOrAmbiguous(self) -> None:
        """
        No match lists the services; several matches ask for a serviceId.
        """
        error = self.assertRaises(TargetError, findService, described(LIGHT), "Dimming")
        self.assertIn("its services: urn:upnp-org:serviceId:SwitchPower", error.reason)
        ambiguous = self.assertRaises(TargetError, findService, described(), "SwitchPower")
        self.assertIn("several services", ambiguous.reason)


class DaemonTests(TestCase):
    """
    C{call} and C{subscribe} against the daemon hosting the BinaryLight.
    """

    timeout = 30

    def setUp(self) -> None:
        self.ssdpPort = freeUDPPort()
        service = startLoopbackService(self, [LIGHT_FILE], self.ssdpPort)
        self.location = f"http://127.0.0.1:{service.web.port}{layout.descriptionPath(LIGHT)}"

    async def call(self, *arguments: str) -> tuple[int, str, str]:
        options = CallOptions()
        options.parseOptions(list(arguments))
        out, err = io.StringIO(), io.StringIO()
        status = await runCall(reactor, options, out, err)
        return status, out.getvalue(), err.getvalue()

    async def test_setAndGet(self) -> None:
        """
        SetTarget with a text boolean, then GetStatus by the device's UUID
        (found by searching loopback), prints the new status.
        """
        self.assertEqual(await self.call(self.location, "SwitchPower", "SetTarget", "newTargetValue=true"), (0, "", ""))
        found = await self.call("-i", "127.0.0.1", "--ssdp-port", str(self.ssdpPort), LIGHT.UDN, "SwitchPower", "GetStatus")
        self.assertEqual(found, (0, "ResultStatus=1\n", ""))

    async def test_refusedValueAndUnknownAction(self) -> None:
        """
        A value not of its type and an unknown action exit 1 with one line
        naming the UPnP error the device would answer (402 for the value).
        """
        status, _, err = await self.call(self.location, "SwitchPower", "SetTarget", "newTargetValue=maybe")
        self.assertEqual((status, err.startswith("coherence-lite call: UPnPError 402:")), (1, True))
        status, _, err = await self.call(self.location, "SwitchPower", "Explode")
        self.assertEqual((status, "UPnPError 401" in err), (1, True))

    async def test_unreachable(self) -> None:
        """
        A LOCATION nothing answers exits 1 with the reason.
        """
        status, _, err = await self.call("http://127.0.0.1:9/d.xml", "SwitchPower", "GetStatus")
        self.assertEqual(status, 1)
        self.assertIn("cannot fetch http://127.0.0.1:9/d.xml", err)

    async def test_unknownUUID(self) -> None:
        """
        A UUID no device answers for exits 1 once --find-timeout is over.
        """
        status, _, err = await self.call(
            "-i", "127.0.0.1", "--ssdp-port", str(self.ssdpPort), "--find-timeout", "1",
            "uuid:00000000-0000-0000-0000-00000000dead", "SwitchPower", "GetStatus",
        )
        self.assertEqual((status, err), (1, "coherence-lite call: no device uuid:00000000-0000-0000-0000-00000000dead answered within 1 s\n"))

    async def test_subscribeCount(self) -> None:
        """
        subscribe --count 1 prints the initial event (SEQ 0) and exits 0,
        having unsubscribed.
        """
        options = SubscribeOptions()
        options.parseOptions([self.location, "SwitchPower", "--count", "1"])
        out, err = io.StringIO(), io.StringIO()
        command = SubscribeCommand(reactor, options, out, err)
        self.assertEqual(await command.run(), 0)
        self.assertEqual(out.getvalue(), "SEQ 0: Status=0\n")
        self.assertIn("subscribed to urn:upnp-org:serviceId:SwitchPower", err.getvalue())
        self.assertEqual(command.subscriber._subscriptions, [])
