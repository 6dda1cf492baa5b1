# -*- test-case-name: tests.cli.test_badinput -*-
"""
C{--version} of every C{coherence-lite} command: our name and version, not
Twisted's (what L{twisted.python.usage.Options} prints by default).
"""

from __future__ import annotations

import sys
from typing import NoReturn

from coherence_lite._version import __version__

__all__ = ["VersionOption", "printVersion"]


def printVersion() -> NoReturn:
    """
    Print C{coherence-lite <version>} on stdout and exit with status 0.
    """
    sys.stdout.write(f"coherence-lite {__version__}\n")
    raise SystemExit(0)


class VersionOption:
    """
    Mixed in before L{twisted.python.usage.Options}: C{--version} prints
    ours.
    """

    def opt_version(self) -> None:
        """
        Print the version and exit.
        """
        printVersion()
