# -*- test-case-name: tests.system.test_cli -*-
"""
Tests for the C{coherence-lite} command (L{coherence_lite.cli.main}) and
its output (L{coherence_lite.cli.report}): option parsing,
formatting, a search run over a fake control point, and the acceptance
test: C{coherence-lite search} finds a device our own daemon hosts on
loopback, both run as subprocesses.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from twisted.internet import defer, reactor
from twisted.internet.defer import Deferred, succeed
from twisted.internet.protocol import ProcessProtocol
from twisted.internet.task import Clock
from twisted.python.failure import Failure
from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite import __version__
from coherence_lite.cli.main import Options, main
from coherence_lite.cli.search import SearchCommand, SearchOptions
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.model.device import LOCAL
from coherence_lite.cli.report import ADDED, REMOVED, describeDevices, deviceLine, devicesJSON, eventJSON
from coherence_lite.controlpoint.targets import matchesTarget
from coherence_lite.model.xmltext import safeText
from coherence_lite.model.description import deviceDescription
from coherence_lite.errors import StartupError
from coherence_lite.tap import Options as TapOptions

from tests.support import binaryLight, freeUDPPort, jambon

ROOT = Path(__file__).resolve().parents[2]
LIGHT_URL = "http://192.168.1.20:49152/11111111-2222-3333-4444-555555555555/description.xml"
JAMBON_URL = "http://192.168.1.30:8080/jambon/description.xml"
SERVER = "Linux/6 UPnP/1.1 test/1"


def light(**changes: Any) -> RemoteRootDevice:
    root = parseDescription(deviceDescription(binaryLight(), 1), LIGHT_URL)
    assert isinstance(root, RemoteRootDevice)
    return replace(root, server=SERVER, host="192.168.1.20", **changes)


def ham(**changes: Any) -> RemoteRootDevice:
    root = parseDescription(deviceDescription(jambon(), 1), JAMBON_URL)
    assert isinstance(root, RemoteRootDevice)
    return replace(root, **changes)


class OptionsTests(SynchronousTestCase):
    """
    L{Options} and L{SearchOptions}, parsed in this process.
    """

    def parse(self, *arguments: str) -> SearchOptions:
        """
        Parse C{search} with C{arguments}; return the search's options.
        """
        options = Options()
        options.parseOptions(["search", *arguments])
        return options.subOptions  # type: ignore[no-any-return]

    def test_defaults(self) -> None:
        """
        Without options a search is for ssdp:all with MX 2 for 5 seconds on SSDP port 1900, every
        interface, rescanning every 120 seconds, as text.
        """
        options = self.parse()
        self.assertEqual(
            (options["st"], options["mx"], options["timeout"], options["watch"], options["json"], options["ssdp-port"]),
            ("ssdp:all", 2, 5.0, False, False, 1900),
        )
        self.assertEqual((options["interfaces"], options["exclude"], options["rescan-interval"]), ([], [], 120.0))

    def test_interfacesAreRepeatable(self) -> None:
        """
        C{--interface}, C{-i} and C{--exclude-interface} can be given several times, in order.
        """
        options = self.parse("--interface", "eth0", "-i", "127.0.0.1", "--exclude-interface", "docker*")
        self.assertEqual(options["interfaces"], ["eth0", "127.0.0.1"])
        self.assertEqual(options["exclude"], ["docker*"])

    def test_gssdpDiscoverShortOptions(self) -> None:
        """
        The short options of gssdp-discover and upnp-client mean the same here.
        """
        options = self.parse("-t", "upnp:rootdevice", "-n", "2.5", "-r", "30", "-w")
        self.assertEqual((options["st"], options["timeout"], options["rescan-interval"], options["watch"]), ("upnp:rootdevice", 2.5, 30.0, True))

    def test_watchRunsUntilStoppedUnlessATimeoutIsGiven(self) -> None:
        """
        With C{--watch} there is no timeout unless one is given.
        """
        self.assertIsNone(self.parse("--watch")["timeout"])
        self.assertEqual(self.parse("--watch", "--timeout", "60")["timeout"], 60.0)

    def test_badValuesAreUsageErrors(self) -> None:
        """
        Bad search targets, MX, timeouts, ports and rescan intervals, and unknown options, are usage
        errors.
        """
        for arguments in (
            ("--st", "nonsense"),
            ("--st", "urn:x y"),
            ("--mx", "0"),
            ("--mx", "6"),
            ("--mx", "two"),
            ("--timeout", "0"),
            ("--timeout", "-3"),
            ("--ssdp-port", "0"),
            ("--ssdp-port", "70000"),
            ("--rescan-interval", "5"),
            ("--no-such-option",),
        ):
            self.assertRaises(UsageError, self.parse, *arguments)

    def test_networkOptionsAreTheDaemons(self) -> None:
        """
        The options choosing the links are the daemon's, parsed the same
        way, and refuse the same values with the same message.
        """
        arguments = ["-i", "eth0", "--exclude-interface", "tun*", "--no-ipv6", "--ssdp-port", "1901"]
        daemon = TapOptions()
        daemon.parseOptions(arguments)
        search = self.parse(*arguments)
        keys = ("interfaces", "exclude", "no-ipv6", "ssdp-port")
        self.assertEqual([search[key] for key in keys], [daemon[key] for key in keys])
        searchError = self.assertRaises(UsageError, self.parse, "--ssdp-port", "0")
        daemonError = self.assertRaises(UsageError, TapOptions().parseOptions, ["--ssdp-port", "0"])
        self.assertEqual(str(searchError), str(daemonError))

    def test_aCommandIsNeeded(self) -> None:
        """
        The command alone, without a subcommand, is a usage error.
        """
        self.assertRaises(UsageError, Options().parseOptions, [])


class MainTests(SynchronousTestCase):
    """
    L{main}'s exit statuses and messages for what ends before searching.
    """

    def setUp(self) -> None:
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        self.patch(sys, "stdout", self.stdout)
        self.patch(sys, "stderr", self.stderr)

    def test_badOptionIsOneLineAndStatus2(self) -> None:
        """
        A bad option is one error line on stderr naming the command and the option, and status 2.
        """
        self.assertEqual(main(["search", "--mx", "9"]), 2)
        [line] = self.stderr.getvalue().splitlines()
        self.assertIn("coherence-lite search: error:", line)
        self.assertIn("--mx", line)
        self.assertEqual(self.stdout.getvalue(), "")

    def test_noCommandIsStatus2(self) -> None:
        """
        No command is status 2 with a message saying one is needed.
        """
        self.assertEqual(main([]), 2)
        self.assertIn("a command is needed", self.stderr.getvalue())

    def test_unknownCommandIsStatus2(self) -> None:
        """
        An unknown command is status 2 with one error line.
        """
        self.assertEqual(main(["browse"]), 2)
        self.assertEqual(len(self.stderr.getvalue().splitlines()), 1)

    def test_version(self) -> None:
        """
        C{--version} prints the program and its version and exits with status 0.
        """
        self.assertEqual(main(["--version"]), 0)
        self.assertEqual(self.stdout.getvalue(), f"coherence-lite {__version__}\n")

    def test_helpListsTheOptions(self) -> None:
        """
        C{search --help} exits with status 0 and lists the search options.
        """
        self.assertEqual(main(["search", "--help"]), 0)
        for option in ("--interface", "--ssdp-port", "--st", "--mx", "--timeout", "--watch", "--json", "--rescan-interval"):
            self.assertIn(option, self.stdout.getvalue())


class SafeTextTests(SynchronousTestCase):
    """
    L{safeText}: received text made safe for a terminal.
    """

    def test_controlAndBidiCharactersAreEscaped(self) -> None:
        """
        Terminal control, C1 and bidirectional override characters, line breaks and backslashes are
        escaped.
        """
        self.assertEqual(safeText("Lamp\x1b[2J"), "Lamp\\x1b[2J")
        self.assertEqual(safeText("a\x9b2Jb"), "a\\x9b2Jb")
        self.assertEqual(safeText("evil\u202egnp.exe"), "evil\\u202egnp.exe")
        self.assertEqual(safeText("two\nlines\r"), "two\\x0alines\\x0d")
        self.assertEqual(safeText("back\\slash"), "back\\\\slash")

    def test_ordinaryTextIsKept(self) -> None:
        """
        Printable text in any script is kept as it is.
        """
        self.assertEqual(safeText("Boucherie numérique SAS — 北京"), "Boucherie numérique SAS — 北京")

    def test_longTextIsCut(self) -> None:
        """
        Text over 200 characters is cut with an ellipsis; None is empty.
        """
        self.assertEqual(safeText("x" * 300), "x" * 200 + "...")
        self.assertEqual(safeText(None), "")


class ReportTests(SynchronousTestCase):
    """
    The text and JSON the command prints.
    """

    def test_listingShowsTheTreeIndented(self) -> None:
        """
        The listing shows a root device's fields, services and embedded devices, indented by level.
        """
        self.assertEqual(
            describeDevices([light()]),
            "Lamp\n"
            "  type:         urn:schemas-upnp-org:device:BinaryLight:1\n"
            f"  location:     {LIGHT_URL}\n"
            "  udn:          uuid:11111111-2222-3333-4444-555555555555\n"
            f"  server:       {SERVER}\n"
            "  manufacturer: coherence-lite tests\n"
            "  model:        Lamp\n"
            "  services:\n"
            "    urn:schemas-upnp-org:service:SwitchPower:1 (urn:upnp-org:serviceId:SwitchPower)\n"
            "  devices:\n"
            "    Lamp dimmer\n"
            "      type:         urn:schemas-upnp-org:device:DimmableLight:1\n"
            "      udn:          uuid:66666666-7777-8888-9999-000000000000\n"
            "      manufacturer: coherence-lite tests\n"
            "      model:        Dimmer\n"
            "      services:\n"
            "        urn:schemas-upnp-org:service:SwitchPower:1 (urn:upnp-org:serviceId:SwitchPower)\n",
        )

    def test_devicesAreSeparatedAndLocalOnesMarked(self) -> None:
        """
        Devices are separated by a blank line and those hosted here are marked local.
        """
        text = describeDevices([ham(manifestation=LOCAL), light()])
        self.assertIn("\n\nLamp\n", text)
        self.assertIn("  hosted:       here (local)\n", text)
        self.assertIn("  model:        Jambon 3000\n", text)

    def test_receivedTextCannotControlTheTerminal(self) -> None:
        """
        Escape sequences in a remote device's name are printed escaped.
        """
        text = describeDevices([light(friendlyName="Lamp\x1b]0;owned\x07")])
        self.assertNotIn("\x1b", text)
        self.assertTrue(text.startswith("Lamp\\x1b]0;owned\\x07\n"))

    def test_watchLines(self) -> None:
        """
        Watch lines start with + or - and give name, type, LOCATION and UDN.
        """
        self.assertEqual(
            deviceLine(ADDED, light()),
            f"+  Lamp  urn:schemas-upnp-org:device:BinaryLight:1  {LIGHT_URL}  uuid:11111111-2222-3333-4444-555555555555\n",
        )
        self.assertTrue(deviceLine(REMOVED, light()).startswith("-  Lamp  "))

    def test_json(self) -> None:
        """
        The JSON listing holds each device's fields, services and embedded devices, and an event is
        one JSON line.
        """
        [data] = json.loads(devicesJSON([light()]))
        self.assertEqual(data["friendlyName"], "Lamp")
        self.assertEqual(data["location"], LIGHT_URL)
        self.assertEqual(data["server"], SERVER)
        self.assertEqual(data["services"][0]["serviceType"], "urn:schemas-upnp-org:service:SwitchPower:1")
        self.assertEqual(data["devices"][0]["friendlyName"], "Lamp dimmer")
        self.assertEqual(json.loads(devicesJSON([])), [])
        line = eventJSON(REMOVED, light())
        self.assertEqual(line.count("\n"), 1)
        self.assertEqual(json.loads(line)["event"], "removed")

    def test_searchTargetsMatchAsUDASays(self) -> None:
        """
        A device tree matches ssdp:all, upnp:rootdevice, its UDNs and its device and service types,
        and nothing else.
        """
        root = light()
        for target in (
            "ssdp:all",
            "upnp:rootdevice",
            "uuid:66666666-7777-8888-9999-000000000000",
            "UUID:11111111-2222-3333-4444-555555555555",
            "urn:schemas-upnp-org:device:BinaryLight:1",
            "urn:schemas-upnp-org:device:DimmableLight:1",
            "urn:schemas-upnp-org:service:SwitchPower:1",
        ):
            self.assertTrue(matchesTarget(root, target), target)
        for target in (
            "uuid:00000000-0000-0000-0000-000000000000",
            "urn:schemas-upnp-org:device:BinaryLight:2",
            "urn:schemas-upnp-org:device:MediaServer:1",
            "urn:schemas-upnp-org:service:SwitchPower:2",
            "urn:Belkin:device:**",
        ):
            self.assertFalse(matchesTarget(root, target), target)


class FakeTracker:
    """
    Stands for a control point's tracker: observers and pending fetches.
    """

    def __init__(self) -> None:
        self.observers: list[Any] = []
        self.pending: list[str] = []

    def addObserver(self, observer: Any) -> None:
        self.observers.append(observer)

    def removeObserver(self, observer: Any) -> None:
        if observer in self.observers:
            self.observers.remove(observer)

    def pendingLocations(self) -> list[str]:
        return list(self.pending)


class FakeControlPoint:
    """
    Stands for a L{ControlPoint}: the test decides what it finds.
    """

    def __init__(self, devices: list[RemoteRootDevice] = [], startupError: str | None = None) -> None:
        self.tracker = FakeTracker()
        self.found = list(devices)
        self.startupError = startupError
        self.running = False

    def startService(self) -> None:
        if self.startupError is not None:
            raise StartupError(self.startupError)
        self.running = True

    def stopService(self) -> Deferred[None]:
        self.running = False
        return succeed(None)

    def devices(self) -> list[RemoteRootDevice]:
        return list(self.found)


class SearchCommandTests(SynchronousTestCase):
    """
    L{SearchCommand} over a L{FakeControlPoint} on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()

    def command(self, controlPoint: FakeControlPoint, **kwargs: Any) -> SearchCommand:
        return SearchCommand(self.clock, controlPoint, self.stdout, self.stderr, **kwargs)  # type: ignore[arg-type]

    def test_listsTheDevicesFoundWhenTheTimeIsUp(self) -> None:
        """
        The devices found are listed, sorted by name, once the timeout is up, and the control point
        is stopped.
        """
        controlPoint = FakeControlPoint([light(), ham()])
        done = self.command(controlPoint, timeout=3).run()
        self.assertTrue(controlPoint.running)
        self.clock.advance(2.9)
        self.assertNoResult(done)
        self.assertEqual(self.stdout.getvalue(), "")
        self.clock.advance(0.1)
        self.assertEqual(self.successResultOf(done), 0)
        self.assertFalse(controlPoint.running)
        self.assertEqual(self.stdout.getvalue(), describeDevices([ham(), light()]))
        self.assertEqual(self.stderr.getvalue(), "")

    def test_nothingFoundSaysSoOnStderrAndSucceeds(self) -> None:
        """
        When nothing is found, stderr says so and the status is 0.
        """
        done = self.command(FakeControlPoint([]), timeout=1).run()
        self.clock.advance(1)
        self.assertEqual(self.successResultOf(done), 0)
        self.assertEqual(self.stdout.getvalue(), "")
        self.assertEqual(self.stderr.getvalue(), "no devices found\n")

    def test_json(self) -> None:
        """
        With JSON, the devices found are printed as one JSON array.
        """
        done = self.command(FakeControlPoint([light()]), timeout=1, asJSON=True).run()
        self.clock.advance(1)
        self.assertEqual(self.successResultOf(done), 0)
        [device] = json.loads(self.stdout.getvalue())
        self.assertEqual(device["UDN"], "uuid:11111111-2222-3333-4444-555555555555")

    def test_onlyDevicesMatchingTheTargetAreListed(self) -> None:
        """
        Only the devices matching the search target are listed.
        """
        done = self.command(FakeControlPoint([light(), ham()]), timeout=1, searchTarget="urn:schemas-upnp-org:service:SwitchPower:1").run()
        self.clock.advance(1)
        self.successResultOf(done)
        self.assertIn("Lamp", self.stdout.getvalue())
        self.assertNotIn("Jambon", self.stdout.getvalue())

    def test_watchPrintsComingsAndGoingsUntilStopped(self) -> None:
        """
        With watch, each device added or removed is printed as it happens, until stopped, and the
        observer is removed.
        """
        controlPoint = FakeControlPoint()
        command = self.command(controlPoint, timeout=None, watch=True)
        done = command.run()
        [observer] = controlPoint.tracker.observers
        observer.deviceAdded(light())
        observer.deviceAdded(ham())
        observer.deviceRemoved(light())
        self.clock.advance(10_000)
        self.assertNoResult(done)
        self.successResultOf(command.stop())
        self.assertEqual(self.successResultOf(done), 0)
        self.assertEqual(
            self.stdout.getvalue(),
            deviceLine(ADDED, light()) + deviceLine(ADDED, ham()) + deviceLine(REMOVED, light()),
        )
        self.assertEqual(self.stderr.getvalue(), "")
        self.assertEqual(controlPoint.tracker.observers, [])
        self.successResultOf(command.stop())

    def test_watchJSONIsOneObjectPerLine(self) -> None:
        """
        With watch and JSON, each event is one JSON object per line.
        """
        controlPoint = FakeControlPoint()
        command = self.command(controlPoint, timeout=None, watch=True, asJSON=True)
        command.run()
        controlPoint.tracker.observers[0].deviceAdded(light())
        controlPoint.tracker.observers[0].deviceRemoved(light())
        command.stop()
        events = [json.loads(line) for line in self.stdout.getvalue().splitlines()]
        self.assertEqual([event["event"] for event in events], ["added", "removed"])

    def test_startupErrorIsOneLineAndStatus1(self) -> None:
        """
        A control point that cannot start is one line on stderr and status 1.
        """
        command = self.command(FakeControlPoint(startupError="no usable network interface"), timeout=1)
        self.assertEqual(self.successResultOf(command.run()), 1)
        self.assertEqual(self.stderr.getvalue(), "coherence-lite search: no usable network interface\n")
        self.successResultOf(command.stop())
        self.assertEqual(self.stdout.getvalue(), "")

    def test_descriptionsStillBeingFetchedAreNoted(self) -> None:
        """
        Descriptions still being fetched when the time is up are noted on stderr.
        """
        controlPoint = FakeControlPoint()
        controlPoint.tracker.pending = [LIGHT_URL]
        done = self.command(controlPoint, timeout=1).run()
        self.clock.advance(1)
        self.successResultOf(done)
        self.assertIn(f"no description from {LIGHT_URL} in time", self.stderr.getvalue())


