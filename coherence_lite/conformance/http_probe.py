# -*- test-case-name: tests.system.test_conformance_probe -*-
"""
The HTTP half of the checker's probe: the description, SCPDs, icons and
pages fetched, the SOAP calls and the GENA exchanges of one device, each
bounded in time and size, turned into findings by the pure rules.

What is called: only actions with no in-argument and at least one
out-argument whose names do not say they change something (L{isGetter}),
one deliberately incomplete call (no arguments at all, which a device must
refuse with 402 before doing anything) and one call of an action that does
not exist.  What is subscribed: each evented service once, for the
shortest time, unsubscribed at once; the CallStranger probe names a
documentation address (RFC 5737 / RFC 3849), which no device can reach,
and unsubscribes at once if the device accepts it.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable, Sequence
from urllib.parse import urljoin

from twisted.internet.defer import CancelledError, Deferred
from twisted.internet.task import deferLater
from twisted.web.iweb import IAgent

from coherence_lite.conformance import control_rules, eventing_rules
from coherence_lite.conformance import description_rules as rules
from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.eventing_rules import Delivered
from coherence_lite.conformance.findings import Finding
from coherence_lite.controlpoint.callbacks import CallbackServer, localAddressFor
from coherence_lite.controlpoint.exchange import ExchangeError, exchange
from coherence_lite.controlpoint.gena import grantOf, renewHeaders, subscribeHeaders, unsubscribeHeaders
from coherence_lite.controlpoint.remote import RemoteRootDevice, RemoteService
from coherence_lite.controlpoint.scpd import SCPD, parseSCPD
from coherence_lite.controlpoint.soap import formatRequest, requestHeaders
from coherence_lite.eventing.message import MIN_TIMEOUT, EventNotify
from coherence_lite._reactor import Reactor
from coherence_lite.net.zones import urlHost

__all__ = ["MAX_SERVICES", "MAX_CALLS", "MAX_ICONS", "EVENT_WAIT", "isGetter", "offLinkCallback", "HTTPProbe"]

#: The most services of one device whose SCPD is read and which are called.
MAX_SERVICES = 16

#: The most getters called per service.
MAX_CALLS = 16

#: The most icons fetched per device.
MAX_ICONS = 16

#: Seconds to wait for the initial event.
EVENT_WAIT = 3.0

_CHANGES = re.compile(r"(?i)^(set|add|delete|remove|force|request|reset|reboot|create|destroy|start|stop|play|pause|next|previous|seek|record|select|x_)")


def isGetter(action: object) -> bool:
    """
    Whether an action is safe to call: no in-argument, an out-argument,
    and a name that does not say it changes something.
    """
    arguments = getattr(action, "arguments", ())
    name = getattr(action, "name", "")
    return (
        not any(a.direction == "in" for a in arguments)
        and any(a.direction == "out" for a in arguments)
        and not _CHANGES.match(name)
    )


def offLinkCallback(host: str) -> str:
    """
    A CALLBACK URL off the network of C{host}: a documentation address of
    its family that is not on C{host}'s /24 (or any IPv6 host's).
    """
    address = ipaddress.ip_address(host.strip("[]").partition("%")[0])
    if address.version == 6:
        return "http://[2001:db8::1]/coherence-lite-check"
    target = "192.0.2.1" if address not in ipaddress.ip_network("192.0.2.0/24") else "198.51.100.1"
    return f"http://{target}/coherence-lite-check"


class _Recorder:
    """
    The probe's callback path: keeps every event message.
    """

    def __init__(self, clock: Reactor) -> None:
        self._clock = clock
        self.started = clock.seconds()
        self.events: list[Delivered] = []
        self.arrived: Deferred[None] | None = None

    def notifyReceived(self, notify: EventNotify, properties: tuple[tuple[str, str], ...]) -> int:
        if len(self.events) < 64:
            self.events.append(Delivered(self._clock.seconds() - self.started, notify.sid, notify.seq, properties))
        if self.arrived is not None and not self.arrived.called:
            self.arrived.callback(None)
        return 200


class HTTPProbe:
    """
    Gathers and checks one device's documents, actions and events.

    @param agent: every HTTP request goes through it.
    @param reactor: times the requests, binds the callback server.
    @param timeout: seconds each request may take.
    @param localAddress: the local address reaching a host.
    """

    def __init__(self, agent: IAgent, reactor: Reactor, timeout: float = 5.0, localAddress: Callable[[str], str] = localAddressFor) -> None:
        self._agent = agent
        self._reactor = reactor
        self._timeout = timeout
        self._localAddress = localAddress

    async def request(self, method: bytes, url: str, headers: Sequence[tuple[bytes, bytes]] = (), body: bytes | None = None, maxSize: int = 256 * 1024) -> Fetched:
        """
        One bounded request, its outcome as a L{Fetched}.
        """
        try:
            reply = await exchange(self._agent, self._reactor, method, url, headers, body, self._timeout, maxSize)
        except ExchangeError as e:
            return Fetched(url, None, e.reason)
        return Fetched(url, reply)

    async def documents(self, root: RemoteRootDevice, description: Fetched, configId: int | None) -> tuple[list[Finding], dict[str, SCPD]]:
        """
        The description rules past fetching: HEAD, 404, SCPDs, icons,
        presentation page.

        @return: the findings, and the readable SCPDs by serviceId.
        """
        findings = [rules.checkHead(description, await self.request(b"HEAD", root.location))]
        missing = urljoin(root.location, f"/coherence-lite-check-{uuid.uuid4().hex[:8]}")
        findings.append(rules.checkNotFound(await self.request(b"GET", missing)))
        scpds: dict[str, SCPD] = {}
        services = [s for d in root.allDevices() for s in d.services][:MAX_SERVICES]
        for service in services:
            if service.SCPDURL is None:
                continue
            fetched = await self.request(b"GET", service.SCPDURL)
            parsed = parseSCPD(fetched.reply.body) if fetched.reply is not None and fetched.reply.code == 200 else None
            findings += rules.checkSCPD(service, fetched, parsed, configId)
            if isinstance(parsed, SCPD):
                scpds[service.serviceId] = parsed
        icons = [icon for d in root.allDevices() for icon in d.icons][:MAX_ICONS]
        for icon in icons:
            findings.append(rules.checkIcon(icon, await self.request(b"GET", icon.url, maxSize=1024 * 1024)))
        if root.presentationURL is not None:
            findings.append(rules.checkPresentation(await self.request(b"GET", root.presentationURL)))
        return findings, scpds

    async def control(self, service: RemoteService, scpd: SCPD) -> list[Finding]:
        """
        The control rules for one service.
        """
        if service.controlURL is None:
            return []
        subject = service.serviceId or service.serviceType
        findings = []
        for action in [a for a in scpd.actions if isGetter(a)][:MAX_CALLS]:
            fetched = await self._post(service, action.name)
            findings.append(control_rules.checkReadOnly(service.serviceType, subject, action, scpd, fetched))
        withInputs = [a for a in scpd.actions if any(arg.direction == "in" for arg in a.arguments)]
        withInputs.sort(key=lambda a: not a.name.startswith(("Get", "Query")))
        if withInputs:
            fetched = await self._post(service, withInputs[0].name)
            findings.append(control_rules.checkInvalidArgs(service.serviceType, subject, withInputs[0].name, fetched))
        fetched = await self._post(service, control_rules.UNKNOWN_ACTION)
        findings.append(control_rules.checkInvalidAction(service.serviceType, subject, fetched))
        return findings

    def _post(self, service: RemoteService, actionName: str) -> Deferred[Fetched]:
        assert service.controlURL is not None
        body = formatRequest(service.serviceType, actionName, [])
        return Deferred.fromCoroutine(self.request(b"POST", service.controlURL, requestHeaders(service.serviceType, actionName), body, 65536))

    async def eventing(self, service: RemoteService, scpd: SCPD) -> list[Finding]:
        """
        The eventing rules for one service with evented variables.
        """
        if service.eventSubURL is None or not scpd.evented():
            return []
        url = service.eventSubURL
        subject = service.serviceId or service.serviceType
        host = urlHost(url) or ""
        findings = []
        try:
            server = CallbackServer(self._reactor, self._localAddress(host))
            server.start()
        except (OSError, ValueError) as e:
            return [eventing_rules.checkSubscribe(subject, Fetched(url, None, f"cannot listen for events: {e}"))]
        try:
            recorder = _Recorder(self._reactor)
            server.add("check", recorder)
            recorder.arrived = Deferred()
            subscribed = await self.request(b"SUBSCRIBE", url, subscribeHeaders(f"<{server.urlFor('check')}>", MIN_TIMEOUT), None, 4096)
            findings.append(eventing_rules.checkSubscribe(subject, subscribed))
            grant = None if subscribed.reply is None else grantOf(subscribed.reply)
            if isinstance(grant, tuple):
                sid = grant[0]
                if not recorder.events:
                    timer = self._reactor.callLater(EVENT_WAIT, recorder.arrived.cancel)
                    try:
                        await recorder.arrived
                    except CancelledError:
                        pass
                    if timer.active():
                        timer.cancel()
                findings.append(eventing_rules.checkInitialEvent(subject, sid, recorder.events, scpd.evented(), EVENT_WAIT))
                findings.append(eventing_rules.checkRenew(subject, sid, await self.request(b"SUBSCRIBE", url, renewHeaders(sid, MIN_TIMEOUT), None, 4096)))
                stranger = f"uuid:{uuid.uuid4()}"
                findings.append(eventing_rules.checkUnknownSID(subject, await self.request(b"SUBSCRIBE", url, renewHeaders(stranger, MIN_TIMEOUT), None, 4096)))
                findings.append(eventing_rules.checkUnsubscribe(subject, await self.request(b"UNSUBSCRIBE", url, unsubscribeHeaders(sid), None, 4096)))
            callback = offLinkCallback(host)
            refused = await self.request(b"SUBSCRIBE", url, subscribeHeaders(f"<{callback}>", MIN_TIMEOUT), None, 4096)
            findings.append(eventing_rules.checkCallStranger(subject, callback, refused))
            if refused.reply is not None and isinstance(grantOf(refused.reply), tuple):
                accepted = grantOf(refused.reply)
                assert isinstance(accepted, tuple)
                await self.request(b"UNSUBSCRIBE", url, unsubscribeHeaders(accepted[0]), None, 4096)
            # Late event messages to the closed path get a 404, not a crash.
            await deferLater(self._reactor, 0, lambda: None)
        finally:
            server.remove("check")
            stopped = server.stop()
            if isinstance(stopped, Deferred):
                await stopped
        return findings
