"""
A small real media library for the tests, made with ffmpeg's lavfi sources:
one file of each kind, tags, a folder cover and an embedded one, hostile
names, symlinks inside and outside the folder, a loop and a truncated file
(and, for a daemon that does not run as root, an unreadable one).  Each
kind of file is made by ffmpeg once per test run and copied after.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.prerequisites import missing

__all__ = ["EXPECTED", "UNREADABLE", "addUnreadable", "makeLibrary", "makeMedia", "needFFmpeg"]

#: ffmpeg arguments (after the output format is chosen by the name) making
#: each kind of file, by suffix.
_SOURCES = {
    ".mp3": ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame"],
    ".flac": ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "flac"],
    ".ogg": ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "libvorbis"],
    ".opus": ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "libopus"],
    ".m4a": ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac"],
    ".wav": ["-f", "lavfi", "-i", "sine=duration=2"],
    ".mp4": ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-f", "lavfi", "-i", "sine=duration=2",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"],
    ".mkv": ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    ".jpg": ["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1"],
    ".png": ["-f", "lavfi", "-i", "testsrc2=size=32x24", "-frames:v", "1"],
}

#: What the library made by L{makeLibrary} lists: each readable media
#: file's path below the folder, its title and its duration (seconds,
#: rounded) or L{None}.
EXPECTED = {
    "Artist/Album/01 song.mp3": ("Tagged Song", 3),
    "Artist/Album/cover.jpg": ("cover", None),
    "Artist/Album/flac.flac": ("flac", 2),
    "other/vorbis.ogg": ("vorbis", 2),
    "other/opus.opus": ("opus", 2),
    "other/aac.m4a": ("aac", 2),
    "other/pcm.wav": ("pcm", 2),
    "video/clip.mp4": ("clip", 2),
    "video/clip.mkv": ("clip", 2),
    "pictures/picture.png": ("picture", None),
    'pictures/a "q" & <b>.jpg': ('a "q" & <b>', None),
    "pictures/caf\u00e9 \u4e2d.jpg": ("caf\u00e9 \u4e2d", None),
    "truncated.mp3": ("truncated", None),
    "pictures/bad\udcffname.png": ("bad\ufffdname", None),
    "embedded/art.mp3": ("art", 3),
}

#: The file L{addUnreadable} makes: a real FLAC no one but root can read.
UNREADABLE = "other/locked.flac"

#: The files ffmpeg made in this run, by suffix and tags (see L{makeMedia}).
_made: dict[tuple[str, ...], Path] = {}


def needFFmpeg() -> str:
    """
    The path of ffmpeg, or skip (fail under CI) without it.
    """
    found = shutil.which("ffmpeg")
    if found is None:
        missing("ffmpeg is not installed (apt-get install ffmpeg)")
    return found


@functools.cache
def _madeFolder() -> Path:
    """
    Where this run keeps the files ffmpeg made; removed when it exits.
    """
    folder = Path(tempfile.mkdtemp(prefix="cl-media-made-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def makeMedia(path: Path, *tags: str) -> None:
    """
    Write a small real media file of the kind its suffix names.

    @param tags: C{-metadata} values (C{title=T}).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = (path.suffix, *tags)
    if key not in _made:
        made = _madeFolder() / f"{len(_made)}{path.suffix}"
        metadata = [argument for tag in tags for argument in ("-metadata", tag)]
        subprocess.run(
            [needFFmpeg(), "-v", "error", "-y", *_SOURCES[path.suffix], *metadata, str(made)], check=True, timeout=60
        )
        _made[key] = made
    shutil.copyfile(_made[key], path)


def makeLibrary(base: Path) -> Path:
    """
    Build the library of L{EXPECTED} in C{base}/music, beside a prefix
    sibling C{base}/music2 and an outside folder, and return its folder.
    """
    music = base / "music"
    makeMedia(music / "Artist/Album/01 song.mp3", "title=Tagged Song", "artist=The Artist", "album=The Album",
              "genre=Rock", "track=1", "date=2021")
    makeMedia(music / "Artist/Album/flac.flac")
    makeMedia(music / "Artist/Album/cover.jpg")
    for name in ("other/vorbis.ogg", "other/opus.opus", "other/aac.m4a", "other/pcm.wav", "video/clip.mp4",
                 "video/clip.mkv", "pictures/picture.png"):
        makeMedia(music / name)
    makeMedia(base / "plain.mp3")
    (music / "embedded").mkdir()
    subprocess.run(
        [needFFmpeg(), "-v", "error", "-y", "-i", str(base / "plain.mp3"), "-i", str(music / "Artist/Album/cover.jpg"),
         "-map", "0:a", "-map", "1:v", "-c", "copy", "-id3v2_version", "3", "-disposition:v", "attached_pic",
         str(music / "embedded/art.mp3")],
        check=True, timeout=60,
    )
    shutil.copy(music / "Artist/Album/cover.jpg", music / 'pictures/a "q" & <b>.jpg')
    shutil.copy(music / "Artist/Album/cover.jpg", music / "pictures/caf\u00e9 \u4e2d.jpg")
    shutil.copy(os.fsencode(music / "pictures/picture.png"), os.fsencode(music) + b"/pictures/bad\xffname.png")
    (music / "truncated.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x10" + b"\x00" * 7)
    (music / "notes.txt").write_text("not media")
    (music / ".hidden.mp3").write_bytes((music / "Artist/Album/01 song.mp3").read_bytes())
    sibling = base / "music2"
    makeMedia(sibling / "sibling.flac")
    outside = base / "outside"
    makeMedia(outside / "secret.wav")
    os.symlink(sibling, music / "music2-link")
    os.symlink(outside / "secret.wav", music / "secret.wav")
    os.symlink("/etc", music / "etc")
    os.symlink(music, music / "other/loop")
    os.symlink(music / "missing.mp3", music / "dangling.mp3")
    return music


def addUnreadable(music: Path) -> Path:
    """
    Add L{UNREADABLE} to a library made by L{makeLibrary}: a real file
    with mode 000, unreadable for any user but root (who reads anything).
    """
    path = music / UNREADABLE
    makeMedia(path, "title=locked")
    path.chmod(0)
    return path
