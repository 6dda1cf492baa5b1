"""
Tests for L{coherence_lite.eventing.resource}: the answers of an
eventSubURL to SUBSCRIBE, renewal, UNSUBSCRIBE and everything else, with
fake requests, a fake agent and a L{Clock}.  (The same over real sockets is
in C{tests.eventing.test_http}.)
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.backend.state import ServiceState
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.publisher import ServiceEventing
from coherence_lite.eventing.resource import EventSubscriptionResource
from coherence_lite.stats import Stats
from tests.support.eventing import SID_PATTERN, FakeAgent, link, switchPower

LINKS = [link("lo", "127.0.0.1/8", 1), link("eth0", "192.168.1.10/24", 2)]


class Request(DummyRequest):
    """
    A fake request with a local and a peer address of our choosing.
    """

    def __init__(self, method: bytes, headers: dict[str, str], local: str = "127.0.0.1", peer: str = "127.0.0.1") -> None:
        super().__init__([])
        self.method = method
        for name, value in headers.items():
            self.requestHeaders.addRawHeader(name.encode(), value.encode())
        family = IPv6Address if ":" in local else IPv4Address
        self._local = family("TCP", local, 8080)
        self.client = (IPv6Address if ":" in peer else IPv4Address)("TCP", peer, 50000)

    def getHost(self) -> IPv4Address | IPv6Address:
        """
        The local address given.
        """
        return self._local

    def header(self, name: bytes) -> str | None:
        """
        The response header C{name}, or L{None}.
        """
        values = self.responseHeaders.getRawHeaders(name)
        return values[0].decode() if values else None


class ResourceTests(SynchronousTestCase):
    """
    L{EventSubscriptionResource} in front of a service's eventing.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.agent = FakeAgent()
        self.stats = Stats()
        service = switchPower()
        self.state = ServiceState(service)
        self.eventing = ServiceEventing(
            service, self.state, agent=self.agent, clock=self.clock, stats=self.stats, random=random.Random(3),
            limits=EventingLimits(maxPerClient=2, maxTotal=3),
        )
        self.eventing.start()
        self.addCleanup(self.eventing.stop)
        self.resource = EventSubscriptionResource(self.eventing, lambda: LINKS, self.clock, self.stats)

    def render(self, request: Request) -> bytes:
        """
        Render and finish the request as twisted.web does.
        """
        body = self.resource.render(request)
        request.write(body)
        request.finish()
        return body

    def subscribe(self, callback: str = "<http://127.0.0.1:4000/e>", **kw: str) -> Request:
        """
        Send a new SUBSCRIBE.
        """
        request = Request(b"SUBSCRIBE", {"NT": "upnp:event", "CALLBACK": callback, "TIMEOUT": "Second-3600"}, **kw)
        self.render(request)
        return request

    def test_newSubscriptionAnswersAndThenEvents(self) -> None:
        """
        A SUBSCRIBE gets 200 with SID and TIMEOUT and an empty body; the
        initial event leaves only once that answer is finished, after
        initialEventDelay seconds.
        """
        request = Request(b"SUBSCRIBE", {"NT": "upnp:event", "CALLBACK": "<http://127.0.0.1:4000/e>", "TIMEOUT": "Second-3600"})
        self.assertEqual(self.resource.render(request), b"")
        self.assertEqual(request.responseCode, 200)
        self.assertRegex(request.header(b"SID") or "", SID_PATTERN)
        self.assertEqual(request.header(b"TIMEOUT"), "Second-3600")
        self.assertEqual(request.header(b"Content-Length"), "0")
        self.assertEqual(self.agent.sent, [])
        request.finish()
        self.assertEqual(self.agent.sent, [])
        self.clock.advance(self.eventing.limits.initialEventDelay)
        [sent] = self.agent.sent
        self.assertEqual((sent.url, sent.seq, sent.header(b"SID")), (b"http://127.0.0.1:4000/e", 0, request.header(b"SID")))
        self.assertEqual(self.stats["eventing.subscriptions.new"], 1)

    def test_lostConnectionBeforeTheAnswerDropsTheSubscription(self) -> None:
        """
        When the SUBSCRIBE's connection is lost before its answer is
        written, the subscription goes: nobody knows its SID.
        """
        request = Request(b"SUBSCRIBE", {"NT": "upnp:event", "CALLBACK": "<http://127.0.0.1:4000/e>"})
        self.resource.render(request)
        request.processingFailed(ConnectionError("gone"))
        self.assertEqual(len(self.eventing.table), 0)
        self.assertEqual(self.agent.sent, [])

    def test_renewAndUnsubscribe(self) -> None:
        """
        A renewal answers 200 with the same SID and the new TIMEOUT; an
        UNSUBSCRIBE answers 200; then the SID is unknown (412).
        """
        sid = self.subscribe().header(b"SID") or ""
        renewal = Request(b"SUBSCRIBE", {"SID": sid, "TIMEOUT": "Second-7200"})
        self.render(renewal)
        self.assertEqual((renewal.responseCode, renewal.header(b"SID"), renewal.header(b"TIMEOUT")), (200, sid, "Second-7200"))
        end = Request(b"UNSUBSCRIBE", {"SID": sid})
        self.render(end)
        self.assertEqual((end.responseCode, end.header(b"Content-Length")), (200, "0"))
        again = Request(b"UNSUBSCRIBE", {"SID": sid})
        self.render(again)
        self.assertEqual(again.responseCode, 412)
        renewal = Request(b"SUBSCRIBE", {"SID": sid})
        self.render(renewal)
        self.assertEqual(renewal.responseCode, 412)
        self.assertEqual(
            [self.stats[f"eventing.{name}"] for name in ("subscriptions.renewed", "subscriptions.ended", "refused.unknown-sid")],
            [1, 1, 2],
        )

    def test_badRequests(self) -> None:
        """
        SID with CALLBACK or NT, or a GENA header twice, is 400; no NT, a
        wrong NT or a malformed SID is 412; each is counted.
        """
        sid = "uuid:11111111-2222-4333-8444-555555555555"
        cases = [
            (Request(b"SUBSCRIBE", {"SID": sid, "CALLBACK": "<http://127.0.0.1/>"}), 400),
            (Request(b"SUBSCRIBE", {"SID": sid, "NT": "upnp:event"}), 400),
            (Request(b"SUBSCRIBE", {"CALLBACK": "<http://127.0.0.1/>"}), 412),
            (Request(b"SUBSCRIBE", {"NT": "ssdp:alive", "CALLBACK": "<http://127.0.0.1/>"}), 412),
            (Request(b"UNSUBSCRIBE", {"SID": "12345"}), 412),
        ]
        twice = Request(b"SUBSCRIBE", {"NT": "upnp:event", "CALLBACK": "<http://127.0.0.1/>"})
        twice.requestHeaders.addRawHeader(b"CALLBACK", b"<http://127.0.0.1:2/>")
        cases.append((twice, 400))
        for request, code in cases:
            self.render(request)
            self.assertEqual(request.responseCode, code, request.requestHeaders)
            self.assertEqual(request.header(b"Content-Type"), "text/html; charset=utf-8")
        self.assertEqual((self.stats["eventing.refused.malformed"], self.stats["eventing.refused.precondition"]), (3, 3))
        self.assertEqual(len(self.eventing.table), 0)

    def test_hostileCallbacksAre412(self) -> None:
        """
        A host name, another scheme, another subnet, or a link the request
        did not come in on are all refused with 412 and counted.
        """
        for callback in ("<http://attacker.example/>", "<https://127.0.0.1/>", "<ftp://127.0.0.1/>"):
            self.assertEqual(self.subscribe(callback).responseCode, 412, callback)
        for callback, local in (("<http://10.1.2.3/>", "127.0.0.1"), ("<http://127.0.0.1/>", "192.168.1.10"),
                                ("<http://192.168.1.20/>", "172.16.0.1"), ("<http://[fe80::1]/>", "192.168.1.10")):
            self.assertEqual(self.subscribe(callback, local=local).responseCode, 412, callback)
        self.assertEqual((self.stats["eventing.refused.callback"], self.stats["eventing.refused.off-link"]), (3, 4))
        self.assertEqual(self.agent.sent, [])

    def test_dualStackAddressesAreUnmapped(self) -> None:
        """
        A SUBSCRIBE on a dual-stack socket (C{::ffff:} addresses) is
        checked against the IPv4 link and counted for the IPv4 client.
        """
        request = self.subscribe("<http://192.168.1.20:4000/>", local="::ffff:192.168.1.10", peer="::ffff:192.168.1.20")
        self.assertEqual(request.responseCode, 200)
        self.assertEqual(self.eventing.table.quota.heldBy("192.168.1.20"), 1)

    def test_fullIs503(self) -> None:
        """
        Beyond the per-client bound, a SUBSCRIBE gets 503; another client
        still subscribes until the total bound.
        """
        self.subscribe()
        self.subscribe()
        self.assertEqual(self.subscribe().responseCode, 503)
        self.assertEqual(self.subscribe(peer="127.0.0.2").responseCode, 200)
        self.assertEqual(self.subscribe(peer="127.0.0.3").responseCode, 503)
        self.assertEqual(self.stats["eventing.refused.full"], 2)

    def test_otherMethodsAre405AndDeeperPaths404(self) -> None:
        """
        GET or NOTIFY at an eventSubURL is 405 with an Allow header; a
        path below it is 404.
        """
        for method in (b"GET", b"NOTIFY", b"POST"):
            request = Request(method, {})
            self.render(request)
            self.assertEqual((request.responseCode, request.header(b"Allow")), (405, "SUBSCRIBE, UNSUBSCRIBE"))
        deeper = Request(b"SUBSCRIBE", {})
        deeper.postpath = [b"x"]
        self.render(deeper)
        self.assertEqual(deeper.responseCode, 404)
        self.assertEqual(self.stats["eventing.refused.method"], 3)


