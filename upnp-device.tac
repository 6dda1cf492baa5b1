# -*- mode: python -*-
"""
The seed's Jambon 3000 device, hosted by coherence-lite, built in Python.

This is how a library user builds the same service C{twistd upnp-device}
builds from options.  Run it (on loopback only, for a first try) with:

    twistd -n -y upnp-device.tac

Set UPNP_INTERFACE to serve another interface (default: 127.0.0.1) and
UPNP_SSDP_PORT to use another SSDP port (default: 1900).
"""

import os

from twisted.application.service import Application

from coherence_lite import (
    Action,
    Argument,
    Device,
    HostSettings,
    Service,
    StateVariable,
    UPnPDeviceService,
    defaultIcons,
)

jambon = Device(
    deviceType="urn:schemas-upnp-org:device:Basic:1",
    friendlyName="Jambon 3000",
    manufacturer="Boucherie numérique SAS",
    manufacturerURL="http://www.boucherie.example.com/",
    modelDescription="Jambon Appliance 3000",
    modelName="Jambon",
    modelNumber="3000",
    modelURL="http://www.boucherie.example.com/en/products/jambon-3000/",
    serialNumber="JBN425133",
    UDN="uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363",
    icons=defaultIcons(),
    services=(
        Service(
            serviceType="urn:boucherie.example.com:service:Jambon:1",
            serviceId="urn:boucherie.example.com:serviceId:Jambon",
            actions=(
                Action("GetSlices", (Argument("Slices", "out", "Slices"),)),
                Action("SetSlices", (Argument("NewSlices", "in", "Slices"),)),
            ),
            stateVariables=(StateVariable("Slices", "ui4", sendEvents=True, defaultValue="0"),),
        ),
    ),
)

application = Application("upnp-device")
settings = HostSettings(
    interfaces=(os.environ.get("UPNP_INTERFACE", "127.0.0.1"),),
    ssdpPort=int(os.environ.get("UPNP_SSDP_PORT", "1900")),
)
UPnPDeviceService([jambon], settings).setServiceParent(application)