# The acceptance test: real processes on loopback.


def environment() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))


class Process(ProcessProtocol):
    """
    A subprocess whose output can be waited for.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.output = ""
        self.errors = ""
        self.ended: Deferred[int | None] = Deferred()
        self._waiters: list[tuple[str, Deferred[str]]] = []

    def spawn(self, *arguments: str) -> "Process":
        """
        Run this checkout's Python with C{arguments}.
        """
        return self.spawnCommand(sys.executable, *arguments)

    def spawnCommand(self, *command: str) -> "Process":
        """
        Run C{command} (its first word found on C{PATH}) from this checkout.
        """
        reactor.spawnProcess(self, command[0], list(command), env=environment(), path=str(ROOT))
        return self

    def outReceived(self, data: bytes) -> None:
        self.output += data.decode("utf-8", "replace")
        for waiter in list(self._waiters):
            text, d = waiter
            if text in self.output:
                self._waiters.remove(waiter)
                d.callback(self.output)

    def errReceived(self, data: bytes) -> None:
        self.errors += data.decode("utf-8", "replace")

    def processEnded(self, reason: Failure) -> None:
        for _, d in self._waiters:
            d.errback(AssertionError(f"{self.name} ended before printing what was awaited:\n{self.output}{self.errors}"))
        self._waiters = []
        self.ended.callback(getattr(reason.value, "exitCode", None))

    def waitFor(self, text: str, timeout: float) -> Deferred[str]:
        """
        Fire with the output once C{text} was printed; fail after C{timeout}
        seconds.
        """
        if text in self.output:
            return succeed(self.output)
        d: Deferred[str] = Deferred()
        self._waiters.append((text, d))

        def tooLate(failure: Failure) -> Failure:
            failure.trap(defer.TimeoutError)
            raise AssertionError(f"{self.name} did not print {text!r} within {timeout} s:\n{self.output}{self.errors}")

        return d.addTimeout(timeout, reactor).addErrback(tooLate)

    def stop(self) -> Deferred[int | None]:
        """
        SIGTERM by PID, SIGKILL after 10 s if it is still running; fire once
        it ended.
        """
        if self.ended.called:
            return self.ended
        self.transport.signalProcess("TERM")  # type: ignore[union-attr]

        def kill() -> None:
            if not self.ended.called:
                self.transport.signalProcess("KILL")  # type: ignore[union-attr]

        call = reactor.callLater(10, kill)
        self.ended.addBoth(lambda result: (call.cancel() if call.active() else None, result)[1])
        return self.ended


HOSTING = re.compile(r"Hosting (?P<name>.+?) \((?P<udn>uuid:[^)]+)\) at (?P<location>\S+)")


class LoopbackSearchTests(TestCase):
    """
    The issue's acceptance test: the C{search} command finds a device
    hosted by our own daemon, both real processes on 127.0.0.1 and a free
    SSDP port.
    """

    timeout = 90

    def setUp(self) -> None:
        self.ssdpPort = freeUDPPort()

    def daemon(self) -> Process:
        process = Process("the daemon").spawn(
            "-c",
            "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            "-n",
            "--pidfile=",
            "--logfile=-",
            "upnp-device",
            "--interface",
            "127.0.0.1",
            "--ssdp-port",
            str(self.ssdpPort),
            "--state-dir",
            os.path.abspath(self.mktemp()),
            "--config",
            "examples/binary-light.toml",
        )
        self.addCleanup(process.stop)
        return process

    def search(self, *arguments: str) -> Process:
        process = Process("the search").spawn(
            "-m", "coherence_lite", "search", "--interface", "127.0.0.1", "--ssdp-port", str(self.ssdpPort), *arguments
        )
        self.addCleanup(process.stop)
        return process

    @defer.inlineCallbacks
    def test_searchFindsTheDeviceOurDaemonHosts(self):
        """
        The search command finds the device our daemon hosts on loopback, as text and as JSON, with
        its LOCATION, UDN, SERVER and services.
        """
        daemon = self.daemon()
        log = yield daemon.waitFor("Hosting", 15)
        hosting = HOSTING.search(log)
        assert hosting is not None, log
        self.assertEqual(hosting["name"], "coherence-lite light")

        search = self.search("--timeout", "3")
        status = yield search.ended
        self.assertEqual(status, 0, search.errors)
        output = search.output
        self.assertTrue(output.startswith("coherence-lite light\n"), output)
        self.assertIn("  type:         urn:schemas-upnp-org:device:BinaryLight:1\n", output)
        self.assertIn(f"  location:     {hosting['location']}\n", output)
        self.assertIn(f"  udn:          {hosting['udn']}\n", output)
        self.assertIn(f"coherence-lite/{__version__}", output)
        self.assertIn("    urn:schemas-upnp-org:service:SwitchPower:1 (urn:upnp-org:serviceId:SwitchPower)\n", output)
        self.assertEqual(search.errors, "")

        search = self.search("--timeout", "3", "--json", "--st", "urn:schemas-upnp-org:device:BinaryLight:1")
        status = yield search.ended
        self.assertEqual(status, 0, search.errors)
        [device] = json.loads(search.output)
        self.assertEqual(
            (device["friendlyName"], device["location"], device["UDN"]),
            ("coherence-lite light", hosting["location"], hosting["udn"]),
        )
        self.assertEqual(
            [(s["serviceType"], s["serviceId"]) for s in device["services"]],
            [("urn:schemas-upnp-org:service:SwitchPower:1", "urn:upnp-org:serviceId:SwitchPower")],
        )

    @defer.inlineCallbacks
    def test_watchSeesTheDaemonComeAndGo(self):
        """
        The watching search prints a + line when the daemon starts and a - line when it stops.
        """
        watch = self.search("--watch")
        # The watcher must be listening before the daemon announces; its
        # search of an empty network finds nothing meanwhile.
        daemon = self.daemon()
        log = yield daemon.waitFor("Hosting", 15)
        hosting = HOSTING.search(log)
        assert hosting is not None, log
        yield watch.waitFor("+  coherence-lite light  ", 15)
        yield daemon.stop()
        yield watch.waitFor("-  coherence-lite light  ", 15)
        status = yield watch.stop()
        self.assertEqual(status, 0, watch.errors)
        [added, removed] = watch.output.splitlines()
        self.assertEqual(
            added,
            f"+  coherence-lite light  urn:schemas-upnp-org:device:BinaryLight:1  {hosting['location']}  {hosting['udn']}",
        )
        self.assertEqual(removed, "-" + added[1:])

    @defer.inlineCallbacks
    def test_nothingOnTheNetworkIsStatus0WithANote(self):
        """
        A search finding nothing prints nothing, notes it on stderr and exits with status 0.
        """
        search = self.search("--timeout", "1")
        status = yield search.ended
        self.assertEqual(status, 0, search.errors)
        self.assertEqual(search.output, "")
        self.assertEqual(search.errors, "no devices found\n")