_HEADER_VALUES = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80),
    st.sampled_from(["upnp:event", "Second-0", "Second-infinite", "Second-99999999999999", "uuid:x",
                     "<http://127.0.0.1:1/>", "<http://127.0.0.1:99999/>", "<http://[::1]/>", "<>", "<<>>"]),
)


class HostileInputTests(SynchronousTestCase):
    """
    Whatever the headers, the eventSubURL answers with a status, never an
    exception, and keeps no more subscriptions than its bounds allow.
    """

    @settings(max_examples=300, deadline=None)
    @given(
        method=st.sampled_from([b"SUBSCRIBE", b"UNSUBSCRIBE", b"GET", b"NOTIFY"]),
        headers=st.dictionaries(st.sampled_from(["NT", "CALLBACK", "SID", "TIMEOUT", "STATEVAR", "X"]), _HEADER_VALUES),
    )
    def test_anyHeadersGetAnAnswer(self, method: bytes, headers: dict[str, str]) -> None:
        """
        Random methods and header values are answered 200, 400, 405, 412
        or 503, with a Content-Length; the table stays within its bound.
        """
        clock, agent = Clock(), FakeAgent()
        service = switchPower()
        eventing = ServiceEventing(service, ServiceState(service), agent=agent, clock=clock,
                                   limits=EventingLimits(maxPerClient=1, maxTotal=1))
        resource = EventSubscriptionResource(eventing, lambda: LINKS, clock)
        for _ in range(2):
            request = Request(method, headers)
            resource.render(request)
            request.finish()
            self.assertIn(request.responseCode, (200, 400, 405, 412, 503))
            self.assertIsNotNone(request.header(b"Content-Length"))
        self.assertLessEqual(len(eventing.table), 1)
        eventing.stop()
        self.assertEqual(clock.getDelayedCalls(), [])
