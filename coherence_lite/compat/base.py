# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's C{Coherence} class: one object that hosts a process's devices
and finds the network's.

    from coherence.base import Coherence              # Coherence
    from coherence_lite.compat.base import Coherence  # here

    coherence = Coherence({'interface': 'eth0', 'controlpoint': 'yes'})
    light = coherence.add_plugin('SimpleLight', name='Porch')

Like Coherence's, it is a singleton: every C{Coherence(...)} gives the
first instance until L{Coherence.clear}, and L{Coherence.shutdown} only
stops it when called as often as it was made.  It starts at once: a web
server on C{serverport} serves every hosted device (description, SCPDs,
SOAP control, GENA eventing, laid out as C{docs/migrating-from-coherence.md}
says), an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>} announces
them, an L{MSearch <coherence_lite.compat.msearch.MSearch>} searches, and
every root device the SSDP server knows (its own included) is described and
listed in C{devices}.  With C{unittest: yes} nothing touches the network:
no SSDP socket, the web server on 127.0.0.1 only, and the devices are found
in-process through the SSDP server's table.

Configuration keys: C{interface} (name or address), C{serverport},
C{unittest}, C{controlpoint}, C{plugin}/C{plugins}, C{logmode} (kept in
C{logmode}; levels are the log observer's business), C{ssdpport} (ours,
for isolated tests), C{state_dir} (ours: where an FSStore plugin's media
index is kept; coherence-lite's default state directory otherwise).

An C{FSStore} plugin (C{add_plugin('FSStore', content='/srv/media',
name='Den')}, or a C{plugin}/C{plugins} entry) is served as
coherence-lite's MediaServer, its keys read as C{twistd upnp-device
--plugin} reads them (docs/migrating-from-coherence.md, "FSStore users");
its index is built on a thread of its own, and L{Coherence.shutdown}
waits for that thread to stop.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, ClassVar, Mapping

from twisted.internet.defer import Deferred, DeferredList, succeed
from twisted.internet.error import CannotListenError
from twisted.logger import Logger
from twisted.web.resource import Resource

from coherence_lite._version import __version__
from coherence_lite.compat._impl.base_plugins import DEVICES, backendClass, pluginList
from coherence_lite.controlpoint.agent import clientAgent
from coherence_lite.compat.basics import HostedDevice
from coherence_lite.compat.control_point import ControlPoint
from coherence_lite.compat._impl.detection import DeviceDetection
from coherence_lite.compat.device import RootDevice, Service
from coherence_lite.compat._impl.fsstore import FSStorePlugin, enableFSStore
from coherence_lite.compat._impl.hosting import DeviceHosting
from coherence_lite.compat.msearch import MSearch
from coherence_lite.compat._impl.observers import Callbacks
from coherence_lite.compat.ssdp import SSDPServer
from coherence_lite.controlpoint.discovery import makeFetcher
from coherence_lite.controlpoint.soap import SOAPClient
from coherence_lite.controlpoint.subscriber import Subscriber
from coherence_lite.controlpoint.tracker import DeviceTracker
from coherence_lite.errors import StartupError
from coherence_lite.host.bootid import defaultStateDirectory
from coherence_lite.http.listener import WebServerService
from coherence_lite.identity import serverString
from coherence_lite.net.interfaces import Link, reportedLinks, selectLinks, systemInterfaces
from coherence_lite._reactor import Reactor, defaultReactor
from coherence_lite.compat.signals import SignalSender, connect, disconnect
from coherence_lite.ssdp import SSDP_PORT

__all__ = ["Coherence", "LOOPBACK"]

log = Logger()

#: Where a façade in unittest mode serves, and the one link it accepts
#: event callbacks on.
LOOPBACK = Link("lo", 1, ipaddress.ip_interface("127.0.0.1/8"), (ipaddress.ip_network("127.0.0.0/8"),))


def _yes(value: object) -> bool:
    return str(value).strip().lower() in ("yes", "true", "1", "on")


