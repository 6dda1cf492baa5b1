"""
Tests for L{coherence_lite.media.containment}, on real files and symlinks.
"""

from __future__ import annotations

import os
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media import containment
from coherence_lite.media.containment import NotContained, containedPath, isInside, openContained, resolveRoots


class TreeMixin:
    """
    A library C{music} beside a sibling C{music2} and an outside folder.
    """

    def makeTree(self) -> None:
        base = Path(self.mktemp()).absolute()  # type: ignore[attr-defined]
        self.music = base / "music"
        self.sibling = base / "music2"
        self.outside = base / "outside"
        for folder in (self.music / "album", self.sibling, self.outside):
            folder.mkdir(parents=True)
        self.song = self.music / "album" / "song.mp3"
        self.song.write_bytes(b"ID3 inside")
        (self.sibling / "other.mp3").write_bytes(b"sibling")
        (self.outside / "secret.txt").write_bytes(b"secret")
        self.roots = resolveRoots([self.music])


class ContainedPathTests(TreeMixin, SynchronousTestCase):
    """
    L{containedPath} resolves symlinks and compares whole components.
    """

    def setUp(self) -> None:
        self.makeTree()

    def test_fileInside(self) -> None:
        """
        A file below the root is contained, as its resolved path.
        """
        self.assertEqual(containedPath(self.song, self.roots), self.song.resolve())

    def test_prefixSiblingIsOutside(self) -> None:
        """
        C{music2} shares C{music}'s name as a prefix and is still outside,
        reached directly or through a symlink in the library.
        """
        self.assertIsNone(containedPath(self.sibling / "other.mp3", self.roots))
        link = self.music / "to-sibling"
        link.symlink_to(self.sibling)
        self.assertIsNone(containedPath(link / "other.mp3", self.roots))
        self.assertFalse(isInside(self.sibling.resolve(), self.music.resolve()))

    def test_symlinkOutsideAndInside(self) -> None:
        """
        A symlink to a file outside is refused; one to a file inside is
        contained as its target.
        """
        (self.music / "escape").symlink_to(self.outside / "secret.txt")
        (self.music / "alias.mp3").symlink_to(self.song)
        self.assertIsNone(containedPath(self.music / "escape", self.roots))
        self.assertEqual(containedPath(self.music / "alias.mp3", self.roots), self.song.resolve())

    def test_traversalAndLoopsAndMissing(self) -> None:
        """
        C{..} out of the root, a symlink loop and a missing file are not
        contained; the root itself is.
        """
        self.assertIsNone(containedPath(self.music / ".." / "outside" / "secret.txt", self.roots))
        (self.music / "loop").symlink_to(self.music / "loop")
        self.assertIsNone(containedPath(self.music / "loop", self.roots))
        self.assertIsNone(containedPath(self.music / "nothing", self.roots))
        self.assertEqual(containedPath(self.music, self.roots), self.roots[0])

    def test_rootsResolvedOnce(self) -> None:
        """
        Roots are resolved through symlinks and repeats dropped.
        """
        link = self.music.parent / "link-to-music"
        link.symlink_to(self.music)
        self.assertEqual(resolveRoots([link, self.music]), (self.music.resolve(),))


class OpenContainedTests(TreeMixin, SynchronousTestCase):
    """
    L{openContained} checks the file it opened.
    """

    def setUp(self) -> None:
        self.makeTree()

    def read(self, path: Path) -> bytes:
        fd = openContained(path, self.roots)
        try:
            return os.read(fd, 100)
        finally:
            os.close(fd)

    def test_opensFileInside(self) -> None:
        """
        A regular file inside opens and reads.
        """
        self.assertEqual(self.read(self.song.resolve()), b"ID3 inside")

    def test_fileSwappedForSymlinkIsRefused(self) -> None:
        """
        A file replaced by a symlink after indexing is not followed.
        """
        path = self.song.resolve()
        path.unlink()
        path.symlink_to(self.outside / "secret.txt")
        self.assertRaises(OSError, self.read, path)

    def test_folderSwappedForSymlinkIsRefused(self) -> None:
        """
        A folder of the path replaced by a symlink to the outside leads to a
        file outside: refused after opening.
        """
        album = self.music / "album"
        (album / "song.mp3").unlink()
        album.rmdir()
        album.symlink_to(self.outside)
        (self.outside / "song.mp3").write_bytes(b"outside")
        self.assertRaises(NotContained, self.read, self.song)

    def test_notARegularFile(self) -> None:
        """
        A FIFO or a folder is refused without blocking.
        """
        fifo = self.music / "fifo.mp3"
        os.mkfifo(fifo)
        self.assertRaises(NotContained, self.read, fifo)
        self.assertRaises(NotContained, self.read, self.music / "album")

    def test_withoutProc(self) -> None:
        """
        Without C{/proc}, the path is resolved again and must name the very
        file opened.
        """

        def noProc(path: str) -> str:
            raise FileNotFoundError(path)

        self.patch(containment.os, "readlink", noProc)
        self.assertEqual(self.read(self.song.resolve()), b"ID3 inside")
        self.assertRaises(NotContained, self.read, self.sibling.resolve() / "other.mp3")
