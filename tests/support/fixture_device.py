"""
A small UPnP device written for the checker's tests, right or
deliberately wrong: a twisted.web site (description, SCPD, control, events)
and a UDP responder on loopback multicast, both on 127.0.0.1 only.

Its documents, URLs and answers come from the package's own model,
formatters and parsers; each name in L{BREAKAGES} breaks one thing:

  - C{no-namespace}: the device description has no xmlns;
  - C{st-not-echoed}: a response's ST is the entry's NT, not the ST asked
    (a search for an upper-case UUID gets the lower-case one back);
  - C{no-ext}: responses have no EXT header;
  - C{mx-ignored}: multicast searches are answered at once, all together;
  - C{bare-fault}: faults have no UPnPError detail;
  - C{no-initial-event}: a new subscription gets no initial event.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from twisted.internet import reactor
from twisted.internet.protocol import DatagramProtocol
from twisted.web.client import Agent
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from coherence_lite.control.message import (
    ActionRequest,
    ControlError,
    formatFault,
    formatResponse,
    parseRequest,
    soapActionOf,
)
from coherence_lite.controlpoint.exchange import exchange
from coherence_lite.errors import UPnPError
from coherence_lite.eventing.message import (
    NewSubscription,
    Renewal,
    Unsubscribe,
    classify,
    formatPropertySet,
    notifyHeaders,
)
from coherence_lite.identity import serverString
from coherence_lite.model import layout
from coherence_lite.model.description import deviceDescription, serviceDescription
from coherence_lite.model.device import Action, Argument, Device, Service, StateVariable
from coherence_lite.ssdp import SSDP_ADDR
from coherence_lite.ssdp.advertisement import advertisements, matchSearch
from coherence_lite.ssdp.format import formatSearchResponse, httpDate
from coherence_lite.ssdp.message import MSearch
from coherence_lite.ssdp.parse import parse

__all__ = ["BREAKAGES", "FIXTURE", "FixtureDevice"]

BREAKAGES = frozenset(("no-namespace", "st-not-echoed", "no-ext", "mx-ignored", "bare-fault", "no-initial-event"))

SWITCH = Service(
    serviceType="urn:schemas-upnp-org:service:SwitchPower:1",
    serviceId="urn:upnp-org:serviceId:SwitchPower",
    actions=(
        Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
        Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
    ),
    stateVariables=(StateVariable("Target", "boolean", defaultValue="0"), StateVariable("Status", "boolean", sendEvents=True, defaultValue="0")),
)

FIXTURE = Device(
    deviceType="urn:schemas-upnp-org:device:BinaryLight:1",
    friendlyName="Fixture light",
    manufacturer="coherence-lite tests",
    modelName="Fixture",
    UDN="uuid:fa11ed00-aaaa-bbbb-cccc-0123456789ab",
    services=(SWITCH,),
)

CONFIG_ID = 4242


class _Responder(DatagramProtocol):
    """
    The fixture's SSDP socket: hands each search to the device.
    """

    noisy = False

    def __init__(self, device: "FixtureDevice") -> None:
        self.device = device

    def datagramReceived(self, datagram: bytes, addr: Any) -> None:
        search = parse(datagram)
        if isinstance(search, MSearch):
            self.device.answer(search, addr)


class _Site(Resource):
    """
    The fixture's web site: every request goes to the device.
    """

    isLeaf = True

    def __init__(self, device: "FixtureDevice") -> None:
        super().__init__()
        self.device = device

    def render(self, request: Request) -> bytes:
        return self.device.http(request)


class FixtureDevice:
    """
    The fixture device, broken as C{broken} says.

    @ivar location: its LOCATION, once started.
    """

    def __init__(self, ssdpPort: int, broken: frozenset[str] = frozenset()) -> None:
        assert broken <= BREAKAGES, broken
        self.broken = broken
        self.ssdpPort = ssdpPort
        self.server = serverString()
        self.subscriptions: dict[str, str] = {}
        self.delivered: list[int] = []
        self._random = random.Random(7)

    def start(self) -> None:
        """
        Listen on 127.0.0.1: HTTP on a free port, SSDP on the group.
        """
        self._http = reactor.listenTCP(0, Site(_Site(self)), interface="127.0.0.1")
        self.location = f"http://127.0.0.1:{self._http.getHost().port}{layout.descriptionPath(FIXTURE)}"
        self._udp = reactor.listenMulticast(self.ssdpPort, _Responder(self), listenMultiple=True)
        self._udp.setOutgoingInterface("127.0.0.1")
        self._udp.joinGroup(SSDP_ADDR, "127.0.0.1")

    def stop(self) -> object:
        """
        Stop listening.
        """
        self._udp.stopListening()
        return self._http.stopListening()

    # SSDP
    def answer(self, search: MSearch, addr: Any) -> None:
        multicast = search.host.startswith(SSDP_ADDR)
        if multicast and not search.mx:
            return
        for match in matchSearch(search.st, advertisements(FIXTURE)):
            st = match.advertisement.nt if "st-not-echoed" in self.broken else match.st
            data = formatSearchResponse(st, match.usn, self.location, 1800, self.server, httpDate(reactor.seconds()), 1, CONFIG_ID)
            if "no-ext" in self.broken:
                data = data.replace(b"EXT:\r\n", b"")
            delay = 0.0 if not multicast or "mx-ignored" in self.broken else self._random.uniform(0, min(search.mx or 1, 5))
            reactor.callLater(delay, self._udp.write, data, addr)

    # HTTP
    def http(self, request: Request) -> bytes:
        path = request.path.decode()
        service = FIXTURE.services[0]
        if path == layout.descriptionPath(FIXTURE) and request.method in (b"GET", b"HEAD"):
            body = deviceDescription(FIXTURE, CONFIG_ID)
            if "no-namespace" in self.broken:
                body = body.replace(b' xmlns="urn:schemas-upnp-org:device-1-0"', b"")
            return self._xml(request, body)
        if path == layout.servicePath(FIXTURE, service, layout.SCPD) and request.method in (b"GET", b"HEAD"):
            return self._xml(request, serviceDescription(service, CONFIG_ID))
        if path == layout.presentationPath(FIXTURE) and request.method == b"GET":
            request.setHeader(b"Content-Type", b"text/html")
            return b"<html><body>Fixture</body></html>"
        if path == layout.servicePath(FIXTURE, service, layout.CONTROL) and request.method == b"POST":
            return self._control(request)
        if path == layout.servicePath(FIXTURE, service, "subscribe") and request.method in (b"SUBSCRIBE", b"UNSUBSCRIBE"):
            return self._event(request)
        request.setResponseCode(404)
        return b"not found"

    def _xml(self, request: Request, body: bytes) -> bytes:
        request.setHeader(b"Content-Type", b'text/xml; charset="utf-8"')
        return body

    def _headers(self, request: Request) -> dict[str, str]:
        return {k.decode(): v[0].decode() for k, v in request.requestHeaders.getAllRawHeaders()}

    def _fault(self, request: Request, code: int) -> bytes:
        request.setResponseCode(500)
        body = formatFault(UPnPError(code))
        if "bare-fault" in self.broken:
            body = body.split(b"<detail>")[0] + b"</s:Fault></s:Body></s:Envelope>"
        return self._xml(request, body)

    def _control(self, request: Request) -> bytes:
        action = soapActionOf("POST", self._headers(request))
        assert request.content is not None and not isinstance(action, ControlError)
        parsed = parseRequest(request.content.read(), action)
        if isinstance(parsed, ControlError):
            return self._fault(request, parsed.errorCode or 402)
        assert isinstance(parsed, ActionRequest)
        service = FIXTURE.services[0]
        if parsed.actionName == "GetStatus" and not parsed.arguments:
            return self._xml(request, formatResponse(service.serviceType, "GetStatus", [("ResultStatus", "0")]))
        if parsed.actionName == "SetTarget":
            if [name for name, _ in parsed.arguments] != ["newTargetValue"]:
                return self._fault(request, 402)
            return self._xml(request, formatResponse(service.serviceType, "SetTarget", []))
        return self._fault(request, 401)

    def _event(self, request: Request) -> bytes:
        asked = classify(request.method.decode(), self._headers(request))
        if isinstance(asked, NewSubscription):
            callback = asked.callbacks[0]
            if not callback.address.is_loopback:
                request.setResponseCode(412)
                return b""
            sid = f"uuid:{uuid.UUID(int=self._random.getrandbits(128))}"
            self.subscriptions[sid] = callback.url
            request.setHeader(b"SID", sid.encode())
            request.setHeader(b"TIMEOUT", b"Second-1800")
            if "no-initial-event" not in self.broken:
                headers = [(n, v) for n, v in notifyHeaders(callback, sid, 0) if n != b"HOST"]
                body = formatPropertySet([("Status", "0")])
                reactor.callLater(0, lambda: exchange(Agent(reactor), reactor, b"NOTIFY", callback.url, headers, body).addCallback(lambda r: self.delivered.append(r.code)))
            return b""
        if isinstance(asked, Renewal) and asked.sid in self.subscriptions:
            request.setHeader(b"SID", asked.sid.encode())
            request.setHeader(b"TIMEOUT", b"Second-1800")
            return b""
        if isinstance(asked, Unsubscribe) and self.subscriptions.pop(asked.sid, None) is not None:
            return b""
        request.setResponseCode(412)
        return b""