def _hostAddress(interface: str | None) -> str:
    """
    The IPv4 address to serve on: C{interface} itself when it is an
    address, else the first address of that interface, else the first of
    every suitable one; 127.0.0.1 when there is none.
    """
    if interface:
        try:
            return str(ipaddress.ip_address(interface))
        except ValueError:
            pass
    requested = (interface,) if interface else ()
    links = reportedLinks(selectLinks(systemInterfaces(), requested, ipv6=False), log)
    if not links:
        log.warn("No usable IPv4 interface: serving on 127.0.0.1 only")
        return "127.0.0.1"
    return str(links[0].address.ip)


class Coherence:
    """
    Coherence's façade (see the module's description).

    @ivar config: the configuration it was made with.
    @ivar hostname: the address it serves on.
    @ivar web_server_port: the port of its web server.
    @ivar urlbase: C{http://<hostname>:<port>/}.
    @ivar ssdp_server: its L{SSDPServer}.
    @ivar msearch: its L{MSearch}.
    @ivar ctrl: its L{ControlPoint} (C{controlpoint: yes}), else L{None}.
    @ivar devices: the root devices found, hosted here or not.
    @ivar active_backends: the hosted devices by UDN.
    """

    _instance_: ClassVar["Coherence | None"] = None
    _incarnations_: ClassVar[int] = 0

    def __new__(cls, config: Mapping[str, Any] | None = None, *, reactor: Reactor | None = None) -> "Coherence":
        obj = cls._instance_
        if obj is not None:
            cls._incarnations_ += 1
            return obj
        obj = super().__new__(cls)
        cls._instance_ = obj
        cls._incarnations_ = 1
        try:
            obj._setup(dict(config or {}), reactor if reactor is not None else defaultReactor())
        except BaseException:
            cls._instance_ = None
            raise
        return obj

    def __init__(self, config: Mapping[str, Any] | None = None, *, reactor: Reactor | None = None) -> None:
        """
        @param config: Coherence's configuration dict.
        @param reactor: the reactor; the global one when L{None}.
        @raise StartupError: the web server's port is taken.
        """

    def clear(self) -> None:
        """
        Forget the singleton, so the next C{Coherence(...)} makes a new one
        (Coherence's tests call it after L{shutdown}).
        """
        if type(self)._instance_ is self:
            type(self)._instance_ = None

    def _setup(self, config: dict[str, Any], reactor: Reactor) -> None:
        self.config = config
        self.reactor = reactor
        self.logmode = str(config.get("logmode", "warning"))
        self.unittest = _yes(config.get("unittest", "no"))
        self.hostname = "127.0.0.1" if self.unittest else _hostAddress(config.get("interface"))
        self.children: dict[str, Resource] = {}
        self.active_backends: dict[str, HostedDevice | FSStorePlugin] = {}
        self._stateDirectory = Path(config["state_dir"]) if config.get("state_dir") else defaultStateDirectory()
        self._unregistering: list[Deferred[None]] = []
        self._callbacks = Callbacks()
        self._signals = SignalSender(reactor)
        self._stopping: Deferred[None] | None = None
        log.info("Coherence façade (coherence-lite {version}) on {host}", version=__version__, host=self.hostname)

        ssdpPort = int(config.get("ssdpport", SSDP_PORT))
        if self.unittest:
            self.ssdp_server = SSDPServer(test=True, interface=self.hostname, ssdpPort=ssdpPort)
        else:
            self.ssdp_server = SSDPServer(interface=self.hostname, reactor=reactor, ssdpPort=ssdpPort)
        self.msearch = MSearch(self.ssdp_server, test=self.unittest, reactor=reactor)

        self.hosting = DeviceHosting(reactor, self.ssdp_server, lambda: self.urlbase, self._links, self.hostname)
        self.web = WebServerService(self.hosting.site, int(config.get("serverport", 0)), reactor, self.hostname)
        try:
            self.web.startService()
        except CannotListenError as e:
            self.msearch.shutdown()
            self.ssdp_server.shutdown()
            raise StartupError(f"web server port {e.port}: {e.socketError}") from None
        self.web_server_port = self.web.port
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        self.urlbase = f"http://{host}:{self.web_server_port}/"
        self.external_address = f"{host}:{self.web_server_port}"

        agent = clientAgent(reactor)
        self._soap = SOAPClient(agent, reactor, userAgent=serverString(__version__))
        self._subscriber = Subscriber(agent, reactor)
        self._detection = DeviceDetection(
            makeFetcher(reactor), self._soap, self._subscriber, self._signals, self._found, self._gone
        )
        self.devices: list[RootDevice] = self._detection.devices
        self._tracker = DeviceTracker(self.ssdp_server.registry, reactor, makeFetcher(reactor))
        self._tracker.addObserver(self._detection)
        self._tracker.startService()
        self.ctrl: ControlPoint | None = ControlPoint(self) if _yes(config.get("controlpoint", "no")) else None
        self._trigger = reactor.addSystemEventTrigger("before", "shutdown", self.shutdown, force=True)

        for name, arguments in pluginList(config):
            if self.add_plugin(name, **arguments) is None:
                log.warn("Plugin {name} not enabled", name=name)

    def _links(self) -> list[Link]:
        return [LOOPBACK] if self.unittest else list(self.ssdp_server.links)

    # Devices found

    def _found(self, root: RootDevice) -> None:
        if self.ctrl is not None:
            for device in reversed(list(root.allDevices())):
                self.ctrl.check_device(device)

    def _gone(self, root: RootDevice) -> None:
        if self.ctrl is not None:
            for device in root.allDevices():
                self.ctrl.remove_client(device)
        self.callback("removed_device", root.st, root.usn)

    def get_devices(self) -> list[RootDevice]:
        """The root devices found."""
        return self.devices

    def get_local_devices(self) -> list[RootDevice]:
        """The root devices found that are hosted here."""
        return [d for d in self.devices if d.is_local()]

    def get_nonlocal_devices(self) -> list[RootDevice]:
        """The root devices found elsewhere."""
        return [d for d in self.devices if d.is_remote()]

    def get_device_with_id(self, device_id: str) -> Any:
        """
        The found device (root or embedded) with this UDN, given with or
        without C{uuid:}; L{None} when there is none.
        """
        wanted = device_id if device_id.startswith("uuid:") else f"uuid:{device_id}"
        for root in self.devices:
            for device in root.allDevices():
                if device.UDN.lower() == wanted.lower():
                    return device
        return None

    def get_device_with_usn(self, usn: str) -> RootDevice | None:
        """The found root device with this USN, or L{None}."""
        return next((d for d in self.devices if d.usn == usn), None)

    def get_device_by_host(self, host: str) -> list[RootDevice]:
        """The found root devices announced from C{host}."""
        return [d for d in self.devices if d.host == host]

    # Hosted devices

    def add_plugin(self, plugin: Any, **kwargs: Any) -> HostedDevice | FSStorePlugin | None:
        """
        Host a device for a backend: a class with C{implements}, a built-in
        name (C{SimpleLight}, C{BetterLight}, C{FSStore}: a MediaServer of
        the folders of its C{content}) or a dotted C{module.Class}.

        @param kwargs: the plugin's configuration (C{name}, C{uuid},
            C{version}, the backend's own keys).
        @return: the hosted device (C{device.backend} is the backend), or
            L{None} when it could not be made (logged).
        """
        if plugin == "FSStore":
            return self._addFSStore(kwargs)
        cls = backendClass(plugin)
        if cls is None:
            log.warn("Plugin {plugin!r} not found", plugin=plugin)
            return None
        for deviceName in getattr(cls, "implements", ()):
            deviceClass = DEVICES.get(deviceName)
            if deviceClass is None:
                log.warn("{plugin!r}: device type {device} not available", plugin=plugin, device=deviceName)
                continue
            try:
                device = deviceClass(self, cls, **kwargs)
            except Exception:
                log.failure("Cannot enable {plugin!r} as {device}", plugin=plugin, device=deviceName)
                continue
            self.active_backends[device.uuid] = device
            return device
        return None

    def _addFSStore(self, settings: dict[str, Any]) -> FSStorePlugin | None:
        served = enableFSStore(self.hosting, self._stateDirectory, self.reactor, settings, self.active_backends.values())
        if served is not None:
            self.active_backends[served.uuid] = served
        return served

    def remove_plugin(self, plugin: Any) -> str:
        """
        Stop hosting a device (byebye): the object L{add_plugin} returned,
        or its UDN.

        @return: the UDN, or C{""} when no such device is hosted.
        """
        udn = plugin if isinstance(plugin, str) else getattr(plugin, "uuid", "")
        udn = udn if udn.startswith("uuid:") else f"uuid:{udn}"
        device = self.active_backends.pop(udn, None)
        if device is None:
            log.warn("No hosted device {udn}", udn=udn)
            return ""
        self._unregister(device)
        return udn

    def _unregister(self, device: HostedDevice | FSStorePlugin) -> None:
        stopping = device.unregister()
        if isinstance(stopping, Deferred) and not stopping.called:
            self._unregistering.append(stopping)

            def stopped(result: object) -> object:
                self._unregistering.remove(stopping)
                return result

            stopping.addBoth(stopped)

    def _hostDevice(self, device: HostedDevice) -> None:
        self.hosting.host(device)

    def _unhostDevice(self, device: HostedDevice) -> None:
        self.hosting.unhost(device)

    def add_web_resource(self, name: str, sub: Resource) -> None:
        """Serve another resource at C{/<name>}."""
        self.children[name] = sub
        self.hosting.putChild(name, sub)

    def remove_web_resource(self, name: str) -> None:
        """Stop serving C{/<name>}."""
        self.children.pop(name, None)
        self.hosting.removeChild(name)

    # Callbacks and signals

    def subscribe(self, name: str, callback: Any) -> None:
        """Call C{callback} on C{callback(name, ...)}."""
        self._callbacks.subscribe(name, callback)

    def unsubscribe(self, name: str, callback: Any) -> None:
        """Stop calling C{callback} for C{name}."""
        self._callbacks.unsubscribe(name, callback)

    def callback(self, name: str, *args: object) -> None:
        """Call every callback subscribed to C{name}."""
        self._callbacks.call(name, *args)

    def connect(self, receiver: Any, signal: str, sender: Any = None, weak: bool = True) -> None:
        """Connect a louie receiver (Coherence's wrapper)."""
        connect(receiver, signal, sender, weak)

    def disconnect(self, receiver: Any, signal: str, sender: Any = None, weak: bool = True) -> None:
        """Disconnect a louie receiver."""
        disconnect(receiver, signal, sender, weak)

    # Stopping

    def shutdown(self, force: bool = False) -> Deferred[None]:
        """
        Stop: byebye for every hosted device, then close the web server and
        the SSDP sockets and end the subscriptions.  As in Coherence, while
        more C{Coherence(...)} calls were made than shutdowns, only the
        count goes down (unless C{force}).

        @return: a L{Deferred} that fires once everything is closed.
        """
        cls = type(self)
        if force:
            cls._incarnations_ = 1
        if cls._incarnations_ > 1:
            cls._incarnations_ -= 1
            return succeed(None)
        if self._stopping is not None:
            return succeed(None)
        try:
            self.reactor.removeSystemEventTrigger(self._trigger)
        except (ValueError, KeyError, TypeError):
            pass
        self._stopping = Deferred.fromCoroutine(self._stop())
        return self._stopping

    async def _stop(self) -> None:
        # Subscriptions end first, while the devices still answer.
        found = [service for root in self.devices for device in root.allDevices() for service in device.services]
        await DeferredList([s.unsubscribe() for s in found if isinstance(s, Service)], consumeErrors=True)
        if self.ctrl is not None:
            self.ctrl.shutdown()
        await self._subscriber.stop()
        for device in list(self.active_backends.values()):
            self._unregister(device)
        self.active_backends = {}
        await DeferredList(list(self._unregistering), consumeErrors=True)
        self._detection.stop()
        self._tracker.stopService()
        self.hosting.stop()
        steps: list[Deferred[Any]] = [self.msearch.shutdown(), self.ssdp_server.shutdown()]
        stopped = self.web.stopService()
        if stopped is not None:
            steps.append(stopped)
        await DeferredList(steps, consumeErrors=True)
        log.info("Coherence façade stopped")
