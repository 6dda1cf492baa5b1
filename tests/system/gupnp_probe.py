"""
Run GUPnP (the library behind gupnp-universal-cp and GNOME's UPnP stack)
as a control point on one interface and print, as JSON, the root devices it
found: the proxies it built from their descriptions.

Run with a Python that has PyGObject and GUPnP 1.6's introspection data
(Debian: python3-gi gir1.2-gupnp-1.6), inside a test namespace:

    /usr/bin/python3 tests/system/gupnp_probe.py INTERFACE [SECONDS]
"""

import json
import sys

import gi

gi.require_version("GUPnP", "1.6")
gi.require_version("GSSDP", "1.6")
from gi.repository import GLib, GSSDP, GUPnP  # noqa: E402


def main() -> None:
    interface = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 4.0
    found = {}
    context = GUPnP.Context.new_full(interface, None, 0, GSSDP.UDAVersion.VERSION_1_1)
    controlPoint = GUPnP.ControlPoint.new(context, "upnp:rootdevice")

    def available(_, proxy) -> None:
        found[proxy.get_udn()] = {
            "udn": proxy.get_udn(),
            "friendlyName": proxy.get_friendly_name(),
            "deviceType": proxy.get_device_type(),
            "location": proxy.get_location(),
            "manufacturer": proxy.get_manufacturer(),
            "services": sorted(service.get_service_type() for service in proxy.list_services()),
            "iconURL": proxy.get_icon_url(None, -1, -1, -1, True)[0],
        }

    controlPoint.connect("device-proxy-available", available)
    controlPoint.set_active(True)
    loop = GLib.MainLoop()
    GLib.timeout_add(int(seconds * 1000), loop.quit)
    loop.run()
    sys.stdout.write(json.dumps(sorted(found.values(), key=lambda device: device["udn"])) + "\n")


if __name__ == "__main__":
    main()
