"""
The checker end to end (L{coherence_lite.conformance.probe},
C{coherence-lite check}): a deliberately broken fixture device fails
exactly the rules it breaks, the same fixture unbroken and our own daemon
pass every rule, on loopback; and the daemon passes in network namespaces
over IPv4 and IPv6.
"""

from __future__ import annotations

import io
import json
import os
import sys

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent

from coherence_lite.cli.check import CheckOptions, runCheck
from coherence_lite.conformance.findings import FAIL, PASS, RULES
from coherence_lite.conformance.probe import Checker, DeviceReport
from coherence_lite.model.devicefile import loadDevice
from coherence_lite.model.layout import descriptionPath
from coherence_lite.net.interfaces import selectLinks, systemInterfaces, usedLinks

from tests.support.fixture_device import BREAKAGES, FIXTURE, FixtureDevice
from tests.support.netns import ROOT, Topology, run, unavailable
from tests.support.prerequisites import missing
from tests.support import binaryLight, freeTCPPort, freeUDPPort, startLoopbackService

#: Rules nothing on loopback can exercise: no type of version 2, no icons
#: on the fixture; announcements are heard only when a burst is caught, and
#: a byebye only when a device stops or restarts.
OPTIONAL = {"ssdp.version-rule", "ssdp.notify-headers", "ssdp.alive-complete", "ssdp.byebye-then-alive", "description.icons"}


def loopback() -> list:
    """
    The 127.0.0.1 link.
    """
    return usedLinks(selectLinks(systemInterfaces(), ["127.0.0.1"], [], False))


class FixtureTests(TestCase):
    """
    The fixture device, right and broken.
    """

    timeout = 60

    async def check(self, broken: frozenset[str]) -> DeviceReport:
        """
        Check the fixture device broken as C{broken}; return its report.
        """
        port = freeUDPPort()
        device = FixtureDevice(port, broken)
        device.start()
        self.addCleanup(device.stop)
        [report] = await Checker(reactor, loopback(), Agent(reactor), ssdpPort=port, mx=1, roundWait=1.0).run(uuid=FIXTURE.UDN)
        return report

    async def test_brokenFixtureFailsExactlyTheRulesItBreaks(self) -> None:
        """
        No namespace, ST not echoed, no EXT, MX ignored, faults without
        UPnPError and no initial event fail exactly their rules, and
        nothing else fails or warns.
        """
        report = await self.check(BREAKAGES)
        failed = {f.rule for f in report.findings if f.level == FAIL}
        self.assertEqual(
            failed,
            {
                "description.namespace",
                "ssdp.st-echoed",
                "ssdp.response-headers",
                "ssdp.mx-spread",
                "control.invalid-args",
                "control.invalid-action",
                "eventing.initial-event",
            },
        )
        self.assertEqual([f for f in report.findings if f.level not in (PASS, FAIL)], [])
        [echo] = [f for f in report.findings if f.rule == "ssdp.st-echoed"]
        self.assertIn(f"searched uuid:{FIXTURE.uuid.upper()}, answered ST {FIXTURE.UDN}", echo.seen)

    async def test_rightFixturePassesEveryRule(self) -> None:
        """
        Unbroken, the fixture passes every rule it can be checked on (the
        MediaServer and quirk rules are for a device with a
        ContentDirectory: tests.system.test_media_check and
        test_media_quirks).
        """
        report = await self.check(frozenset())
        self.assertEqual([(f.rule, f.level, f.seen) for f in report.findings if f.level != PASS], [])
        media = {rule for rule, each in RULES.items() if each.section in ("media", "quirks")}
        self.assertEqual(set(RULES) - media - {f.rule for f in report.findings}, OPTIONAL)


