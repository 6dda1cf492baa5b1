# -*- test-case-name: tests.test_readme -*-
"""
Tests that the README's commands work as a new user types them: the quick
start stays in the virtual environment, examples use options the tools
have, and nothing points at a file a clone lacks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support.prerequisites import missing

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """
    The text of one C{##} section of the README.
    """
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 3)
    return README[start : end if end != -1 else len(README)]


def codeLines(text: str) -> list[str]:
    """
    The lines of the shell code blocks in C{text}, comments removed.
    """
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        lines.extend(line.split("#", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


class QuickStartTests(SynchronousTestCase):
    """
    The quick start, line by line.
    """

    def test_venvIsActivatedBeforeAnyCommandFromIt(self) -> None:
        """
        The venv is activated before pip, twistd, coherence-lite or python
        run, so they are the venv's.
        """
        lines = codeLines(section("Quick start"))
        activate = lines.index(". .venv/bin/activate")
        for index, line in enumerate(lines):
            if re.match(r"(pip|twistd|coherence-lite|python) ", line):
                self.assertGreater(index, activate, line)

    def test_twistdsNoDaemonFlagComesBeforeTheCommand(self) -> None:
        """
        Every C{twistd} example puts C{-n} before C{upnp-device}.
        """
        for line in codeLines(README):
            if "upnp-device" in line and "twistd" in line:
                after = line.split("upnp-device", 1)[1].split()
                self.assertNotIn("-n", after, line)


class LinkTests(SynchronousTestCase):
    """
    Paths the README names.
    """

    def test_noPathOutsideTheCheckout(self) -> None:
        """
        The README names no file outside the repository (such as the
        development tree's ../shared).
        """
        self.assertNotIn("../", README)

    def test_namedRepositoryFilesExist(self) -> None:
        """
        Every C{contrib/}, C{docs/}, C{examples/} or C{tests/} path in
        backquotes exists.
        """
        for path in set(re.findall(r"`((?:contrib|docs|examples|tests|bench)/[\w./-]+)`", README)):
            if path.endswith("/"):
                continue
            self.assertTrue((ROOT / path).exists(), path)


class UpnpClientTests(SynchronousTestCase):
    """
    The async-upnp-client examples.
    """

    def test_searchExampleUsesOptionsUpnpClientHas(self) -> None:
        """
        The C{upnp-client ... search} example uses options C{upnp-client
        search --help} lists, and no C{--target} (an address) given a search
        target.
        """
        tool = shutil.which("upnp-client", path=str(Path(sys.executable).parent))
        if tool is None:
            missing("upnp-client is missing (pip install '.[test]' brings async-upnp-client)")
        [line] = [line for line in README.splitlines() if re.search(r"upnp-client .*\bsearch\b", line)]
        command = line.strip(" -`").split("`")[0].split()
        self.assertNotRegex(line, r"--target (upnp|ssdp|urn|uuid):")
        helpText = subprocess.run([tool, "search", "--help"], capture_output=True, text=True, timeout=60).stdout
        for option in (word for word in command[command.index("search") + 1 :] if word.startswith("--")):
            self.assertIn(option, helpText)
