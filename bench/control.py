"""
SOAP control figures: SetTarget calls per second on the zero-code light of
C{examples/binary-light.toml} (the daemon's control resource: SOAPACTION,
envelope parsing, argument decoding, the runtime, the response) against a
bare twisted.web resource measured in the same run, which reads the POST
body and answers a fixed SetTarget response with the same headers.

wrk sends the requests (a Lua script sets the method, headers and body),
over keep-alive connections, 1 and 8 at a time, for a fixed number of
seconds each.  Needs C{wrk} (C{apt-get install wrk}); nothing leaves
loopback.  Run alone with C{python -m bench.control [--quick]}.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from bench.common import ROOT, Figure, Server, daemonCommand, write
from bench.httpget import compareWrk

__all__ = ["BARE_SERVER", "run"]

SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"

#: The least share of the bare resource's rate the daemon must reach.  The
#: bare resource parses nothing; both pay Twisted's own POST handling
#: (about 200 microseconds a request here, most of it parsing Content-Type
#: through the email package), which bounds how close they can get.
GOAL = 0.4

#: The baseline: a twisted.web Site whose one resource reads the body of a
#: POST and answers fixed bytes (a SetTarget response) with the daemon's
#: headers.
BARE_SERVER = """
import sys
from twisted.internet import reactor
from twisted.web.resource import Resource
from twisted.web.server import Site

ANSWER = open(sys.argv[1], "rb").read()

class Control(Resource):
    isLeaf = True
    def render_POST(self, request):
        request.content.read()
        request.setHeader(b"Content-Type", b'text/xml; charset="utf-8"')
        request.setHeader(b"EXT", b"")
        request.setHeader(b"Content-Length", b"%d" % len(ANSWER))
        return ANSWER

port = reactor.listenTCP(0, Site(Control()), interface="127.0.0.1", backlog=1024)
sys.stdout.write("PORT %d\\n" % port.getHost().port)
sys.stdout.flush()
reactor.run()
"""


def luaScript(body: bytes) -> str:
    """
    The wrk script POSTing C{body} as a SetTarget call.
    """
    text = body.decode("utf-8").replace("\\", "\\\\").replace('"', '\\"')
    return (
        'wrk.method = "POST"\n'
        f'wrk.body = "{text}"\n'
        'wrk.headers["Content-Type"] = "text/xml; charset=\\"utf-8\\""\n'
        f'wrk.headers["SOAPACTION"] = "\\"{SWITCH_POWER}#SetTarget\\""\n'
    )


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure the control figures, C{repetitions} times each.
    """
    from coherence_lite.control.message import formatResponse
    from coherence_lite.model import layout
    from coherence_lite.model.devicefile import loadDevice
    from tests.support.control import envelope
    from tests.support import freeTCPPort, freeUDPPort

    if shutil.which("wrk") is None:
        raise RuntimeError("the control figures need wrk: apt-get install wrk")
    seconds = 2.0 if quick else 4.0
    httpPort = freeTCPPort()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as state:
        folder = Path(state)
        (folder / "answer").write_bytes(formatResponse(SWITCH_POWER, "SetTarget", []))
        script = folder / "settarget.lua"
        script.write_text(luaScript(envelope(SWITCH_POWER, "SetTarget", {"newTargetValue": "1"})))
        daemon = Server(
            daemonCommand(
                "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(freeUDPPort()),
                "--http-port", str(httpPort), "--config", str(ROOT / "examples" / "binary-light.toml"),
                "--state-dir", state,
            ),
            markers=("Hosting",),
        )
        bare: Server | None = None
        try:
            udn = re.search(r"\((uuid:[^)]+)\)", daemon.waitFor("Hosting"))
            assert udn is not None, "the daemon names the UDN it hosts"
            device = replace(loadDevice(ROOT / "examples" / "binary-light.toml").device, UDN=udn.group(1))
            path = layout.servicePath(device, device.services[0], layout.CONTROL)
            bare = Server([sys.executable, "-c", BARE_SERVER, str(folder / "answer")], markers=("PORT",))
            barePort = int(bare.waitFor("PORT").split()[1])
            for connections in (1, 8):
                figures.append(
                    compareWrk(
                        f"SOAP SetTarget, {connections} connection{'s' if connections > 1 else ''}",
                        "calls/s",
                        f"SetTarget x{connections}",
                        (f"http://127.0.0.1:{httpPort}{path}", f"http://127.0.0.1:{barePort}{path}"),
                        "bare",
                        connections,
                        repetitions,
                        seconds,
                        GOAL,
                        script,
                    )
                )
        finally:
            daemon.stop()
            if bare is not None:
                bare.stop()
    return figures


def main(argv: Sequence[str] = ()) -> int:
    """
    Run these figures alone: C{python -m bench.control}.
    """
    for figure in run(3, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
