# -*- test-case-name: tests.model.test_xmltext -*-
"""
What the pure message modules of SOAP control
(L{coherence_lite.control.message}) and GENA eventing
(L{coherence_lite.eventing.message}), and the description readers of the
control point, share: the XML content type, header lookup, XML element
names and text escaping, tag splitting, and parsing bounded in size and
shape; and L{safeText}, which makes a received text safe to print.

Pure: strings and bytes in, strings, elements or reasons out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from xml.etree.ElementTree import Element

from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = [
    "XML_CONTENT_TYPE",
    "MAX_ELEMENTS",
    "MAX_DEPTH",
    "headerValue",
    "isXMLName",
    "XMLText",
    "escapeText",
    "textElement",
    "splitTag",
    "shapeProblem",
    "parseShaped",
    "safeText",
]

#: The Content-Type of every XML document served or sent: descriptions,
#: SOAP bodies and GENA event messages.
XML_CONTENT_TYPE = 'text/xml; charset="utf-8"'

#: The most elements a parsed document may have, by default.
MAX_ELEMENTS = 256

#: How deep elements may nest in a parsed document, by default (the
#: document element is level 1; a SOAP argument is at level 4).
MAX_DEPTH = 8

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,63}")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def headerValue(headers: Mapping[str, str], name: str) -> str | None:
    """
    The value of header C{name} (matched case-insensitively), stripped of
    surrounding whitespace; L{None} when absent or empty.
    """
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            value = value.strip(" \t")
            return value or None
    return None


def isXMLName(name: object) -> bool:
    """
    Whether C{name} is a string usable as an unqualified element name of an
    argument or a state variable: a letter or C{_}, then up to 63 letters,
    digits, C{_}, C{.} or C{-}.
    """
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


class XMLText(str):
    """
    A text its writer vouches holds only characters XML 1.0 can carry (a
    document our own writer made, such as a DIDL-Lite C{Result}):
    L{escapeText} escapes it without scanning it again.  It is the same
    text as a L{str}; only its type says it was checked.
    """

    __slots__ = ()


def escapeText(value: str) -> str:
    """
    C{value} escaped as element content: C{&}, C{<}, C{>} and a carriage
    return (which a parser would turn into a line feed) become references.

    @raise ValueError: C{value} holds a character XML 1.0 cannot carry (a
        control character other than tab, line feed and carriage return, a
        surrogate, U+FFFE or U+FFFF); an L{XMLText} is not checked.
    """
    if type(value) is not XMLText and (not isinstance(value, str) or _NOT_XML.search(value)):
        raise ValueError(f"{value!r:.40} is not text XML 1.0 can carry")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def textElement(name: str, value: str, what: str) -> str:
    """
    C{<name>value</name>}, the value escaped.

    @param what: what the name is, for the error (C{"a state variable
        name"}).
    @raise ValueError: C{name} is not an L{isXMLName} (checked first), or
        C{value} holds a character XML cannot carry.
    """
    if not isXMLName(name):
        raise ValueError(f"{name!r} is not {what}")
    return f"<{name}>{escapeText(value)}</{name}>"


def splitTag(tag: object) -> tuple[str | None, str]:
    """
    The namespace (L{None} for none) and local name of an element tag
    (C{""} for a comment or processing instruction).
    """
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def shapeProblem(root: Element, maxElements: int = MAX_ELEMENTS, maxDepth: int = MAX_DEPTH) -> str | None:
    """
    What is wrong with the size of a parsed document, if anything: more
    than C{maxElements} elements, or nesting deeper than C{maxDepth} levels
    (the root is level 1).  The walk stops at the first excess.
    """
    count = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > maxElements:
            return "too many elements"
        if depth > maxDepth:
            return "elements nested too deep"
        stack.extend((child, depth + 1) for child in element)
    return None


def parseShaped(data: bytes, maxSize: int, maxElements: int = MAX_ELEMENTS, maxDepth: int = MAX_DEPTH) -> Element | str:
    """
    Parse a message body leniently (L{parseXML}) and bound its shape
    (L{shapeProblem}).

    @return: the document element, or why the body is refused.
    """
    root = parseXML(data, maxSize, lenient=True)
    if isinstance(root, XMLError):
        return root.reason
    problem = shapeProblem(root, maxElements, maxDepth)
    return root if problem is None else problem


# Control (Cc), format (Cf: bidi overrides, zero-width) and line or
# paragraph separators (Zl, Zp).
_UNSAFE = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


def safeText(text: str | None, limit: int = 200) -> str:
    """
    Make a received text safe to print on one line: unsafe characters
    become C{\\xNN} / C{\\uNNNN} escapes, and long texts are cut with
    C{...}.

    @param limit: the most characters kept from C{text}.
    """
    if text is None:
        return ""
    cut = len(text) > limit
    out = []
    for character in text[:limit]:
        if character == "\\":
            out.append("\\\\")
        elif unicodedata.category(character) in _UNSAFE:
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(character)
    return "".join(out) + ("..." if cut else "")
