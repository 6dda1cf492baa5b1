# -*- test-case-name: tests.test_stats -*-
"""
Counters of what the host and the control point received, sent and dropped,
and L{StatsMonitor}, which logs them periodically.

Every counter name is listed in L{COUNTERS} with its meaning, the way
L{coherence_lite.compat.signals} lists the signals; C{tests/test_stats.py} reads
the package's source and fails when a name counted somewhere is not listed
here, or a listed one is counted nowhere.
"""

from __future__ import annotations

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

__all__ = ["COUNTERS", "STATS_INTERVAL", "Stats", "StatsMonitor", "summary"]

log = Logger()

#: Seconds between two stats lines by default.
STATS_INTERVAL = 300.0

#: Every counter name, with what it counts.
COUNTERS = {
    # SSDP datagrams.
    "datagrams.received": "SSDP datagrams that arrived with their interface known.",
    "datagrams.sent": "SSDP datagrams sent: NOTIFYs, search answers and searches.",
    "dropped.no-interface": "Datagrams dropped because the socket did not say which interface they came in on.",
    "dropped.unserved-interface": "Datagrams dropped because they came in on an interface or subnet not served.",
    "dropped.malformed": "Datagrams dropped because they are not SSDP messages.",
    # Answering searches.
    "dropped.off-link": "Searches not answered because the querier is not on the link they came in on.",
    "dropped.no-mx": "Multicast searches not answered because they have no valid MX.",
    "dropped.rate-limited": "Searches not answered because their source was sent too many answers (one token per answer).",
    "dropped.pending-cap": "Search answers not sent because too many were waiting for their MX delay or the pace.",
    "searches.answered": "Searches that matched something of ours.",
    "searches.unmatched": "Searches that matched nothing of ours.",
    "responses.sent": "Search answers sent (one per matching advertisement).",
    # Announcing.
    "notify.sent": "NOTIFY datagrams handed to a socket (alive, update and byebye).",
    # Searching, on the control point side.
    "searches.sent": "M-SEARCH datagrams sent by the control point.",
    "responses.received": "Search answers the control point received.",
    # HTTP.
    "http.connections": "HTTP connections accepted.",
    "http.refused.client-cap": "HTTP connections closed at once: their client had too many open.",
    "http.refused.total-cap": "HTTP connections closed at once: too many were open in all, every one being answered.",
    "http.evicted": "HTTP connections closed to make room for a new one when all were taken: the idle one (or arriving request) oldest first.",
    "http.rejected.line-too-long": "HTTP requests refused (414 or 431) for a request line or header line too long.",
    "http.rejected.head-too-large": "HTTP requests refused (431) for too many header lines or too large a head.",
    "http.rejected.body-too-large": "HTTP requests refused (413) for a body too large.",
    "http.rejected.host": "HTTP requests refused (421, or 400 when missing or malformed) for a Host that is not ours (DNS rebinding).",
    "http.rejected.unread-responses": "HTTP connections closed because the client did not read its answers.",
    "http.timeouts.idle": "HTTP connections closed after a silence of the idle timeout.",
    "http.timeouts.request": "HTTP requests answered 408: not all there within the request timeout.",
    "http.requests": "HTTP requests answered by a resource.",
    "http.responses.1xx": "HTTP answers with an informational status.",
    "http.responses.2xx": "HTTP answers with a success status.",
    "http.responses.3xx": "HTTP answers with a redirection status.",
    "http.responses.4xx": "HTTP answers with a client error status, refusals included.",
    "http.responses.5xx": "HTTP answers with a server error status.",
    "http.responses.other": "HTTP answers with a status outside 100 to 599.",
    # SOAP control.
    "control.calls": "SOAP action calls answered 200 (QueryStateVariable included).",
    "control.faults": "SOAP action calls answered with a UPnPError fault (500).",
    "control.failed": "SOAP action calls answered with fault 501 (Action Failed): their handler failed (logged).",
    "control.rejected.bad-request": "Control requests refused (400): not a SOAP action call.",
    "control.rejected.not-found": "Control requests refused (404): a path below a controlURL.",
    "control.rejected.method": "Control requests refused (405): not POST or M-POST.",
    "control.rejected.body-too-large": "Control requests refused (413): a body over the control limit.",
    "control.rejected.content-type": "Control requests refused (415): a body that is not XML.",
    # GENA eventing (eventSubURL requests, then event delivery).
    "eventing.subscriptions.new": "Subscriptions granted (SUBSCRIBE with a CALLBACK answered 200).",
    "eventing.subscriptions.renewed": "Subscriptions renewed (SUBSCRIBE with a known SID answered 200).",
    "eventing.subscriptions.ended": "Subscriptions ended by their subscriber (UNSUBSCRIBE answered 200).",
    "eventing.subscriptions.expired": "Subscriptions dropped because their TIMEOUT ran out unrenewed.",
    "eventing.subscriptions.dead": "Subscriptions ended because every event message to them failed for deadAfter seconds.",
    "eventing.refused.malformed": "Eventing requests refused (400): SID with CALLBACK or NT, or a header given twice.",
    "eventing.refused.callback": "SUBSCRIBEs refused (412): a CALLBACK missing, too long, or not http with a literal address.",
    "eventing.refused.off-link": "SUBSCRIBEs refused (412, CallStranger): a CALLBACK address not on the link the request came in on.",
    "eventing.refused.unknown-sid": "Renewals and UNSUBSCRIBEs refused (412): no live subscription has their SID.",
    "eventing.refused.precondition": "Eventing requests refused (412): NT not upnp:event, or a SID or STATEVAR unusable.",
    "eventing.refused.full": "SUBSCRIBEs refused (503): the client or the host holds as many subscriptions as allowed.",
    "eventing.refused.method": "Requests at an eventSubURL refused (405): neither SUBSCRIBE nor UNSUBSCRIBE.",
    "eventing.notify.sent": "Event messages a subscriber answered with 2xx.",
    "eventing.notify.attempts-failed": "Event message attempts to one CALLBACK URL that failed, timed out or got no 2xx.",
    "eventing.notify.failed": "Event messages no CALLBACK URL took (their values are sent again later).",
    "eventing.moderated": "Changes held or dropped by a variable's maximumRate or minimumDelta.",
    "eventing.dropped.too-large": "Changed values left out of events: larger than an event message may be.",
    "eventing.dropped.unencodable": "Changed values left out of events: not a value of their variable's dataType.",
    # Presentation pages (action forms and live values).
    "pages.actions": "Actions invoked from a presentation page's form (answered with the result or a UPnP error).",
    "pages.refused.cross-origin": "Form posts refused (403): no Origin or Referer of the page's own host (CSRF).",
    "pages.rejected.bad-request": "Presentation page requests refused (400, 405, 413, 415): not a form of the page.",
    "pages.live.streams": "Live-value streams (server-sent events) opened by presentation pages.",
    "pages.live.refused": "Live-value streams refused (503): their client or the host had as many open as allowed.",
    "pages.live.stalled": "Live-value streams cut off: their client read nothing for the stall timeout.",
}


