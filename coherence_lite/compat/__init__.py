# -*- test-case-name: tests.compat.test_ssdp -*-
"""
Coherence's API, on coherence-lite.

Code written against Coherence keeps running with its import lines changed
by one rule (L{coherence_lite.compat.imports} applies it): each Coherence
module has a namesake here named after the last part of its path, and
every Coherence package stands for this package:

    - C{coherence} → C{coherence_lite.compat} (C{__version__},
      C{SERVER_ID}, and the signal names as constants)
    - C{coherence.base} → L{coherence_lite.compat.base} (C{Coherence})
    - C{coherence.backend} → L{coherence_lite.compat.backend}
      (C{Backend}); C{coherence.backends.light} →
      L{coherence_lite.compat.light} (C{SimpleLight}, C{BetterLight})
    - C{coherence.upnp.core.ssdp}, C{.msearch}, C{.uuid}, C{.utils},
      C{.service}, C{.device}, C{.action} → the same names here
    - C{coherence.upnp.devices.control_point}, C{.binary_light},
      C{.dimmable_light} and the device clients → the same names here
    - C{coherence.extern.louie} → C{louie}

Only the names and the behaviour Coherence users rely on are kept; what
Coherence did by accident (global state, headers leaking internal values,
crashes on odd datagrams, announcing other hosts' devices) is not.
C{docs/migrating-from-coherence.md} lists every difference.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from twisted.internet.defer import Deferred

from coherence_lite._version import __version__
from coherence_lite.model.description import SPEC_VERSION
from coherence_lite.identity import serverString
from coherence_lite.compat.signals import (
    DATAGRAM_RECEIVED,
    DEVICE_DETECTION_COMPLETED,
    DEVICE_REMOVED,
    LOG,
    NEW_DEVICE,
    NEW_DEVICE_CALLBACK,
    REMOVED_DEVICE,
    REMOVED_DEVICE_CALLBACK,
    ROOT_DEVICE_DETECTION_COMPLETED,
    ROOT_DEVICE_REMOVED,
)

__all__ = [
    "SERVER_ID",
    "DATAGRAM_RECEIVED",
    "DEVICE_DETECTION_COMPLETED",
    "DEVICE_REMOVED",
    "LOG",
    "NEW_DEVICE",
    "NEW_DEVICE_CALLBACK",
    "REMOVED_DEVICE",
    "REMOVED_DEVICE_CALLBACK",
    "ROOT_DEVICE_DETECTION_COMPLETED",
    "ROOT_DEVICE_REMOVED",
    "wrapped",
]

#: The SERVER header of registrations that do not name one, as Coherence's
#: C{coherence.SERVER_ID}: C{<OS>/<release> UPnP/1.1 coherence-lite/<version>}.
SERVER_ID = serverString(__version__, f"{SPEC_VERSION[0]}.{SPEC_VERSION[1]}")


def wrapped(deferred: "Deferred[Any]") -> Callable[[Callable[..., object]], Callable[..., None]]:
    """
    Coherence's test helper (C{coherence.test.wrapped}, which the import
    rule maps here): decorate a callback so that an exception it raises
    errbacks C{deferred} instead of vanishing in the code that called it.

    @param deferred: the test's L{Deferred}.
    @return: the decorator.
    """

    def decorator(callback: Callable[..., object]) -> Callable[..., None]:
        @functools.wraps(callback)
        def wrapper(*args: object, **kwargs: object) -> None:
            try:
                callback(*args, **kwargs)
            except Exception:
                deferred.errback()

        return wrapper

    return decorator
