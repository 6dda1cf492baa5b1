"""
Tests for the namespace helpers (tests/netns.py): unique names, nothing
touched that a test did not create, C{lo} up, no address still tentative.
"""

from __future__ import annotations

import subprocess

from twisted.trial.unittest import SynchronousTestCase

from tests.support import netns
from tests.support.netns import Topology, run, uniqueName, unavailable
from tests.support.prerequisites import missing


def namespaces() -> set[str]:
    """
    The names of the namespaces that exist now.
    """
    return {line.split()[0] for line in run("ip", "netns", "list").stdout.splitlines() if line.strip()}


class TopologyTests(SynchronousTestCase):
    """
    L{Topology} builds and destroys only its own namespaces.
    """

    def setUp(self) -> None:
        reason = unavailable()
        if reason is not None:
            missing(reason)

    def test_takenNameIsLeftAlone(self) -> None:
        """
        When a name is taken (someone else's namespace, with a process in
        it), building fails and that namespace and its process are left
        as they were.
        """
        prefix = uniqueName("x")
        theirs = f"{prefix}-dev"
        run("ip", "netns", "add", theirs)
        sleeper = subprocess.Popen(["ip", "netns", "exec", theirs, "sleep", "60"])

        def cleanUp() -> None:
            sleeper.kill()
            sleeper.wait()
            run("ip", "netns", "del", theirs, check=False)

        self.addCleanup(cleanUp)
        self.patch(netns, "uniqueName", lambda label: prefix)
        self.assertRaises(RuntimeError, Topology.build, 1)
        self.assertIn(theirs, namespaces())
        self.assertIsNone(sleeper.poll())
        self.assertNotIn(f"{prefix}-c1", namespaces())

    def test_uniqueNamesLoUpNothingTentative(self) -> None:
        """
        Two topologies have different names; each namespace has C{lo} up
        and no tentative address; link-local-only links have no other IPv6
        address; destroying one leaves the other.
        """
        first = Topology.build(clientCount=1, globalIPv6=False)
        self.addCleanup(first.destroy)
        second = Topology.build(clientCount=1)
        self.addCleanup(second.destroy)
        self.assertNotEqual(first.prefix, second.prefix)
        self.assertTrue(first.prefix.startswith("cl-"))
        for topology in (first, second):
            for name in topology.created:
                self.assertIn("UP", run("ip", "-n", name, "link", "show", "lo").stdout)
                self.assertNotIn("tentative", run("ip", "-n", name, "-6", "addr", "show").stdout)
        [client] = first.clients
        shown = run("ip", "-n", client.namespace, "-6", "addr", "show", "dev", client.interface).stdout
        self.assertIn("scope link", shown)
        self.assertNotIn("scope global", shown)
        first.destroy()
        self.assertEqual(set(second.created) - namespaces(), set())
        self.assertEqual({first.device, client.namespace} & namespaces(), set())
