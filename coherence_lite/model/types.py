# -*- test-case-name: tests.model.test_types -*-
"""
UPnP data types (UDA 1.1 §2.5): which there are and what a state variable
of each may declare.

Pure.  L{TYPES} is the one table of the types and their traits (Python
type, zero value, numeric or not, integer bounds, form input) that the
device model, the backend's state and the control panel's forms read; the
device model checks a state variable's C{dataType} here, so the one list of
types is the one the host, the control point and the device files agree
on.  Their values both ways, and the checks of allowed values, are in
L{coherence_lite.model.codecs}, which refuses with a L{DataTypeError}.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Union

__all__ = [
    "DATA_TYPES", "STRING", "INTEGER_RANGES", "R4_MAX", "TYPES", "DataType", "Value", "DataTypeError",
    "dataTypeProblem", "hasValueList", "isNumeric",
]


#: The one data type whose variables may list their allowed values.
STRING = "string"


def dataTypeProblem(dataType: object) -> str | None:
    """
    What is wrong with a data type name, if anything.

    @param dataType: the C{dataType} of a state variable, as given.
    @return: L{None} when it is one of L{DATA_TYPES}; otherwise why not, in
        words that list the types there are.
    """
    if isinstance(dataType, str) and dataType in DATA_TYPES:
        return None
    return f"{dataType!r} is not a UPnP data type (one of {', '.join(sorted(DATA_TYPES))})"


def hasValueList(dataType: str) -> bool:
    """
    Whether a variable of C{dataType} may have an C{allowedValueList}
    (UDA 1.1 §2.5: string variables only).
    """
    return dataType == STRING


#: A Python value of a UPnP data type.
Value = Union[int, float, Decimal, str, bool, bytes, date, datetime, time]


@dataclass(frozen=True)
class DataType:
    """
    Everything the package needs to know about one UPnP data type: adding
    a type is adding a row to L{TYPES}.

    @ivar name: its name, as UDA 1.1 §2.5 spells it.
    @ivar pythonType: the Python type of its values.
    @ivar zero: the value a variable of the type starts with when it has no
        usable default, allowed value or range minimum.
    @ivar numeric: whether it is a number (it may have an
        allowedValueRange and a minimumDelta; a form asks for a number).
    @ivar bounds: the (minimum, maximum) of an integer type, else L{None}.
    @ivar formInput: the HTML input a form asks for a value with:
        C{number}, C{checkbox} or C{text}.
    @ivar formStep: the C{step} of a number input (C{any} for any).
    @ivar formHint: what a text input shows while empty (the lexical
        form), or L{None}.
    @ivar maxLength: the most characters of a text value, or L{None}.
    """

    name: str
    pythonType: type
    zero: Value
    numeric: bool = False
    bounds: tuple[int, int] | None = None
    formInput: str = "text"
    formStep: str | None = None
    formHint: str | None = None
    maxLength: int | None = None


def _integer(name: str, minimum: int, maximum: int) -> DataType:
    return DataType(name, int, 0, numeric=True, bounds=(minimum, maximum), formInput="number", formStep="1")


def _real(name: str, pythonType: type, zero: Value, step: str) -> DataType:
    return DataType(name, pythonType, zero, numeric=True, formInput="number", formStep=step)


#: The data types of UDA 1.1 §2.5, by name.
TYPES: dict[str, DataType] = {
    each.name: each
    for each in (
        _integer("ui1", 0, 2**8 - 1),
        _integer("ui2", 0, 2**16 - 1),
        _integer("ui4", 0, 2**32 - 1),
        _integer("ui8", 0, 2**64 - 1),
        _integer("i1", -(2**7), 2**7 - 1),
        _integer("i2", -(2**15), 2**15 - 1),
        _integer("i4", -(2**31), 2**31 - 1),
        _integer("int", -(2**31), 2**31 - 1),
        _integer("i8", -(2**63), 2**63 - 1),
        _real("r4", float, 0.0, "any"),
        _real("r8", float, 0.0, "any"),
        _real("number", float, 0.0, "any"),
        _real("float", float, 0.0, "any"),
        _real("fixed.14.4", Decimal, Decimal(0), "0.0001"),
        DataType("char", str, " ", maxLength=1),
        DataType("string", str, ""),
        DataType("date", date, date(1970, 1, 1), formHint="YYYY-MM-DD"),
        DataType("dateTime", datetime, datetime(1970, 1, 1), formHint="YYYY-MM-DDTHH:MM:SS"),
        DataType("dateTime.tz", datetime, datetime(1970, 1, 1), formHint="YYYY-MM-DDTHH:MM:SS+HH:MM"),
        DataType("time", time, time(0), formHint="HH:MM:SS"),
        DataType("time.tz", time, time(0), formHint="HH:MM:SS+HH:MM"),
        DataType("boolean", bool, False, formInput="checkbox"),
        DataType("bin.base64", bytes, b""),
        DataType("bin.hex", bytes, b""),
        DataType("uri", str, ""),
        DataType("uuid", str, str(uuid.UUID(int=0)), formHint="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
    )
}

#: UDA 1.1 §2.5 data types.
DATA_TYPES = frozenset(TYPES)

#: The (minimum, maximum) of each integer type.
INTEGER_RANGES = {name: each.bounds for name, each in TYPES.items() if each.bounds is not None}


def isNumeric(dataType: str) -> bool:
    """
    Whether C{dataType} is a number type (an unknown name is not).
    """
    known = TYPES.get(dataType)
    return known is not None and known.numeric


#: The largest magnitude of an r4, as UDA writes it.
R4_MAX = 3.40282347e38


class DataTypeError(ValueError):
    """
    A value that is not of its data type, or not allowed for its variable.

    @ivar code: the UPnP error code that fits: 600 (Argument Value Invalid)
        or 601 (Argument Value Out of Range).
    @ivar reason: what is wrong, fit for a log line or an
        C{errorDescription}.
    """

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
