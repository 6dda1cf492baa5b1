"""
Eventing across real links, in network namespaces (see tests/support/netns.py): the
daemon hosts the zero-code light of C{examples/binary-light.toml}; a client
subscribes over IPv6 with a CALLBACK on its IPv6 link-local address, which
the daemon reaches through the interface the SUBSCRIBE came in on, while a
CALLBACK on the other client's subnet is refused (CallStranger); a SOAP
SetTarget is evented to it.  GUPnP (GNOME's control point) subscribes
across a link too and is notified of the initial Status and its change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.internet.task import deferLater
from twisted.trial.unittest import TestCase

from coherence_lite.model import layout
from coherence_lite.model.devicefile import loadDevice
from tests.support.netns import ROOT, OutputReader, Topology, run, unavailable
from tests.support.prerequisites import missing
from tests.system.test_namespaces import GUPNP_PYTHON

REASON = unavailable()
PROBE = Path(__file__).with_name("gena_probe.py")
GUPNP_PROBE = Path(__file__).with_name("gupnp_events_probe.py")
UDN = "uuid:5e1f0000-0000-4000-8000-00000000ab1e"
PORT = "8088"


class EventingAcrossLinksTests(TestCase):
    """
    A daemon in a device namespace, two clients on their own links.
    """

    timeout = 180

    def setUp(self) -> None:
        if REASON is not None:
            missing(REASON)
        self.topology = Topology.build()
        self.addCleanup(self.topology.destroy)
        self.c1, self.c2 = self.topology.clients

    async def linkLocal(self, namespace: str, interface: str) -> str:
        """
        The usable (assigned, not tentative) IPv6 link-local address of an
        interface, polled every 0.2 s with the reactor for up to 10 s: the
        kernel assigns it once the link's carrier is seen.
        """
        for _ in range(50):
            shown = run("ip", "-n", namespace, "-j", "-6", "addr", "show", "dev", interface, "scope", "link").stdout
            for entry in json.loads(shown or "[]"):
                for address in entry.get("addr_info", []):
                    if address.get("local") and not address.get("tentative"):
                        return str(address["local"])
            await deferLater(reactor, 0.2, lambda: None)
        raise AssertionError(f"no link-local address on {interface} in {namespace}")

    def startDaemon(self) -> OutputReader:
        """
        Host the zero-code light in the device namespace.

        @return: the reader of the daemon's log.
        """
        return self.topology.startDaemon(
            "--config", str(ROOT / "examples" / "binary-light.toml"), "--uuid", UDN, "--http-port", PORT,
            "--poll-interval", "1", stateDirectory=os.path.abspath(self.mktemp()),
        )

    def probed(self, completed: subprocess.CompletedProcess[str], daemon: OutputReader) -> tuple[dict[str, Any], str]:
        """
        A probe's JSON result, and what to show when an assertion on it
        fails: the result, the probe's errors and the daemon's log.
        """
        try:
            result = json.loads(completed.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            result = {}
        context = f"{result or completed.stdout!r}\nprobe stderr:\n{completed.stderr[-3000:]}\ndaemon:\n{''.join(daemon.lines[-40:])}"
        self.assertIsInstance(result, dict, context)
        self.assertTrue(result, context)
        return result, context

    def test_gupnpIsNotifiedOfTheInitialStatusAndItsChange(self) -> None:
        """
        GUPnP finds the SwitchPower across the link, subscribes, is
        notified of Status false (the initial event) and, after a SOAP
        SetTarget, of Status true; its subscription is not lost.
        """
        if GUPNP_PYTHON is None:
            missing("GUPnP 1.6 with PyGObject is not installed (Debian: python3-gi gir1.2-gupnp-1.6)")
        daemon = self.startDaemon()
        result, context = self.probed(
            self.topology.execIn(self.c1.namespace, GUPNP_PYTHON, str(GUPNP_PROBE), self.c1.interface, "15", timeout=60),
            daemon,
        )
        self.assertEqual(result["events"], [{"Status": False}, {"Status": True}], context)
        self.assertEqual((result["setTarget"], result["subscribed"], result["lost"]), (200, True, None), context)

    async def test_linkLocalCallbackGetsEventsAndOtherSubnetIsRefused(self) -> None:
        """
        Over the ULA link, a CALLBACK on the client's link-local address is
        accepted and gets the initial event (Status 0, SEQ 0) and the
        change a SetTarget makes (Status 1, SEQ 1), from the device's own
        link-local address; a CALLBACK on the other client's subnet gets
        412.
        """
        daemon = self.startDaemon()
        device = replace(loadDevice(ROOT / "examples" / "binary-light.toml").device, UDN=UDN)
        service = device.services[0]
        clientLinkLocal = await self.linkLocal(self.c1.namespace, self.c1.interface)
        deviceLinkLocal = await self.linkLocal(self.topology.device, self.c1.deviceInterface)
        result, context = self.probed(
            run(
                "ip", "netns", "exec", self.c1.namespace, sys.executable, str(PROBE),
                self.c1.deviceAddress6, PORT,
                layout.servicePath(device, service, layout.SUBSCRIBE),
                layout.servicePath(device, service, layout.CONTROL),
                f"{clientLinkLocal}%{self.c1.interface}", clientLinkLocal, self.c2.address6,
                timeout=60,
            ),
            daemon,
        )
        self.assertEqual(result["offLinkStatus"], 412, context)
        self.assertEqual((result["status"], result["timeout"]), (200, "Second-1800"), context)
        self.assertEqual((result["initial"]["sid"], result["initial"]["seq"]), (result["sid"], "0"), context)
        self.assertIn("<Status>0</Status>", result["initial"]["body"], context)
        self.assertEqual(result["initial"]["peer"].split("%")[0], deviceLinkLocal, context)
        self.assertEqual(result["setTarget"], 200, context)
        self.assertEqual((result["change"]["sid"], result["change"]["seq"]), (result["sid"], "1"), context)
        self.assertIn("<Status>1</Status>", result["change"]["body"], context)
        self.assertEqual((result["unsubscribe"], result["others"]), (200, 0), context)
