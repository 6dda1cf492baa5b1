# -*- test-case-name: tests.test_daemon -*-
"""
What the device host needs to run as a daemon under twistd: L{StartFailed},
the one way a start-up failure reaches the user both in the foreground
(C{twistd -n}) and as a daemon; and L{addDaemonParts}, which adds systemd
notifications and reloading on SIGHUP.

How twistd reports a start failure: in the foreground, an exception out of
C{startService} ends the process (a L{SystemExit} quietly, with its
status).  As a daemon, the launching process waits on a status pipe for
the daemon's start: twistd writes any L{Exception} raised by
C{startService} into that pipe, and the launching process prints it and
exits with status 1.  A L{SystemExit} is no L{Exception}: twistd lets it
through without writing to the pipe, and the launching process, which
holds the pipe's other end itself, waits for ever.  L{StartFailed} is
both, so each mode does the right thing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, cast

from twisted.application.service import IService, Service
from twisted.internet.interfaces import IReactorFromThreads

from coherence_lite.eventing.publisher import HostEventing
from coherence_lite.eventing.resource import eventResources
from coherence_lite.host.reload import Reloader, SignalReload
from coherence_lite.host.runtimes import HostedRuntimes
from coherence_lite.host.site import makeRootResource
from coherence_lite.host.systemd import SystemdNotifier
from coherence_lite.model.description import Documents
from coherence_lite.model.device import Device
from coherence_lite.model.layout import SUBSCRIBE

if TYPE_CHECKING:
    from coherence_lite.host.service import UPnPDeviceService

__all__ = ["StartFailed", "addDaemonParts", "rebuildSite"]


class StartFailed(SystemExit, Exception):
    """
    The device host cannot start; the process ends with status 1.

    twistd writes C{<module>.StartFailed: <reason>} to its status pipe,
    truncated to 100 bytes, so the reason is kept short (C{HTTP port 8080:
    Address already in use}).
    """

    def __init__(self, reason: str) -> None:
        """
        @param reason: why, in one short line.
        """
        super().__init__(reason)
        self.reason = reason
        self.code = 1

    def __str__(self) -> str:
        return self.reason


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _replaceChild(host: UPnPDeviceService, old: IService, new: IService) -> None:
    """
    Put C{new} where C{old} was among C{host}'s children (stopping C{old},
    starting C{new} if the host runs), so they keep their turn at stop.
    """
    index = host.services.index(cast(Service, old))
    old.disownServiceParent()
    new.setServiceParent(host)
    host.services.remove(cast(Service, new))
    host.services.insert(index, cast(Service, new))


def rebuildSite(host: UPnPDeviceService) -> Callable[[Sequence[Documents]], None]:
    """
    What serves new documents on C{host}: new service runtimes (their state
    carries over through the host's state store, in memory: the
    acknowledged values, even when the state directory cannot be written), new eventing (subscriptions end: control points
    subscribe again when their renewal is refused) and a new resource tree
    swapped in for the old one (requests under way finish with the old).

    @raise ConfigError: a device file binds a function that cannot be
        imported; the old runtimes then go on.
    @raise ValueError: see L{makeRootResource}; the old runtimes go on.
    """

    def rebuild(documents: Sequence[Documents]) -> None:
        oldRuntimes, oldEventing = host.runtimes, host.eventing
        if oldRuntimes.running:
            oldRuntimes.stopService()
        try:
            runtimes = HostedRuntimes([each.root for each in documents], host.reactor, oldRuntimes.store)
            tree = makeRootResource(documents, host.stats, runtimes.byService)
        except Exception:
            if host.running:
                oldRuntimes.startService()
            raise
        eventing = HostEventing(oldEventing.agent, host.reactor, oldEventing.limits, host.stats)
        events = eventResources(eventing, runtimes.byService, lambda: host.links, host.reactor, host.stats)
        for (udn, shortId), resource in events.items():
            tree.devices[udn].services[shortId].putChild(SUBSCRIBE.encode("ascii"), resource)
        runtimes.setName(oldRuntimes.name)
        _replaceChild(host, oldRuntimes, runtimes)
        _replaceChild(host, oldEventing, eventing)
        host.runtimes, host.eventing = runtimes, eventing
        host.web.site.resource = tree

    return rebuild


def addDaemonParts(
    host: UPnPDeviceService,
    load: Callable[[], Sequence[Device]],
    environ: Mapping[str, str] = os.environ,
) -> Reloader:
    """
    Add to C{host} what a daemon has on top: C{systemd} (L{SystemdNotifier}:
    READY=1 once the first alive is out, RELOADING=1, STOPPING=1) and
    C{reload} (L{SignalReload}: SIGHUP reads the device files again).

    @param load: reads the devices to host, as at start.
    @param environ: the environment (C{NOTIFY_SOCKET}).
    @return: the reloader SIGHUP runs.
    """

    def status() -> str:
        links = sorted({f"{link.interface} {link.host}" for link in host.links})
        return f"Hosting {_plural(len(host.documents), 'device')} on {_plural(len(links), 'link')}: " + ", ".join(links)

    notifier = SystemdNotifier.fromEnvironment(
        announced=lambda: host.stats["notify.sent"] > 0,
        hasLinks=lambda: bool(host.links),
        status=status,
        clock=host.reactor,
        environ=environ,
    )
    notifier.setName("systemd")
    notifier.setServiceParent(host)
    reloader = Reloader(host, load, rebuildSite(host), notifier.reloading, notifier.reloaded)
    # Every reactor the host runs on provides callFromThread too.
    signals = SignalReload(reloader.reload, cast(IReactorFromThreads, host.reactor))
    signals.setName("reload")
    signals.setServiceParent(host)
    return reloader
