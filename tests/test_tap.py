# -*- test-case-name: tests.test_tap -*-
"""
Tests for L{coherence_lite.tap} and the C{upnp-device} twistd plugin.
"""

from __future__ import annotations

import ipaddress
import io
import os
import subprocess
import sys
from pathlib import Path

from twisted.application.service import IServiceMaker
from twisted.plugin import getPlugins
from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.daemon import DaemonService
from coherence_lite.host.settings import HostSettings
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.net.interfaces import NetworkInterface
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.tap import Options, makeService, settingsFrom

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: The machine identity the parsed options derive UDNs from.
MACHINE = "3d1219c7c4c5404aaa1f6d2a48adfda4"


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


def fakeInterfaces() -> list[NetworkInterface]:
    """
    Loopback and one Ethernet interface, made up.
    """
    return [
        NetworkInterface("lo", 1, True, True, False, (ipaddress.ip_interface("127.0.0.1/8"),)),
        NetworkInterface("eth0", 2, True, False, True, (ipaddress.ip_interface("192.168.1.10/24"),)),
    ]


class OptionsTests(SynchronousTestCase):
    """
    L{Options}, parsed in this process.
    """

    def parse(self, *arguments: str) -> Options:
        """
        Parse C{arguments} as C{twistd upnp-device} would.
        """
        options = Options(systemInterfaces=fakeInterfaces, identity=lambda stateDirectory: MACHINE)
        options.parseOptions(list(arguments))
        return options

    def test_defaults(self) -> None:
        """
        Without options the ports, max-age and TTL are the documented defaults, no interface is
        named and a Basic:1 device is hosted.
        """
        options = self.parse()
        self.assertEqual(
            (options["http-port"], options["ssdp-port"], options["max-age"], options["ttl"]),
            (0, 1900, 1800, 2),
        )
        self.assertEqual(options["interfaces"], [])
        self.assertEqual(options["device"].deviceType, "urn:schemas-upnp-org:device:Basic:1")

    def test_interfaceIsRepeatable(self) -> None:
        """
        C{--interface}, C{-i} and C{--exclude-interface} can be given several times, in order.
        """
        options = self.parse("--interface", "eth0", "-i", "192.168.1.10", "--exclude-interface", "tun*")
        self.assertEqual(options["interfaces"], ["eth0", "192.168.1.10"])
        self.assertEqual(options["exclude"], ["tun*"])

    def test_friendlyNameAndUUIDOverrideConfig(self) -> None:
        """
        C{--friendly-name} and C{--uuid} replace the device file's values and keep the rest.
        """
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
        """
        A malformed C{--uuid} is a usage error naming the option.
        """
        error = self.assertRaises(UsageError, self.parse, "--uuid", "not-a-uuid")
        self.assertIn("--uuid", str(error))

    def test_longFriendlyNameNamesTheOption(self) -> None:
        """
        A friendlyName over 64 characters is a usage error naming the option and the limit.
        """
        error = self.assertRaises(UsageError, self.parse, "--friendly-name", "x" * 65)
        self.assertIn("--friendly-name", str(error))
        self.assertIn("64", str(error))

    def test_badConfigNamesFileKeyAndReason(self) -> None:
        """
        A device file with a wrong value is a usage error naming the file and the key.
        """
        path = Path(self.mktemp())
        path.write_text('[device]\ndeviceType = "urn:schemas-upnp-org:device:Basic:1"\nfriendlyName = 3\n')
        error = self.assertRaises(UsageError, self.parse, "--config", str(path))
        self.assertIn(str(path), str(error))
        self.assertIn("friendlyName", str(error))

    def test_outOfRangeValuesAreUsageErrors(self) -> None:
        """
        Out-of-range and non-numeric values are usage errors.
        """
        for arguments in (("--max-age", "60"), ("--ttl", "0"), ("--http-port", "70000"), ("--ssdp-port", "0"), ("--http-port", "x")):
            self.assertRaises(UsageError, self.parse, *arguments)

    def test_makeServiceBuildsTheDeviceHost(self) -> None:
        """
        makeService builds the daemon's device host from the options, with its children in
        start order (systemd notifications and SIGHUP reloads last).
        """
        options = self.parse("--config", str(EXAMPLES / "binary-light.toml"), "--interface", "127.0.0.1", "--state-dir", self.mktemp())
        service = makeService(options)
        self.assertIsInstance(service, DaemonService)
        assert isinstance(service, DaemonService)
        self.assertEqual(service.settings.interfaces, ("127.0.0.1",))
        self.assertEqual(
            service.documents[0].root.deviceType, "urn:schemas-upnp-org:device:BinaryLight:1"
        )
        self.assertEqual([child.name for child in service], ["state", "runtimes", "web", "eventing", "ssdp", "monitor", "watcher", "netlink", "systemd", "reload"])

    def test_httpLimitsAndStatsIntervalReachTheService(self) -> None:
        """
        The HTTP limit options and the stats interval reach the site and the monitor.
        """
        options = self.parse(
            "--interface", "127.0.0.1", "--state-dir", self.mktemp(),
            "--http-idle-timeout", "5", "--http-request-timeout", "2.5",
            "--http-max-connections-per-client", "4", "--http-max-connections", "40",
            "--stats-interval", "60",
        )
        service = makeService(options)
        assert isinstance(service, DaemonService)
        self.assertEqual(
            service.web.site.limits,
            HTTPLimits(idleTimeout=5, requestTimeout=2.5, maxConnectionsPerClient=4, maxConnections=40),
        )
        self.assertEqual(service.monitor.interval, 60)

    def test_httpLimitDefaults(self) -> None:
        """
        The HTTP limit and stats options default to the documented values.
        """
        options = self.parse()
        self.assertEqual(
            (options["http-idle-timeout"], options["http-request-timeout"], options["http-max-connections-per-client"],
             options["http-max-connections"], options["stats-interval"]),
            (30.0, 20.0, 20, 512, 300.0),
        )

    def test_badHttpLimitsAreUsageErrors(self) -> None:
        """
        Out-of-range HTTP limits and stats intervals are usage errors naming the option.
        """
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


    def test_everyOptionReachesTheSettings(self) -> None:
        """
        Each option sets its field of the host settings; the fields without
        an option keep their defaults.
        """
        options = self.parse(
            "-i", "eth0", "--exclude-interface", "tun*", "--no-ipv6", "--ipv6-site-local",
            "--http-port", "8080", "--ssdp-port", "1901", "--max-age", "3600", "--ttl", "4",
            "--advertised-host", "nas.example.org", "--state-dir", "/var/lib/x", "--poll-interval", "0", "--no-netlink",
            "--search-rate", "2.5", "--search-burst", "3", "--max-pending", "7", "--stats-interval", "0",
        )
        defaults = HostSettings()
        self.assertEqual(
            settingsFrom(options),
            HostSettings(
                interfaces=("eth0",),
                excludeInterfaces=("tun*",),
                ipv6=False,
                ipv6SiteLocal=True,
                httpPort=8080,
                ssdpPort=1901,
                maxAge=3600,
                ttl=4,
                advertisedHost="nas.example.org",
                stateDirectory=Path("/var/lib/x"),
                pollInterval=0,
                netlink=False,
                statsInterval=0,
                responderLimits=ResponderLimits(rate=2.5, burst=3, maxPending=7, maxSources=defaults.responderLimits.maxSources),
                httpLimits=defaults.httpLimits,
            ),
        )

    def test_defaultsAreTheHostsDefaults(self) -> None:
        """
        Without options the settings are the host's defaults, but for the
        state directory, which the daemon keeps in the user's state home.
        """
        settings = settingsFrom(self.parse())
        self.assertIsNotNone(settings.stateDirectory)
        self.assertEqual(settings, HostSettings(stateDirectory=settings.stateDirectory))

    def test_listInterfacesUsesTheGivenInterfaces(self) -> None:
        """
        C{--list-interfaces} reports on the interfaces its lister gives,
        with the other options applied, then exits with status 0.
        """
        output = io.StringIO()
        options = Options(systemInterfaces=fakeInterfaces, stdout=output)
        error = self.assertRaises(SystemExit, options.parseOptions, ["--list-interfaces", "--exclude-interface", "lo"])
        self.assertEqual(error.code, 0)
        lines = output.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(any(line.startswith("use eth0 (192.168.1.10") for line in lines), lines)
        self.assertTrue(any(line.startswith("skip lo") for line in lines), lines)


