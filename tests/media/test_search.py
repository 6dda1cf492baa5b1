"""
Tests for L{coherence_lite.media.search}: the SearchCriteria grammar.
"""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings, strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.search import (
    MAX_DEPTH,
    OPERATORS,
    And,
    Everything,
    Exists,
    Or,
    Relation,
    SearchCriteriaError,
    compileCriteria,
    formatCriteria,
    parseCriteria,
)

COLUMNS = {"dc:title": "title", "@parentID": "parent", "upnp:class": "class", "dc:date": "date"}

properties = st.sampled_from(sorted(COLUMNS))
relations = st.builds(Relation, properties, st.sampled_from(OPERATORS), st.text(max_size=12))
leaves = relations | st.builds(Exists, properties, st.booleans())
trees = st.recursive(leaves, lambda inner: st.builds(And, inner, inner) | st.builds(Or, inner, inner), max_leaves=12)


def table() -> sqlite3.Connection:
    """
    An in-memory table with the columns of L{COLUMNS} and a few rows.
    """
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE objects (title TEXT, parent TEXT, class TEXT, date TEXT)")
    connection.executemany(
        "INSERT INTO objects VALUES (?, ?, ?, ?)",
        [
            ("Song 100%", "7", "object.item.audioItem.musicTrack", "2020-01-01"),
            ("song_two", "7", "object.item.audioItem", None),
            ("Photo", "8", "object.item.imageItem.photo", "2021-05-05"),
            ("Folder", "0", "object.container.storageFolder", None),
        ],
    )
    return connection


def titles(criteria: str) -> list[str]:
    """
    The titles of the rows of L{table} that C{criteria} select.
    """
    condition, parameters = compileCriteria(parseCriteria(criteria), COLUMNS)
    rows = table().execute(f"SELECT title FROM objects WHERE {condition} ORDER BY rowid", parameters)
    return [row[0] for row in rows]


class ParseTests(SynchronousTestCase):
    """
    L{parseCriteria} reads the grammar of ContentDirectory:1.
    """

    def test_homeAssistantPath(self) -> None:
        """
        Home Assistant's path search parses as a conjunction, with escaped
        quotes in the value.
        """
        self.assertEqual(
            parseCriteria('@parentID="0" and dc:title="My \\"Best\\" \\\\ Hits"'),
            And(Relation("@parentID", "=", "0"), Relation("dc:title", "=", 'My "Best" \\ Hits')),
        )

    def test_precedence(self) -> None:
        """
        C{and} binds tighter than C{or}; parentheses group; operators are
        case-insensitive.
        """
        a, b, c = (Relation("dc:title", "=", name) for name in "abc")
        self.assertEqual(parseCriteria('dc:title = "a" OR dc:title = "b" AND dc:title = "c"'), Or(a, And(b, c)))
        self.assertEqual(parseCriteria('(dc:title = "a" or dc:title="b") and dc:title="c"'), And(Or(a, b), c))
        self.assertEqual(
            parseCriteria('upnp:class DerivedFrom "object.item" and dc:date exists TRUE'),
            And(Relation("upnp:class", "derivedfrom", "object.item"), Exists("dc:date", True)),
        )

    def test_everything(self) -> None:
        """
        C{*} alone is every object.
        """
        self.assertEqual(parseCriteria(" * "), Everything())

    def test_errors(self) -> None:
        """
        Broken criteria raise L{SearchCriteriaError}.
        """
        for text in (
            "",
            "dc:title",
            'dc:title = a',
            'dc:title like "a"',
            '(dc:title = "a"',
            'dc:title = "a")',
            'dc:title = "a" and',
            'dc:title exists maybe',
            'dc:title = "unterminated',
            "* and *",
            "(" * (MAX_DEPTH + 1) + 'a="b"' + ")" * (MAX_DEPTH + 1),
            " or ".join(['a="b"'] * 200),
            "x" * 5000,
        ):
            with self.assertRaises(SearchCriteriaError, msg=text):
                parseCriteria(text)

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=80))
    def test_anyText(self, text: str) -> None:
        """
        Any text either parses or raises L{SearchCriteriaError}, nothing
        else.
        """
        try:
            parseCriteria(text)
        except SearchCriteriaError:
            pass

    @settings(max_examples=300, deadline=None)
    @given(trees)
    def test_roundTrip(self, tree: object) -> None:
        """
        Written criteria parse back into the same tree, and compile into SQL
        that SQLite runs.
        """
        text = formatCriteria(tree)  # type: ignore[arg-type]
        self.assertEqual(parseCriteria(text), tree)
        condition, parameters = compileCriteria(parseCriteria(text), COLUMNS)
        table().execute(f"SELECT count(*) FROM objects WHERE {condition}", parameters).fetchall()


class CompileTests(SynchronousTestCase):
    """
    L{compileCriteria} selects what the criteria match, with parameters
    only.
    """

    def test_matches(self) -> None:
        """
        Each operator selects the rows it names, case-insensitively;
        C{derivedfrom} matches whole class segments; LIKE wildcards in
        values are literal.
        """
        self.assertEqual(titles('@parentID="7" and dc:title="SONG 100%"'), ["Song 100%"])
        self.assertEqual(titles('upnp:class derivedfrom "object.item.audioItem"'), ["Song 100%", "song_two"])
        self.assertEqual(titles('upnp:class derivedfrom "object.item.audio"'), [])
        self.assertEqual(titles('dc:title contains "%"'), ["Song 100%"])
        self.assertEqual(titles('dc:title contains "_"'), ["song_two"])
        self.assertEqual(titles('dc:title doesNotContain "song"'), ["Photo", "Folder"])
        self.assertEqual(titles('dc:date exists false'), ["song_two", "Folder"])
        self.assertEqual(titles('dc:date >= "2021"'), ["Photo"])
        self.assertEqual(titles('dc:title != "photo" and @parentID < "8"'), ["Song 100%", "song_two", "Folder"])
        self.assertEqual(titles('dc:title startsWith "s"'), ["Song 100%", "song_two"])
        self.assertEqual(titles("*"), ["Song 100%", "song_two", "Photo", "Folder"])

    def test_hostileValue(self) -> None:
        """
        A value that looks like SQL stays a value.
        """
        self.assertEqual(titles('dc:title = "x\\" OR 1=1; DROP TABLE objects; --"'), [])
        self.assertEqual(titles("*"), ["Song 100%", "song_two", "Photo", "Folder"])

    def test_unsearchable(self) -> None:
        """
        A property outside the columns raises L{SearchCriteriaError}.
        """
        with self.assertRaises(SearchCriteriaError):
            compileCriteria(parseCriteria('upnp:artist = "a" or dc:title = "b"'), COLUMNS)
