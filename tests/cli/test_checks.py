# -*- test-case-name: tests.cli.test_checks -*-
"""
Tests for the mistakes a user makes with C{twistd upnp-device}: each is one
line naming the option (or file) and what is wrong, with exit status 2 and
no usage dump; for C{--version}, C{--config} (repeatable) and
C{--config-dir}; and for what the launching twistd checks before it forks
a daemon (L{startProblem}), with real sockets on loopback.
"""

from __future__ import annotations

import io
import socket
from dataclasses import replace
from pathlib import Path

from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite import __version__
from coherence_lite.cli.checks import startProblem, unknownInterfaces
from coherence_lite.host.settings import HostSettings
from coherence_lite.host.udn import derivedUDN, fileOrigin
from coherence_lite.net.interfaces import InterfaceReport
from coherence_lite.tap import Options
from tests.host.test_sources import deviceFile
from tests.support import freeTCPPort, freeUDPPort, link
from tests.test_tap import MACHINE, fakeInterfaces, twistd


def parse(*arguments: str) -> Options:
    """
    Parse C{arguments} in this process, with made-up interfaces and identity.
    """
    options = Options(systemInterfaces=fakeInterfaces, identity=lambda stateDirectory: MACHINE)
    options.parseOptions(list(arguments))
    return options


