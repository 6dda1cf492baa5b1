# -*- test-case-name: tests.compat.test_signals -*-
"""
Tests for the louie signals and named callbacks of
L{coherence_lite.compat.ssdp.SSDPServer}.

Where a test departs from Coherence's expectations, a comment names the
Coherence bug it no longer has.  Time is a L{Clock} given as the reactor, so
"asynchronously" means "not before C{clock.advance(0)}".
"""

from __future__ import annotations

import louie
from twisted.internet import reactor

from coherence_lite.compat.signals import DATAGRAM_RECEIVED, LOG, NEW_DEVICE, REMOVED_DEVICE

from tests.support.compat import (
    CompatTestCase,
    JAMBON,
    JAMBON_LOCATION,
    NOTIFY_USN,
    QUERIER,
    ROOT_USN,
    SignalRecorder,
    datagram,
    lines,
    msearch,
    ssdp_notify_1,
)


class SignalTests(CompatTestCase):
    """
    The louie signals a server sends, asynchronously.
    """

    def setUp(self) -> None:
        super().setUp()
        self.signals = SignalRecorder(self)

    def test_newDeviceForARemoteRootDevice(self) -> None:
        """
        A remote root device heard gives C{new_device} on the next reactor
        turn, with its C{known} entry.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.assertEqual(self.signals.events, [])
        self.clock.advance(0)
        [(args, named)] = self.signals.of(NEW_DEVICE)
        self.assertEqual(args, ())
        self.assertEqual(set(named), {"device_type", "infos"})
        self.assertEqual(named["device_type"], "upnp:rootdevice")
        self.assertEqual(named["infos"], self.proto.known[NOTIFY_USN])

    def test_newDeviceForALocalRootDevice(self) -> None:
        """
        A local root device registered gives C{new_device} with its local
        entry.
        """
        self.registerJambon()
        self.clock.advance(0)
        [(_, named)] = self.signals.of(NEW_DEVICE)
        self.assertEqual(named["infos"]["USN"], ROOT_USN)
        self.assertEqual(named["infos"]["MANIFESTATION"], "local")

    def test_onlyRootDevicesAreSignalled(self) -> None:
        """
        Entries other than root devices give no device signal.
        """
        # As Coherence: embedded devices and services come with their root.
        self.proto.register("local", JAMBON, JAMBON, JAMBON_LOCATION)
        self.proto.unRegister(JAMBON)
        self.clock.advance(0)
        self.assertEqual(self.signals.of(NEW_DEVICE) + self.signals.of(REMOVED_DEVICE), [])

    def test_refreshIsNotANewDevice(self) -> None:
        """
        A root device heard again is not signalled again.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.clock.advance(0)
        self.assertEqual(len(self.signals.of(NEW_DEVICE)), 1)

    def test_removedDeviceOnByebye(self) -> None:
        """
        A root device's byebye gives C{removed_device} with its entry.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        byebye = [line.replace("ssdp:alive", "ssdp:byebye") for line in ssdp_notify_1]
        self.proto.datagramReceived(datagram(byebye), QUERIER)
        self.clock.advance(0)
        [(_, named)] = self.signals.of(REMOVED_DEVICE)
        self.assertEqual(named["device_type"], "upnp:rootdevice")
        self.assertEqual(named["infos"]["USN"], NOTIFY_USN)

    def test_removedDeviceOnExpiry(self) -> None:
        """
        A root device's expiry gives C{removed_device}.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.clock.advance(1800)
        self.clock.advance(0)
        self.assertEqual(len(self.signals.of(REMOVED_DEVICE)), 1)

    def test_removedDeviceOnUnRegister(self) -> None:
        """
        Un-registering a local root device gives C{removed_device} with its
        local entry.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION, host="h")
        self.proto.unRegister(ROOT_USN)
        self.clock.advance(0)
        [(_, named)] = self.signals.of(REMOVED_DEVICE)
        self.assertEqual((named["infos"]["MANIFESTATION"], named["infos"]["HOST"]), ("local", "h"))

    def test_rootDeviceAtANewLocationIsRemovedThenNew(self) -> None:
        """
        A root device heard at a new LOCATION gives C{removed_device} then
        C{new_device}, and C{known} has the new LOCATION.
        """
        # Coherence only refreshed last-seen and kept the old LOCATION.
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        moved = [line.replace(":2869/", ":2870/") for line in ssdp_notify_1]
        self.proto.datagramReceived(datagram(moved), QUERIER)
        self.clock.advance(0)
        kinds = [name for name, _, _ in self.signals.events if name in (NEW_DEVICE, REMOVED_DEVICE)]
        self.assertEqual(kinds, [NEW_DEVICE, REMOVED_DEVICE, NEW_DEVICE])
        self.assertIn(":2870/", self.proto.known[NOTIFY_USN]["LOCATION"])

    def test_datagramReceivedAfterTheDeviceSignals(self) -> None:
        """
        C{datagram_received} carries the datagram and its source and comes
        after the signals it caused.
        """
        data = datagram(ssdp_notify_1)
        self.proto.datagramReceived(data, ("10.20.30.40", 1234))
        self.clock.advance(0)
        self.assertEqual(
            [name for name, _, _ in self.signals.events], [NEW_DEVICE, LOG, DATAGRAM_RECEIVED]
        )
        [(args, named)] = self.signals.of(DATAGRAM_RECEIVED)
        self.assertEqual((args, named), ((data, "10.20.30.40", 1234), {}))

    def test_datagramReceivedForEveryDatagram(self) -> None:
        """
        Every datagram, malformed ones included, gives C{datagram_received}.
        """
        for data in (b"garbage", msearch("ssdp:all")):
            self.proto.datagramReceived(data, QUERIER)
        self.clock.advance(0)
        self.assertEqual([args[0] for args, _ in self.signals.of(DATAGRAM_RECEIVED)], [b"garbage", msearch("ssdp:all")])

    def test_logSignals(self) -> None:
        """
        NOTIFYs and searches heard give Coherence's log lines.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), ("10.20.30.40", 1234))
        self.proto.datagramReceived(msearch("ssdp:all"), ("10.20.30.41", 5000))
        self.clock.advance(0)
        self.assertEqual(
            [args for args, _ in self.signals.of(LOG)],
            [
                ("SSDP", "10.20.30.40", f"Notify ssdp:alive for {NOTIFY_USN}"),
                ("SSDP", "10.20.30.41", "M-Search for ssdp:all"),
            ],
        )


