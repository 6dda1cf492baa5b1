"""
Eventing figure: the time from one state change to its event answered by
100 subscribers on loopback, against a bare L{twisted.web.client.Agent}
POSTing the same body to the same 100 servers at once (straight to the
literal address, as the notifier connects), measured in the same run.

The device host runs in this process (a real L{UPnPDeviceService} on
127.0.0.1, its eventSubURL subscribed to over HTTP); the 100 subscriber
servers run in one subprocess (twisted.web, answering 200).  A change is
done when every subscriber has answered its NOTIFY; the baseline is done
when every POST is answered.  Every wait has a deadline; nothing leaves
loopback.

    python -m bench.events [--quick]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from twisted.internet import defer, task
from twisted.internet.protocol import Protocol
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.web.client import URI, Agent
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent, IAgentEndpointFactory, IResponse
from zope.interface import implementer

from bench.common import Figure, Server, median, write

__all__ = ["SUBSCRIBERS", "SUBSCRIBER_SERVERS", "run"]

#: How many subscribers an event goes to.
SUBSCRIBERS = 100

#: Seconds any one wait may take before the run is abandoned.
DEADLINE = 20.0

#: The subscribers: one twisted.web server per port on 127.0.0.1, each
#: answering every request with 200 and no body; prints its ports.
SUBSCRIBER_SERVERS = """
import sys
from twisted.internet import reactor
from twisted.web.resource import Resource
from twisted.web.server import Site

class Subscriber(Resource):
    isLeaf = True
    def render(self, request):
        request.content.read()
        request.setResponseCode(200)
        return b""

ports = []
for _ in range(int(sys.argv[1])):
    site = Site(Subscriber())
    site.noisy = False
    ports.append(reactor.listenTCP(0, site, interface="127.0.0.1").getHost().port)
