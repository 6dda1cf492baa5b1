# -*- test-case-name: tests.cli.test_checks -*-
"""
Tests for the mistakes a user makes with C{twistd upnp-device}: each is one
line naming the option (or file) and what is wrong, with exit status 2 and
no usage dump; and for C{--version}, C{--config} (repeatable) and
C{--config-dir}.
"""

from __future__ import annotations

import io
from pathlib import Path

from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite import __version__
from coherence_lite.cli.checks import unknownInterfaces
from coherence_lite.host.udn import derivedUDN, fileOrigin
from coherence_lite.tap import Options
from tests.host.test_sources import deviceFile
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
