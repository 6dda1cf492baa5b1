# -*- test-case-name: tests.test_daemon -*-
"""
C{twistd upnp-device} as a daemon (without C{-n}), in real processes on
127.0.0.1: a start-up failure comes back to the terminal at once, and a
daemon that started writes its pid file, reloads on SIGHUP and stops on
SIGTERM.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support import freeUDPPort

ROOT = Path(__file__).resolve().parent.parent

#: Seconds a daemon gets to start or fail.
START_TIMEOUT = 30


def twistdDaemon(directory: Path, *arguments: str, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """
    Run C{twistd --pidfile=... --logfile=... upnp-device ARGUMENTS} (a daemon)
    with this checkout's plugin; return once the launching process exits.
    """
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [
            sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            f"--pidfile={directory / 'twistd.pid'}", f"--logfile={directory / 'twistd.log'}",
            "upnp-device", "--interface", "127.0.0.1", "--ssdp-port", str(freeUDPPort()),
            "--state-dir", str(directory / "state"), *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=directory,
        stdin=subprocess.DEVNULL,
    )


class DaemonStartFailureTests(SynchronousTestCase):
    """
    A daemon that cannot start says so on the terminal and exits non-zero.
    """

    def test_takenPortReturnsPromptlyWithTheReason(self) -> None:
        """
        With the HTTP port taken, the launching twistd returns within the
        timeout with status 1, the reason on stderr, and no pid file left.
        """
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(taken.close)
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        directory = Path(self.mktemp()).absolute()
        directory.mkdir()
        started = time.monotonic()
        result = twistdDaemon(directory, "--http-port", str(port))
        self.assertLess(time.monotonic() - started, START_TIMEOUT)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"HTTP port {port}", result.stderr)
        self.assertIn("in use", result.stderr)
        self.assertFalse((directory / "twistd.pid").exists())
        log = (directory / "twistd.log").read_text()
        self.assertIn(f"Cannot start: HTTP port {port}", log)
