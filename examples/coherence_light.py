"""
A light written as a Coherence backend, hosted by coherence-lite's
Coherence façade: only the import lines differ from Coherence code.

    python examples/coherence_light.py --interface 127.0.0.1
    python examples/coherence_light.py --interface eth0 --name "Porch light"
    python examples/coherence_light.py --interface 127.0.0.1 --dimmable

The backend keeps its state in the SwitchPower service's variables, so any
control point (Windows, Home Assistant, gupnp-universal-cp,
examples/coherence_control_point.py) sees it switch and is told by events.
Ctrl-C says byebye before exiting.
"""

import argparse
import sys

from twisted.internet import reactor
from twisted.logger import globalLogBeginner, textFileLogObserver

from coherence_lite.compat.backend import Backend
from coherence_lite.compat.base import Coherence
from coherence_lite.compat.light import BetterLight
from coherence_lite.compat.utils import generalise_boolean


class PorchLight(Backend):
    """
    A light that can be switched on and off; it starts off.
    """

    implements = ["BinaryLight"]
    logCategory = "porch_light"

    def __init__(self, server, **kwargs):
        Backend.__init__(self, server, **kwargs)
        self.name = kwargs.get("name", "Porch light")
        self.state = 0
        self.init_completed()

    def upnp_init(self):
        self.server.switch_power_server.set_variable(0, "Target", self.state)
        self.server.switch_power_server.set_variable(0, "Status", self.state)

    def upnp_SetTarget(self, **kwargs):
        self.state = int(generalise_boolean(kwargs["NewTargetValue"]))
        self.server.switch_power_server.set_variable(0, "Target", self.state)
        self.server.switch_power_server.set_variable(0, "Status", self.state)
        self.info("switched to %d", self.state)
        return {}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interface", required=True, help="interface name or address to serve on")
    parser.add_argument("--serverport", type=int, default=0, help="HTTP port (default: any free one)")
    parser.add_argument("--name", default="Porch light", help="the light's friendly name")
    parser.add_argument("--uuid", default=None, help="the light's UDN (default: a new one)")
    parser.add_argument("--dimmable", action="store_true", help="host the built-in BetterLight instead")
    parser.add_argument("--ssdp-port", type=int, default=1900, help="SSDP port (change it only for isolated tests)")
    options = parser.parse_args(argv)
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stdout)])

    def start():
        coherence = Coherence({"interface": options.interface, "ssdpport": options.ssdp_port, "serverport": options.serverport, "logmode": "info"})
        backend = BetterLight if options.dimmable else PorchLight
        coherence.add_plugin(backend, name=options.name, uuid=options.uuid)

    reactor.callWhenRunning(start)
    reactor.run()


if __name__ == "__main__":
    main()
