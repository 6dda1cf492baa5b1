# -*- test-case-name: tests.host.test_daemon -*-
"""
C{twistd upnp-device} as a daemon (without C{-n}), in real processes on
127.0.0.1: a start-up failure comes back to the terminal at once, and a
daemon that started writes its pid file, reloads on SIGHUP and stops on
SIGTERM.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.message import ALIVE, Notify, ParseError
from coherence_lite.ssdp.parse import parse
from tests.support.netns import OutputReader
from tests.support import freeTCPPort, freeUDPPort
from tests.host.test_sources import deviceFile
from tests.host.test_systemd import NotifySocket

ROOT = Path(__file__).resolve().parents[2]

#: Seconds a daemon gets to start or fail.
START_TIMEOUT = 30


def twistdDaemon(directory: Path, *arguments: str, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """
    Run C{twistd --pidfile=... --logfile=... upnp-device ARGUMENTS} (a daemon)
    with this checkout's plugin; return once the launching process exits.
    """
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [
            sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            f"--pidfile={directory / 'twistd.pid'}", f"--logfile={directory / 'twistd.log'}",
            "upnp-device", "--interface", "127.0.0.1", "--ssdp-port", str(freeUDPPort()),
            "--state-dir", str(directory / "state"), *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=directory,
        stdin=subprocess.DEVNULL,
    )


class DaemonStartFailureTests(SynchronousTestCase):
    """
    A daemon that cannot start says so on the terminal and exits non-zero.
    """

    def test_takenPortReturnsPromptlyWithTheReason(self) -> None:
        """
        With the HTTP port taken, the launching twistd returns within the
        timeout with status 1, and no pid file left; the reason is the one
        line the foreground gives, C{Cannot start: ...}, not twistd's
        C{An error has occurred: b'...StartFailed: ...'}: the launcher
        checks before it forks, so no daemon starts (nor writes a log).
        """
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(taken.close)
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        directory = Path(self.mktemp()).absolute()
        directory.mkdir()
        started = time.monotonic()
        result = twistdDaemon(directory, "--http-port", str(port))
        self.assertLess(time.monotonic() - started, START_TIMEOUT)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"HTTP port {port}", result.stderr)
        self.assertIn("in use", result.stderr)
        self.assertFalse((directory / "twistd.pid").exists())
        self.assertEqual(result.stderr, f"twistd upnp-device: Cannot start: HTTP port {port}: Address already in use\n")
        self.assertFalse((directory / "twistd.log").exists())

    def test_dashNAfterTheCommandGetsANoteBeforeDaemonising(self) -> None:
        """
        C{twistd upnp-device -n Kitchen} (meant as twistd's -n) says on the
        terminal that it starts a daemon named Kitchen, and where -n goes.
        """
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(taken.close)
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        directory = Path(self.mktemp()).absolute()
        directory.mkdir()
        result = twistdDaemon(directory, "-n", "Kitchen", "--http-port", str(taken.getsockname()[1]))
        self.assertIn("starting a daemon named 'Kitchen'", result.stderr)
        self.assertIn("twistd -n upnp-device", result.stderr)
        self.assertEqual(result.returncode, 1, result.stderr)


def receive(target: NotifySocket, prefix: str, timeout: float = START_TIMEOUT) -> str:
    """
    Wait for a notification starting with C{prefix} on C{target}, skipping
    others.

    @raise AssertionError: none came within C{timeout} seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([target.socket], [], [], max(0.0, deadline - time.monotonic()))
        if ready:
            message = target.socket.recv(4096).decode("utf-8")
            if message.startswith(prefix):
                return message
    raise AssertionError(f"no {prefix!r} notification within {timeout} s")


def groupListener(testCase: SynchronousTestCase, ssdpPort: int) -> socket.socket:
    """
    A socket in the SSDP group on loopback (it never sends), closed when the
    test ends.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    testCase.addCleanup(listener.close)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("", ssdpPort))
    listener.setsockopt(
        socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("239.255.255.250") + socket.inet_aton("127.0.0.1")
    )
    listener.setblocking(False)
    return listener


def aliveConfigId(listener: socket.socket, other: int | None, timeout: float = START_TIMEOUT) -> int:
    """
    Wait for an ssdp:alive whose CONFIGID is not C{other}, and return it.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([listener], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        try:
            message = parse(listener.recv(65536))
        except ParseError:
            continue
        if isinstance(message, Notify) and message.nts == ALIVE and message.configId != other:
            assert message.configId is not None
            return message.configId
    raise AssertionError(f"no alive with a CONFIGID other than {other} within {timeout} s")


def fetch(url: str) -> str:
    """
    GET a URL on 127.0.0.1 and return the body as text.
    """
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body.decode("utf-8")


class ServiceLifeTests(SynchronousTestCase):
    """
    One daemon's life in the foreground as systemd runs it: ready, reloaded
    on SIGHUP (a changed file, then a broken one), stopped by SIGTERM.
    """

    def test_readyReloadAndStopAsSystemdSeesThem(self) -> None:
        """
        READY=1 comes once the device is announced; SIGHUP re-reads the
        folder (RELOADING=1, then READY=1), the new name is served and
        announced with a new CONFIGID; a
        broken file on reload keeps the running device and logs why;
        SIGTERM sends STOPPING=1 and ends the process by that signal, as
        twistd does.
        """
        folder = Path(self.mktemp()).absolute()
        lamp = deviceFile(folder / "devices" / "lamp.toml", "Lamp")
        target = NotifySocket(self)
        httpPort = freeTCPPort()
        ssdpPort = freeUDPPort()
        listener = groupListener(self, ssdpPort)
        environment = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            NOTIFY_SOCKET=target.variable,
        )
        process = subprocess.Popen(
            [
                sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
                "--nodaemon", "--pidfile=", "--logfile=-", "upnp-device", "--interface", "127.0.0.1",
                "--ssdp-port", str(ssdpPort), "--http-port", str(httpPort),
                "--config-dir", str(lamp.parent), "--state-dir", str(folder / "state"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
            cwd=folder,
        )
        self.addCleanup(_end, process)
        output = OutputReader(process)
        self.assertIn("STATUS=Hosting 1 device on 1 link: lo 127.0.0.1", receive(target, "READY=1"))
        location = output.waitFor("Hosting Lamp").split(" at ")[-1].strip()
        self.assertIn("<friendlyName>Lamp</friendlyName>", fetch(location))
        configId = aliveConfigId(listener, None)
        self.assertIn(f'configId="{configId}"', fetch(location))

        deviceFile(lamp, "Porch lamp")
        process.send_signal(signal.SIGHUP)
        self.assertIn("MONOTONIC_USEC=", receive(target, "RELOADING=1"))
        receive(target, "READY=1")
        output.waitFor("Reload: Porch lamp")
        description = fetch(location)
        self.assertIn("<friendlyName>Porch lamp</friendlyName>", description)
        # Control points hear the change: an alive with the new CONFIGID.
        newConfigId = aliveConfigId(listener, configId)
        self.assertIn(f'configId="{newConfigId}"', description)

        (lamp.parent / "broken.toml").write_text("[device\n")
        mark = len(output.lines)
        process.send_signal(signal.SIGHUP)
        receive(target, "RELOADING=1")
        receive(target, "READY=1")
        refused = output.waitFor("Reload refused", after=mark)
        self.assertIn("broken.toml", refused)
        self.assertIn("<friendlyName>Porch lamp</friendlyName>", fetch(location))

        process.send_signal(signal.SIGTERM)
        receive(target, "STOPPING=1")
        # twistd ends by re-raising the signal it stopped for: systemd counts
        # a death by SIGTERM as a clean exit.
        self.assertEqual(process.wait(timeout=START_TIMEOUT), -signal.SIGTERM)
        output.join(START_TIMEOUT)
        self.assertNotIn("Traceback", "".join(output.lines))


def _end(process: subprocess.Popen[str]) -> None:
    """
    End a daemon a test started, if it still runs.
    """
    if process.poll() is None:
        process.kill()
    process.wait(timeout=START_TIMEOUT)


class StartupLogTests(SynchronousTestCase):
    """
    What a foreground run logs at start, at the default level.
    """

    def test_oneClearLinePerInterfaceAndLocation(self) -> None:
        """
        One line per interface (used or skipped, with plain addresses), one
        per LOCATION, HTTP and SSDP named once each, and no class names or
        reprs.
        """
        folder = Path(self.mktemp()).absolute()
        folder.mkdir()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        process = subprocess.Popen(
            [
                sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
                "--nodaemon", "--pidfile=", "--logfile=-", "upnp-device", "--interface", "127.0.0.1",
                "--ssdp-port", str(freeUDPPort()), "--state-dir", str(folder / "state"),
                "--config", str(ROOT / "examples" / "jambon-3000.toml"),
                "--config", str(ROOT / "examples" / "binary-light.toml"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
            cwd=folder,
        )
        self.addCleanup(_end, process)
        output = OutputReader(process)
        output.waitFor("Hosting Jambon 3000")
        output.waitFor("Hosting coherence-lite light")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=START_TIMEOUT)
        output.join(START_TIMEOUT)
        lines = [line.split("] ", 1)[-1].rstrip("\n") for line in output.lines]
        interfaces = [line.split()[1].rstrip(":") for line in lines if line.startswith("Interface ")]
        self.assertEqual(len(interfaces), len(set(interfaces)), lines)
        self.assertIn("Interface lo (127.0.0.1): used, requested", lines)
        self.assertEqual(len([line for line in lines if line.startswith("Hosting ")]), 2, lines)
        self.assertEqual(len([line for line in lines if line.startswith("HTTP starting on ")]), 1, lines)
        self.assertEqual(len([line for line in lines if line.startswith("SSDP (IPv4) starting on ")]), 1, lines)
        for noise in ("_DeviceSite", "SSDPProtocol", "Interface(", "Link(", "<coherence_lite", "Traceback"):
            self.assertFalse([line for line in lines if noise in line], (noise, lines))
