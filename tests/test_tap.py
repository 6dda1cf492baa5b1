"""
Tests for L{coherence_lite.tap} and the C{upnp-device} twistd plugin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from twisted.application.service import IServiceMaker
from twisted.plugin import getPlugins
from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.http.limits import HTTPLimits
from coherence_lite.tap import Options, makeService
from coherence_lite.host.service import UPnPDeviceService

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def twistd(*arguments: str) -> subprocess.CompletedProcess[str]:
    """
    Run twistd in a subprocess that finds this checkout's plugin.
    """
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=ROOT,
    )


class OptionsTests(SynchronousTestCase):
    def parse(self, *arguments: str) -> Options:
        options = Options()
        options.parseOptions(list(arguments))
        return options

    def test_defaults(self) -> None:
        options = self.parse()
        self.assertEqual(
            (options["http-port"], options["ssdp-port"], options["max-age"], options["ttl"]),
            (0, 1900, 1800, 2),
        )
        self.assertEqual(options["interfaces"], [])
        self.assertEqual(options["device"].deviceType, "urn:schemas-upnp-org:device:Basic:1")

    def test_interfaceIsRepeatable(self) -> None:
        options = self.parse("--interface", "eth0", "-i", "10.0.0.1", "--exclude-interface", "tun*")
        self.assertEqual(options["interfaces"], ["eth0", "10.0.0.1"])
        self.assertEqual(options["exclude"], ["tun*"])

    def test_friendlyNameAndUUIDOverrideConfig(self) -> None:
        options = self.parse(
            "--config", str(EXAMPLES / "jambon-3000.toml"),
            "--friendly-name", "Jambon 4000",
            "--uuid", "0c9a6e4e-0000-4000-8000-000000000001",
        )
        device = options["device"]
        self.assertEqual(device.friendlyName, "Jambon 4000")
        self.assertEqual(device.UDN, "uuid:0c9a6e4e-0000-4000-8000-000000000001")
        self.assertEqual(device.manufacturer, "Boucherie numérique SAS")

    def test_badUUIDIsAUsageError(self) -> None:
        error = self.assertRaises(UsageError, self.parse, "--uuid", "not-a-uuid")
        self.assertIn("--uuid", str(error))

    def test_longFriendlyNameNamesTheOption(self) -> None:
        error = self.assertRaises(UsageError, self.parse, "--friendly-name", "x" * 65)
        self.assertIn("--friendly-name", str(error))
        self.assertIn("64", str(error))

    def test_badConfigNamesFileKeyAndReason(self) -> None:
        path = Path(self.mktemp())
        path.write_text('[device]\ndeviceType = "urn:schemas-upnp-org:device:Basic:1"\nfriendlyName = 3\n')
        error = self.assertRaises(UsageError, self.parse, "--config", str(path))
        self.assertIn(str(path), str(error))
        self.assertIn("friendlyName", str(error))

    def test_outOfRangeValuesAreUsageErrors(self) -> None:
        for arguments in (("--max-age", "60"), ("--ttl", "0"), ("--http-port", "70000"), ("--ssdp-port", "0"), ("--http-port", "x")):
            self.assertRaises(UsageError, self.parse, *arguments)

    def test_makeServiceBuildsTheDeviceHost(self) -> None:
        options = self.parse("--config", str(EXAMPLES / "binary-light.toml"), "--interface", "127.0.0.1", "--state-dir", self.mktemp())
        service = makeService(options)
        self.assertIsInstance(service, UPnPDeviceService)
        self.assertEqual(service.interfaces, ("127.0.0.1",))
        self.assertEqual(
            service.documents[0].root.deviceType, "urn:schemas-upnp-org:device:BinaryLight:1"
        )
        self.assertEqual([child.name for child in service], ["web", "ssdp", "monitor", "watcher"])

    def test_httpLimitsAndStatsIntervalReachTheService(self) -> None:
        options = self.parse(
            "--interface", "127.0.0.1", "--state-dir", self.mktemp(),
            "--http-idle-timeout", "5", "--http-request-timeout", "2.5",
            "--http-max-connections-per-client", "4", "--http-max-connections", "40",
            "--stats-interval", "60",
        )
        service = makeService(options)
        self.assertEqual(
            service.web.site.limits,
            HTTPLimits(idleTimeout=5, requestTimeout=2.5, maxConnectionsPerClient=4, maxConnections=40),
        )
        self.assertEqual(service.monitor.interval, 60)

    def test_httpLimitDefaults(self) -> None:
        options = self.parse()
        self.assertEqual(
            (options["http-idle-timeout"], options["http-request-timeout"], options["http-max-connections-per-client"],
             options["http-max-connections"], options["stats-interval"]),
            (30.0, 20.0, 20, 512, 300.0),
        )

    def test_badHttpLimitsAreUsageErrors(self) -> None:
        for arguments in (
            ("--http-idle-timeout", "0"),
            ("--http-request-timeout", "-1"),
            ("--http-request-timeout", "nan"),
            ("--http-max-connections-per-client", "0"),
            ("--http-max-connections", "10", "--http-max-connections-per-client", "11"),
            ("--stats-interval", "-5"),
        ):
            error = self.assertRaises(UsageError, self.parse, *arguments)
            self.assertIn(arguments[0], str(error))


class PluginTests(SynchronousTestCase):
    def test_pluginIsFound(self) -> None:
        names = [plugin.tapname for plugin in getPlugins(IServiceMaker)]
        self.assertIn("upnp-device", names)

    def test_helpRunsInTwistd(self) -> None:
        result = twistd("-n", "upnp-device", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in ("--interface", "--http-port", "--uuid", "--friendly-name", "--config", "--max-age", "--ttl", "--ssdp-port"):
            self.assertIn(option, result.stdout)

    def test_badOptionExitsNonZeroWithoutTraceback(self) -> None:
        result = twistd("-n", "upnp-device", "--max-age", "5")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--max-age", result.stdout + result.stderr)
        self.assertNotIn("Traceback", result.stdout + result.stderr)

    def test_listInterfacesPrintsAndExits(self) -> None:
        result = twistd("-n", "upnp-device", "--list-interfaces", "--interface", "lo")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("use lo (127.0.0.1", result.stdout)

    def test_portInUseIsOneLineAndExitStatus1(self) -> None:
        import socket

        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(taken.close)
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = twistd(
            "-n", "--pidfile=", "--logfile=-", "upnp-device",
            "--interface", "127.0.0.1", "--http-port", str(port), "--ssdp-port", "19000",
            "--state-dir", os.path.abspath(self.mktemp()),
        )
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 1, output)
        self.assertNotIn("Traceback", output)
        [line] = [line for line in output.splitlines() if "Cannot start" in line]
        self.assertIn(f"cannot serve HTTP on port {port}", line)
