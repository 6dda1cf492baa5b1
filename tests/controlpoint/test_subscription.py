"""
Tests for L{coherence_lite.controlpoint.subscription} and the SSDP side of
L{coherence_lite.controlpoint.subscriber}: subscriptions that follow their
device across byebye, restart, a move and missed events, on a fake clock
with scripted GENA answers.
"""

from __future__ import annotations

from dataclasses import replace

from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.exchange import Reply
from coherence_lite.controlpoint.gena import CONFIRMED, ENDED, GONE, LOST, RESUBSCRIBED, Event, Notice
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice, RemoteService
from coherence_lite.eventing.message import EventNotify
from coherence_lite.model.description import deviceDescription
from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.message import ALIVE, BYEBYE, Notify

from tests.support.controlpoint import FakeFetcher
from tests.support import binaryLight, link
from tests.controlpoint.test_subscriber import SID, SID2, ScriptedSubscriber, granted

LOCATION = "http://127.0.0.1:8080/d.xml"
MOVED = "http://127.0.0.1:9090/d.xml"
LINK: Link = link("127.0.0.1/8", "lo", 1)


def light(location: str = LOCATION, bootId: int | None = 4) -> RemoteRootDevice:
    """
    Our BinaryLight as a control point reads it from C{location}.
    """
    root = parseDescription(deviceDescription(binaryLight(), 1), location)
    assert isinstance(root, RemoteRootDevice)
    return replace(root, bootId=bootId)


def alive(root: RemoteRootDevice, nts: str = ALIVE, bootId: int | None = 5, location: str = LOCATION) -> Notify:
    """
    An announcement of the light's root entry.
    """
    return Notify(nts, "upnp:rootdevice", f"{root.UDN}::upnp:rootdevice", location, 1800, None, bootId, 1, None, None)


