# -*- test-case-name: tests.test_daemon -*-
"""
What the device host needs to run as a daemon under twistd:
L{DaemonService}, whose start-up failure is one line and exit status 1
(see L{coherence_lite.errors.StartFailed}), and L{addDaemonParts}, which
adds systemd notifications and reloading on SIGHUP.
"""

from __future__ import annotations

import os
from typing import Callable, Mapping, Sequence, cast

from twisted.application.service import IService, Service
from twisted.internet.interfaces import IReactorFromThreads
from twisted.logger import Logger

from coherence_lite.errors import StartFailed, StartupError
from coherence_lite.eventing.publisher import HostEventing
from coherence_lite.eventing.resource import eventResources
from coherence_lite.host.reload import Reloader, SignalReload
from coherence_lite.host.runtimes import HostedRuntimes
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.site import makeRootResource
from coherence_lite.host.systemd import SystemdNotifier
from coherence_lite.model.description import Documents
from coherence_lite.model.device import Device
from coherence_lite.model.layout import SUBSCRIBE

__all__ = ["DaemonService", "addDaemonParts", "rebuildSite"]

log = Logger()


class DaemonService(UPnPDeviceService):
    """
    The device host as a daemon runs it (C{twistd upnp-device}): a start-up
    failure is one logged line and exit status 1, not a traceback, and
    reaches the terminal of a daemon's launcher too (see L{StartFailed}).
    """

    def startService(self) -> None:
        """
        Start, or log why not and exit with status 1.
        """
        try:
            super().startService()
        except StartupError as e:
            log.critical("Cannot start: {reason}", reason=str(e))
            raise StartFailed(str(e)) from None


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
    goes through the state directory: written by the old ones as they stop,
    read by the new ones), new eventing (subscriptions end: control points
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
            runtimes = HostedRuntimes([each.root for each in documents], host.reactor, host.settings.stateDirectory)
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
