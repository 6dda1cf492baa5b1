#!/usr/bin/env python3
"""
A UPnP BinaryLight:1 written in Python (SwitchPower:1, Status evented).  On loopback:
    python examples/binary_light.py --interface 127.0.0.1 --ssdp-port 19000
"""

import argparse
import sys

from twisted.internet.defer import Deferred
from twisted.internet.task import react
from twisted.logger import globalLogBeginner, textFileLogObserver

from coherence_lite import Device, HostSettings, SwitchPower, UPnPDeviceService, defaultIcons, hosted


def main(reactor, argv):
    parser = argparse.ArgumentParser(description="Host a BinaryLight written in Python.")
    parser.add_argument("--interface", default="127.0.0.1", help="address or interface to serve (default: loopback)")
    parser.add_argument("--ssdp-port", type=int, default=1900)
    options = parser.parse_args(argv)
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stdout)])
    switch = SwitchPower()
    light = Device("urn:schemas-upnp-org:device:BinaryLight:1", "Python light", "coherence-lite", "BinaryLight",
                   "uuid:3f0c2b9e-5d1a-4c7e-9b8f-2a6d4e1c7b05", icons=defaultIcons(), services=(switch.service,))
    host = UPnPDeviceService([hosted(light, switch)], HostSettings(interfaces=(options.interface,), ssdpPort=options.ssdp_port), reactor=reactor)
    host.startService()
    reactor.addSystemEventTrigger("before", "shutdown", host.stopService)
    return Deferred()  # until Ctrl-C


if __name__ == "__main__":
    react(main, [sys.argv[1:]])
