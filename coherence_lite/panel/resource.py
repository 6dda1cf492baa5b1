# -*- test-case-name: tests.panel.test_resource -*-
"""
The presentation page of a hosted device as a twisted.web resource: the
page with the values of the moment, the posts of its action forms, and its
live values.

  - C{GET} (and C{HEAD}): the page (L{coherence_lite.panel.pages}), the
    host's counters at its end only for a client on loopback; for a
    device with a ContentDirectory, its library to browse and play
    (L{coherence_lite.panel.library}: C{?browse=ID&start=N}, C{?play=ID}).
  - C{GET ?events}: the live values, a server-sent events stream
    (L{coherence_lite.panel.live}).
  - C{POST}: an action form (C{application/x-www-form-urlencoded}, at most
    L{MAX_FORM_BODY} bytes).  Its arguments are decoded and checked by the
    control endpoint's own L{decodeArguments} and the action is invoked on
    the same L{ServiceRuntime} as SOAP calls; the answer is the page with
    the outcome (out-arguments or the UPnP error) shown by the form, or,
    for a script asking C{Accept: application/json}, that outcome alone.
    A post is taken only from the page's own origin: its C{Origin} (or,
    without one, its C{Referer}) must be C{http://} and the request's
    C{Host}; anything else is C{403}.  That is the CSRF defence: another
    site's page cannot make a browser post here.

Refusals are the one HTML error page, counted in L{Stats}; a failing
handler is a logged UPnP error 501, never a traceback.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any, Callable, Mapping, cast
from urllib.parse import parse_qsl

from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.control.resource import decodeArguments
from coherence_lite.errors import UPnPError
from coherence_lite.panel.assets import CSP
from coherence_lite.panel.forms import (
    ACTION_FIELD,
    ARGUMENT_PREFIX,
    SERVICE_FIELD,
    Outcome,
    displayValue,
    outcomeFragment,
    valueId,
)
from coherence_lite.panel.library import libraryRuntime, librarySection, queryOf
from coherence_lite.panel.live import LiveStreams, Source
from coherence_lite.panel.pages import presentationPage
from coherence_lite.http.body import BodyError, readBody
from coherence_lite.http.resources import HTML_CONTENT_TYPE, NotFoundResource, errorPage, sendHeaders
from coherence_lite.model.description import Documents
from coherence_lite.model.device import Action, Device, Service
from coherence_lite.model.types import Value
from coherence_lite.stats import Stats

__all__ = ["MAX_FORM_BODY", "PresentationResource", "fromLoopback"]

log = Logger()

#: The largest form post read, in bytes.
MAX_FORM_BODY = 16384
#: The most fields a form post may have.
_MAX_FIELDS = 256

_ALLOW = b"GET, HEAD, POST"
_FORM_TYPE = b"application/x-www-form-urlencoded"
_PAGE_HEADERS = (
    (b"Content-Type", HTML_CONTENT_TYPE),
    (b"Content-Security-Policy", CSP),
    (b"X-Frame-Options", b"DENY"),
    (b"Referrer-Policy", b"same-origin"),
    (b"Cache-Control", b"no-store"),
)
_REFUSALS = {
    400: "pages.rejected.bad-request",
    403: "pages.refused.cross-origin",
    405: "pages.rejected.bad-request",
    413: "pages.rejected.bad-request",
    415: "pages.rejected.bad-request",
}
_PAGES = {
    400: errorPage(400, "This is not a form of this page."),
    403: errorPage(403, "Forms are taken from this page only."),
    405: errorPage(405, "Only GET, HEAD and POST are allowed here."),
    413: errorPage(413),
    415: errorPage(415, "A form is application/x-www-form-urlencoded."),
}
_notFound = NotFoundResource()


def fromLoopback(request: Request) -> bool:
    """
    Whether C{request} came from this machine (127.0.0.0/8, C{::1}, or an
    IPv4-mapped loopback address).
    """
    host = getattr(request.getClientAddress(), "host", None)
    if not isinstance(host, str):
        return False
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def _asksForEvents(request: Request) -> bool:
    """
    Whether the query names C{events} (C{?events}, or C{?events=...}).
    """
    query = request.uri.partition(b"?")[2]
    return any(field.partition(b"=")[0] == b"events" for field in query.split(b"&"))


def _sameOrigin(request: Request) -> bool:
    host = request.getHeader(b"host")
    if not host:
        return False
    expected = ("http://" + host.decode("latin-1")).lower().encode("latin-1")
    origin = request.getHeader(b"origin")
    if origin is not None:
        return origin.lower() == expected
    referer = request.getHeader(b"referer")
    if referer is None:
        return False
    referer = referer.lower()
    return referer == expected or referer.startswith(expected + b"/")


def _shower(service: Service) -> Callable[[str, object], str]:
    """
    How a stream shows the values of C{service}'s variables.
    """
    variables = {variable.name: variable for variable in service.stateVariables}

    def show(name: str, value: object) -> str:
        return displayValue(variables[name], cast(Value, value))

    return show


class PresentationResource(Resource):
    """
    The presentation page of one device, at C{/<uuid>/}.
    """

    isLeaf = True

    def __init__(
        self,
        device: Device,
        documents: Documents,
        runtimes: Mapping[str, ServiceRuntime],
        live: LiveStreams,
        stats: Stats | None = None,
        maxFormBody: int = MAX_FORM_BODY,
    ) -> None:
        """
        @param device: the device shown.
        @param documents: the documents of its root device.
        @param runtimes: the runtime of each of its services, by short id:
            the same ones its control endpoints call.
        @param live: the host's live streams.
        @param stats: where posts and refusals are counted, and the counters
            shown to loopback clients; L{None} counts privately and shows
            none.
        @param maxFormBody: the largest form post read, in bytes.
        """
        super().__init__()
        self.device = device
        self.documents = documents
        self.runtimes = runtimes
        self.live = live
        self._showCounters = stats is not None
        self.stats = stats if stats is not None else Stats()
        self._maxFormBody = maxFormBody
        self._services = {service.shortId: service for service in device.services}
        self._library = libraryRuntime(device, runtimes)

    def render(self, request: Request) -> bytes | int:
        """
        Answer a request for the page: see the module's docstring.
        """
        if request.postpath:
            return _notFound.render(request)
        if request.method == b"GET" and _asksForEvents(request):
            return self._stream(request)
        if request.method in (b"GET", b"HEAD"):
            if self._library is not None:
                return self._libraryPage(request)
            return self._page(request)
        if request.method == b"POST":
            return self._post(request)
        return self._refuse(request, 405, ((b"Allow", _ALLOW),))

    def values(self) -> dict[str, dict[str, Value]]:
        """
        The current value of every variable, by service short id and name.
        """
        return {shortId: runtime.state.values() for shortId, runtime in self.runtimes.items()}

    def _page(self, request: Request, outcome: Outcome | None = None, library: str | None = None) -> bytes:
        counters = self.stats.snapshot() if self._showCounters and fromLoopback(request) else None
        body = presentationPage(self.device, self.documents, self.values(), outcome=outcome, counters=counters, library=library)
        sendHeaders(request, 200, _PAGE_HEADERS, len(body))
        return b"" if request.method == b"HEAD" else body

    def _libraryPage(self, request: Request) -> int:
        """
        The page with the library card, once the ContentDirectory answered.
        """
        assert self._library is not None
        local = request.getHost()
        address = (str(getattr(local, "host", "")), int(getattr(local, "port", 0)))
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))

        def show(outcome: str | Failure) -> None:
            library = None
            if isinstance(outcome, Failure):
                log.failure("The library of {device} could not be shown", outcome, device=self.device.UDN)
            else:
                library = outcome
            if not gone:
                request.write(self._page(request, library=library))
                request.finish()

        Deferred.fromCoroutine(librarySection(self._library, address, queryOf(request.args or {}))).addBoth(show)
        return NOT_DONE_YET

    def _refuse(self, request: Request, code: int, extra: tuple[tuple[bytes, bytes], ...] = ()) -> bytes:
        self.stats.count(_REFUSALS.get(code, "pages.rejected.bad-request"))
        body = _PAGES[code]
        sendHeaders(request, code, ((b"Content-Type", HTML_CONTENT_TYPE), *extra), len(body))
        return body

    def _stream(self, request: Request) -> bytes | int:
        sources = []
        for index, service in enumerate(self.device.services):
            runtime = self.runtimes.get(service.shortId)
            if runtime is None:
                continue
            ids = {variable.name: valueId(index, position) for position, variable in enumerate(service.stateVariables)}
            sources.append(Source(runtime.state, ids, _shower(service)))
        client = str(getattr(request.getClientAddress(), "host", ""))
        if not self.live.open(request, client, sources):
            body = errorPage(503, "Too many live pages are open.")
            sendHeaders(request, 503, ((b"Content-Type", HTML_CONTENT_TYPE), (b"Retry-After", b"30")), len(body))
            return body
        return NOT_DONE_YET

    def _post(self, request: Request) -> bytes | int:
        contentType = (request.getHeader(b"content-type") or b"").split(b";", 1)[0].strip().lower()
        if contentType != _FORM_TYPE:
            return self._refuse(request, 415)
        if not _sameOrigin(request):
            return self._refuse(request, 403)
        try:
            data = readBody(cast(Any, request), self._maxFormBody)
        except BodyError:
            return self._refuse(request, 413)
        try:
            fields = parse_qsl(data.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(data), max_num_fields=_MAX_FIELDS)
        except ValueError:
            return self._refuse(request, 400)
        form = dict(fields)
        service = self._services.get(form.get(SERVICE_FIELD, ""))
        runtime = self.runtimes.get(service.shortId) if service is not None else None
        action = runtime.action(form.get(ACTION_FIELD, "")) if runtime is not None else None
        if service is None or runtime is None or action is None:
            return self._refuse(request, 400)
        sent = tuple((name[len(ARGUMENT_PREFIX) :], text) for name, text in form.items() if name.startswith(ARGUMENT_PREFIX))
        try:
            arguments = decodeArguments(service, action, sent)
        except UPnPError as e:
            return self._answer(request, self._outcome(service, action, e))
        return self._invoke(request, service, runtime, action, arguments)

    def _invoke(
        self, request: Request, service: Service, runtime: ServiceRuntime, action: Action, arguments: dict[str, Value]
    ) -> bytes | int:
        answered: list[bytes] = []
        waiting: list[bool] = []
        gone: list[bool] = []

        def answer(result: Mapping[str, Value] | Failure) -> None:
            body = self._answer(request, self._outcome(service, action, result))
            if not waiting:
                answered.append(body)
            elif not gone:
                request.write(body)
                request.finish()

        runtime.invoke(action.name, arguments).addBoth(answer)
        if answered:
            return answered[0]
        waiting.append(True)
        request.notifyFinish().addErrback(lambda _: gone.append(True))
        return NOT_DONE_YET

    def _outcome(self, service: Service, action: Action, result: Mapping[str, Value] | Failure | UPnPError) -> Outcome:
        self.stats.count("pages.actions")
        if isinstance(result, Failure):
            if not result.check(UPnPError):
                log.failure("Action {action} of {serviceId} from the page failed", result, action=action.name, serviceId=service.serviceId)
                result = UPnPError(501)
            else:
                result = cast(UPnPError, result.value)
        if isinstance(result, UPnPError):
            return Outcome(service.shortId, action.name, errorCode=result.code, errorDescription=result.description)
        variables = {variable.name: variable for variable in service.stateVariables}
        related = {argument.name: variables[argument.relatedStateVariable] for argument in action.arguments}
        shown = tuple((name, displayValue(related[name], value)) for name, value in result.items())
        return Outcome(service.shortId, action.name, shown)

    def _answer(self, request: Request, outcome: Outcome) -> bytes:
        accept = request.getHeader(b"accept") or b""
        if b"application/json" in accept.lower():
            body = json.dumps({"ok": outcome.errorCode is None, "html": outcomeFragment(outcome)}).encode("utf-8")
            sendHeaders(request, 200, ((b"Content-Type", b"application/json"), (b"Cache-Control", b"no-store")), len(body))
            return body
        return self._page(request, outcome)