class OneLineErrorTests(SynchronousTestCase):
    """
    Usage errors under a real twistd: one line on stderr, exit status 2.
    """

    def assertOneLine(self, *arguments: str) -> str:
        """
        Run twistd with C{arguments}; check it exits 2 with one line on
        stderr and nothing on stdout; return the line.
        """
        result = twistd("-n", "upnp-device", *arguments)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("twistd upnp-device: "), lines[0])
        return lines[0]

    def test_portOutOfRangeSaysTheRange(self) -> None:
        """
        C{--http-port 99999} names the option and the allowed values.
        """
        line = self.assertOneLine("--http-port", "99999")
        self.assertIn("--http-port must be a port number from 1 to 65535, or 0", line)
        self.assertIn("99999", line)

    def test_dashNAfterTheCommandExplainsWhereItGoes(self) -> None:
        """
        C{twistd upnp-device -n} says -n is --friendly-name there, and where
        twistd's -n goes.
        """
        line = self.assertOneLine("-n")
        self.assertIn("--friendly-name", line)
        self.assertIn("twistd -n upnp-device", line)

    def test_strayWordIsRefusedWithTheDashNHint(self) -> None:
        """
        C{twistd upnp-device -n --state-dir DIR} (meant as twistd's -n) takes
        C{--state-dir} as the name and refuses the stray DIR, with the hint.
        """
        line = self.assertOneLine("-n", "--state-dir", "somewhere")
        self.assertIn("unexpected argument 'somewhere'", line)
        self.assertIn("twistd -n upnp-device", line)

    def test_unknownInterfaceIsRefused(self) -> None:
        """
        C{--interface eth9} (no such interface) is refused at once instead of
        waiting for ever.
        """
        line = self.assertOneLine("--interface", "cl-no-such-if9", "--state-dir", self.mktemp())
        self.assertIn("--interface cl-no-such-if9: no such interface", line)

    def test_badDeviceFileNamesIt(self) -> None:
        """
        A device file that is not there is one line naming it.
        """
        missing = str(Path(self.mktemp()).absolute())
        line = self.assertOneLine("--config", missing, "--state-dir", self.mktemp())
        self.assertIn(missing, line)

    def test_versionIsOurs(self) -> None:
        """
        C{twistd upnp-device --version} prints coherence-lite's version.
        """
        result = twistd("upnp-device", "--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith(f"coherence-lite {__version__} (Twisted "), result.stdout)


class InProcessTests(SynchronousTestCase):
    """
    The same checks, parsed in this process.
    """

    def test_calledDirectlyAUsageErrorIsRaised(self) -> None:
        """
        Outside twistd (no parent command), errors stay L{UsageError}s.
        """
        error = self.assertRaises(UsageError, parse, "--http-port", "99999")
        self.assertIn("--http-port", str(error))

    def test_unknownInterfaceOrAddress(self) -> None:
        """
        Names and addresses no interface has are reported; known names,
        names without an address, and addresses of an interface are not.
        """
        self.assertEqual(
            unknownInterfaces(["eth0", "eth9", "192.168.1.10", "10.9.9.9", "wlan0"], fakeInterfaces(), ["wlan0"]),
            ["eth9", "10.9.9.9"],
        )
        self.assertRaises(UsageError, parse, "--interface", "eth9")

    def test_configIsRepeatable(self) -> None:
        """
        C{--config a --config b} hosts both devices, in order.
        """
        folder = Path(self.mktemp())
        a, b = deviceFile(folder / "a.toml", "A"), deviceFile(folder / "b.toml", "B")
        options = parse("--config", str(a), "-c", str(b))
        self.assertEqual([d.friendlyName for d in options["devices"]], ["A", "B"])
        self.assertEqual(options["devices"][1].UDN, derivedUDN(MACHINE, fileOrigin(b)))

    def test_configDirectory(self) -> None:
        """
        C{--config-dir} hosts every device file of the folder.
        """
        folder = Path(self.mktemp())
        deviceFile(folder / "b.toml", "B")
        deviceFile(folder / "a.toml", "A")
        options = parse("--config-dir", str(folder))
        self.assertEqual([d.friendlyName for d in options["devices"]], ["A", "B"])

    def test_duplicateUDNNamesBothFiles(self) -> None:
        """
        Two files with one UDN are a usage error naming both files.
        """
        folder = Path(self.mktemp())
        udn = "uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        a, b = deviceFile(folder / "a.toml", "A", udn), deviceFile(folder / "b.toml", "B", udn)
        error = self.assertRaises(UsageError, parse, "--config", str(a), "--config", str(b))
        self.assertIn(str(a), str(error))
        self.assertIn(str(b), str(error))

    def test_versionWritesToTheGivenOutput(self) -> None:
        """
        C{--version} writes one line with our version and exits with 0.
        """
        output = io.StringIO()
        options = Options(systemInterfaces=fakeInterfaces, stdout=output)
        error = self.assertRaises(SystemExit, options.parseOptions, ["--version"])
        self.assertEqual(error.code, 0)
        self.assertIn(f"coherence-lite {__version__}", output.getvalue())


LOOPBACK = [InterfaceReport("lo", True, "requested", (link("127.0.0.1/8", "lo", 1),))]


class StartProblemTests(SynchronousTestCase):
    """
    L{startProblem}.
    """

    def setUp(self) -> None:
        self.settings = HostSettings(interfaces=("127.0.0.1",), httpPort=freeTCPPort(), ssdpPort=freeUDPPort())

    def taken(self, kind: int, port: int) -> None:
        """
        Hold C{port} on every address without sharing it, until the test
        ends.
        """
        holder = socket.socket(socket.AF_INET, kind)
        self.addCleanup(holder.close)
        holder.bind(("", port))
        if kind == socket.SOCK_STREAM:
            holder.listen(1)

    def test_freePortsAreNoProblem(self) -> None:
        """
        Free ports, or HTTP port 0, stand in nobody's way; the probes leave
        the ports free.
        """
        self.assertIsNone(startProblem(self.settings, lambda: LOOPBACK))
        self.assertIsNone(startProblem(replace(self.settings, httpPort=0), lambda: LOOPBACK))
        self.taken(socket.SOCK_STREAM, self.settings.httpPort)

    def test_takenHTTPPort(self) -> None:
        """
        A taken HTTP port is said as the started host would say it.
        """
        self.taken(socket.SOCK_STREAM, self.settings.httpPort)
        self.assertEqual(
            startProblem(self.settings, lambda: LOOPBACK), f"HTTP port {self.settings.httpPort}: Address already in use"
        )

    def test_ssdpPortHeldWithoutSharing(self) -> None:
        """
        An SSDP port another program holds without sharing it is said too.
        """
        self.taken(socket.SOCK_DGRAM, self.settings.ssdpPort)
        self.assertEqual(
            startProblem(self.settings, lambda: LOOPBACK), f"SSDP port {self.settings.ssdpPort}: Address already in use"
        )

    def test_noInterfaceWithoutPolling(self) -> None:
        """
        No interface to serve is a problem only when the host would not
        wait for one (poll interval 0).
        """
        skipped = [InterfaceReport("eth0", False, "not requested")]
        self.assertIsNone(startProblem(self.settings, lambda: skipped))
        problem = startProblem(replace(self.settings, pollInterval=0), lambda: skipped)
        self.assertEqual(problem, "no usable network interface (see --list-interfaces; name one with --interface)")
