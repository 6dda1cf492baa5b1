# -*- test-case-name: tests.media.test_store -*-
"""
Tests for L{coherence_lite.media.store}: the store's layout, its rebuild and
the reading of object ids.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.store import SCHEMA_VERSION, openStore, storedId, storedSystemUpdateId


class RebuildTests(SynchronousTestCase):
    """
    A store of an older layout is rebuilt, keeping what clients hold.
    """

    def test_idsAndSystemUpdateIdOutliveARebuild(self) -> None:
        """
        After a rebuild new objects are numbered after every id the old
        store gave, and the SystemUpdateID is kept, so neither an id nor the
        SystemUpdateID a client holds ever names something else.
        """
        path = self.mktemp()
        connection = openStore(path)
        for index in range(40):
            connection.execute(
                "INSERT INTO objects (parent, path, lineage, container, title, class) VALUES (0, ?, '/0/', 0, ?, 'object.item')",
                (f"/m/{index}".encode(), f"t{index}"),
            )
        connection.execute("UPDATE meta SET value = 17 WHERE key = 'SystemUpdateID'")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        connection.close()

        rebuilt = openStore(path)
        self.addCleanup(rebuilt.close)
        self.assertEqual(rebuilt.execute("SELECT COUNT(*) FROM objects").fetchone()[0], 1)
        self.assertEqual(rebuilt.execute("PRAGMA user_version").fetchone()[0], SCHEMA_VERSION)
        cursor = rebuilt.execute(
            "INSERT INTO objects (parent, path, lineage, container, title, class) VALUES (0, ?, '/0/', 0, 'new', 'object.item')",
            (b"/m/new",),
        )
        self.assertEqual(cursor.lastrowid, 41)
        self.assertEqual(storedSystemUpdateId(path), 17)

    def test_newStoreStartsAfterTheRoot(self) -> None:
        """
        A new store holds only the root, 0, and numbers objects from 1.
        """
        connection = openStore(":memory:")
        self.addCleanup(connection.close)
        cursor = connection.execute(
            "INSERT INTO objects (parent, path, lineage, container, title, class) VALUES (0, ?, '/0/', 0, 'a', 'object.item')",
            (b"/m/a",),
        )
        self.assertEqual(cursor.lastrowid, 1)


class StoredIdTests(SynchronousTestCase):
    """
    L{storedId} reads an object id the one way it is written.
    """

    def test_ids(self) -> None:
        """
        ASCII digits as C{str(int)} writes them, up to 18, are ids; other
        digits, leading zeros, signs, spaces and longer strings are not.
        """
        self.assertEqual([storedId(text) for text in ("0", "7", "123", "9" * 18)], [0, 7, 123, int("9" * 18)])
        for text in ("", "07", "-1", "+1", " 1", "1 ", "1.0", "\u00b2", "\u0663", "\uff11", "9" * 19, "abc"):
            self.assertIsNone(storedId(text), repr(text))
