# -*- test-case-name: tests.media.test_extralinks -*-
"""
How an item's extras show in its DIDL-Lite (pure): a thumbnail as
C{upnp:albumArtURI dlna:profileID="JPEG_TN"} and as a second C{res}, a
track's album art as its picture's thumbnail when there is one, and a
video's subtitle as a C{text/srt} C{res} and Samsung's
C{sec:CaptionInfoEx}; each served by object id at C{/media/<id>.tn.jpg}
and C{/media/<id>.sub.srt}.
"""

from __future__ import annotations

from coherence_lite.media.didl import DidlObject, DidlResource
from coherence_lite.media.dlna import protocolInfo
from coherence_lite.media.extras import Extras
from coherence_lite.media.store import Row

__all__ = ["SUBTITLE_PROTOCOL_INFO", "THUMBNAIL_PROTOCOL_INFO", "subtitlePath", "thumbnailPath", "withExtras"]

#: The protocolInfo of a thumbnail (JPEG_TN, made by us).
THUMBNAIL_PROTOCOL_INFO = protocolInfo("image/jpeg", "JPEG_TN", converted=True)

#: The protocolInfo of a subtitle, as Samsung, LG and VLC look for it.
SUBTITLE_PROTOCOL_INFO = "http-get:*:text/srt:*"


def thumbnailPath(objectId: int) -> str:
    """
    Where an object's thumbnail is served, below C{/media/}.
    """
    return f"{objectId}.tn.jpg"


def subtitlePath(objectId: int) -> str:
    """
    Where a video's subtitle is served, below C{/media/}.
    """
    return f"{objectId}.sub.srt"


def withExtras(didl: DidlObject, row: Row, extras: Extras, media: str) -> DidlObject:
    """
    C{didl} (the DIDL-Lite form of C{row}) with its extras.

    @param media: the URL of the streaming resource (C{http://host:port/media/}).
    """
    if row.container:
        return didl
    resources = list(didl.resources)
    art, profile = didl.albumArtURI, didl.albumArtProfile
    thumbnail = extras.thumbnails.get(row.id)
    if thumbnail is not None:
        url = media + thumbnailPath(row.id)
        art, profile = url, "JPEG_TN"
        resources.append(DidlResource(
            url, THUMBNAIL_PROTOCOL_INFO, size=thumbnail.bytes, resolution=f"{thumbnail.width}x{thumbnail.height}"
        ))
    else:
        artId = row.embeddedArt if row.embeddedArt is not None else row.art
        if artId is not None and artId in extras.thumbnails:
            art, profile = media + thumbnailPath(artId), "JPEG_TN"
    caption = None
    size = extras.subtitles.get(row.id)
    if size is not None:
        caption = media + subtitlePath(row.id)
        resources.append(DidlResource(caption, SUBTITLE_PROTOCOL_INFO, size=size))
    return didl._replace(albumArtURI=art, albumArtProfile=profile, captionURI=caption, resources=tuple(resources))