class DaemonTests(TestCase):
    """
    Our own daemon on loopback.
    """

    timeout = 60

    async def test_daemonPassesEveryRule(self) -> None:
        """
        The BinaryLight example, hosted by the daemon, passes every rule,
        and C{check --json} says so with exit status 0.
        """
        port = freeUDPPort()
        read = loadDevice(ROOT / "examples" / "binary-light.toml")
        device = read.device
        startLoopbackService(self, [read], port)
        options = CheckOptions()
        options.parseOptions(["-i", "127.0.0.1", "--ssdp-port", str(port), "--uuid", device.UDN, "--json"])
        out, err = io.StringIO(), io.StringIO()
        status = await runCheck(reactor, options, out, err)
        report = json.loads(out.getvalue())
        [checked] = report["devices"]
        self.assertEqual([(f["rule"], f["level"], f["seen"]) for f in checked["findings"] if f["level"] != PASS], [])
        self.assertEqual((status, report["status"], checked["device"]["UDN"]), (0, "pass", device.UDN))
        self.assertLessEqual(set(checked["notChecked"]), OPTIONAL)

    async def test_versionRuleOnTheDaemon(self) -> None:
        """
        A search for BinaryLight:1 finds a version-1 and a version-2 light
        on the daemon; both pass every rule, the version-2 one the version
        rule (its device and service types searched as version 1) too.
        """
        port = freeUDPPort()
        read, newer = loadDevice(ROOT / "examples" / "binary-light.toml"), binaryLight(version=2)
        older = read.device
        startLoopbackService(self, [read, newer], port)
        reports = await Checker(reactor, loopback(), Agent(reactor), ssdpPort=port).run(st="urn:schemas-upnp-org:device:BinaryLight:1")
        self.assertEqual(sorted(r.root.UDN for r in reports if r.root is not None), sorted([older.UDN, newer.UDN]))
        for report in reports:
            self.assertEqual([(f.rule, f.level, f.seen) for f in report.findings if f.level != PASS], [])
        [version2] = [r for r in reports if r.root is not None and r.root.UDN == newer.UDN]
        self.assertIn("ssdp.version-rule", {f.rule for f in version2.findings})

    async def test_watchHearsTheStartingDaemonsAnnouncements(self) -> None:
        """
        With a watch, a daemon started meanwhile is heard announcing: its
        alive burst passes the NOTIFY header and completeness rules, with
        the same BOOTID and CONFIGID as its answers.
        """
        port, httpPort = freeUDPPort(), freeTCPPort()
        read = loadDevice(ROOT / "examples" / "binary-light.toml")
        device = read.device
        location = f"http://127.0.0.1:{httpPort}{descriptionPath(device)}"
        checking = Deferred.fromCoroutine(Checker(reactor, loopback(), Agent(reactor), ssdpPort=port).run(location=location, watch=2.0))
        await deferLater(reactor, 0.3, lambda: None)
        startLoopbackService(self, [read], port, httpPort=httpPort)
        [report] = await checking
        self.assertEqual([(f.rule, f.level, f.seen) for f in report.findings if f.level != PASS], [])
        checked = {f.rule for f in report.findings}
        self.assertLessEqual({"ssdp.notify-headers", "ssdp.alive-complete", "ssdp.ids"}, checked)

    async def test_nothingFoundIsAFailure(self) -> None:
        """
        A UUID nobody answers for is one FAIL (ssdp.found) and exit
        status 1.
        """
        options = CheckOptions()
        options.parseOptions(["-i", "127.0.0.1", "--ssdp-port", str(freeUDPPort()), "--uuid", "uuid:00000000-0000-0000-0000-00000000dead", "--mx", "1"])
        out = io.StringIO()
        self.assertEqual(await runCheck(reactor, options, out, io.StringIO()), 1)
        self.assertIn("FAIL ssdp.found", out.getvalue())


class OptionsTests(SynchronousTestCase):
    """
    C{check}'s options.
    """

    def test_oneWayToChoose(self) -> None:
        """
        --st, --location and --uuid exclude each other; values are checked.
        """
        for arguments in (["--st", "ssdp:all", "--uuid", "x"], ["--location", "ftp://x/"], ["--mx", "9"], ["--st", "bad target"]):
            self.assertRaises(Exception, CheckOptions().parseOptions, arguments)
        options = CheckOptions()
        options.parseOptions(["-i", "eth0", "--st", "upnp:rootdevice"])
        self.assertEqual((options["interfaces"], options["st"]), (["eth0"], "upnp:rootdevice"))


class NamespaceTests(SynchronousTestCase):
    """
    The daemon in a device namespace, checked from a client namespace over
    a veth link, IPv4 and IPv6.
    """

    def setUp(self) -> None:
        reason = unavailable()
        if reason is not None:
            missing(reason)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        [self.client] = self.topology.clients
        self.topology.startDaemon(
            "--config", str(ROOT / "examples" / "binary-light.toml"), stateDirectory=os.path.abspath(self.mktemp())
        )

    def check(self, address: str) -> dict:
        """
        Run C{coherence-lite check} in the client namespace on the link of
        C{address}; it must exit 0; return its JSON report.
        """
        completed = run(
            "ip", "netns", "exec", self.client.namespace,
            sys.executable, "-c", "import sys; from coherence_lite.cli.main import main; sys.exit(main())",
            "check", "-i", address, "--st", "upnp:rootdevice", "--json", check=False, timeout=60,
        )
        self.assertEqual(completed.returncode, 0, completed.stdout[-3000:])
        return json.loads(completed.stdout)

    def test_ipv4(self) -> None:
        """
        Over IPv4 every rule passes, the LOCATION being on the link's
        subnet.
        """
        [device] = self.check(self.client.address)["devices"]
        self.assertEqual([f for f in device["findings"] if f["level"] != PASS], [])
        self.assertIn(f"http://{self.client.deviceAddress}:", device["device"]["location"])

    def test_ipv6(self) -> None:
        """
        Over IPv6 every rule passes, CallStranger included (the callback
        on the link is accepted, the documentation address refused).
        """
        [device] = self.check(self.client.address6)["devices"]
        self.assertEqual([f for f in device["findings"] if f["level"] != PASS], [])
        self.assertIn(f"http://[{self.client.deviceAddress6}]:", device["device"]["location"])
        self.assertIn("eventing.callstranger", {f["rule"] for f in device["findings"]})
