"""
Remake the presentation page screenshots of docs/screenshots/ (linked from
docs/usage.md): the BinaryLight and the Jambon 3000 at phone (390 px) and
desktop (1280 px) widths.

Each device is hosted in a network namespace and photographed by headless
Chromium from a client namespace (tests/support/netns.py, tests/system/browser_probe.py),
so nothing leaves the machine.  Needs root, iproute2, chromium,
chromium-driver and selenium.  Run from the checkout:

    .venv/bin/python docs/screenshots.py
"""

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.netns import Topology, run  # noqa: E402

DEVICES = {
    "binary-light": ("examples/binary-light.toml", "5e1f0000-0000-4000-8000-00000000b0b0"),
    "jambon-3000": ("examples/jambon-3000.toml", "e427ce1a-3e80-43d0-ad6f-89ec42e46363"),
}
WIDTHS = {"phone": 390, "desktop": 1280}


def main() -> None:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(exist_ok=True)
    for name, (config, uuid) in DEVICES.items():
        topology = Topology.build(clientCount=1)
        try:
            client = topology.clients[0]
            topology.startDaemon(
                "--config", str(ROOT / config), "--uuid", f"uuid:{uuid}", "--http-port", "8089",
                "--poll-interval", "0", stateDirectory=tempfile.mkdtemp(),
            )
            page = f"http://{client.deviceAddress}:8089/{uuid}/"
            for label, width in WIDTHS.items():
                target = out / f"{name}-{label}.png"
                result = run(
                    "ip", "netns", "exec", client.namespace, sys.executable, str(ROOT / "tests" / "system" / "browser_probe.py"),
                    "screenshot", page, str(target), str(width), timeout=120,
                )
                print(json.loads(result.stdout))
        finally:
            topology.destroy()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