class CallbackTests(CompatTestCase):
    """
    Coherence's C{subscribe}/C{callback} mechanism.
    """

    def test_newAndRemovedDeviceCallbacks(self) -> None:
        """
        Subscribed C{new_device} and C{removed_device} callbacks are called on
        the next reactor turn with the ST and entry.
        """
        calls: list[tuple] = []
        self.proto.subscribe("new_device", lambda *args: calls.append(("new",) + args))
        self.proto.subscribe("removed_device", lambda *args: calls.append(("removed",) + args))
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.proto.unRegister(ROOT_USN)
        self.assertEqual(calls, [])
        self.clock.advance(0)
        self.assertEqual([(kind, st) for kind, st, _ in calls], [("new", "upnp:rootdevice"), ("removed", "upnp:rootdevice")])
        self.assertEqual(calls[0][2]["USN"], ROOT_USN)

    def test_callbackCallsNowInOrder(self) -> None:
        """
        C{callback} calls the subscribed callbacks now, in order;
        unsubscribing, even twice, stops one.
        """
        calls: list[tuple] = []
        first = lambda *args: calls.append(("first",) + args)  # noqa: E731
        self.proto.subscribe("custom", first)
        self.proto.subscribe("custom", lambda *args: calls.append(("second",) + args))
        self.proto.callback("custom", 1, 2)
        self.assertEqual(calls, [("first", 1, 2), ("second", 1, 2)])
        self.proto.unsubscribe("custom", first)
        self.proto.unsubscribe("custom", first)
        self.proto.callback("custom", 3)
        self.assertEqual(calls[-1], ("second", 3))
        self.proto.callback("nobody")

    def test_failingCallbackIsLoggedAndOthersRun(self) -> None:
        """
        A failing callback is logged and the others still run.
        """
        calls: list[int] = []

        def broken(value: int) -> None:
            raise RuntimeError("callback broke")

        self.proto.subscribe("custom", broken)
        self.proto.subscribe("custom", calls.append)
        self.proto.callback("custom", 5)
        self.assertEqual(calls, [5])
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
