# -*- test-case-name: tests.compat.test_backend -*-
"""
The helpers of Coherence's C{coherence.upnp.core.utils} that backends use.

    from coherence.upnp.core.utils import generalise_boolean      # Coherence
    from coherence_lite.compat.utils import generalise_boolean    # here

Only the value helpers are kept; Coherence's HTTP helpers (C{getPage},
proxies, C{Site}) have Twisted's own replacements (C{twisted.web.client.Agent},
C{treq}).
"""

from __future__ import annotations

__all__ = ["means_true", "generalise_boolean", "generalize_boolean"]

_TRUE = ("1", "true", "yes", "ok")


def means_true(value: object) -> bool:
    """
    Whether C{value} is one of the ways of saying yes: C{True}, C{1},
    C{'1'}, C{'true'}, C{'yes'} or C{'ok'} (any case), or their bytes.
    """
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return value is True or (type(value) is int and value == 1)


def generalise_boolean(value: object) -> str:
    """
    C{'1'} for anything L{means_true}, C{'0'} for everything else.
    """
    return "1" if means_true(value) else "0"


#: Coherence's American spelling of L{generalise_boolean}.
generalize_boolean = generalise_boolean