sys.stdout.write("PORTS %s\\n" % ",".join(map(str, ports)))
sys.stdout.flush()
reactor.run()
"""


class _Ignore(Protocol):
    pass


@implementer(IAgentEndpointFactory)
class _LiteralEndpoints:
    """
    TCP endpoints straight to the URL's IPv4 address: the baseline pays no
    name resolution (the plain Agent's resolver runs in a thread).
    """

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor

    def endpointForURI(self, uri: URI) -> TCP4ClientEndpoint:
        return TCP4ClientEndpoint(self.reactor, uri.host.decode("ascii"), uri.port, timeout=10)


@implementer(IAgent)
class _CountingAgent:
    """
    Passes requests to an agent and counts the answers (any status).
    """

    def __init__(self, agent: IAgent) -> None:
        self.agent = agent
        self.answered = 0
        self._waiting: list[tuple[int, defer.Deferred[None]]] = []

    def request(self, method: bytes, uri: bytes, headers: Headers | None = None, bodyProducer: Any = None) -> defer.Deferred[IResponse]:
        answer = self.agent.request(method, uri, headers, bodyProducer)
        answer.addCallback(self._answered)
        return answer

    def _answered(self, response: IResponse) -> IResponse:
        self.answered += 1
        for count, waiter in list(self._waiting):
            if self.answered >= count:
                self._waiting.remove((count, waiter))
                waiter.callback(None)
        return response

    def waitFor(self, count: int) -> defer.Deferred[None]:
        waiter: defer.Deferred[None] = defer.Deferred()
        if self.answered >= count:
            waiter.callback(None)
        else:
            self._waiting.append((count, waiter))
        return waiter


def _bounded(reactor: Any, waiting: defer.Deferred[Any]) -> defer.Deferred[Any]:
    return waiting.addTimeout(DEADLINE, reactor)


async def _measure(reactor: Any, repetitions: int) -> list[tuple[float, float | None]]:
    from coherence_lite.eventing.limits import EventingLimits
    from coherence_lite.eventing.message import formatPropertySet
    from coherence_lite.host.service import UPnPDeviceService
    from coherence_lite.host.settings import HostSettings
    from coherence_lite.model import layout
    from tests.support.eventing_http import eventedLight
    from tests.support import freeUDPPort

    subscribers = Server([sys.executable, "-c", SUBSCRIBER_SERVERS, str(SUBSCRIBERS)], markers=("PORTS",))
    ports = [int(p) for p in subscribers.waitFor("PORTS").split()[1].split(",")]
    device = eventedLight()
    service = device.services[0]
    with tempfile.TemporaryDirectory() as state:
        host = UPnPDeviceService(
            [device],
            HostSettings(
                interfaces=("127.0.0.1",), ipv6=False, ssdpPort=freeUDPPort(), pollInterval=0, statsInterval=0,
                stateDirectory=Path(state),
                eventingLimits=EventingLimits(maxPerClient=2 * SUBSCRIBERS, maxTotal=2 * SUBSCRIBERS),
            ),
            reactor=reactor,
        )
        host.startService()
        try:
            [eventing] = list(host.eventing)
            counting = _CountingAgent(eventing.notifier.agent)
            eventing.notifier.agent = counting
            client = Agent(reactor)
            bareClient = Agent.usingEndpointFactory(reactor, _LiteralEndpoints(reactor))
            url = f"http://127.0.0.1:{host.web.port}{layout.servicePath(device, service, layout.SUBSCRIBE)}".encode()
            for port in ports:
                headers = Headers({b"CALLBACK": [f"<http://127.0.0.1:{port}/event>".encode()], b"NT": [b"upnp:event"]})
                response = await _bounded(reactor, client.request(b"SUBSCRIBE", url, headers))
                assert response.code == 200, response.code
                response.deliverBody(_Ignore())
            await _bounded(reactor, counting.waitFor(SUBSCRIBERS))
            runtime = host.runtimes.byService[(device.UDN, service.shortId)]
            body = formatPropertySet([("Status", "1")])
            runs: list[tuple[float, float | None]] = []
            for repetition in range(repetitions):

                async def fanOut() -> float:
                    target = counting.answered + SUBSCRIBERS
                    started = time.perf_counter()
                    runtime.state.set("Status", repetition % 2 == 0)
                    await _bounded(reactor, counting.waitFor(target))
                    return time.perf_counter() - started

                async def bareLoop() -> float:
                    started = time.perf_counter()
                    answers = [
                        bareClient.request(
                            b"POST", f"http://127.0.0.1:{port}/event".encode(),
                            Headers({b"Content-Type": [b'text/xml; charset="utf-8"']}), _Body(body),
                        )
                        for port in ports
                    ]
                    for response in await _bounded(reactor, defer.gatherResults(answers)):
                        response.deliverBody(_Ignore())
                    return time.perf_counter() - started

                # Alternate which goes first, so that neither always meets
                # the other's leftovers (closing connections).
                if repetition % 2:
                    bare = await bareLoop()
                    await task.deferLater(reactor, 0.05, lambda: None)
                    ours = await fanOut()
                else:
                    ours = await fanOut()
                    await task.deferLater(reactor, 0.05, lambda: None)
                    bare = await bareLoop()
                runs.append((ours * 1000, bare * 1000))
                write(f"  event to {SUBSCRIBERS}: coherence-lite {ours * 1000:.1f} ms, bare Agent loop {bare * 1000:.1f} ms")
                await task.deferLater(reactor, 0.05, lambda: None)
            failed = host.stats["eventing.notify.failed"]
            assert failed == 0, f"{failed} event messages failed"
        finally:
            await defer.maybeDeferred(host.stopService)
            subscribers.stop()
    return runs


class _Body:
    """
    A request body in memory, for the baseline.
    """

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.length = len(body)

    def startProducing(self, consumer: Any) -> defer.Deferred[None]:
        consumer.write(self.body)
        return defer.succeed(None)

    def pauseProducing(self) -> None:
        pass

    def resumeProducing(self) -> None:
        pass

    def stopProducing(self) -> None:
        pass


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure the fan-out figure, C{repetitions} times (5 when C{quick}).
    """
    results: list[list[tuple[float, float | None]]] = []

    def main(reactor: Any) -> defer.Deferred[None]:
        async def go() -> None:
            results.append(await _measure(reactor, min(repetitions, 5) if quick else repetitions))

        return defer.ensureDeferred(go())

    try:
        task.react(main)
    except SystemExit as e:
        if e.code not in (0, None):
            raise RuntimeError("the eventing benchmark failed (see above)") from None
    runs = results[0]
    ours = median([r[0] for r in runs])
    theirs = median([float(r[1] or 0) for r in runs])
    goal = 1.5
    return [
        Figure(
            f"event fan-out to {SUBSCRIBERS} loopback subscribers",
            "ms",
            ours,
            theirs,
            f"ratio <= {goal}",
            ours <= goal * theirs,
            runs,
        )
    ]


def main(argv: Sequence[str] = ()) -> int:
    """
    Run this figure alone: C{python -m bench.events}.
    """
    for figure in run(20, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
