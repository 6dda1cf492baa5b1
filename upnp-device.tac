# -*- mode: python -*-
"""
A BinaryLight (SwitchPower:1, Status evented) written in Python and hosted
by coherence-lite: what a library user writes instead of a device file.
On loopback:  twistd -n -y upnp-device.tac
UPNP_INTERFACE serves another interface or address (default: 127.0.0.1),
UPNP_SSDP_PORT another SSDP port (default: 1900).
"""

import os

from twisted.application.service import Application

from coherence_lite import Device, HostSettings, SwitchPower, UPnPDeviceService, defaultIcons, hosted

switch = SwitchPower()
light = Device(
    deviceType="urn:schemas-upnp-org:device:BinaryLight:1",
    friendlyName="coherence-lite tac light",
    manufacturer="coherence-lite",
    modelName="BinaryLight",
    UDN="uuid:9b7e4d21-6c3a-4f58-8e0d-1a2b3c4d5e6f",
    icons=defaultIcons(),
    services=(switch.service,),
)

application = Application("upnp-device")
settings = HostSettings(
    interfaces=(os.environ.get("UPNP_INTERFACE", "127.0.0.1"),),
    ssdpPort=int(os.environ.get("UPNP_SSDP_PORT", "1900")),
)
UPnPDeviceService([hosted(light, switch)], settings).setServiceParent(application)