class Stats:
    """
    Named counters, such as C{datagrams.received} or C{dropped.off-link}
    (see L{COUNTERS}).

    Counting is cheap and never fails: one plain dictionary update, called
    on every datagram, so nothing else happens there.  L{snapshot} gives a
    sorted copy for logs and the presentation page.
    """

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def count(self, name: str, amount: int = 1) -> None:
        """
        Add C{amount} to the counter C{name}.
        """
        counts = self._counts
        counts[name] = counts.get(name, 0) + amount

    def __getitem__(self, name: str) -> int:
        return self._counts.get(name, 0)

    def snapshot(self) -> dict[str, int]:
        """
        The counters by name, sorted (those never counted left out).
        """
        return dict(sorted(self._counts.items()))


def summary(counters: dict[str, int]) -> str:
    """
    Counters as one line: C{datagrams.received=12 dropped.off-link=3}, in
    name order; C{(none)} when there are none.
    """
    return " ".join(f"{name}={value}" for name, value in sorted(counters.items())) or "(none)"


class StatsMonitor(Service):
    """
    Logs a L{Stats} at info level every C{interval} seconds while running,
    and once more when stopped.

    A failure while logging is itself logged; the loop goes on.

    @ivar interval: seconds between lines; 0 logs only when stopping.
    """

    def __init__(self, stats: Stats, clock: IReactorTime, interval: float = STATS_INTERVAL) -> None:
        """
        @param stats: the counters to log.
        @param clock: the reactor, or a L{twisted.internet.task.Clock}.
        @param interval: seconds between lines, 0 for none but the last.
        @raise ValueError: C{interval} is negative.
        """
        if interval < 0:
            raise ValueError("interval must not be negative")
        self.setName("monitor")
        self.stats = stats
        self.interval = interval
        self._loop = LoopingCall(self.logNow)
        self._loop.clock = clock

    def logNow(self) -> None:
        """
        Log the counters now; never raises.
        """
        try:
            counters = self.stats.snapshot()
            log.info("Stats: {summary}", summary=summary(counters), counters=counters)
        except Exception:
            log.failure("Cannot log the stats")

    def startService(self) -> None:
        """
        Start logging every C{interval} seconds, the first line after one
        interval.
        """
        Service.startService(self)
        if self.interval > 0:
            self._loop.start(self.interval, now=False)

    def stopService(self) -> None:
        """
        Stop the loop and log the counters a last time.
        """
        Service.stopService(self)
        if self._loop.running:
            self._loop.stop()
        self.logNow()