class PluginTests(SynchronousTestCase):
    """
    The plugin, run by C{twistd} in a subprocess.
    """

    def test_pluginIsFound(self) -> None:
        """
        twistd finds the C{upnp-device} plugin.
        """
        names = [plugin.tapname for plugin in getPlugins(IServiceMaker)]
        self.assertIn("upnp-device", names)

    def test_helpRunsInTwistd(self) -> None:
        """
        C{twistd upnp-device --help} succeeds and lists the main options.
        """
        result = twistd("-n", "upnp-device", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in ("--interface", "--http-port", "--uuid", "--friendly-name", "--config", "--max-age", "--ttl", "--ssdp-port"):
            self.assertIn(option, result.stdout)

    def test_badOptionExitsNonZeroWithoutTraceback(self) -> None:
        """
        A bad option makes twistd exit non-zero with a message naming it and no traceback.
        """
        result = twistd("-n", "upnp-device", "--max-age", "5")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--max-age", result.stdout + result.stderr)
        self.assertNotIn("Traceback", result.stdout + result.stderr)

    def test_listInterfacesPrintsAndExits(self) -> None:
        """
        C{--list-interfaces} in twistd prints the interface report and exits with status 0.
        """
        result = twistd("-n", "upnp-device", "--list-interfaces", "--interface", "lo")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("use lo (127.0.0.1", result.stdout)

    def test_portInUseIsOneLineAndExitStatus1(self) -> None:
        """
        An HTTP port already taken is one 'Cannot start' line naming the port, and exit status 1,
        without a traceback.
        """
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
        self.assertIn(f"HTTP port {port}: Address already in use", line)
