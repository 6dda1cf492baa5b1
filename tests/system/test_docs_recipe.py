# -*- test-case-name: tests.system.test_docs_recipe -*-
"""
The network-namespace recipe of C{docs/operations.md} ("Without a second
machine") works as a user types it: run as one shell script from the
checkout, it hosts the default device in one namespace, finds it from the
other, and leaves no namespace behind.  Needs root and iproute2; skips
otherwise (fails under CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support.netns import ROOT, unavailable
from tests.support.prerequisites import missing


def recipe() -> str:
    """
    The shell block under "Without a second machine" in
    C{docs/operations.md}.
    """
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text[text.index("### Without a second machine") :]
    [block] = re.findall(r"```sh\n(.*?)```", section, re.S)[:1]
    return block


class NamespaceRecipeTests(SynchronousTestCase):
    """
    The recipe, run.
    """

    def test_recipeFindsTheDeviceAndCleansUp(self) -> None:
        """
        The daemon started in the first namespace is found from the second
        over the veth link, and both namespaces are gone at the end.
        """
        reason = unavailable()
        if reason is not None:
            missing(reason)
        bin = Path(sys.executable).parent
        command = shutil.which("coherence-lite", path=str(bin))
        script = recipe().replace(".venv/bin/twistd", str(bin / "twistd"))
        script = script.replace(
            ".venv/bin/coherence-lite", command if command is not None else f"{sys.executable} -m coherence_lite"
        )
        script += 'echo "namespaces: $N"\n'
        environment = dict(os.environ, PYTHONPATH=str(ROOT))
        result = subprocess.run(
            ["bash", "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
        )
        [prefix] = re.findall(r"^namespaces: (\S+)$", result.stdout, re.M)
        left = [
            name
            for name in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
            if name.startswith(prefix + "-")
        ]
        for name in left:
            subprocess.run(["ip", "netns", "del", name], check=False)
        self.assertRegex(result.stdout, r"location: +http://10\.99\.0\.1:\d+/", result.stdout + result.stderr)
        self.assertNotIn("Could not send", result.stdout + result.stderr)
        self.assertEqual(left, [])
