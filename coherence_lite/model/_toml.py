# -*- test-case-name: tests.model.test_toml -*-
"""
A typed reader for TOML documents, with errors that name the dotted key of
the offending value and say how to fix it.

Nothing here knows what the document describes: L{parseTOML} turns bytes
into a mapping, and a L{Table} reads one table of it with type checks.
Errors are built by the document's L{Reader}, so each file format raises
its own exception type.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sys
from typing import Callable, Generic, Mapping, Protocol, Sequence, TypeVar

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Reader", "Table", "parseTOML", "describe", "header"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")


class Reader(Protocol):
    """
    What the tables of one document share.
    """

    def error(self, key: str, reason: str) -> Exception:
        """
        The exception to raise for the value at dotted C{key} (C{""} for the
        whole document).
        """

    def unsettable(self, name: str) -> str | None:
        """
        Why C{name} cannot be set, when it is a key users are known to try
        (compared in lower case); L{None} for an ordinary unknown key.
        """


_R = TypeVar("_R", bound=Reader)


def parseTOML(raw: bytes, error: Callable[[str], Exception]) -> Mapping[str, object]:
    """
    Parse the bytes of a TOML file.

    @param raw: the file's content; a UTF-8 byte order mark is allowed.
    @param error: makes the exception to raise from a reason.
    @return: the document.
    @raise Exception: C{error(reason)} when C{raw} is not UTF-8 (the reason
        names the byte and its line) or not TOML (the line and column).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise error(
            f"is not UTF-8 text (byte 0x{raw[e.start]:02x} on line {line}); save it as UTF-8"
        ) from e
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as e:
        raise error(f"is not valid TOML: {e}") from e
    except RecursionError as e:
        raise error("is not valid TOML: values are nested too deeply") from e


class Table(Generic[_R]):
    """
    One table of a document, read with type checks and errors that name the
    dotted key.

    @ivar reader: the document's reader.
    @ivar key: the dotted key of this table (C{""} for the document).
    """

    def __init__(self, reader: _R, key: str, data: Mapping[str, object], allowed: Sequence[str]) -> None:
        """
        @param allowed: the keys this table may have.
        @raise Exception: the reader's error for the first key not allowed.
        """
        self.reader = reader
        self.key = key
        self._data = data
        for name in data:
            if name not in allowed:
                raise reader.error(self.keyOf(str(name)), _unknownKey(reader, str(name), allowed))

    def keyOf(self, name: str, index: int | None = None) -> str:
        """
        The dotted key of a value of this table, or of one element of an
        array value.
        """
        part = name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)
        if index is not None:
            part += f"[{index}]"
        return self.subKey(part)

    def subKey(self, path: str) -> str:
        """
        The dotted key of C{path} (already spelt as a key) under this table.
        """
        return f"{self.key}.{path}" if self.key else path

    def error(self, name: str, reason: str, index: int | None = None) -> Exception:
        """
        The reader's error for the value C{name} (or one of its elements).
        """
        return self.reader.error(self.keyOf(name, index), reason)

    def _get(self, name: str, required: bool) -> object:
        value = self._data.get(name)
        if value is None and required:
            raise self.error(name, "is required but missing")
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        """
        A non-blank string, or L{None} when it is left out and not required.
        """
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            hint = ""
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                hint = f'; write it in quotes: {name} = "{value}"'
            raise self.error(name, f"must be a string, not {describe(value)}{hint}")
        if not value.strip():
            advice = "" if required else "; leave the key out if it does not apply"
            raise self.error(name, f"must not be empty{advice}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        """
        A boolean, or C{default} when it is left out.
        """
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            hint = ""
            if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
                hint = f" (write {name} = true or {name} = false, without quotes)"
            raise self.error(name, f"must be true or false, not {describe(value)}{hint}")
        return value

    def integer(self, name: str) -> int:
        """
        A required whole number.
        """
        value = self._get(name, True)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(name, f"must be a whole number, not {describe(value)}")
        return value

    def keys(self) -> list[str]:
        """
        The keys this table has, in the file's order.
        """
        return [str(name) for name in self._data]

    def number(self, name: str) -> float:
        """
        A required number, whole or not.
        """
        value = self._get(name, True)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self.error(name, f"must be a number, not {describe(value)}")
        return float(value)

    def upnpValue(self, name: str, allowBoolean: bool, required: bool = False) -> str | None:
        """
        A string, or a number or boolean spelt as a UPnP value string:
        C{42} is C{"42"}, C{true} is C{"1"}, C{false} is C{"0"}.
        """
        value = self._get(name, required)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            if allowBoolean:
                return "1" if value else "0"
        elif isinstance(value, int):
            return str(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise self.error(name, f"must be a finite number, not {value}")
            return repr(value)
        expected = "a string, a number or a boolean" if allowBoolean else "a string or a number"
        raise self.error(name, f"must be {expected}, not {describe(value)}")

    def strings(self, name: str) -> tuple[str, ...]:
        """
        An array of strings; empty when it is left out.
        """
        value = self._get(name, False)
        if value is None:
            return ()
        if not _isArray(value):
            raise self.error(name, f"must be an array of strings, not {describe(value)}")
        assert isinstance(value, Sequence)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(name, f"must be a string, not {describe(item)}", index)
        return tuple(value)

    def table(self, name: str, allowed: Sequence[str]) -> Table[_R] | None:
        """
        A single table with the keys C{allowed}, or L{None} when it is left
        out.
        """
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            hint = ""
            if _isArray(value):
                hint = f": write a single [{header(self.keyOf(name))}] table"
            raise self.error(name, f"must be a table, not {describe(value)}{hint}")
        return Table(self.reader, self.keyOf(name), value, allowed)

    def tables(self, name: str, allowed: Sequence[str]) -> list[Table[_R]]:
        """
        An array of tables with the keys C{allowed}; empty when it is left
        out.
        """
        value = self._get(name, False)
        if value is None:
            return []
        if not _isArray(value):
            raise self.error(
                name,
                f"must be an array of tables, not {describe(value)}: "
                f"start each one with [[{header(self.keyOf(name))}]] (double brackets)",
            )
        assert isinstance(value, Sequence)
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.error(name, f"must be a table, not {describe(item)}", index)
            result.append(Table(self.reader, self.keyOf(name, index), item, allowed))
        return result


def header(key: str) -> str:
    """
    The TOML table header for a dotted key: C{device.device[0].service}
    is written C{device.device.service}.
    """
    return re.sub(r"\[\d+\]", "", key)


def _isArray(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def describe(value: object) -> str:
    """
    Name the TOML type of a value, for error messages.
    """
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if _isArray(value):
        return "an array"
    if value is None:
        return "nothing"
    return "a date or time" if hasattr(value, "isoformat") else f"a {type(value).__name__}"


def _unknownKey(reader: Reader, name: str, allowed: Sequence[str]) -> str:
    """
    Explain that C{name} is not a key of a table, suggesting the key meant.
    """
    explanation = reader.unsettable(name.lower())
    if explanation is not None:
        return f"cannot be set: {explanation}"
    byLower = {key.lower(): key for key in allowed}
    close = difflib.get_close_matches(name.lower(), list(byLower), n=1, cutoff=0.75)
    guess = f"did you mean {byLower[close[0]]!r}? " if close else ""
    return f"unknown key; {guess}allowed keys here: {', '.join(allowed)}"
