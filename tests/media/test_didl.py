"""
Tests for L{coherence_lite.media.didl}: the DIDL-Lite writer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.didl import DidlObject, DidlResource, Filter, formatDuration, writeDidl

DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
DC = "{http://purl.org/dc/elements/1.1/}"
UPNP = "{urn:schemas-upnp-org:metadata-1-0/upnp/}"

TRACK = DidlObject(
    "12",
    "3",
    "Song",
    "object.item.audioItem.musicTrack",
    artist="Artist",
    album="Album",
    genre="Rock",
    date="2020-01-02",
    originalTrackNumber=4,
    albumArtURI="http://127.0.0.1:8080/media/9.jpg",
    resources=(
        DidlResource(
            "http://127.0.0.1:8080/media/12.mp3",
            "http-get:*:audio/mpeg:*",
            size=5_000_000_000,
            duration=185.12,
            bitrate=16000,
            sampleFrequency=44100,
            nrAudioChannels=2,
        ),
    ),
)
FOLDER = DidlObject("3", "0", "Music", "object.container.storageFolder", childCount=7)


class WriteDidlTests(SynchronousTestCase):
    """
    L{writeDidl} writes containers and items with their properties.
    """

    def test_everything(self) -> None:
        """
        With the filter C{*} every property is written, in the DIDL-Lite
        namespaces, and a container carries its child count.
        """
        root = ET.fromstring(writeDidl([FOLDER, TRACK], "*"))
        self.assertEqual(root.tag, DIDL + "DIDL-Lite")
        container, item = list(root)
        self.assertEqual(container.tag, DIDL + "container")
        self.assertEqual(container.attrib, {"id": "3", "parentID": "0", "restricted": "1", "childCount": "7", "searchable": "1"})
        self.assertEqual(container.findtext(UPNP + "class"), "object.container.storageFolder")
        self.assertEqual(item.findtext(DC + "title"), "Song")
        self.assertEqual(item.findtext(UPNP + "artist"), "Artist")
        self.assertEqual(item.findtext(UPNP + "originalTrackNumber"), "4")
        self.assertEqual(item.findtext(DC + "date"), "2020-01-02")
        res = item.find(DIDL + "res")
        assert res is not None
        self.assertEqual(res.text, "http://127.0.0.1:8080/media/12.mp3")
        self.assertEqual(
            res.attrib,
            {
                "protocolInfo": "http-get:*:audio/mpeg:*",
                "size": "5000000000",
                "duration": "0:03:05.120",
                "bitrate": "16000",
                "sampleFrequency": "44100",
                "nrAudioChannels": "2",
            },
        )

    def test_emptyFilter(self) -> None:
        """
        An empty filter writes the required properties only: no C{res}, no
        artist, no child count.
        """
        root = ET.fromstring(writeDidl([FOLDER, TRACK], ""))
        container, item = list(root)
        self.assertEqual(container.attrib, {"id": "3", "parentID": "0", "restricted": "1"})
        self.assertEqual([child.tag for child in item], [DC + "title", UPNP + "class"])

    def test_listFilter(self) -> None:
        """
        A comma list names what is written: C{res@size} implies C{res} (and
        its protocolInfo), other res attributes stay out; unknown names are
        ignored.
        """
        root = ET.fromstring(writeDidl([TRACK], "upnp:album, res@size,id,@childCount"))
        item = root[0]
        self.assertEqual(item.findtext(UPNP + "album"), "Album")
        self.assertIsNone(item.find(UPNP + "artist"))
        res = item.find(DIDL + "res")
        assert res is not None
        self.assertEqual(res.attrib, {"protocolInfo": "http-get:*:audio/mpeg:*", "size": "5000000000"})

    def test_hostileNames(self) -> None:
        """
        Quotes, ampersands, angle brackets and unicode survive a round trip;
        characters XML cannot carry are dropped.
        """
        title = 'a "b" & <c> \'d\' \u00e9\u4e2d\x01\x1f\ud800\r\n\t'
        hostile = DidlObject('1"&<', "0", title, "object.item.imageItem.photo")
        item = ET.fromstring(writeDidl([hostile]))[0]
        self.assertEqual(item.get("id"), '1"&<')
        self.assertEqual(item.findtext(DC + "title"), 'a "b" & <c> \'d\' \u00e9\u4e2d\r\n\t')


class FilterTests(SynchronousTestCase):
    """
    L{Filter} answers which properties to write.
    """

    def test_required(self) -> None:
        """
        The required properties are always allowed, others only when named.
        """
        wanted = Filter("upnp:albumArtURI@dlna:profileID")
        self.assertTrue(wanted.allows("dc:title"))
        self.assertTrue(wanted.allows("res@protocolInfo"))
        self.assertTrue(wanted.allows("upnp:albumArtURI"))
        self.assertFalse(wanted.allows("res"))
        self.assertTrue(Filter("*").allows("res@bitrate"))


class FormatDurationTests(SynchronousTestCase):
    """
    L{formatDuration} writes C{H+:MM:SS.FFF}.
    """

    def test_values(self) -> None:
        """
        Hours are not padded and may pass 24; milliseconds are rounded.
        """
        self.assertEqual(formatDuration(0), "0:00:00.000")
        self.assertEqual(formatDuration(3.0004), "0:00:03.000")
        self.assertEqual(formatDuration(90061.5), "25:01:01.500")


class ExtrasTests(SynchronousTestCase):
    """
    The album art's DLNA profile and Samsung's caption element.
    """

    def test_profileAndCaption(self) -> None:
        """
        C{albumArtURI} carries C{dlna:profileID} when a profile is known;
        C{sec:CaptionInfoEx} carries C{sec:type="srt"} in the C{sec}
        namespace, declared with its prefix on the element (documents
        without one stay as they were); a Filter not naming it leaves it
        out.
        """
        video = DidlObject(
            "5", "3", "Film", "object.item.videoItem", albumArtURI="http://h/media/5.tn.jpg", albumArtProfile="JPEG_TN",
            captionURI="http://h/media/5.sub.srt?a&b",
        )
        text = writeDidl([video])
        self.assertIn('<sec:CaptionInfoEx xmlns:sec="http://www.sec.co.kr/" sec:type="srt">', text)
        self.assertNotIn("xmlns:sec", writeDidl([TRACK]))
        self.assertIn('<upnp:albumArtURI dlna:profileID="JPEG_TN">http://h/media/5.tn.jpg</upnp:albumArtURI>', text)
        [item] = ET.fromstring(text)
        caption = item.find("{http://www.sec.co.kr/}CaptionInfoEx")
        assert caption is not None
        self.assertEqual((caption.text, caption.get("{http://www.sec.co.kr/}type")), ("http://h/media/5.sub.srt?a&b", "srt"))
        art = item.find(UPNP + "albumArtURI")
        assert art is not None
        self.assertEqual(art.get("{urn:schemas-dlna-org:metadata-1-0/}profileID"), "JPEG_TN")
        self.assertNotIn("CaptionInfoEx", writeDidl([video], "upnp:albumArtURI"))
        self.assertIn("CaptionInfoEx", writeDidl([video], "sec:CaptionInfoEx"))
        self.assertNotIn("profileID", writeDidl([TRACK]))
