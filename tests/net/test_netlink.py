# -*- test-case-name: tests.net.test_netlink -*-
"""
Tests for L{coherence_lite.net.netlink}: a look at the interfaces a moment
after each burst of kernel notifications; and for the IPv6 addresses such a
look leaves out until they are usable.  The notifications come from a
socket pair standing in for netlink (real ones are measured by
C{tests/system/test_namespaces.py}).
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from twisted.internet.testing import MemoryReactorClock
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.interfaces import sourceReady, unusableIPv6Addresses
from coherence_lite.net.netlink import SETTLE_DELAY, NetlinkMonitor, openNetlink
from tests.support.prerequisites import missing
from tests.support import link


class NetlinkMonitorTests(SynchronousTestCase):
    """
    L{NetlinkMonitor} reading a socket pair with a memory reactor.
    """

    def setUp(self) -> None:
        self.reactor = MemoryReactorClock()
        self.kernel, ours = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(self.kernel.close)
        ours.setblocking(False)
        self.looks: list[float] = []
        self.monitor = NetlinkMonitor(lambda: self.looks.append(self.reactor.seconds()), self.reactor, lambda: ours)
        self.monitor.startService()
        self.addCleanup(self.monitor.stopService)

    def test_aBurstOfNotificationsGivesOneLookAMomentLater(self) -> None:
        """
        Three notifications read at once ask for one look, after the
        settle delay, not before.
        """
        self.assertIn(self.monitor, self.reactor.getReaders())
        for _ in range(3):
            self.kernel.send(b"RTM_NEWADDR")
        self.monitor.doRead()
        self.monitor.doRead()
        self.reactor.advance(SETTLE_DELAY / 2)
        self.assertEqual(self.looks, [])
        self.reactor.advance(SETTLE_DELAY / 2)
        self.assertEqual(self.looks, [SETTLE_DELAY])
        self.reactor.advance(10)
        self.assertEqual(len(self.looks), 1)

    def test_laterNotificationsGiveAnotherLook(self) -> None:
        """
        A notification after the look asks for a new one.
        """
        self.kernel.send(b"a")
        self.monitor.doRead()
        self.reactor.advance(1)
        self.kernel.send(b"b")
        self.monitor.doRead()
        self.reactor.advance(1)
        self.assertEqual(len(self.looks), 2)

    def test_stopRemovesTheReaderAndThePendingLook(self) -> None:
        """
        Stopping stops reading, closes the socket and cancels a pending look.
        """
        self.kernel.send(b"a")
        self.monitor.doRead()
        self.monitor.stopService()
        self.assertNotIn(self.monitor, self.reactor.getReaders())
        self.assertEqual(self.reactor.getDelayedCalls(), [])
        self.assertFalse(self.monitor.active)
        self.assertEqual(self.monitor.fileno(), -1)


class WithoutNetlinkTests(SynchronousTestCase):
    """
    Where netlink is missing or refused, nothing is read and nothing breaks.
    """

    def test_refusedSocketLeavesPollingAlone(self) -> None:
        """
        An opener that fails leaves the monitor inactive, without errors.
        """
        def refuse() -> socket.socket:
            raise PermissionError(1, "Operation not permitted")

        reactor = MemoryReactorClock()
        monitor = NetlinkMonitor(lambda: None, reactor, refuse)
        monitor.startService()
        self.assertFalse(monitor.active)
        self.assertEqual(reactor.getReaders(), [])
        monitor.stopService()

    def test_reactorWithoutDescriptorsLeavesPollingAlone(self) -> None:
        """
        A reactor that reads no descriptors (a bare clock) gets no socket.
        """
        opened: list[int] = []
        monitor = NetlinkMonitor(lambda: None, Clock(), lambda: opened.append(1))  # type: ignore[arg-type,return-value]
        monitor.startService()
        self.assertEqual(opened, [])
        self.assertFalse(monitor.active)


class OpenNetlinkTests(SynchronousTestCase):
    """
    L{openNetlink} on this machine.
    """

    def test_opensANonBlockingRouteSocket(self) -> None:
        """
        On Linux the socket opens, joined to the link and address groups,
        and reads nothing yet without blocking.
        """
        if not hasattr(socket, "AF_NETLINK"):
            missing("netlink is Linux only")
        skt = openNetlink()
        self.addCleanup(skt.close)
        self.assertEqual(skt.family, socket.AF_NETLINK)
        self.assertFalse(skt.getblocking())


class UnusableIPv6Tests(SynchronousTestCase):
    """
    L{unusableIPv6Addresses} reading a made-up C{/proc/net/if_inet6}.
    """

    def test_tentativeAndFailedGlobalAddressesAreUnusable(self) -> None:
        """
        Tentative and DAD-failed global or unique-local addresses are
        unusable; permanent ones, and link-local ones whatever their flags,
        are not; malformed lines are skipped.
        """
        table = Path(self.mktemp())
        table.write_text(
            "fd810001000000000000000000000011 04 40 00 40     d1\n"  # tentative
            "fd810001000000000000000000000012 04 40 00 08     d1\n"  # DAD failed
            "fd810001000000000000000000000001 04 40 00 82     d1\n"  # permanent, nodad
            "fe800000000000000000000000000001 04 40 20 c0     d1\n"  # tentative link-local
            "garbage\n"
        )
        self.assertEqual(
            unusableIPv6Addresses(table),
            {ipaddress.IPv6Address("fd81:1::11"), ipaddress.IPv6Address("fd81:1::12")},
        )

    def test_missingTableMeansNothingIsUnusable(self) -> None:
        """
        Without the table (not Linux), no address is left out.
        """
        self.assertEqual(unusableIPv6Addresses(Path(self.mktemp())), frozenset())


class SourceReadyTests(SynchronousTestCase):
    """
    L{sourceReady} reading a made-up C{/proc/net/if_inet6}.
    """

    def test_tentativeLinkLocalIsNotReady(self) -> None:
        """
        A link whose address is tentative on its interface cannot send yet;
        once DAD is over it can; the same address on another interface,
        an address not listed and IPv4 are ready.
        """
        table = Path(self.mktemp())
        table.write_text(
            "fe800000000000000000000000000001 04 40 20 c0     d1\n"  # tentative
            "fe800000000000000000000000000002 05 40 20 80     d2\n"  # done
            "garbage\n"
        )
        self.assertFalse(sourceReady(link("fe80::1/64", "d1", 4), table))
        self.assertTrue(sourceReady(link("fe80::1/64", "d9", 9), table))
        self.assertTrue(sourceReady(link("fe80::2/64", "d2", 5), table))
        self.assertTrue(sourceReady(link("fe80::3/64", "d2", 5), table))
        self.assertTrue(sourceReady(link("10.0.0.1/24", "d1", 4), table))
        self.assertTrue(sourceReady(link("fe80::1/64", "d1", 4), Path(self.mktemp())))
