"""
The checker's quirks section against real MediaServers in network
namespaces, checked from a client namespace over a veth link (IPv4 and
IPv6): our daemon handles every quirk; minidlna (Debian's, when installed)
is reported with what it is known to miss (a suffix range answered 400, no
IPv6, no ContainerUpdateIDs) and what it handles (Samsung's
X_GetFeatureList, the Xbox's registrar, the Host check).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.conformance.findings import PASS, RULES

from tests.media.library import makeLibrary, needFFmpeg
from tests.support.netns import ROOT, Client, OutputReader, Topology, run, unavailable
from tests.support.prerequisites import missing

#: The quirk rules.
QUIRKS = {rule for rule, each in RULES.items() if each.section == "quirks"}

MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1"


def check(client: Client, *arguments: str) -> tuple[int, str, str]:
    """
    Run C{coherence-lite check} in the client namespace on its link (both
    families); its exit status, output and error output.
    """
    completed = run(
        "ip", "netns", "exec", client.namespace, "env", f"PYTHONPATH={ROOT}",
        sys.executable, "-c", "import sys; from coherence_lite.cli.main import main; sys.exit(main())",
        "check", "-i", client.interface, "--mx", "1", "--st", MEDIA_SERVER, *arguments, check=False, timeout=120,
    )
    return completed.returncode, completed.stdout, completed.stderr


def quirksOf(report: str) -> dict[str, tuple[bool, str]]:
    """
    The quirks of the one device of a JSON report: whether each is handled
    and the level, by rule (over IPv4 and IPv6 alike, the worse kept).
    """
    [device] = json.loads(report)["devices"]
    found: dict[str, tuple[bool, str]] = {}
    for each in device["quirks"]:
        if each["rule"] not in found or not each["handled"]:
            found[each["rule"]] = (each["handled"], each["level"])
    return found


class MediaQuirkTests(SynchronousTestCase):
    """
    Real servers in a device namespace, the checker in a client one.
    """

    def setUp(self) -> None:
        needFFmpeg()
        reason = unavailable()
        if reason is not None:
            missing(reason)
        self.base = Path(tempfile.mkdtemp(prefix="cl-quirks-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.music = makeLibrary(self.base)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        [self.client] = self.topology.clients

    def test_oursHandlesEveryQuirk(self) -> None:
        """
        Our daemon handles every quirk, IPv6 included: each quirk rule is
        reported handled, in the JSON and in the text report's quirks
        section.
        """
        daemon = self.topology.startDaemon(
            "--media", str(self.music), "--media-name", "Den", stateDirectory=str(self.base / "state")
        )
        daemon.waitFor("Media scan done", 60)
        status, out, err = check(self.client, "--json")
        self.assertEqual(status, 0, out[-3000:] + err[-3000:])
        quirks = quirksOf(out)
        self.assertEqual(set(quirks), QUIRKS)
        self.assertEqual({rule for rule, (handled, _) in quirks.items() if not handled}, set())
        status, text, _ = check(self.client)
        section = text.split("quirks (what real clients need beyond the spec):\n", 1)[1]
        self.assertEqual(section.count("PASS quirks."), 2 * len(QUIRKS) - 1, text)
        self.assertNotIn("Traceback", "".join(daemon.lines))

    def test_minidlnaKnownFailures(self) -> None:
        """
        minidlna 1.3: the suffix range and the range at the end get 400
        (a standard broken: FAIL), it answers over IPv4 only and has no
        ContainerUpdateIDs (not handled: WARN); X_GetFeatureList, the
        registrar and the Host check are handled.
        """
        binary = shutil.which("minidlnad") or ("/usr/sbin/minidlnad" if os.path.exists("/usr/sbin/minidlnad") else None)
        if binary is None:
            missing("minidlna is not installed (apt-get install minidlna): its quirks are not checked")
        folder = self.base / "minidlna"
        (folder / "db").mkdir(parents=True)
        conf = folder / "minidlna.conf"
        conf.write_text(
            f"media_dir={self.music}\ndb_dir={folder / 'db'}\nlog_dir={folder}\nport=8200\n"
            f"network_interface={self.client.deviceInterface}\ninotify=no\nfriendly_name=quirks minidlna\n"
        )
        server = OutputReader(self.topology.start(self.topology.device, binary, "-d", "-f", str(conf), "-P", str(folder / "pid")))
        server.waitFor("finished (", 60)
        status, out, err = check(self.client, "--json")
        self.assertEqual(status, 1, out[-3000:] + err[-3000:])
        quirks = quirksOf(out)
        seen = json.dumps(json.loads(out)["devices"][0]["quirks"], indent=1)
        self.assertEqual(quirks["quirks.suffix-range"], (False, "FAIL"), seen)
        self.assertEqual(quirks["quirks.ipv6"], (False, "WARN"), seen)
        self.assertEqual(quirks["quirks.container-update-ids"], (False, "WARN"), seen)
        for rule in ("quirks.samsung-features", "quirks.ms-registrar", "quirks.host-check"):
            self.assertEqual(quirks[rule], (True, PASS), seen)
