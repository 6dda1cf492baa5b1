# -*- test-case-name: tests.host.test_container -*-
"""
Tests that the container files (C{Containerfile}, C{contrib/compose.yaml})
run C{twistd upnp-device} with options it accepts, on the host's network.
No container runtime is needed: the command lines are read from the files
and parsed as twistd would.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.cli.test_checks import parse
from tests.host.test_sources import deviceFile

ROOT = Path(__file__).resolve().parents[2]


def entrypoint() -> list[str]:
    """
    The Containerfile's ENTRYPOINT, as a list.
    """
    text = (ROOT / "Containerfile").read_text().replace("\\\n", " ")
    [value] = re.findall(r"^ENTRYPOINT (\[.*\])$", text, re.M)
    result: list[str] = json.loads(value)
    return result


def composeCommand() -> list[str]:
    """
    The C{command:} of the compose service (a flow sequence on one line).
    """
    text = (ROOT / "contrib" / "compose.yaml").read_text()
    [value] = re.findall(r"^    command: (\[.*\])$", text, re.M)
    result: list[str] = ast.literal_eval(value)
    return result


class ContainerTests(SynchronousTestCase):
    """
    The container's command line.
    """

    def test_entrypointRunsThePluginInTheForegroundWithItsStateVolume(self) -> None:
        """
        The entry point runs twistd in the foreground, logging to stdout,
        with the state directory on the declared volume.
        """
        command = entrypoint()
        self.assertEqual(command[0], "/opt/coherence-lite/bin/twistd")
        self.assertIn("--nodaemon", command[: command.index("upnp-device")])
        self.assertIn("--logfile=-", command)
        state = command[command.index("--state-dir") + 1]
        self.assertIn(f"VOLUME {state}\n", (ROOT / "Containerfile").read_text())

    def test_composeUsesTheHostsNetworkAndOptionsTwistdAccepts(self) -> None:
        """
        The compose example runs on the host's network, and the entry point
        plus its command parse as C{upnp-device} options (with a device
        file where the folder is mounted).
        """
        self.assertIn("\n    network_mode: host\n", (ROOT / "contrib" / "compose.yaml").read_text())
        folder = Path(self.mktemp())
        deviceFile(folder / "lamp.toml", "Lamp")
        command = entrypoint()
        arguments = command[command.index("upnp-device") + 1 :] + composeCommand()
        arguments = [str(folder) if a == "/etc/coherence-lite" else a for a in arguments]
        arguments = [str(folder / "state") if a == "/var/lib/coherence-lite" else a for a in arguments]
        options = parse(*arguments)
        self.assertEqual([d.friendlyName for d in options["devices"]], ["Lamp"])
        self.assertEqual(options["http-port"], 8088)
