"""
A Coherence control-point script on coherence-lite's Coherence façade:
find a light by its friendly name, read its status and switch it (only the
import lines differ from Coherence code).

    python examples/coherence_control_point.py --interface 127.0.0.1 --name "Porch light"
    python examples/coherence_control_point.py --interface eth0 --name "Porch light" --on

Prints one line: the status before and after, or that no such light was
found within --timeout seconds.
"""

import argparse
import sys

from twisted.internet import reactor

from coherence_lite.compat.base import Coherence
from coherence_lite.compat.control_point import DeviceQuery


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interface", required=True, help="interface name or address to search on")
    parser.add_argument("--name", required=True, help="the light's friendly name")
    parser.add_argument("--timeout", type=float, default=10, help="seconds to wait for the light")
    state = parser.add_mutually_exclusive_group()
    state.add_argument("--on", action="store_true", help="switch it on (default: toggle)")
    state.add_argument("--off", action="store_true", help="switch it off")
    parser.add_argument("--ssdp-port", type=int, default=1900, help="SSDP port (change it only for isolated tests)")
    options = parser.parse_args(argv)
    outcome = []

    def start():
        coherence = Coherence({"interface": options.interface, "ssdpport": options.ssdp_port, "controlpoint": "yes", "logmode": "warning"})

        def finish(result):
            coherence.shutdown().addBoth(lambda _: reactor.stop())
            return result

        def switch(before, client):
            old = int(before["ResultStatus"])
            new = 1 if options.on else 0 if options.off else 1 - old
            d = client.switch_power.set_target(new_target_value=new)
            d.addCallback(lambda _: client.switch_power.get_status())
            d.addCallback(lambda after: outcome.append(f"{options.name}: {old} -> {after['ResultStatus']}"))
            return d

        def found(device):
            if device is None or device.client is None:
                outcome.append(f"no light named {options.name!r} found")
                finish(None)
                return
            d = device.client.switch_power.get_status()
            d.addCallback(switch, device.client)
            d.addErrback(lambda failure: outcome.append(f"failed: {failure.getErrorMessage()}"))
            d.addBoth(finish)

        coherence.ctrl.add_query(DeviceQuery("friendly_name", options.name, found, timeout=options.timeout))

    reactor.callWhenRunning(start)
    reactor.run()
    sys.stdout.write((outcome[0] if outcome else "stopped") + "\n")
    return 0 if outcome and "->" in outcome[0] else 1


if __name__ == "__main__":
    sys.exit(main())
