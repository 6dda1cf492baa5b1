# -*- test-case-name: tests.test_cli,tests.test_tap -*-
"""
Value checks shared by the command lines (C{coherence-lite} and C{twistd
upnp-device}), given to L{twisted.python.usage.Options} as the coerce
function of a parameter.  Each raises L{ValueError} for a value it refuses,
which C{usage} reports as a usage error.
"""

from __future__ import annotations

__all__ = ["port", "portOrZero"]


def _portFrom(value: str, lowest: int) -> int:
    number = int(value)
    if not lowest <= number <= 65535:
        raise ValueError(value)
    return number


def port(value: str) -> int:
    """
    A port number, 1 to 65535.
    """
    return _portFrom(value, 1)


def portOrZero(value: str) -> int:
    """
    A port number, 0 to 65535 (0: any free port, where the option allows it).
    """
    return _portFrom(value, 0)
