"""
Integration on real links: the daemon in a network namespace, control
points in others, joined by veth pairs on different subnets.

Topology (built per test, deleted after)::

    cl-…-c1 (c1: 10.81.1.2, fd81:1::2) ── d1: 10.81.1.1, fd81:1::1 ┐
                                                                    ├ cl-…-dev (daemon)
    cl-…-c2 (c2: 10.81.2.2, fd81:2::2) ── d2: 10.81.2.1, fd81:2::1 ┘

The daemon runs as a user runs it (C{twistd -n upnp-device}, every
interface, SSDP port 1900) inside the device namespace.  Needs root and
iproute2; skips otherwise.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from twisted.logger import Logger
from twisted.trial.unittest import SynchronousTestCase

from tests.support.netns import ROOT, Topology, readJSON, unavailable
from tests.support.prerequisites import missing

log = Logger()
REASON = unavailable()
POLL = "1"


class NamespaceTestCase(SynchronousTestCase):
    """
    A fresh device namespace and two client namespaces per test, deleted
    after it; the daemon runs the Jambon 3000 as a user runs it.
    """

    def setUp(self) -> None:
        if REASON is not None:
            missing(REASON)
        self.topology = Topology.build()
        self.addCleanup(self.topology.destroy)
        self.c1, self.c2 = self.topology.clients

    def startDaemon(self, *options: str):
        return self.topology.startDaemon(
            "--config", str(ROOT / "examples" / "jambon-3000.toml"), "--poll-interval", POLL, *options,
            stateDirectory=os.path.abspath(self.mktemp()),
        )

    def search(self, client, st: str = "upnp:rootdevice", *options: str) -> list[dict]:
        return self.topology.probe(client, "search", st, *options)  # type: ignore[return-value]


class TwoSubnetTests(NamespaceTestCase):
    """
    One daemon serving two links on two subnets.
    """

    def test_eachClientGetsALocationOnItsOwnSubnetThatItCanFetch(self) -> None:
        """
        Each client is answered from, and given a LOCATION on, the device
        address of its own subnet, and that LOCATION fetches.
        """
        self.startDaemon()
        for client in (self.c1, self.c2):
            [response] = self.search(client)
            self.assertEqual(response["_from"], client.deviceAddress)
            location = response["LOCATION"]
            self.assertEqual(urlsplit(location).hostname, client.deviceAddress)
            fetched = self.topology.probe(client, "fetch", location)
            self.assertEqual(fetched["status"], 200)
            self.assertEqual(fetched["udn"], "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363")
            self.assertEqual(fetched["friendlyName"], "Jambon 3000")

    def test_notifiesGoOutOnBothLinksWithEachLinksLocation(self) -> None:
        """
        Alive NOTIFYs go out on both links, each from and with a LOCATION on
        that link's own address.
        """
        listeners = [self.topology.startProbe(client, "listen", client.interface, "--wait", "4") for client in (self.c1, self.c2)]
        self.startDaemon()
        for client, listener in zip((self.c1, self.c2), listeners):
            notifies = readJSON(listener)
            alive = [n for n in notifies if n["NTS"] == "ssdp:alive"]
            # three bursts of the Jambon set (3 + 0 + 1) on this link
            self.assertEqual(len(alive), 12, notifies)
            self.assertEqual({urlsplit(n["LOCATION"]).hostname for n in alive}, {client.deviceAddress})
            self.assertEqual({n["_from"] for n in alive}, {client.deviceAddress})

    def test_offLinkSourceGetsNoAnswerWhileOnLinkDoes(self) -> None:
        """
        A search from an address off the receiving link gets no answer (no
        reflection), while one from the link does.
        """
        self.startDaemon()
        self.topology.execIn(self.c1.namespace, "ip", "addr", "add", "10.99.0.2/24", "dev", self.c1.interface)
        offLink = self.search(self.c1, "ssdp:all", "--source", "10.99.0.2")
        offLinkUnicast = self.search(self.c1, "ssdp:all", "--source", "10.99.0.2", "--destination", self.c1.deviceAddress)
        onLink = self.search(self.c1, "ssdp:all", "--source", self.c1.address)
        self.assertEqual(offLink, [])
        self.assertEqual(offLinkUnicast, [])
        self.assertEqual(len(onLink), 4)


class IPv6Tests(NamespaceTestCase):
    """
    Discovery and description over IPv6 link-local and site-local groups.
    """

    def test_searchOnFF02CIsAnsweredAndTheLocationFetchesOverIPv6(self) -> None:
        """
        An M-SEARCH to [FF02::C]:1900 is answered with an IPv6 LOCATION that
        fetches over IPv6.
        """
        self.startDaemon()
        [response] = self.search(self.c1, "upnp:rootdevice", "--v6", self.c1.interface)
        location = response["LOCATION"]
        self.assertEqual(urlsplit(location).hostname, self.c1.deviceAddress6)
        self.assertIn(f"[{self.c1.deviceAddress6}]", location)
        fetched = self.topology.probe(self.c1, "fetch", location)
        self.assertEqual(fetched["status"], 200)
        self.assertEqual(fetched["friendlyName"], "Jambon 3000")

    def test_siteLocalGroupIsServedWhenConfigured(self) -> None:
        """
        With C{--ipv6-site-local}, a search on FF05::C is answered too.
        """
        self.startDaemon("--ipv6-site-local")
        [response] = self.search(self.c2, "upnp:rootdevice", "--v6", self.c2.interface, "--group6", "ff05::c")
        self.assertEqual(urlsplit(response["LOCATION"]).hostname, self.c2.deviceAddress6)


class AddressChangeTests(NamespaceTestCase):
    """
    Addresses and interfaces that change while the daemon runs.
    """

    def replaceAddress(self, *options: str) -> float:
        """
        Start the daemon with C{options}, replace c1's device address, and
        check what the client sees: byebye first, then alive with the new
        LOCATION and BOOTID+1, and later searches use the new address.

        @return: the seconds from the change to the first new alive.
        """
        daemon = self.startDaemon(*options)
        [before] = self.search(self.c1)
        listener = self.topology.startProbe(self.c1, "listen", self.c1.interface, "--wait", "5")
        device = self.topology.device
        # Add the new address first, then delete the old primary: with
        # promote_secondaries set, the new one survives the deletion.
        self.topology.execIn(device, "ip", "addr", "add", "10.81.1.11/24", "dev", self.c1.deviceInterface)
        self.topology.execIn(device, "ip", "addr", "del", f"{self.c1.deviceAddress}/24", "dev", self.c1.deviceInterface)
        changedAt = time.monotonic()
        notifies = readJSON(listener)
        byebye = [n for n in notifies if n["NTS"] == "ssdp:byebye"]
        alive = [n for n in notifies if n["NTS"] == "ssdp:alive"]
        self.assertTrue(byebye, notifies)
        self.assertTrue(alive, notifies)
        self.assertLess(float(byebye[0]["_at"]), float(alive[0]["_at"]))
        self.assertEqual({urlsplit(n["LOCATION"]).hostname for n in alive}, {"10.81.1.11"})
        oldBoot = int(before["BOOTID.UPNP.ORG"])
        self.assertEqual({int(n["BOOTID.UPNP.ORG"]) for n in alive}, {oldBoot + 1})
        # the other link, which kept its address, got ssdp:update first
        # (checked by the unit tests); here: later searches get the new LOCATION
        [after] = self.search(self.c1)
        self.assertEqual(urlsplit(after["LOCATION"]).hostname, "10.81.1.11")
        self.assertEqual(self.topology.probe(self.c1, "fetch", after["LOCATION"])["status"], 200)
        daemon.waitFor("10.81.1.11 added")
        return float(alive[0]["_at"]) - changedAt

    def test_replacedAddressIsSeenByPolling(self) -> None:
        """
        Without netlink, a replaced address is withdrawn and announced anew
        (new LOCATION, BOOTID+1) within one poll interval.
        """
        delay = self.replaceAddress("--no-netlink")
        log.info("Address change to first new alive, polling every {poll} s: {delay:.2f} s", poll=POLL, delay=delay)
        self.assertLess(delay, float(POLL) + 1.0)

    def test_replacedAddressIsSeenWithinASecondThroughNetlink(self) -> None:
        """
        With netlink (the default on Linux) and polling slowed to once a
        minute, the first alive for a replaced address goes out in under a
        second.
        """
        delay = self.replaceAddress("--poll-interval", "60")
        log.info("Address change to first new alive through netlink: {delay:.2f} s", delay=delay)
        self.assertLess(delay, 1.0)

    def test_newIPv6AddressIsAnnouncedOnceItsDuplicateCheckIsOver(self) -> None:
        """
        An IPv6 address replaced by one that goes through duplicate address
        detection (tentative for a second or so, unusable as a source) is
        announced with its LOCATION once usable, although netlink reported
        it at once.
        """
        self.startDaemon("--poll-interval", "60")
        listener = self.topology.startProbe(self.c1, "listen", self.c1.interface, "--wait", "6", "--v6")
        device = self.topology.device
        self.topology.execIn(device, "ip", "addr", "add", "fd81:1::11/64", "dev", self.c1.deviceInterface)
        self.topology.execIn(device, "ip", "addr", "del", f"{self.c1.deviceAddress6}/64", "dev", self.c1.deviceInterface)
        notifies = readJSON(listener)
        alive = [n for n in notifies if n["NTS"] == "ssdp:alive"]
        self.assertIn("fd81:1::11", {urlsplit(n["LOCATION"]).hostname for n in alive}, notifies)

    def test_interfaceAppearingLaterIsServedWithoutRestart(self) -> None:
        """
        An interface that comes up after start is served without a restart.
        """
        self.topology.execIn(self.topology.device, "ip", "link", "set", self.c2.deviceInterface, "down")
        daemon = self.startDaemon()
        self.assertEqual(self.search(self.c2), [])
        mark = len(daemon.lines)
        self.topology.execIn(self.topology.device, "ip", "link", "set", self.c2.deviceInterface, "up")
        daemon.waitFor(f"{self.c2.deviceAddress} added", timeout=10, after=mark)
        [response] = self.search(self.c2)
        self.assertEqual(urlsplit(response["LOCATION"]).hostname, self.c2.deviceAddress)


class ForeignControlPointTests(NamespaceTestCase):
    """
    Control points written by others find the daemon across a veth link.
    """

    def test_asyncUPnPClientFindsTheDeviceAcrossTheLink(self) -> None:
        """
        async-upnp-client, in a client namespace, finds the Jambon 3000 with a
        LOCATION on its own link.
        """
        try:
            import async_upnp_client  # noqa: F401
        except ImportError:
            missing("async-upnp-client is not installed (pip install '.[test]')")
        self.startDaemon()
        probe = Path(__file__).with_name("async_upnp_client_probe.py")
        result = self.topology.execIn(
            self.c1.namespace, sys.executable, str(probe), "1900", "upnp:rootdevice", self.c1.address
        )
        found = json.loads(result.stdout)
        [device] = found["devices"]
        self.assertEqual(device["friendly_name"], "Jambon 3000")
        self.assertEqual(urlsplit(device["location"]).hostname, self.c1.deviceAddress)
        self.assertTrue(re.match(r"^uuid:e427ce1a-", device["udn"]))

    def test_gupnpFindsTheDeviceAndReadsItsDescription(self) -> None:
        """
        GUPnP (GNOME's control point) finds the device and reads its UDN,
        friendly name and UTF-8 manufacturer from the description.
        """
        python = GUPNP_PYTHON
        if python is None:
            missing("GUPnP 1.6 with PyGObject is not installed (Debian: python3-gi gir1.2-gupnp-1.6)")
        self.startDaemon()
        probe = Path(__file__).with_name("gupnp_probe.py")
        result = self.topology.execIn(self.c1.namespace, python, str(probe), self.c1.interface, "4")
        [device] = json.loads(result.stdout)
        self.assertEqual(device["udn"], "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363")
        self.assertEqual(device["friendlyName"], "Jambon 3000")
        self.assertEqual(device["manufacturer"], "Boucherie numérique SAS")
        self.assertEqual(device["services"], ["urn:boucherie.example.com:service:Jambon:1"])
        self.assertEqual(urlsplit(device["location"]).hostname, self.c1.deviceAddress)
        # GUPnP picks the largest icon, the one Windows' Network view shows too.
        self.assertTrue(device["iconURL"].endswith("/icons/icon-120.png"), device["iconURL"])


def _gupnpPython() -> str | None:
    """
    A Python that can import GUPnP 1.6 through PyGObject (Debian's), if any.
    """
    for candidate in ("/usr/bin/python3", sys.executable):
        check = subprocess.run(
            [candidate, "-c", "import gi; gi.require_version('GUPnP', '1.6'); from gi.repository import GUPnP"],
            capture_output=True,
        )
        if check.returncode == 0:
            return candidate
    return None


GUPNP_PYTHON = _gupnpPython() if REASON is None else None
