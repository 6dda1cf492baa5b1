# -*- test-case-name: tests.host.test_daemon -*-
"""
What the device host needs to run as a daemon under twistd:
L{DaemonService}, whose start-up failure is one line and exit status 1
(see L{coherence_lite.errors.StartFailed}), and L{addDaemonParts}, which
adds systemd notifications and reloading on SIGHUP.
"""

from __future__ import annotations

import os
from typing import Callable, Mapping, Sequence, cast

from twisted.internet.interfaces import IReactorFromThreads
from twisted.logger import Logger

from coherence_lite.backend.hosted import Hostable
from coherence_lite.errors import StartFailed, StartupError
from coherence_lite.host.reload import Reloader, SignalReload
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.systemd import SystemdNotifier

__all__ = ["DaemonService", "addDaemonParts"]

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


def addDaemonParts(
    host: UPnPDeviceService,
    load: Callable[[], Sequence[Hostable]],
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
    reloader = Reloader(load, host.replaceDevices, notifier.reloading, notifier.reloaded)
    # Every reactor the host runs on provides callFromThread too.
    signals = SignalReload(reloader.reload, cast(IReactorFromThreads, host.reactor))
    signals.setName("reload")
    signals.setServiceParent(host)
    return reloader
