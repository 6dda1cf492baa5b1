"""
Tests for L{coherence_lite.media.extras}: the subtitles found beside
videos (inside the media folders only), the thumbnails pending, recorded
and pruned, over a real store and real files.
"""

from __future__ import annotations

import os
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.extras import (
    Pending,
    Thumbnail,
    pendingThumbnails,
    pruneThumbnails,
    readExtras,
    recordThumbnails,
    subtitleOf,
    syncSubtitles,
    thumbnailName,
)
from coherence_lite.media.store import fetchRow, openStore, systemUpdateId


class ExtrasTests(SynchronousTestCase):
    """
    The extras' tables over a folder C{1} holding two videos (2, 3), a
    picture (4) and a track (5) whose cover is the picture.
    """

    def setUp(self) -> None:
        self.root = Path(self.mktemp()).absolute()
        self.root.mkdir()
        self.connection = openStore(":memory:")
        self.addCleanup(self.connection.close)
        execute = self.connection.execute
        execute("INSERT INTO objects (id, parent, path, lineage, container, title, class) "
                "VALUES (1, 0, ?, '/0/1/', 1, 'f', 'object.container.storageFolder')", (os.fsencode(self.root),))
        for objectId, name, cls in ((2, "film.mkv", "object.item.videoItem"), (3, "clip.mp4", "object.item.videoItem"),
                                    (4, "photo.jpg", "object.item.imageItem.photo"), (5, "song.mp3", "object.item.audioItem.musicTrack")):
            execute("INSERT INTO objects (id, parent, path, lineage, container, title, class, mime, size, mtime, art) "
                    "VALUES (?, 1, ?, '/0/1/', 0, ?, ?, 'x/y', 10, 1.5, ?)",
                    (objectId, os.fsencode(self.root / name), name, cls, 4 if objectId == 5 else None))

    def entries(self) -> dict[bytes, bytes]:
        """
        The folder's entries, as the scanner passes them.
        """
        return {name: os.path.join(os.fsencode(self.root), name) for name in os.listdir(os.fsencode(self.root))}

    def test_subtitles(self) -> None:
        """
        C{film.SRT} becomes C{film.mkv}'s subtitle (the suffix in any case,
        the base name exact); a symlink to an C{.srt} outside the folder
        does not; a removed one goes; a second look changes nothing.
        """
        (self.root / "film.SRT").write_bytes(b"12345")
        outside = Path(self.mktemp()).absolute()
        outside.write_bytes(b"secret")
        (self.root / "clip.srt").symlink_to(outside)
        (self.root / "Film.srt").write_bytes(b"other case")
        self.assertTrue(syncSubtitles(self.connection, 1, self.entries(), [self.root]))
        self.assertEqual(subtitleOf(self.connection, 2), os.fsencode(self.root / "film.SRT"))
        self.assertIsNone(subtitleOf(self.connection, 3))
        self.assertFalse(syncSubtitles(self.connection, 1, self.entries(), [self.root]))
        row = fetchRow(self.connection, 2)
        assert row is not None
        self.assertEqual(readExtras(self.connection, [row]).subtitles, {2: 5})
        (self.root / "film.SRT").unlink()
        self.assertTrue(syncSubtitles(self.connection, 1, self.entries(), [self.root]))
        self.assertIsNone(subtitleOf(self.connection, 2))

    def test_thumbnails(self) -> None:
        """
        Pictures (and videos when asked) are pending until recorded; a
        recorded thumbnail bumps the folder's UpdateID (its own and, as a
        cover, its track's folder); a changed file is pending again; a
        failure is recorded once; pruning deletes the files no valid
        thumbnail names.
        """
        self.assertEqual([each.id for each in pendingThumbnails(self.connection, False, 10)], [4])
        pending = pendingThumbnails(self.connection, True, 10)
        self.assertEqual([(each.id, each.video) for each in pending], [(2, True), (3, True), (4, False)])
        self.assertEqual([each.id for each in pendingThumbnails(self.connection, True, 10, after=2)], [3, 4])
        directory = Path(self.mktemp()).absolute()
        directory.mkdir()
        names = [thumbnailName(each) for each in pending]
        self.assertEqual(len(set(names)), 3)
        for name in names:
            (directory / name).write_bytes(b"jpeg")
        (directory / "stray.jpg").write_bytes(b"left by a crash")
        before = systemUpdateId(self.connection)
        told = recordThumbnails(self.connection, [
            (pending[0], None), (pending[2], Thumbnail(names[2], 4, 160, 90)),
        ], directory)
        self.assertEqual(told, (before + 1, {1: before + 1}))
        self.assertEqual([each.id for each in pendingThumbnails(self.connection, True, 10)], [3])
        rows = [fetchRow(self.connection, objectId) for objectId in (4, 5)]
        self.assertEqual(set(readExtras(self.connection, [row for row in rows if row]).thumbnails), {4})
        self.assertEqual(pruneThumbnails(self.connection, directory), 3)
        self.assertEqual(os.listdir(directory), [names[2]])
        self.connection.execute("UPDATE objects SET mtime = 2.5 WHERE id = 4")
        self.assertEqual([each.id for each in pendingThumbnails(self.connection, True, 10)], [3, 4])
        self.connection.execute("DELETE FROM objects WHERE id = 4")
        self.assertEqual(pruneThumbnails(self.connection, directory), 1)
        self.assertEqual(os.listdir(directory), [])
        self.assertIsNone(recordThumbnails(self.connection, [(Pending(4, b"/x", 10, 1.5, False, None), None)], directory))
