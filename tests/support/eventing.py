"""
Helpers for the eventing tests: a fake L{IAgent} that records NOTIFY
requests and answers them when told, a fake state feed, sample services and
links.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from twisted.internet.defer import Deferred
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent, IBodyProducer
from zope.interface import implementer

from coherence_lite.eventing.message import parsePropertySet
from coherence_lite.model.device import Service, StateVariable
from coherence_lite.net.interfaces import Link

SID_PATTERN = r"^uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def switchPower(**moderation: Any) -> Service:
    """
    A SwitchPower-like service: C{Target} (not evented), C{Status}
    (boolean, evented), C{Level} (ui4, evented, with the moderation given)
    and C{Name} (string, evented).
    """
    return Service(
        serviceType="urn:schemas-upnp-org:service:SwitchPower:1",
        serviceId="urn:upnp-org:serviceId:SwitchPower",
        stateVariables=(
            StateVariable("Target", "boolean", defaultValue="0"),
            StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
            StateVariable("Level", "ui4", sendEvents=True, defaultValue="0", **moderation),
            StateVariable("Name", "string", sendEvents=True, defaultValue=""),
        ),
    )


def link(interface: str = "eth0", address: str = "192.168.1.10/24", index: int = 2, *networks: str) -> Link:
    """
    A served link with the given address (and networks, else its own).
    """
    parsed = ipaddress.ip_interface(address)
    nets = tuple(ipaddress.ip_network(n) for n in networks) or (parsed.network,)
    return Link(interface, index, parsed, nets)


class FakeState:
    """
    A state feed: current values and observers, changed by L{change}.
    """

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = dict(values)
        self.observers: list[Callable[[dict[str, object]], None]] = []

    def evented(self) -> Mapping[str, object]:
        """
        The current values.
        """
        return dict(self.values)

    def addObserver(self, observer: Callable[[dict[str, object]], None]) -> None:
        """
        Follow changes.
        """
        self.observers.append(observer)

    def removeObserver(self, observer: Callable[[dict[str, object]], None]) -> None:
        """
        Stop following changes.
        """
        self.observers.remove(observer)

    def change(self, **values: object) -> None:
        """
        Set values and tell the observers, once.
        """
        self.values.update(values)
        for observer in list(self.observers):
            observer(dict(values))


class FakeResponse:
    """
    An answer with a status code and an empty body.
    """

    def __init__(self, code: int) -> None:
        self.code = code
        self.delivered: list[Protocol] = []

    def deliverBody(self, protocol: Protocol) -> None:
        """
        Record the protocol taking the body.
        """
        self.delivered.append(protocol)


@dataclass
class Sent:
    """
    One request the fake agent got.
    """

    method: bytes
    url: bytes
    headers: Headers
    body: bytes
    deferred: Deferred[Any]
    cancelled: bool = False
    response: FakeResponse | None = None

    def header(self, name: bytes) -> str:
        """
        The one value of header C{name}.
        """
        [value] = self.headers.getRawHeaders(name, [])
        return value.decode("ascii")

    @property
    def seq(self) -> int:
        """
        The SEQ header.
        """
        return int(self.header(b"SEQ"))

    @property
    def properties(self) -> dict[str, str]:
        """
        The property set, parsed.
        """
        parsed = parsePropertySet(self.body)
        assert not isinstance(parsed, str), parsed
        return dict(parsed)

    def answer(self, code: int = 200) -> None:
        """
        Answer with status C{code}.
        """
        self.response = FakeResponse(code)
        self.deferred.callback(self.response)

    def fail(self, reason: Exception | None = None) -> None:
        """
        Fail as a refused connection would.
        """
        self.deferred.errback(Failure(reason or ConnectionRefusedError("refused")))


class _Collector:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


@implementer(IAgent)
@dataclass
class FakeAgent:
    """
    Records requests; each waits until the test answers or fails it.
    """

    sent: list[Sent] = field(default_factory=list)

    def request(
        self, method: bytes, uri: bytes, headers: Headers | None = None, bodyProducer: IBodyProducer | None = None
    ) -> Deferred[Any]:
        """
        Record the request, with its body read from the producer.
        """
        collector = _Collector()
        if bodyProducer is not None:
            bodyProducer.startProducing(collector)
            assert bodyProducer.length == len(collector.data)
        entry: Sent

        def cancel(d: Deferred[Any]) -> None:
            entry.cancelled = True

        deferred: Deferred[Any] = Deferred(cancel)
        entry = Sent(method, uri, headers or Headers(), collector.data, deferred)
        self.sent.append(entry)
        return deferred

    def pending(self) -> list[Sent]:
        """
        The requests not answered yet.
        """
        return [s for s in self.sent if not s.deferred.called]


__all__ = ["FakeAgent", "FakeResponse", "FakeState", "SID_PATTERN", "Sent", "link", "switchPower"]
