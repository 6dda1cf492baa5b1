# -*- test-case-name: tests.controlpoint.test_soap -*-
"""
An HTTP answer as a value: what L{coherence_lite.controlpoint.exchange}
collects and what the GENA and conformance rules read.

Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Reply"]


@dataclass(frozen=True)
class Reply:
    """
    An HTTP answer.

    @ivar code: the status code.
    @ivar headers: each header's first value, by lower-case name.
    @ivar body: the body (empty for C{HEAD}).
    """

    code: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """
        The value of header C{name} (any case), or L{None}.
        """
        return self.headers.get(name.lower())
