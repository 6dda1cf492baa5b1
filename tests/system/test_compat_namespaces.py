# -*- test-case-name: tests.system.test_compat_namespaces -*-
"""
Foreign control points switch the Coherence-style light of
C{examples/coherence_light.py} across a real link, in network namespaces
(see tests/support/netns.py): the example runs in the device namespace on the
link's address, SSDP on port 1900 there; async-upnp-client (strict) and
GUPnP, each in a client namespace, find it by searching and switch it on
through SOAP.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support.netns import ROOT, OutputReader, Topology, run, unavailable
from tests.support.prerequisites import missing
from tests.system.test_namespaces import GUPNP_PYTHON

REASON = unavailable()
EXAMPLE = ROOT / "examples" / "coherence_light.py"
ASYNC_PROBE = Path(__file__).with_name("foreign_switch_probe.py")
GUPNP_PROBE = Path(__file__).with_name("gupnp_switch_probe.py")
UDN = "uuid:c0e4e2ce-0000-4000-8000-00000000b17e"


class ForeignControlPointTests(SynchronousTestCase):
    """
    The example light in a device namespace, one client on its own link.
    """

    def setUp(self) -> None:
        if REASON is not None:
            missing(REASON)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        [self.client] = self.topology.clients
        process = self.topology.start(
            self.topology.device, sys.executable, str(EXAMPLE), "--interface", self.client.deviceAddress,
            "--serverport", "8088", "--name", "Porch light", "--uuid", UDN,
        )
        self.output = OutputReader(process)
        self.output.waitFor("Hosting", timeout=20)

    def test_asyncUPnPClientSwitchesTheLight(self) -> None:
        """
        async-upnp-client finds the BinaryLight by searching from its own
        link, reads it strictly, and switches it from off to on; the
        backend logs the switch.
        """
        result = json.loads(
            run("ip", "netns", "exec", self.client.namespace, sys.executable, str(ASYNC_PROBE), self.client.address,
                timeout=60).stdout
        )
        self.assertEqual(
            result,
            {
                "location": f"http://{self.client.deviceAddress}:8088/{UDN[5:]}/description.xml",
                "friendlyName": "Porch light",
                "before": False,
                "after": True,
                "target": True,
            },
        )
        self.output.waitFor("switched to 1", timeout=10)

    def test_gupnpSwitchesTheLight(self) -> None:
        """
        GUPnP finds the SwitchPower service across the link and switches
        the light on with its own action calls.
        """
        if GUPNP_PYTHON is None:
            missing("GUPnP 1.6 with PyGObject is not installed (Debian: python3-gi gir1.2-gupnp-1.6)")
        result = json.loads(
            run("ip", "netns", "exec", self.client.namespace, GUPNP_PYTHON, str(GUPNP_PROBE), self.client.interface, "15",
                timeout=60).stdout
        )
        self.assertEqual(result, {"udn": UDN, "before": False, "after": True})
        self.output.waitFor("switched to 1", timeout=10)
