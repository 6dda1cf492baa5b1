"""
The MediaServer daemon on loopback, for the system tests that browse,
stream or check it: L{startMediaDaemon}.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from twisted.trial.unittest import TestCase

from tests.support import freeUDPPort
from tests.system.test_cli import HOSTING, Process

__all__ = ["MediaDaemon", "startMediaDaemon"]


class MediaDaemon(NamedTuple):
    """
    A running MediaServer daemon: its process, the SSDP port it answers
    on, the name and LOCATION of its "Hosting" line, and its output up to
    the end of the first scan.
    """

    process: Process
    ssdpPort: int
    name: str
    location: str
    log: str


async def startMediaDaemon(test: TestCase, folder: Path, stateDirectory: Path, *, name: str = "Den",
                           interface: str = "127.0.0.1", scanSeconds: float = 60) -> MediaDaemon:
    """
    Run C{twistd -n upnp-device --media FOLDER} on C{interface} (a free
    SSDP port, any HTTP port), stopped when C{test} ends; fire once it is
    hosting and its first scan is done.
    """
    ssdpPort = freeUDPPort()
    process = Process("the daemon").spawn(
        "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
        "-n", "--pidfile=", "--logfile=-", "upnp-device",
        "--interface", interface, "--ssdp-port", str(ssdpPort), "--http-port", "0",
        "--state-dir", str(stateDirectory), "--media", str(folder), "--media-name", name,
    )
    test.addCleanup(process.stop)
    log = await process.waitFor("Hosting", 20)
    hosting = HOSTING.search(log)
    assert hosting is not None, log
    log = await process.waitFor("Media scan done", scanSeconds)
    return MediaDaemon(process, ssdpPort, hosting["name"], hosting["location"], log)
