# -*- test-case-name: tests.model.test_xmlparse -*-
"""
Parsing XML that came from the network, safely: one function for every
document coherence-lite reads (device descriptions fetched by the control
point, SOAP and GENA request bodies).

  - The size is checked before any parsing.
  - L{defusedxml} refuses DTDs, entity declarations and external
    references, so neither a billion laughs nor an external entity is
    ever expanded or fetched.
  - Anything expat cannot read (not well-formed, an encoding it does not
    know) is an L{XMLError} value, never an exception.

Pure: bytes in, an element or an L{XMLError} out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

__all__ = ["XMLError", "parseXML"]


@dataclass(frozen=True)
class XMLError:
    """
    A document that cannot be used.  A value, not an exception.

    @ivar reason: why, in words fit for a log line (never sent to a peer).
    """

    reason: str


def parseXML(data: bytes, maxSize: int, *, lenient: bool = False) -> ET.Element | XMLError:
    """
    Parse a document, refusing what could harm the reader.

    @param data: the document as received.
    @param maxSize: the largest document accepted, in bytes, checked on
        C{data} as received.
    @param lenient: ignore a UTF-8 byte order mark, blanks around the
        document and NUL padding after it, which real devices send.
    @return: the document element, or why the document is refused: larger
        than C{maxSize}, empty, a forbidden construct (a DTD, an entity, an
        external reference), not well-formed, or unreadable.
    """
    if len(data) > maxSize:
        return XMLError(f"document of {len(data)} bytes is larger than {maxSize}")
    if lenient:
        data = data.removeprefix(b"\xef\xbb\xbf").strip(b" \t\r\n").rstrip(b"\x00 \t\r\n")
    if not data.strip():
        return XMLError("empty document")
    try:
        element: ET.Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        return XMLError(f"refused a forbidden XML construct ({type(e).__name__})")
    except ET.ParseError as e:
        return XMLError(f"malformed XML ({e})")
    except (ValueError, LookupError) as e:
        # Encodings expat cannot read.
        return XMLError(f"unreadable XML ({type(e).__name__}: {e})")
    return element
