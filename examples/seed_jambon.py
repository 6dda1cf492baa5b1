#!/usr/bin/env python3
"""
The seed's Jambon 3000, announced the Coherence way.

The python-upnp-ssdp-example seed took Coherence's C{SSDPServer}, registered
its device's USNs with C{register('local', ...)} and served the description
over HTTP.  This is the same flow on coherence-lite: the device is read from
the device file C{jambon-3000.toml} next to this script by
L{coherence_lite.loadDevice}, the Coherence-compatible
L{coherence_lite.compat.ssdp.SSDPServer} announces and answers, and a site
from L{coherence_lite.makeSite} serves the description, SCPD, icons and
presentation page that L{coherence_lite.buildDocuments} renders.  It imports
only C{coherence_lite} and C{coherence_lite.compat}.

Run it on loopback (the default interface) with a spare SSDP port::

    python examples/seed_jambon.py --interface 127.0.0.1 --ssdp-port 19000

Add C{--search} to also search the network for other devices with
C{MSearch} and log what is found.  Stop with Ctrl-C: byebye goes out first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

try:
    import coherence_lite  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import louie
from twisted.internet.defer import Deferred, DeferredList, maybeDeferred
from twisted.internet.interfaces import IReactorCore, IReactorTCP
from twisted.internet.task import react
from twisted.logger import (
    FilteringLogObserver,
    LogLevel,
    LogLevelFilterPredicate,
    Logger,
    globalLogBeginner,
    textFileLogObserver,
)

from coherence_lite import Device, buildDocuments, descriptionPath, loadDevice, makeSite
from coherence_lite.compat import NEW_DEVICE, REMOVED_DEVICE
from coherence_lite.compat.msearch import MSearch
from coherence_lite.compat.ssdp import SSDP_PORT, SSDPServer

log = Logger()

#: The seed's device, as a coherence-lite device file (it has no icons of its
#: own, so coherence-lite's default icons are published).
DEVICE_FILE = Path(__file__).resolve().parent / "jambon-3000.toml"


def parseArguments(argv: Sequence[str]) -> argparse.Namespace:
    """
    Read the command line.
    """
    parser = argparse.ArgumentParser(description="Announce the seed's Jambon 3000 with the Coherence API.")
    parser.add_argument(
        "--interface",
        default="127.0.0.1",
        help="the address to serve (default: 127.0.0.1, loopback only)",
    )
    parser.add_argument("--ssdp-port", type=int, default=SSDP_PORT, help="the SSDP port (default: 1900)")
    parser.add_argument("--http-port", type=int, default=0, help="the HTTP port (default: any free one)")
    parser.add_argument("--search", action="store_true", help="also search for other devices and log them")
    return parser.parse_args(argv)


class DeviceLog:
    """
    Logs Coherence's C{new_device} / C{removed_device} signals, connected as
    Coherence code connects them (any sender).
    """

    def newDevice(self, device_type: str, infos: dict) -> None:
        log.info(
            "New {kind} device {usn} at {location}",
            kind=infos["MANIFESTATION"],
            usn=infos["USN"],
            location=infos["LOCATION"],
        )

    def removedDevice(self, device_type: str, infos: dict) -> None:
        log.info("Device {usn} left", usn=infos["USN"])

    def connect(self) -> None:
        """
        Start logging (louie keeps strong references: see L{disconnect}).
        """
        louie.connect(self.newDevice, NEW_DEVICE, weak=False)
        louie.connect(self.removedDevice, REMOVED_DEVICE, weak=False)

    def disconnect(self) -> None:
        """
        Stop logging.
        """
        louie.disconnect(self.newDevice, NEW_DEVICE, weak=False)
        louie.disconnect(self.removedDevice, REMOVED_DEVICE, weak=False)


def register(ssdp: SSDPServer, device: Device, location: str) -> None:
    """
    Register a root device's USNs as Coherence code does: the root device,
    its UUID, its device type and each service type.
    """
    udn = device.UDN
    ssdp.register("local", f"{udn}::upnp:rootdevice", "upnp:rootdevice", location)
    ssdp.register("local", udn, udn, location)
    ssdp.register("local", f"{udn}::{device.deviceType}", device.deviceType, location)
    for serviceType in dict.fromkeys(service.serviceType for service in device.services):
        ssdp.register("local", f"{udn}::{serviceType}", serviceType, location)


def main(reactor: IReactorCore, *argv: str) -> Deferred[None]:
    """
    Serve the description over HTTP, then register and announce the device
    until the reactor stops.
    """
    options = parseArguments(argv)
    jambon = loadDevice(DEVICE_FILE).device
    predicate = LogLevelFilterPredicate(defaultLogLevel=LogLevel.info)
    globalLogBeginner.beginLoggingTo([FilteringLogObserver(textFileLogObserver(sys.stdout), [predicate])])

    devices = DeviceLog()
    devices.connect()

    tcp: IReactorTCP = reactor  # type: ignore[assignment]
    web = tcp.listenTCP(options.http_port, makeSite([buildDocuments(jambon)]), interface=options.interface)
    host = f"[{options.interface}]" if ":" in options.interface else options.interface
    location = f"http://{host}:{web.getHost().port}{descriptionPath(jambon)}"  # type: ignore[attr-defined]
    log.info("Serving the description at {location}", location=location)

    ssdp = SSDPServer(interface=options.interface, reactor=reactor, ssdpPort=options.ssdp_port)  # type: ignore[arg-type]
    register(ssdp, jambon, location)
    search = MSearch(ssdp) if options.search else None

    def stop() -> Deferred[object]:
        log.info("Sending byebye")
        stopping: list[Deferred[Any]] = [ssdp.shutdown(), maybeDeferred(web.stopListening)]
        if search is not None:
            stopping.append(search.shutdown())

        def stopped(result: object) -> object:
            devices.disconnect()
            return result

        return DeferredList(stopping).addBoth(stopped)

    reactor.addSystemEventTrigger("before", "shutdown", stop)
    return Deferred()  # runs until Ctrl-C


if __name__ == "__main__":
    react(main, sys.argv[1:])
