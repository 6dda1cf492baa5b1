# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's C{coherence.upnp.core.uuid}: a fresh random UDN.

    from coherence.upnp.core import uuid        # Coherence
    from coherence_lite.compat import uuid      # coherence-lite

    udn = str(uuid.UUID())                      # 'uuid:1b4e28ba-2fa1-...'
"""

from __future__ import annotations

import uuid as _uuid

__all__ = ["UUID"]


class UUID:
    """
    A random (version 4) UDN, written C{uuid:<hex with hyphens>} by C{str}
    and C{repr}, as Coherence's.

    @ivar uuid: the UDN text.
    """

    def __init__(self) -> None:
        """
        Draw a new random UDN.
        """
        self.uuid = f"uuid:{_uuid.uuid4()}"

    def __repr__(self) -> str:
        return self.uuid

    def __str__(self) -> str:
        return self.uuid
