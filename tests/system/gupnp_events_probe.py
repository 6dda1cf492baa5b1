"""
Run GUPnP (GNOME's UPnP stack) as a control point on one interface,
subscribe to the first SwitchPower:1 service it finds, switch the light
with a SOAP SetTarget once the initial event came, and print as JSON the
Status values GUPnP was notified of.

Run with a Python that has PyGObject and GUPnP 1.6's introspection data
(Debian: python3-gi gir1.2-gupnp-1.6), inside a test namespace:

    /usr/bin/python3 tests/system/gupnp_events_probe.py INTERFACE [SECONDS]

Stops after two notifications, or after SECONDS (default 10).
"""

import json
import sys
import urllib.request

import gi

gi.require_version("GUPnP", "1.6")
gi.require_version("GSSDP", "1.6")
from gi.repository import GLib, GObject, GSSDP, GUPnP  # noqa: E402

SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"
SET_TARGET = (
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
    f'<u:SetTarget xmlns:u="{SWITCH_POWER}"><newTargetValue>1</newTargetValue></u:SetTarget>'
    "</s:Body></s:Envelope>"
).encode()


def setTarget(controlURL: str) -> int:
    request = urllib.request.Request(controlURL, data=SET_TARGET, method="POST", headers={
        "Content-Type": 'text/xml; charset="utf-8"', "SOAPACTION": f'"{SWITCH_POWER}#SetTarget"'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def main() -> None:
    interface = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    result: dict = {"events": [], "setTarget": None, "lost": None}
    proxies = []
    context = GUPnP.Context.new_full(interface, None, 0, GSSDP.UDAVersion.VERSION_1_1)
    controlPoint = GUPnP.ControlPoint.new(context, SWITCH_POWER)
    loop = GLib.MainLoop()

    def notified(proxy, variable, value, *_) -> None:
        result["events"].append({variable: value})
        if len(result["events"]) == 1:
            result["setTarget"] = setTarget(proxy.get_control_url())
        elif len(result["events"]) >= 2:
            loop.quit()

    def lost(_, error) -> None:
        result["lost"] = str(error)

    def available(_, proxy) -> None:
        if proxies:
            return
        proxies.append(proxy)
        proxy.add_notify("Status", GObject.TYPE_BOOLEAN, notified, None)
        proxy.connect("subscription-lost", lost)
        proxy.set_subscribed(True)

    controlPoint.connect("service-proxy-available", available)
    controlPoint.set_active(True)
    GLib.timeout_add(int(seconds * 1000), loop.quit)
    loop.run()
    result["subscribed"] = proxies[0].get_subscribed() if proxies else None
    result["callbackHost"] = context.get_host_ip()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
