# -*- test-case-name: tests.system.test_browser -*-
"""
The presentation page in a real browser: Debian's headless Chromium,
driven by Selenium through chromedriver (tests/system/browser_probe.py), loads the
zero-code BinaryLight's page over a namespace link (tests/support/netns.py), the
way a person double-clicking the device would.

The browser runs in a client namespace whose only route is its link to the
device namespace, so it can reach nothing else.  Needs root, iproute2,
Chromium, chromedriver, Selenium and async-upnp-client: without them the
test skips with the reason, and fails under CI, which installs them all.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support.netns import ROOT, Topology, run, unavailable
from tests.support.prerequisites import missing

PROBE = Path(__file__).with_name("browser_probe.py")
UUID = "5e1f0000-0000-4000-8000-00000000b0b0"
PORT = "8089"


def browserMissing() -> str | None:
    """
    Why the browser test cannot run here, or L{None}.
    """
    reason = unavailable()
    if reason is not None:
        return reason
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        return "Chromium and chromedriver are not installed (Debian: chromium chromium-driver)"
    for module, package in (("selenium", "selenium"), ("async_upnp_client", "async-upnp-client")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (pip install '.[test]')"
    return None


class BrowserTests(SynchronousTestCase):
    """
    A person's view of the BinaryLight, in Chromium, across a link.
    """

    def setUp(self) -> None:
        reason = browserMissing()
        if reason is not None:
            missing(reason)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        self.client = self.topology.clients[0]
        self.topology.startDaemon(
            "--config", str(ROOT / "examples" / "binary-light.toml"), "--uuid", f"uuid:{UUID}",
            "--http-port", PORT, "--poll-interval", "0", stateDirectory=os.path.abspath(self.mktemp()),
        )
        self.page = f"http://{self.client.deviceAddress}:{PORT}/{UUID}/"

    def test_personSwitchesTheLightAndSeesChangesLive(self) -> None:
        """
        The page goes live; its SetTarget form (a labelled checkbox) switches
        the light on and Status turns true without a reload; a SetTarget
        sent by async-upnp-client switches it off and the page shows Status
        false, still the same document; the browser logs no error.
        """
        result = json.loads(
            run(
                "ip", "netns", "exec", self.client.namespace, sys.executable, str(PROBE),
                "light", self.page, self.page + "description.xml", timeout=120,
            ).stdout
        )
        self.assertNotIn("error", result, result)
        self.assertEqual(result["title"], "coherence-lite light")
        self.assertEqual((result["live"], result["labelled"]), (True, "newTargetValue"))
        self.assertEqual(result["statusBefore"], "false")
        self.assertEqual((result["formResult"], result["statusAfterForm"]), ("Done.", "true"))
        self.assertEqual((result["soapStatus"], result["statusAfterSOAP"]), (False, "false"))
        self.assertEqual(result["sameDocument"], "yes")
        self.assertEqual(result["errors"], [])

    def test_formsWorkWithoutJavaScript(self) -> None:
        """
        With JavaScript off the page is not live but its form still
        switches the light: a plain POST answered with the page, showing
        Status true and the form's result.
        """
        result = json.loads(
            run(
                "ip", "netns", "exec", self.client.namespace, sys.executable, str(PROBE), "nojs", self.page, timeout=120,
            ).stdout
        )
        self.assertNotIn("error", result, result)
        self.assertEqual((result["live"], result["statusBefore"]), ("Not live", "false"))
        self.assertEqual(result["url"], self.page)
        self.assertEqual((result["statusAfter"], result["formResult"]), ("true", "Done."))