class FollowingTests(SynchronousTestCase):
    """
    A subscription of a L{Subscriber} that hears SSDP.
    """

    def setUp(self) -> None:
        self.subscriber = ScriptedSubscriber()
        self.root = light()
        self.service: RemoteService = self.root.services[0]
        self.events: list[Event] = []
        self.notices: list[Notice] = []
        self.subscriber.replies.append(granted())
        self.subscription = self.successResultOf(
            self.subscriber.subscribe(self.service, self.events.append, None, self.notices.append)
        )

    def hear(self, notify: Notify, source: str = "127.0.0.1") -> None:
        self.subscriber.notifyReceived(notify, (source, 1900), LINK)

    def sent(self) -> list[tuple[bytes, bytes | None, bool]]:
        """
        Method, SID and whether a CALLBACK was given, of each exchange after
        the first SUBSCRIBE.
        """
        return [(method, headers.get(b"SID"), b"CALLBACK" in headers) for method, headers in self.subscriber.sent[1:]]

    def test_byebyeThenRestartResubscribesAtOnce(self) -> None:
        """
        A byebye is one GONE notice; the device's alive with a new BOOTID
        makes the subscription again at once (renewal refused, new
        SUBSCRIBE), without waiting for the renewal time.
        """
        self.hear(alive(self.root, nts=BYEBYE))
        self.hear(alive(self.root, nts=BYEBYE))
        self.assertEqual(self.notices, [Notice(GONE, "the device said byebye; waiting for it to come back", SID)])
        self.subscriber.replies += [Reply(412), granted(SID2)]
        self.hear(alive(self.root))
        self.hear(alive(self.root))
        self.assertEqual(self.sent(), [(b"SUBSCRIBE", SID.encode(), False), (b"SUBSCRIBE", None, True)])
        self.assertEqual(self.subscription.sid, SID2)
        self.assertEqual(self.notices[1:], [Notice(RESUBSCRIBED, "the device is back and restarted (BOOTID 4 -> 5); subscribed again", SID2)])
        self.subscription.notifyReceived(EventNotify(SID2, 0), (("Status", "1"),))
        self.assertEqual([(e.sid, e.seq) for e in self.events], [(SID2, 0)])

    def test_restartedDeviceThatKeptTheSubscription(self) -> None:
        """
        A device back with a new BOOTID that still knows the SID keeps it:
        one renewal and a CONFIRMED notice.
        """
        self.subscriber.replies.append(granted())
        self.hear(alive(self.root))
        self.assertEqual(self.sent(), [(b"SUBSCRIBE", SID.encode(), False)])
        self.assertEqual(self.notices, [Notice(CONFIRMED, "the device restarted (BOOTID 4 -> 5); still subscribed", SID)])

    def test_unreachableIsReportedLost(self) -> None:
        """
        A device that cannot be reached is tried 4 times, 1, 2 and 4
        seconds apart, then reported LOST; its next alive tries again.
        """
        self.hear(alive(self.root))
        for delay in (1, 2, 4):
            self.assertEqual(self.notices, [])
            self.subscriber.clock.advance(delay)
        self.assertEqual(len(self.sent()), 4)
        self.assertEqual(self.notices, [Notice(LOST, "the device restarted (BOOTID 4 -> 5); could not subscribe again: connection refused", SID)])
        self.subscriber.replies += [Reply(412), granted(SID2)]
        self.hear(alive(self.root, bootId=6))
        self.assertEqual((self.notices[-1].kind, self.subscription.sid), (RESUBSCRIBED, SID2))

    def test_missedEventsSubscribeAfresh(self) -> None:
        """
        A SEQ gap that does not fill makes a new subscription (whose first
        event carries every value) and ends the old one.
        """
        self.subscription.notifyReceived(EventNotify(SID, 0), (("Status", "0"),))
        self.subscription.notifyReceived(EventNotify(SID, 3), (("Status", "1"),))
        self.subscriber.replies += [granted(SID2), Reply(200)]
        self.subscriber.clock.advance(self.subscriber.gapWait)
        self.assertEqual(self.sent(), [(b"SUBSCRIBE", None, True), (b"UNSUBSCRIBE", SID.encode(), False)])
        self.assertEqual(self.notices, [Notice(RESUBSCRIBED, "2 event(s) missed; subscribed again", SID2)])
        self.assertEqual([(e.seq, e.missed) for e in self.events], [(0, 0), (3, 2)])

    def test_initialEventBeforeTheNewAnswerIsKept(self) -> None:
        """
        While the new SUBSCRIBE is unanswered, the event of the new SID
        (its first, often faster than the answer) is kept, not refused,
        and delivered once the answer names that SID.
        """
        answer: Deferred[Reply] = Deferred()
        self.subscriber.replies += [Reply(412), answer]
        self.hear(alive(self.root))
        self.assertEqual(self.subscription.notifyReceived(EventNotify(SID2, 0), (("Status", "1"),)), 200)
        self.assertEqual(self.events, [])
        answer.callback(granted(SID2))
        self.assertEqual([(e.sid, e.seq) for e in self.events], [(SID2, 0)])
        self.assertEqual(self.subscription.notifyReceived(EventNotify("uuid:other", 0), ()), 412)

    def test_movedDeviceIsFetchedAgain(self) -> None:
        """
        A device announced at a new LOCATION has its description fetched
        again; the subscription goes to the new eventSubURL.
        """
        fetcher = FakeFetcher()
        self.subscriber._fetcher = fetcher
        self.hear(alive(self.root, location=MOVED))
        self.assertEqual(fetcher.urls, [MOVED])
        self.subscriber.replies += [granted(SID2), Reply(412)]
        fetcher.requests[0][1].callback(deviceDescription(binaryLight(), 1))
        self.assertEqual(self.subscription.service.eventSubURL, self.service.eventSubURL.replace(":8080", ":9090"))
        self.assertEqual(self.sent(), [(b"SUBSCRIBE", None, True), (b"UNSUBSCRIBE", SID.encode(), False)])
        self.assertEqual(self.notices[-1].kind, RESUBSCRIBED)

    def test_unsubscribeAfterTheDeviceForgot(self) -> None:
        """
        UNSUBSCRIBE answered 412 (the device restarted meanwhile) is told:
        the subscription had already ended.
        """
        self.subscriber.replies.append(Reply(412))
        self.successResultOf(self.subscriber.stop())
        self.assertEqual(self.notices, [Notice(ENDED, f"the subscription {SID} had already ended (UNSUBSCRIBE answered 412)", SID)])

    def test_otherDevicesAndStoppedSubscriptionsAreIgnored(self) -> None:
        """
        Announcements of another device change nothing; once unsubscribed,
        the device is no longer followed.
        """
        other = Notify(ALIVE, "upnp:rootdevice", "uuid:other::upnp:rootdevice", LOCATION, 1800, None, 9, 1, None, None)
        self.hear(other)
        self.subscriber.replies.append(Reply(200))
        self.successResultOf(self.subscription.unsubscribe())
        self.hear(alive(self.root))
        self.assertEqual(self.sent(), [(b"UNSUBSCRIBE", SID.encode(), False)])
        self.assertEqual(self.notices, [])

    def test_forgedLoopbackLocationIgnored(self) -> None:
        """
        An announcement from another machine with a LOCATION on this
        machine's loopback is not followed.
        """
        self.hear(alive(self.root, location=MOVED), source="192.168.1.66")
        self.hear(alive(self.root, nts=BYEBYE), source="192.168.1.66")
        self.assertEqual((self.sent(), self.notices), ([], []))

    def test_newLocationHeardWhileRetrying(self) -> None:
        """
        The new BOOTID heard first (from another address family), the new
        LOCATION of the family subscribed through heard while the old
        address refuses: the next try fetches it and subscribes there.
        """
        fetcher = FakeFetcher()
        self.subscriber._fetcher = fetcher
        self.hear(alive(self.root, location="http://[fe80::1]:9090/d.xml"))
        self.assertEqual(self.sent(), [(b"SUBSCRIBE", SID.encode(), False)])
        self.hear(alive(self.root, location=MOVED))
        self.subscriber.clock.advance(self.subscriber.restoreDelay)
        self.assertEqual(fetcher.urls, [MOVED])
        self.subscriber.replies += [granted(SID2), Reply(412)]
        fetcher.requests[0][1].callback(deviceDescription(binaryLight(), 1))
        self.assertEqual(self.subscription.sid, SID2)
        self.assertEqual(self.notices[-1].kind, RESUBSCRIBED)
        self.assertIn(f"moved to {MOVED}", self.notices[-1].reason)

    def test_unsubscribedWhileSubscribingAgain(self) -> None:
        """
        A subscription ended while its new SUBSCRIBE is on its way ends the
        SID that SUBSCRIBE gets, and schedules nothing.
        """
        answer: Deferred[Reply] = Deferred()
        self.subscriber.replies += [Reply(412), answer, Reply(412), Reply(200)]
        self.hear(alive(self.root))
        self.successResultOf(self.subscriber.stop())
        answer.callback(granted(SID2))
        self.assertEqual(self.sent()[-1], (b"UNSUBSCRIBE", SID2.encode(), False))
        self.assertEqual(self.subscriber.clock.getDelayedCalls(), [])
