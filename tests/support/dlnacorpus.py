"""
Media files of every kind and size the DLNA profiles tell apart, made with
ffmpeg's lavfi sources and Pillow: MP3 at MPEG-1, MPEG-2 and MPEG-2.5 rates,
with and without a Xing/Info header, VBR; AAC in M4A and MP4; H.264 MP4 of
three profiles at several sizes, MKV and MPEG-TS; FLAC, Vorbis, Opus, LPCM
WAV; JPEG and PNG at each profile's bounds, portrait, grey and CMYK.

Each name's stem is unique, so an item's title (its stem) names its file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from tests.media.library import needFFmpeg

__all__ = ["AUDIO", "PICTURES", "VIDEO", "makeCorpus"]

_TONE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]


def _mp3(rate: int, channels: int, *quality: str) -> list[str]:
    return [*_TONE, "-ar", str(rate), "-ac", str(channels), "-c:a", "libmp3lame", *quality]


def _h264(size: str, profile: str) -> list[str]:
    return [
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration=0.4", "-f", "lavfi", "-i", "sine=duration=0.4",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", profile, "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-ar", "48000", "-ac", "2", "-b:a", "128k", "-shortest",
    ]


#: ffmpeg arguments making each audio file, by name.
AUDIO = {
    "mp3-44k-128-info.mp3": _mp3(44100, 2, "-b:a", "128k"),
    "mp3-44k-128.mp3": _mp3(44100, 2, "-b:a", "128k", "-write_xing", "0"),
    "mp3-44k-128-noid3.mp3": _mp3(44100, 2, "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0"),
    "mp3-48k-320.mp3": _mp3(48000, 2, "-b:a", "320k", "-write_xing", "0"),
    "mp3-32k-64-mono.mp3": _mp3(32000, 1, "-b:a", "64k", "-write_xing", "0"),
    "mp3-44k-vbr.mp3": _mp3(44100, 2, "-q:a", "2"),
    "mp3-22k-64.mp3": _mp3(22050, 2, "-b:a", "64k", "-write_xing", "0"),
    "mp3-22k-64-info.mp3": _mp3(22050, 2, "-b:a", "64k"),
    "mp3-16k-32-mono.mp3": _mp3(16000, 1, "-b:a", "32k", "-write_xing", "0"),
    "mp3-8k-16-mono.mp3": _mp3(8000, 1, "-b:a", "16k", "-write_xing", "0"),
    "aac-44k.m4a": [*_TONE, "-ar", "44100", "-ac", "2", "-c:a", "aac", "-b:a", "128k"],
    "aac-48k-192.m4a": [*_TONE, "-ar", "48000", "-ac", "2", "-c:a", "aac", "-b:a", "192k"],
    "flac.flac": [*_TONE, "-c:a", "flac"],
    "vorbis.ogg": [*_TONE, "-c:a", "libvorbis"],
    "opus.opus": [*_TONE, "-c:a", "libopus"],
    "lpcm-44k.wav": [*_TONE, "-ar", "44100", "-ac", "2", "-c:a", "pcm_s16le"],
    "lpcm-48k-mono.wav": [*_TONE, "-ar", "48000", "-ac", "1", "-c:a", "pcm_s16le"],
}

#: ffmpeg arguments making each video file, by name.
VIDEO = {
    **{
        f"h264-{size}-{profile}.mp4": _h264(size, profile)
        for size in ("176x144", "640x480", "1280x720")
        for profile in ("baseline", "main", "high")
    },
    "h264-1920x1080-main.mp4": _h264("1920x1080", "main"),
    "mkv-h264-640x480.mkv": _h264("640x480", "main"),
    "aac-audio-only.mp4": [*_TONE, "-ar", "44100", "-ac", "2", "-c:a", "aac", "-b:a", "128k"],
}

#: Each picture: (width, height, Pillow mode), by name.
PICTURES = {
    **{
        f"{kind}-{width}x{height}.{suffix}": (width, height, "RGB")
        for kind, suffix in (("jpeg", "jpg"), ("png", "png"))
        for width, height in (
            (48, 48), (120, 120), (100, 100), (160, 120), (161, 100), (640, 480), (480, 640), (641, 480),
            (1024, 768), (768, 1024), (1920, 1080), (4097, 100),
        )
    },
    "jpeg-grey-640x480.jpg": (640, 480, "L"),
    "jpeg-cmyk-640x480.jpg": (640, 480, "CMYK"),
    "png-rgba-100x100.png": (100, 100, "RGBA"),
    "png-palette-200x200.png": (200, 200, "P"),
}


def makeCorpus(folder: Path) -> list[str]:
    """
    Write every file of L{AUDIO}, L{VIDEO} and L{PICTURES} into C{folder};
    return their names.
    """
    ffmpeg = needFFmpeg()
    folder.mkdir(parents=True, exist_ok=True)
    for name, arguments in {**AUDIO, **VIDEO}.items():
        subprocess.run([ffmpeg, "-v", "error", "-y", *arguments, str(folder / name)], check=True, timeout=120)
    for name, (width, height, mode) in PICTURES.items():
        Image.new(mode, (width, height), "#c86432" if mode in ("RGB", "RGBA") else 90).save(folder / name)
    return [*AUDIO, *VIDEO, *PICTURES]
