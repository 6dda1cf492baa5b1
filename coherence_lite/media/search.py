# -*- test-case-name: tests.media.test_search -*-
"""
The SearchCriteria grammar of ContentDirectory:1 (pure): text parsed into a
tree, the tree written back as text, and compiled into an SQL condition
whose values are all parameters.

    searchCrit ::= '*' | searchExp
    searchExp  ::= relExp | searchExp ('and' | 'or') searchExp | '(' searchExp ')'
    relExp     ::= property binOp quotedVal | property 'exists' ('true' | 'false')

C{and} binds tighter than C{or}; operators, C{and}/C{or} and C{true}/C{false}
are matched without regard to case, as are the string comparisons of the
compiled SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Union

__all__ = [
    "And",
    "Everything",
    "Exists",
    "Or",
    "Relation",
    "SearchCriteriaError",
    "compileCriteria",
    "formatCriteria",
    "parseCriteria",
]

#: The longest criteria text parsed.
MAX_LENGTH = 4096

#: The deepest nesting of parentheses and operators parsed.
MAX_DEPTH = 32

#: The most relations (and exists tests) in one criteria text.
MAX_TERMS = 128

#: The binary operators, in lower case.
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "contains", "doesnotcontain", "derivedfrom", "startswith")

#: How each operator is spelt when written back.
_SPELLING = {"doesnotcontain": "doesNotContain", "derivedfrom": "derivedfrom", "startswith": "startsWith"}

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|=|<|>)|(?P<paren>[()])|(?P<word>[^\s()"=<>!]+))',
    re.DOTALL,
)


class SearchCriteriaError(ValueError):
    """
    The criteria are not valid, or name a property that cannot be searched
    (a Search answers 708).
    """


@dataclass(frozen=True)
class Everything:
    """
    C{*}: every object.
    """


@dataclass(frozen=True)
class Relation:
    """
    C{property op "value"}; C{op} in lower case.
    """

    property: str
    operator: str
    value: str


@dataclass(frozen=True)
class Exists:
    """
    C{property exists true|false}.
    """

    property: str
    exists: bool


@dataclass(frozen=True)
class And:
    """
    Both sides match.
    """

    left: "Criteria"
    right: "Criteria"


@dataclass(frozen=True)
class Or:
    """
    Either side matches.
    """

    left: "Criteria"
    right: "Criteria"


Criteria = Union[Everything, Relation, Exists, And, Or]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            raise SearchCriteriaError(f"unexpected text at character {position}: {text[position:position + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1], flags=re.DOTALL)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.terms = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise SearchCriteriaError("the criteria end too early")
        self.position += 1
        return token

    def isWord(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].lower() == word

    def expression(self, depth: int) -> Criteria:
        if depth > MAX_DEPTH:
            raise SearchCriteriaError("the criteria nest too deep")
        result = self.conjunction(depth + 1)
        while self.isWord("or"):
            self.take()
            result = Or(result, self.conjunction(depth + 1))
        return result

    def conjunction(self, depth: int) -> Criteria:
        result = self.primary(depth + 1)
        while self.isWord("and"):
            self.take()
            result = And(result, self.primary(depth + 1))
        return result

    def primary(self, depth: int) -> Criteria:
        if depth > MAX_DEPTH:
            raise SearchCriteriaError("the criteria nest too deep")
        kind, text = self.take()
        if kind == "paren" and text == "(":
            inner = self.expression(depth + 1)
            if self.take() != ("paren", ")"):
                raise SearchCriteriaError("a parenthesis is not closed")
            return inner
        if kind != "word" or text.lower() in ("and", "or", "exists") or text == "*":
            raise SearchCriteriaError(f"expected a property name, found {text[:40]!r}")
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise SearchCriteriaError(f"the criteria hold more than {MAX_TERMS} terms")
        operatorKind, operator = self.take()
        operator = operator.lower()
        if operatorKind == "word" and operator == "exists":
            valueKind, value = self.take()
            if valueKind != "word" or value.lower() not in ("true", "false"):
                raise SearchCriteriaError("exists takes true or false")
            return Exists(text, value.lower() == "true")
        if operatorKind not in ("op", "word") or operator not in OPERATORS:
            raise SearchCriteriaError(f"unknown operator {operator[:40]!r}")
        valueKind, value = self.take()
        if valueKind != "string":
            raise SearchCriteriaError(f"expected a quoted value after {operator}")
        return Relation(text, operator, _unquote(value))


def parseCriteria(text: str) -> Criteria:
    """
    Parse SearchCriteria text.

    @raise SearchCriteriaError: the text is not valid criteria, or too long
        or too deep.
    """
    if len(text) > MAX_LENGTH:
        raise SearchCriteriaError(f"the criteria are longer than {MAX_LENGTH} characters")
    if text.strip() == "*":
        return Everything()
    parser = _Parser(_tokens(text))
    if parser.peek() is None:
        raise SearchCriteriaError("the criteria are empty")
    result = parser.expression(0)
    if parser.peek() is not None:
        raise SearchCriteriaError(f"unexpected {parser.peek()[1][:40]!r}")  # type: ignore[index]
    return result


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def formatCriteria(criteria: Criteria) -> str:
    """
    Criteria as text that L{parseCriteria} reads back into the same tree.
    """
    if isinstance(criteria, Everything):
        return "*"
    if isinstance(criteria, Relation):
        return f"{criteria.property} {_SPELLING.get(criteria.operator, criteria.operator)} {_quote(criteria.value)}"
    if isinstance(criteria, Exists):
        return f"{criteria.property} exists {'true' if criteria.exists else 'false'}"
    word = "and" if isinstance(criteria, And) else "or"
    return f"({formatCriteria(criteria.left)} {word} {formatCriteria(criteria.right)})"


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _relation(column: str, operator: str, value: str) -> tuple[str, list[object]]:
    if operator == "contains":
        return f"{column} LIKE ? ESCAPE '\\'", ["%" + _like(value) + "%"]
    if operator == "doesnotcontain":
        return f"({column} IS NULL OR {column} NOT LIKE ? ESCAPE '\\')", ["%" + _like(value) + "%"]
    if operator == "startswith":
        return f"{column} LIKE ? ESCAPE '\\'", [_like(value) + "%"]
    if operator == "derivedfrom":
        return f"({column} = ? COLLATE NOCASE OR {column} LIKE ? ESCAPE '\\')", [value, _like(value) + ".%"]
    if operator == "!=":
        return f"({column} IS NULL OR {column} <> ? COLLATE NOCASE)", [value]
    return f"{column} {operator} ? COLLATE NOCASE", [value]


def compileCriteria(criteria: Criteria, columns: Mapping[str, str]) -> tuple[str, list[object]]:
    """
    An SQL condition selecting what C{criteria} match.

    @param columns: the SQL expression of each searchable property (the
        SearchCapabilities), written by the caller, never by the client.
    @return: the condition and its parameters, in order.
    @raise SearchCriteriaError: a property is not searchable.
    """
    if isinstance(criteria, Everything):
        return "1", []
    if isinstance(criteria, (Relation, Exists)):
        column = columns.get(criteria.property)
        if column is None:
            raise SearchCriteriaError(f"{criteria.property[:64]!r} cannot be searched")
        if isinstance(criteria, Exists):
            return f"{column} IS {'NOT ' if criteria.exists else ''}NULL", []
        return _relation(column, criteria.operator, criteria.value)
    left, leftParameters = compileCriteria(criteria.left, columns)
    right, rightParameters = compileCriteria(criteria.right, columns)
    word = "AND" if isinstance(criteria, And) else "OR"
    return f"({left} {word} {right})", leftParameters + rightParameters
