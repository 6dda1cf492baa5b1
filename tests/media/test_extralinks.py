"""
Tests for L{coherence_lite.media.extralinks}: how thumbnails and subtitles
show in an item's DIDL-Lite.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.didl import DidlObject, DidlResource
from coherence_lite.media.extralinks import SUBTITLE_PROTOCOL_INFO, THUMBNAIL_PROTOCOL_INFO, withExtras
from coherence_lite.media.extras import Extras, Thumbnail
from coherence_lite.media.store import Row

MEDIA = "http://10.0.0.2:8200/media/"


def row(objectId: int, cls: str, art: int | None = None, embedded: int | None = None, container: int = 0) -> Row:
    """
    A stored object of class C{cls} in folder 3.
    """
    return Row(objectId, 3, b"/m/x", "/0/3/", container, "x", cls, None if container else "video/mp4", 10, 1.0,
               None, None, None, None, None, None, None, None, None, None, art, None, 0, 0, embedded, None)


def didl(objectId: int, art: str | None = None) -> DidlObject:
    """
    An item with one res, as the ContentDirectory writes it before its
    extras.
    """
    return DidlObject(str(objectId), "3", "x", "object.item", albumArtURI=art,
                      resources=(DidlResource(f"{MEDIA}{objectId}.mp4", "http-get:*:video/mp4:*"),))


class WithExtrasTests(SynchronousTestCase):
    """
    L{withExtras}.
    """

    extras = Extras({5: Thumbnail("a.jpg", 3000, 160, 90), 9: Thumbnail("b.jpg", 900, 64, 48)}, {5: 44})

    def test_videoWithThumbnailAndSubtitle(self) -> None:
        """
        The original res first, then the JPEG_TN one (size, resolution),
        then the text/srt one; the thumbnail is the album art with its
        profile; the subtitle is the caption.
        """
        made = withExtras(didl(5), row(5, "object.item.videoItem"), self.extras, MEDIA)
        self.assertEqual([res.url for res in made.resources], [f"{MEDIA}5.mp4", f"{MEDIA}5.tn.jpg", f"{MEDIA}5.sub.srt"])
        self.assertEqual([res.protocolInfo for res in made.resources[1:]], [THUMBNAIL_PROTOCOL_INFO, SUBTITLE_PROTOCOL_INFO])
        self.assertEqual((made.resources[1].size, made.resources[1].resolution, made.resources[2].size), (3000, "160x90", 44))
        self.assertEqual((made.albumArtURI, made.albumArtProfile, made.captionURI), (f"{MEDIA}5.tn.jpg", "JPEG_TN", f"{MEDIA}5.sub.srt"))
        self.assertTrue(THUMBNAIL_PROTOCOL_INFO.startswith("http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_TN;"))

    def test_trackArt(self) -> None:
        """
        A track's album art becomes its picture's thumbnail (the embedded
        one first); without one it stays the picture, without a profile.
        """
        track = "object.item.audioItem.musicTrack"
        made = withExtras(didl(6, f"{MEDIA}9.jpg"), row(6, track, art=9), self.extras, MEDIA)
        self.assertEqual((made.albumArtURI, made.albumArtProfile, len(made.resources)), (f"{MEDIA}9.tn.jpg", "JPEG_TN", 1))
        made = withExtras(didl(6, f"{MEDIA}7.jpg"), row(6, track, art=9, embedded=7), self.extras, MEDIA)
        self.assertEqual((made.albumArtURI, made.albumArtProfile), (f"{MEDIA}7.jpg", None))

    def test_nothingToAdd(self) -> None:
        """
        An item without extras, and a container, are left as they are.
        """
        plain = didl(8)
        self.assertEqual(withExtras(plain, row(8, "object.item.videoItem"), self.extras, MEDIA), plain)
        folder = DidlObject("3", "0", "f", "object.container.storageFolder")
        self.assertIs(withExtras(folder, row(3, "object.container.storageFolder", container=1), self.extras, MEDIA), folder)
