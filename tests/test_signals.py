"""
Tests for L{coherence_lite.compat.signals}: louie signals delivered on the next
reactor turn, the sender ignored, one failing receiver isolated.

louie's registry is global: every receiver connected here is disconnected
in a cleanup, and receivers are kept alive by the test (louie holds weak
references).
"""

from __future__ import annotations

from typing import Any, Callable

import louie
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat import signals
from coherence_lite.compat.signals import ALL_SIGNALS, SignalSender

TEST_SIGNAL = "coherence-lite.tests.signal"


class SignalSenderTests(SynchronousTestCase):
    """
    L{SignalSender} delivers louie signals on the next reactor turn.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sender = SignalSender(self.clock)
        self.received: list[tuple[Any, ...]] = []

    def connect(self, receiver: Callable[..., object], signal: str = TEST_SIGNAL, **options: Any) -> None:
        louie.connect(receiver, signal, **options)
        self.addCleanup(louie.disconnect, receiver, signal, **options)

    def test_deliveredOnlyWhenTheReactorTurns(self) -> None:
        """
        A signal reaches its receiver on the next reactor turn, not during the
        send.
        """
        def receiver(value: int) -> None:
            self.received.append((value,))

        self.connect(receiver)
        self.sender.send(TEST_SIGNAL, 1)
        self.assertEqual(self.received, [])
        self.clock.advance(0)
        self.assertEqual(self.received, [(1,)])

    def test_positionalAndNamedArguments(self) -> None:
        """
        Positional and named arguments reach the receiver as sent.
        """
        def receiver(data: bytes, host: str, port: int, extra: str = "") -> None:
            self.received.append((data, host, port, extra))

        self.connect(receiver)
        self.sender.send(TEST_SIGNAL, b"x", "10.0.0.1", 1900, extra="yes")
        self.clock.advance(0)
        self.assertEqual(self.received, [(b"x", "10.0.0.1", 1900, "yes")])

    def test_receiverConnectedWithDefaultSenderGetsIt(self) -> None:
        """
        A receiver connected without a sender, as Coherence code connects, gets
        the signal.
        """
        def receiver(**named: Any) -> None:
            self.received.append(tuple(sorted(named)))

        self.connect(receiver)  # sender=louie.Any, as Coherence code connects
        self.sender.send(TEST_SIGNAL, device_type="upnp:rootdevice", infos={})
        self.clock.advance(0)
        self.assertEqual(len(self.received), 1)
        self.assertIn("device_type", self.received[0])
        self.assertIn("infos", self.received[0])

    def test_receiverOfAnotherSenderDoesNotGetIt(self) -> None:
        """
        A receiver connected for a particular sender does not get the signal.
        """
        particular = object()

        def receiver() -> None:
            self.received.append(())

        self.connect(receiver, sender=particular)
        self.sender.send(TEST_SIGNAL)
        self.clock.advance(0)
        self.assertEqual(self.received, [])

    def test_orderIsKept(self) -> None:
        """
        Signals are delivered in the order they were sent.
        """
        def receiver(value: int) -> None:
            self.received.append((value,))

        self.connect(receiver)
        for value in range(5):
            self.sender.send(TEST_SIGNAL, value)
        self.clock.advance(0)
        self.assertEqual(self.received, [(value,) for value in range(5)])

    def test_failingReceiverDoesNotStopOthersAndIsLogged(self) -> None:
        """
        A receiver that raises is logged at error level and the others still
        get the signal.
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)

        def broken(value: int) -> None:
            raise RuntimeError("receiver broke")

        def working(value: int) -> None:
            self.received.append((value,))

        self.connect(broken)
        self.connect(working)
        self.sender.send(TEST_SIGNAL, 7)
        self.clock.advance(0)
        self.assertEqual(self.received, [(7,)])
        errors = [event for event in events if event.get("signal") == TEST_SIGNAL]
        self.assertEqual(len(errors), 1)
        self.assertIsInstance(errors[0]["error"], RuntimeError)
        self.assertEqual(errors[0]["log_level"].name, "error")

    def test_noReceiverIsFine(self) -> None:
        """
        A signal nobody listens to is dropped, leaving no timer.
        """
        self.sender.send(TEST_SIGNAL, 1)
        self.clock.advance(0)
        self.assertEqual(self.clock.getDelayedCalls(), [])


class SignalNameTests(SynchronousTestCase):
    """
    The signal and callback names are Coherence's, each spelled once.
    """

    def test_coherenceNames(self) -> None:
        """
        The SSDP signals have Coherence's names.
        """
        self.assertEqual(signals.NEW_DEVICE, "Coherence.UPnP.SSDP.new_device")
        self.assertEqual(signals.REMOVED_DEVICE, "Coherence.UPnP.SSDP.removed_device")
        self.assertEqual(signals.DATAGRAM_RECEIVED, "UPnP.SSDP.datagram_received")
        self.assertEqual(signals.LOG, "Coherence.UPnP.Log")

    def test_allSignalsAreDistinct(self) -> None:
        """
        No two signals share a name.
        """
        self.assertEqual(len(set(ALL_SIGNALS)), len(ALL_SIGNALS))

    def test_callbackNames(self) -> None:
        """
        The callback names an C{SSDPServer} calls are Coherence's
        C{new_device} and C{removed_device}.
        """
        self.assertEqual((signals.NEW_DEVICE_CALLBACK, signals.REMOVED_DEVICE_CALLBACK), ("new_device", "removed_device"))

    def test_docstringListsEverySignal(self) -> None:
        """
        The module docstring names every signal and callback name, by
        constant and by value.
        """
        doc = signals.__doc__ or ""
        for name in signals.__all__:
            value = getattr(signals, name)
            if isinstance(value, str):
                self.assertIn(f"L{{{name}}}", doc)
                self.assertIn(value, doc)
        self.assertEqual({getattr(signals, n) for n in signals.__all__ if n.isupper() and isinstance(getattr(signals, n), str)} - set(ALL_SIGNALS), {"new_device", "removed_device"})
