# -*- test-case-name: tests.host.test_reload -*-
"""
Reloading the device files without a restart (SIGHUP, C{systemctl
reload}).

L{Reloader} reads the devices again (the same sources as at start) and
hands them to L{applyDevices}, which serves the new documents and tells the
network what changed, the UPnP way:

  - a device that is gone: ssdp:byebye for its whole set;
  - a new device: alive bursts, as at start;
  - a changed device (its description or an SCPD differs, so its
    CONFIGID.UPNP.ORG changes): ssdp:byebye for the advertisements it no
    longer has (a service type dropped, say), then alive bursts of its set
    with the new CONFIGID, which makes control points fetch the description
    again.  Advertisements it keeps get no byebye: some control points drop
    a device at a byebye even when an alive follows;
  - a device that did not change: nothing.

A file that cannot be read, or devices that cannot be hosted together, keep
the running configuration: the reason is logged and nothing is sent.
L{SignalReload} runs a reload on SIGHUP, in the reactor thread.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Callable, Optional, Sequence, Union

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorFromThreads
from twisted.logger import Logger

from coherence_lite.host.settings import HostedDeviceError
from coherence_lite.model.description import Documents, buildDocuments
from coherence_lite.model.device import Device, DeviceError
from coherence_lite.ssdp.catalogue import Publication

if TYPE_CHECKING:
    from coherence_lite.host.service import UPnPDeviceService

__all__ = ["Changes", "Reloader", "SignalReload", "applyDevices"]

log = Logger()

#: What L{signal.signal} takes and returns as a handler.
_Handler = Union[Callable[[int, Optional[FrameType]], object], int, signal.Handlers, None]


@dataclass
class Changes:
    """
    What a reload changed, by root device UDN.
    """

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _same(old: Documents, new: Documents) -> bool:
    return old.description == new.description and dict(old.scpds) == dict(new.scpds)


def applyDevices(
    host: UPnPDeviceService,
    devices: Sequence[Device],
    rebuild: Callable[[Sequence[Documents]], None],
) -> Changes:
    """
    Host C{devices} from now on instead of the current ones, announcing the
    differences (see the module's description).

    @param host: the running (or not yet running) device host.
    @param devices: the root devices to host, in order.
    @param rebuild: serves the new documents over HTTP (swaps the site's
        resource tree); called before anything is announced, so a control
        point that reacts to an alive finds the new description.
    @return: which devices were added, changed, removed or kept.
    @raise DeviceError: a device cannot be rendered.
    @raise ValueError: the devices cannot be served together (two share a
        UDN); nothing has changed then.
    """
    seen: set[str] = set()
    for device in (each for root in devices for each in root.allDevices()):
        if device.UDN.lower() in seen:
            raise ValueError(f"two devices share the UDN {device.UDN}")
        seen.add(device.UDN.lower())
    newDocuments = [buildDocuments(device) for device in devices]
    old = {
        documents.root.UDN.lower(): (documents, publication)
        for documents, publication in zip(host.documents, host.catalogue.publications)
    }
    rebuild(newDocuments)
    changes = Changes()
    publications: list[Publication] = []
    fresh: list[Publication] = []
    for documents in newDocuments:
        key = documents.root.UDN.lower()
        before = old.pop(key, None)
        if before is not None and _same(before[0], documents):
            publications.append(before[1])
            changes.unchanged.append(documents.root.UDN)
            continue
        publication = host.publicationOf(documents)
        publications.append(publication)
        fresh.append(publication)
        if before is None:
            changes.added.append(documents.root.UDN)
            continue
        changes.changed.append(documents.root.UDN)
        previous = before[1]
        dropped = tuple(ad for ad in previous.advertisements if ad not in publication.advertisements)
        if dropped:
            host.ssdp.sendByebye([Publication(dropped, previous.location, previous.configId)])
        host.catalogue.remove(previous)
    for documents, publication in old.values():
        changes.removed.append(documents.root.UDN)
        host.ssdp.withdraw(publication)
    for publication in fresh:
        host.ssdp.publish(publication)
    host.catalogue.publications[:] = publications
    host.documents[:] = newDocuments
    return changes


class Reloader:
    """
    Reads the devices again and applies them to a host, keeping the running
    configuration when anything is wrong.

    @param host: the device host.
    @param load: reads the devices (see
        L{coherence_lite.host.sources.DeviceSources.load}).
    @param rebuild: serves new documents over HTTP (see L{applyDevices}).
    @param reloading: called when a reload begins (systemd's RELOADING=1).
    @param reloaded: called when it is over, applied or refused.
    """

    def __init__(
        self,
        host: UPnPDeviceService,
        load: Callable[[], Sequence[Device]],
        rebuild: Callable[[Sequence[Documents]], None],
        reloading: Callable[[], None] = lambda: None,
        reloaded: Callable[[], None] = lambda: None,
    ) -> None:
        self._host = host
        self._load = load
        self._rebuild = rebuild
        self._reloading = reloading
        self._reloaded = reloaded

    def reload(self) -> Changes | None:
        """
        Reload now.  Never raises.

        @return: what changed, or L{None} when the reload was refused.
        """
        self._reloading()
        try:
            return self._apply()
        finally:
            self._reloaded()

    def _apply(self) -> Changes | None:
        log.info("Reloading the device files")
        try:
            devices = self._load()
            changes = applyDevices(self._host, devices, self._rebuild)
        except (HostedDeviceError, DeviceError, ValueError) as e:
            log.error("Reload refused, the running devices stay: {reason}", reason=str(e))
            return None
        except Exception:
            log.failure("Reload failed, the running devices stay")
            return None
        names = {documents.root.UDN: documents.root.friendlyName for documents in self._host.documents}
        for verb, udns in (("added", changes.added), ("changed", changes.changed)):
            for udn in udns:
                log.info("Reload: {name} ({udn}) {verb}", name=names.get(udn, ""), udn=udn, verb=verb)
        for udn in changes.removed:
            log.info("Reload: {udn} removed", udn=udn)
        if not changes:
            log.info("Reload: nothing changed")
        return changes


class SignalReload(Service):
    """
    Runs a reload when the process gets a signal (SIGHUP), in the reactor
    thread; while running only.

    @param reload: what to run.
    @param reactor: runs it (a signal arrives between two bytecodes of
        whatever runs).
    @param installHandler: L{signal.signal}, or a stand-in for tests.
    @param signalNumber: the signal.
    """

    def __init__(
        self,
        reload: Callable[[], object],
        reactor: IReactorFromThreads,
        installHandler: Callable[[int, _Handler], _Handler] = signal.signal,
        signalNumber: int = signal.SIGHUP,
    ) -> None:
        self._reload = reload
        self._reactor = reactor
        self._install = installHandler
        self._signal = signalNumber
        self._previous: _Handler = None

    def _received(self, number: int, frame: FrameType | None) -> None:
        self._reactor.callFromThread(self._reload)

    def startService(self) -> None:
        """
        Install the signal handler.
        """
        Service.startService(self)
        self._previous = self._install(self._signal, self._received)

    def stopService(self) -> None:
        """
        Put the previous handler back.
        """
        Service.stopService(self)
        previous = self._previous if self._previous is not None else signal.SIG_DFL
        self._install(self._signal, previous)
        self._previous = None
