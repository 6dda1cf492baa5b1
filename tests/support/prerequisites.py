"""
Tests that need a tool this machine may lack (root, iproute2, network
namespaces, async-upnp-client, GUPnP) skip with the reason where it is
missing, except under CI: there C{.ci/run} installs every tool, so a missing
one is a broken install step and the test fails instead of passing by
skipping.
"""

from __future__ import annotations

import os
from typing import NoReturn

from twisted.trial.unittest import FailTest, SkipTest

__all__ = ["missing", "underCI"]


def underCI() -> bool:
    """
    Whether the suite runs under CI (C{CI=true}, as C{.ci/run} is run).
    """
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def missing(reason: str) -> NoReturn:
    """
    Give up on a test because a tool it needs is missing: skip it, or under
    CI fail it.

    @param reason: what is missing and how to get it.
    @raise SkipTest: outside CI.
    @raise FailTest: under CI.
    """
    if underCI():
        raise FailTest(f"{reason} (CI installs every tool the suite needs, so this is an install failure)")
    raise SkipTest(reason)
