# -*- test-case-name: tests.model.test_extension -*-
"""
Vendor elements of a device description: namespaced text elements a
device adds beside the UDA ones (DLNA's C{dlna:X_DLNADOC}, Samsung's
C{sec:ProductCap}), as pure, validated data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coherence_lite.model.rules import check, checkText

__all__ = ["DLNA_DEVICE_NAMESPACE", "Extension"]

#: The namespace of DLNA's device description elements.
DLNA_DEVICE_NAMESPACE = "urn:schemas-dlna-org:device-1-0"

# An XML name without a colon (an NCName), short enough for any parser.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
# A namespace name: a URI without spaces, quotes or markup.
_NAMESPACE = re.compile(r"^[^\s<>\"'&]{1,256}$")


@dataclass(frozen=True)
class Extension:
    """
    One vendor element of a C{<device>}: C{<prefix:name
    xmlns:prefix="namespace">text</prefix:name>}.

    @ivar namespace: the namespace name (a URI).
    @ivar prefix: the prefix the element is written with (clients such as
        Samsung's and DLNA's match it literally, so it is kept).
    @ivar name: the element's local name.
    @ivar text: its text, escaped when written.
    """

    namespace: str
    prefix: str
    name: str
    text: str

    def __post_init__(self) -> None:
        check(isinstance(self.namespace, str) and bool(_NAMESPACE.match(self.namespace)), "namespace",
              f"{self.namespace!r:.80} is not a namespace URI")
        for attribute in ("prefix", "name"):
            value = getattr(self, attribute)
            check(isinstance(value, str) and bool(_NAME.match(value)), attribute,
                  f"{value!r:.80} is not an XML name without a colon")
        check(not self.prefix.lower().startswith("xml"), "prefix", "prefixes starting with 'xml' are reserved")
        checkText(self.text, "text", 256)

    @property
    def tag(self) -> str:
        """
        The element's qualified name, C{prefix:name}.
        """
        return f"{self.prefix}:{self.name}"
