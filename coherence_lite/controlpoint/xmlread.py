# -*- test-case-name: tests.controlpoint.test_description -*-
"""
Lenient reading of the XML documents other devices describe themselves
with, shared by the device description reader
(L{coherence_lite.controlpoint.description}) and the SCPD reader
(L{coherence_lite.controlpoint.scpd}).

Pure.  Elements are matched by local name in the document element's
namespace, the UPnP namespace of the document's kind, or none; texts are
stripped and empty ones are L{None}.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from coherence_lite.model.description import MAX_CONFIG_ID
from coherence_lite.model.xmltext import splitTag

__all__ = ["ElementReader", "Invalid", "configIdOf"]

_CONFIG_ID = re.compile(r"[0-9]{1,8}")


class Invalid(Exception):
    """
    A document that cannot be used; raised while reading only, the readers
    turn it into their error value.

    @ivar reason: why, in words fit for a log line.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def configIdOf(text: str | None) -> int | None:
    """
    A C{configId} attribute's value, or L{None} when it is missing, not a
    number or above L{MAX_CONFIG_ID}.
    """
    text = (text or "").strip()
    if not _CONFIG_ID.fullmatch(text) or int(text) > MAX_CONFIG_ID:
        return None
    return int(text)


class ElementReader:
    """
    Walks one parsed document leniently.

    @ivar _namespace: the document element's namespace (L{None} for none).
    @ivar _local: the document element's local name.
    """

    def __init__(self, document: ET.Element, upnpNamespace: str) -> None:
        """
        @param document: the document element.
        @param upnpNamespace: the namespace UPnP gives documents of this
            kind, accepted besides the document element's own and none.
        """
        self._document = document
        self._namespace, self._local = splitTag(document.tag)
        self._accepted = (None, self._namespace, upnpNamespace)

    def _children(self, element: ET.Element, name: str) -> list[ET.Element]:
        """
        The children of C{element} called C{name}, in document order.
        """
        found = []
        for child in element:
            namespace, local = splitTag(child.tag)
            if local == name and namespace in self._accepted:
                found.append(child)
        return found

    def _child(self, element: ET.Element, name: str) -> ET.Element | None:
        """
        The first child of C{element} called C{name}, or L{None}.
        """
        children = self._children(element, name)
        return children[0] if children else None

    def _text(self, element: ET.Element, name: str) -> str | None:
        """
        The stripped text of the first child C{name}, L{None} when there is
        no such child or it is empty.
        """
        child = self._child(element, name)
        if child is None or child.text is None:
            return None
        return child.text.strip() or None

    def _specVersion(self, number: re.Pattern[str]) -> tuple[int, int] | None:
        """
        The document's C{<specVersion>} as C{(major, minor)}, or L{None}
        when it is missing or either part does not match C{number}.
        """
        spec = self._child(self._document, "specVersion")
        if spec is None:
            return None
        major, minor = self._text(spec, "major"), self._text(spec, "minor")
        if major is None or minor is None or not (number.fullmatch(major) and number.fullmatch(minor)):
            return None
        return int(major), int(minor)
