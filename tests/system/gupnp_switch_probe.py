"""
Run GUPnP (GNOME's UPnP stack, behind gupnp-universal-cp) as a control
point on one interface, find the first SwitchPower:1 service, and switch
it on with GUPnP's own action calls; print what it got as JSON.

Run with a Python that has PyGObject and GUPnP 1.6's introspection data
(Debian: python3-gi gir1.2-gupnp-1.6), inside a test namespace:

    /usr/bin/python3 tests/system/gupnp_switch_probe.py INTERFACE [SECONDS]

Output: C{{"udn", "before", "after"}} (Status before and after SetTarget),
or C{{"udn": null}} when no SwitchPower service was found in SECONDS
(default 10).
"""

import json
import sys

import gi

gi.require_version("GUPnP", "1.6")
gi.require_version("GSSDP", "1.6")
from gi.repository import GLib, GObject, GSSDP, GUPnP  # noqa: E402

SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"


def status(proxy) -> bool:
    action = GUPnP.ServiceProxyAction.new_from_list("GetStatus", [], [])
    proxy.call_action(action, None)
    ok, values = action.get_result_list(["ResultStatus"], [GObject.TYPE_BOOLEAN])
    return bool(values[0])


def main() -> None:
    interface = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    result = {"udn": None}
    context = GUPnP.Context.new_full(interface, None, 0, GSSDP.UDAVersion.VERSION_1_1)
    controlPoint = GUPnP.ControlPoint.new(context, SWITCH_POWER)
    loop = GLib.MainLoop()

    def available(_, proxy) -> None:
        if result["udn"] is not None:
            return
        result["udn"] = proxy.get_udn()
        result["before"] = status(proxy)
        value = GObject.Value(GObject.TYPE_BOOLEAN, True)
        action = GUPnP.ServiceProxyAction.new_from_list("SetTarget", ["newTargetValue"], [value])
        proxy.call_action(action, None)
        action.get_result_list([], [])
        result["after"] = status(proxy)
        loop.quit()

    controlPoint.connect("service-proxy-available", available)
    controlPoint.set_active(True)
    GLib.timeout_add(int(seconds * 1000), loop.quit)
    loop.run()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
