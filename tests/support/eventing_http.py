"""
Real-socket helpers for the eventing tests and benchmark: a raw HTTP
exchange on loopback, subscriber servers that record the NOTIFY requests
they get, and a device whose SwitchPower service events C{Status}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from coherence_lite.eventing.message import parsePropertySet
from coherence_lite.model.device import Action, Argument, Device, Service, StateVariable

#: The most bytes a raw exchange keeps of an answer.
MAX_ANSWER = 65536


def eventedLight(udn: str = "uuid:2f0c4a4e-0000-4000-8000-00000000e1e1") -> Device:
    """
    A BinaryLight whose SwitchPower service has C{Target} (not evented),
    C{Status} (evented) and a C{GetStatus} getter.
    """
    switch = Service(
        serviceType="urn:schemas-upnp-org:service:SwitchPower:1",
        serviceId="urn:upnp-org:serviceId:SwitchPower",
        actions=(Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),),
        stateVariables=(
            StateVariable("Target", "boolean", defaultValue="0"),
            StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
        ),
    )
    return Device(
        deviceType="urn:schemas-upnp-org:device:BinaryLight:1",
        friendlyName="Evented lamp",
        manufacturer="coherence-lite tests",
        modelName="Lamp",
        UDN=udn,
        services=(switch,),
    )


class _Raw(Protocol):
    def __init__(self, request: bytes) -> None:
        self.request = request
        self.data = b""
        self.done: Deferred[bytes] = Deferred()

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(self.request)

    def dataReceived(self, data: bytes) -> None:
        self.data = (self.data + data)[:MAX_ANSWER]

    def connectionLost(self, reason: Failure = Failure(ConnectionError())) -> None:
        self.done.callback(self.data)


@dataclass
class Answer:
    """
    An HTTP answer: status code, headers (names in lower case) and body.
    """

    code: int
    headers: dict[str, str]
    body: bytes


async def exchange(port: int, head: str) -> Answer:
    """
    Send C{head} (request line and headers, CRLF-separated, without the
    blank line) to 127.0.0.1:C{port} with C{Connection: close}, and read
    the whole answer.
    """
    endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port, timeout=10)
    protocol = await connectProtocol(endpoint, _Raw((head + "\r\nConnection: close\r\n\r\n").encode("latin-1")))
    data = await protocol.done
    headText, _, body = data.partition(b"\r\n\r\n")
    lines = headText.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(lines[0].split()[1]), headers, body)


@dataclass
class Event:
    """
    One NOTIFY a subscriber server received.
    """

    sid: str
    seq: int
    properties: dict[str, str]
    nt: str
    nts: str


class Recorder(Resource):
    """
    A subscriber's callback server: records each NOTIFY and answers 200.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []
        self._waiting: list[tuple[int, Deferred[list[Event]]]] = []
        self.port: IListeningPort | None = None

    def render_NOTIFY(self, request: Request) -> bytes:
        """
        Record the event and answer 200.
        """
        def one(name: bytes) -> str:
            values = request.requestHeaders.getRawHeaders(name, [b""])
            return values[0].decode("latin-1") if isinstance(values[0], bytes) else str(values[0])

        assert request.content is not None
        parsed = parsePropertySet(request.content.read())
        properties = dict(parsed) if not isinstance(parsed, str) else {"<refused>": parsed}
        self.events.append(Event(one(b"SID"), int(one(b"SEQ") or -1), properties, one(b"NT"), one(b"NTS")))
        for count, waiter in list(self._waiting):
            if len(self.events) >= count:
                self._waiting.remove((count, waiter))
                waiter.callback(list(self.events))
        request.setResponseCode(200)
        return b""

    def waitFor(self, count: int) -> Deferred[list[Event]]:
        """
        Fire with the events once there are C{count} of them.
        """
        waiter: Deferred[list[Event]] = Deferred()
        if len(self.events) >= count:
            waiter.callback(list(self.events))
        else:
            self._waiting.append((count, waiter))
        return waiter

    def listen(self) -> int:
        """
        Serve on a free port of 127.0.0.1; return the port.
        """
        site = Site(self)
        site.noisy = False
        self.port = reactor.listenTCP(0, site, interface="127.0.0.1")  # type: ignore[attr-defined]
        address: Any = self.port.getHost()
        return int(address.port)


__all__ = ["Answer", "Event", "Recorder", "eventedLight", "exchange"]
