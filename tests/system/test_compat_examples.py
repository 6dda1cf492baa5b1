# -*- test-case-name: tests.system.test_compat_examples -*-
"""
The Coherence-style examples work together on loopback:
C{examples/coherence_light.py} hosts a light and
C{examples/coherence_control_point.py} finds it by name and switches it,
over real SSDP (loopback multicast, a free port) and HTTP on 127.0.0.1; the
light passes C{coherence-lite check}, and its dimmable form is switched and
dimmed by a strict async-upnp-client.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections import Counter

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp import SSDP_ADDR
from coherence_lite.ssdp.announcer import INITIAL_ROUNDS
from coherence_lite.ssdp.message import ALIVE, Notify
from coherence_lite.ssdp.parse import parse
from tests.support.netns import ROOT, OutputReader
from tests.support import freeUDPPort

LIGHT = ROOT / "examples" / "coherence_light.py"
UDN = "uuid:c0e4e2ce-0000-4000-8000-000000000c4e"
CONTROL_POINT = ROOT / "examples" / "coherence_control_point.py"
PROBE = ROOT / "tests" / "system" / "foreign_switch_probe.py"


class LightTestCase(SynchronousTestCase):
    """
    Runs the light example on loopback for each test.
    """

    options: tuple[str, ...] = ()

    def setUp(self) -> None:
        self.port = str(freeUDPPort())
        self.announcements = self.listenForAnnouncements()
        self.environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        process = subprocess.Popen(
            [sys.executable, str(LIGHT), "--interface", "127.0.0.1", "--ssdp-port", self.port, "--name", "Porch light",
             "--uuid", UDN, *self.options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.environment, cwd=ROOT,
        )
        self.addCleanup(self.stop, process)
        self.output = OutputReader(process)
        self.output.waitFor("Hosting", timeout=20)

    def listenForAnnouncements(self) -> socket.socket:
        """
        A socket that hears the light's NOTIFYs on loopback from its very
        first one (joined before the light starts).  It is bound to the
        group's address, so that no unicast datagram (a unicast M-SEARCH
        for the light) ever reaches it instead of the light.
        """
        listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(listener.close)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((SSDP_ADDR, int(self.port)))
        membership = socket.inet_aton(SSDP_ADDR) + socket.inet_aton("127.0.0.1")
        listener.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        listener.setblocking(False)
        return listener

    def waitForTheInitialAnnouncements(self, timeout: float = 20.0) -> None:
        """
        Wait until the light's initial rounds of alive have all been heard
        (each entry INITIAL_ROUNDS times), so that nothing of them is still
        going out; the next alive comes only minutes later.
        """
        heard: Counter[str] = Counter()
        deadline = time.monotonic() + timeout
        while not (heard and min(heard.values()) >= INITIAL_ROUNDS and max(heard.values()) == INITIAL_ROUNDS):
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, f"the initial announcements were not all heard: {dict(heard)}")
            readable, _, _ = select.select([self.announcements], [], [], left)
            if not readable:
                continue
            message = parse(self.announcements.recv(65536))
            if isinstance(message, Notify) and message.nts == ALIVE and message.usn.lower().startswith(UDN):
                heard[message.nt] += 1
        self.announcements.close()

    def stop(self, process: subprocess.Popen[str]) -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ExamplesTests(LightTestCase):
    """
    The control-point example and the conformance check against the light.
    """

    def controlPoint(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(CONTROL_POINT), "--interface", "127.0.0.1", "--ssdp-port", self.port, *arguments],
            capture_output=True, text=True, timeout=60, env=self.environment, cwd=ROOT,
        )

    def test_controlPointTogglesTheLight(self) -> None:
        """
        Two runs of the control point toggle the light on, then off; the
        backend logs each switch.
        """
        first = self.controlPoint("--name", "Porch light")
        self.assertEqual((first.returncode, first.stdout), (0, "Porch light: 0 -> 1\n"), first.stderr)
        self.output.waitFor("switched to 1", timeout=10)
        second = self.controlPoint("--name", "Porch light", "--off")
        self.assertEqual((second.returncode, second.stdout), (0, "Porch light: 1 -> 0\n"), second.stderr)

    def test_lightPassesTheConformanceCheck(self) -> None:
        """
        C{coherence-lite check} finds the light and it passes every rule
        (SSDP, description, SOAP control, GENA eventing), once the light's
        initial announcements are over (a check listening while they still
        go out would hear only the end of a round).
        """
        self.waitForTheInitialAnnouncements()
        result = subprocess.run(
            [sys.executable, "-m", "coherence_lite", "check", "-i", "127.0.0.1", "--ssdp-port", self.port,
             "--uuid", UDN, "--json"],
            capture_output=True, text=True, timeout=120, env=self.environment, cwd=ROOT,
        )
        report = json.loads(result.stdout)
        [checked] = report["devices"]
        self.assertEqual([f["rule"] for f in checked["findings"] if f["level"] != "PASS"], [])
        self.assertEqual((result.returncode, report["status"]), (0, "pass"))

    def test_unknownLightIsReported(self) -> None:
        """
        A name nobody has gives one line and status 1 after the timeout.
        """
        result = self.controlPoint("--name", "Cellar light", "--timeout", "2")
        self.assertEqual((result.returncode, result.stdout), (1, "no light named 'Cellar light' found\n"), result.stderr)


class DimmableExampleTests(LightTestCase):
    """
    The light example hosting the built-in BetterLight.
    """

    options = ("--dimmable",)

    def test_asyncUPnPClientSwitchesAndDims(self) -> None:
        """
        async-upnp-client, strict, finds the DimmableLight by searching,
        switches it on and dims it to 30 %.
        """
        result = subprocess.run(
            [sys.executable, str(PROBE), "127.0.0.1", self.port, "dimmable"],
            capture_output=True, text=True, timeout=60, env=self.environment, cwd=ROOT,
        )
        answer = json.loads(result.stdout)
        self.assertEqual(
            (answer["friendlyName"], answer["before"], answer["after"], answer["level"]), ("Porch light", False, True, 30)
        )
