"""
A function bound by the device files of C{tests.backend.test_bindings} with
C{call = "tests.support.bindings:brighten"}.
"""

from __future__ import annotations

__all__ = ["brighten", "notAFunction"]

#: Not callable: binding it is a configuration error.
notAFunction = 3


def brighten(Level: int) -> dict[str, object]:
    """
    Answer the level asked for plus ten, as the out-argument C{Result}.
    """
    return {"Result": Level + 10}
