# -*- test-case-name: tests.eventing.test_resource -*-
"""
The GENA endpoint of a service, at its eventSubURL: a twisted.web resource
answering SUBSCRIBE (new or renewal) and UNSUBSCRIBE as UDA and
C{CONTROL.md} say.

  - A new subscription is C{200 OK} with C{DATE}, C{SERVER}, C{SID},
    C{TIMEOUT: Second-N} and C{CONTENT-LENGTH: 0}; its initial event leaves
    once that answer is written.  A renewal answers the same; an
    UNSUBSCRIBE C{200 OK} with an empty body.
  - C{400 Bad Request}: SID together with CALLBACK or NT, or a GENA header
    given twice.
  - C{412 Precondition Failed}: no or wrong NT, no CALLBACK, a CALLBACK
    URL the parser refuses (host name, other scheme, too many) or the
    CallStranger check refuses (L{coherence_lite.eventing.callbacks}), a
    missing, malformed, unknown or expired SID.
  - C{503 Service Unavailable}: the client or the host holds as many
    subscriptions as the bounds allow.
  - C{405 Method Not Allowed} with C{Allow: SUBSCRIBE, UNSUBSCRIBE} for any
    other method; C{404} for paths below.

STATEVAR (UDA 1.1) is ignored, as UDA allows: every subscription gets
every evented variable.  Every refusal is counted (C{eventing.refused.*})
and logged at debug level within a budget.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from twisted.internet.address import IPv4Address as _TCPv4, IPv6Address as _TCPv6
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger
from twisted.web.resource import Resource
from twisted.web.server import Request

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.eventing.callbacks import arrivalLink, onLinkCallbacks, unmapped
from coherence_lite.eventing.message import NewSubscription, Renewal, SubscriptionError, classify
from coherence_lite.eventing.publisher import HostEventing, ServiceEventing
from coherence_lite.eventing.subscriptions import Subscription
from coherence_lite.http.resources import HTML_CONTENT_TYPE, NotFoundResource, errorPage, sendHeaders
from coherence_lite.logbudget import LogBudget
from coherence_lite.net.interfaces import Link, parseAddress
from coherence_lite.stats import Stats

__all__ = ["ALLOWED", "EventSubscriptionResource", "eventResources"]

log = Logger()

#: The methods of an eventSubURL, for C{Allow}.
ALLOWED = b"SUBSCRIBE, UNSUBSCRIBE"

#: The headers that may come once only.
_SINGLE = (b"sid", b"callback", b"nt", b"timeout", b"statevar")

#: The counter of each kind of refusal.
_REFUSALS = {
    "malformed": "eventing.refused.malformed",
    "callback": "eventing.refused.callback",
    "off-link": "eventing.refused.off-link",
    "unknown-sid": "eventing.refused.unknown-sid",
    "precondition": "eventing.refused.precondition",
    "full": "eventing.refused.full",
    "method": "eventing.refused.method",
}

_notFound = NotFoundResource()


def _hostOf(address: object) -> tuple[str, int | str | None]:
    if isinstance(address, _TCPv6):
        return address.host, address.scopeID
    if isinstance(address, _TCPv4):
        return address.host, None
    return "", None


class EventSubscriptionResource(Resource):
    """
    The eventSubURL of one service.
    """

    isLeaf = True

    def __init__(
        self,
        eventing: ServiceEventing,
        links: Callable[[], Sequence[Link]],
        clock: IReactorTime,
        stats: Stats | None = None,
    ) -> None:
        """
        @param eventing: the service's subscriptions and events.
        @param links: the links the host serves now (for the CallStranger
            check).
        @param clock: for the log budget.
        @param stats: counts C{eventing.refused.*} and
            C{eventing.subscriptions.*}.
        """
        super().__init__()
        self.eventing = eventing
        self.links = links
        self.stats = stats if stats is not None else Stats()
        self._budget = LogBudget(log, clock)

    def render(self, request: Request) -> bytes:
        """
        Answer a SUBSCRIBE or UNSUBSCRIBE; refuse anything else.
        """
        if request.postpath:
            return _notFound.render(request)
        method = (request.method or b"").decode("latin-1")
        raw = request.requestHeaders
        if any(len(raw.getRawHeaders(name, [])) > 1 for name in _SINGLE):
            return self._refuse(request, 400, "malformed", "a GENA header given twice")
        headers = {
            name.decode("latin-1"): values[0].decode("latin-1") for name, values in raw.getAllRawHeaders() if values
        }
        limits = self.eventing.limits
        asked = classify(method, headers, limits.minTimeout, limits.maxTimeout, limits.defaultTimeout)
        if isinstance(asked, SubscriptionError):
            return self._refuseError(request, asked)
        if isinstance(asked, NewSubscription):
            return self._subscribe(request, asked)
        if isinstance(asked, Renewal):
            renewed = self.eventing.renew(asked.sid, asked.timeout)
            if renewed is None:
                return self._refuse(request, 412, "unknown-sid", f"no subscription {asked.sid} to renew")
            self.stats.count("eventing.subscriptions.renewed")
            return self._granted(request, renewed)
        if self.eventing.unsubscribe(asked.sid) is None:
            return self._refuse(request, 412, "unknown-sid", f"no subscription {asked.sid} to end")
        self.stats.count("eventing.subscriptions.ended")
        sendHeaders(request, 200, (), 0)
        request.defaultContentType = None
        return b""

    def _subscribe(self, request: Request, asked: NewSubscription) -> bytes:
        localHost, scope = _hostOf(request.getHost())
        destinations = onLinkCallbacks(asked.callbacks, arrivalLink(localHost, scope, self.links()))
        if isinstance(destinations, str):
            return self._refuse(request, 412, "off-link", f"CALLBACK refused: {destinations}")
        peer = parseAddress(_hostOf(request.getClientAddress())[0])
        client = str(unmapped(peer)) if peer is not None else "unknown"
        subscription = self.eventing.subscribe(client, destinations, asked.timeout)
        if isinstance(subscription, str):
            return self._refuse(request, 503, "full", f"too many subscriptions: {subscription}")
        self.stats.count("eventing.subscriptions.new")
        sid = subscription.sid
        request.notifyFinish().addCallbacks(
            lambda _: self.eventing.answered(sid), lambda _: self.eventing.unsubscribe(sid)
        )
        return self._granted(request, subscription)

    def _granted(self, request: Request, subscription: Subscription) -> bytes:
        headers = (
            (b"SID", subscription.sid.encode("ascii")),
            (b"TIMEOUT", b"Second-%d" % (subscription.timeout,)),
        )
        sendHeaders(request, 200, headers, 0)
        request.defaultContentType = None
        return b""

    def _refuseError(self, request: Request, error: SubscriptionError) -> bytes:
        if error.status == 405:
            return self._refuse(request, 405, "method", error.reason)
        if error.status == 400:
            return self._refuse(request, 400, "malformed", error.reason)
        kind = "callback" if "CALLBACK" in error.reason else "precondition"
        return self._refuse(request, error.status, kind, error.reason)

    def _refuse(self, request: Request, code: int, kind: str, reason: str) -> bytes:
        self.stats.count(_REFUSALS.get(kind, "eventing.refused.precondition"))
        peer = _hostOf(request.getClientAddress())[0]
        self._budget.debug("Refused {method} from {peer} ({code}): {reason}", method=request.method, peer=peer, code=code, reason=reason)
        body = errorPage(code)
        headers: tuple[tuple[bytes, bytes], ...] = ((b"Content-Type", HTML_CONTENT_TYPE),)
        if code == 405:
            headers += ((b"Allow", ALLOWED),)
        sendHeaders(request, code, headers, len(body))
        return b"" if request.method == b"HEAD" else body


def eventResources(
    eventing: HostEventing,
    runtimes: Mapping[tuple[str, str], ServiceRuntime],
    links: Callable[[], Sequence[Link]],
    clock: IReactorTime,
    stats: Stats | None = None,
    *,
    keep: bool = False,
) -> dict[tuple[str, str], EventSubscriptionResource]:
    """
    The eventSubURL resource of every hosted service, each following its
    runtime's state through C{eventing}.

    @param runtimes: the runtime of each service, by (device UDN, service
        short id).
    @param keep: whether services C{eventing} has already keep their
        eventing (a reload: see L{HostEventing.serve}); otherwise each
        service is new to it (L{HostEventing.add}).
    @return: the resources, by the same keys.
    """
    attach = eventing.serve if keep else eventing.add
    return {
        (udn, shortId): EventSubscriptionResource(attach(udn, runtime.service, runtime.state), links, clock, stats)
        for (udn, shortId), runtime in runtimes.items()
    }
