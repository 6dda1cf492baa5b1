# -*- test-case-name: tests.test_pages -*-
"""
Tests for L{coherence_lite.host.pages}: the presentation pages and the
index, as the device host's resource tree serves them.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.site import makeRootResource
from coherence_lite.http.resources import HTML_CONTENT_TYPE
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.stats import Stats

from tests.description_support import jambon, lamp
from tests.support import JAMBON_UDN
from tests.test_site import header, other, parseHTML, render


class PageTests(SynchronousTestCase):
    """
    The pages of a lamp with an embedded light, rendered through the tree.
    """

    def setUp(self) -> None:
        self.documents = buildDocuments(lamp())
        self.root = makeRootResource([self.documents])

    def test_presentationPageShowsTheDevice(self) -> None:
        """
        A device's presentation page is balanced HTML5 showing its details,
        its first icon, links to its SCPDs, its embedded devices and the
        description.
        """
        root = self.documents.root
        request = render(self.root, layout.presentationPath(root).encode())
        self.assertEqual(header(request, b"content-type"), HTML_CONTENT_TYPE)
        page = parseHTML(b"".join(request.written))
        text = "".join(page.text)
        for value in (
            "Jambon 3000",
            root.deviceType,
            "Boucherie numérique SAS",
            "Jambon",
            "3000",
            "Jambon Appliance 3000",
            "JBN425133",
            JAMBON_UDN,
            str(self.documents.configId),
            "urn:boucherie.example.com:service:Jambon:1",
            "urn:boucherie.example.com:serviceId:Jambon",
            "Light",
        ):
            self.assertIn(value, text)
        self.assertEqual(page.images, [layout.iconPath(root, root.icons[0])])
        self.assertIn("http://www.boucherie.example.com/", page.links)
        self.assertIn(layout.servicePath(root, root.services[0], layout.SCPD), page.links)
        self.assertIn(layout.presentationPath(root.devices[0]), page.links)
        self.assertIn(layout.descriptionPath(root), page.links)

    def test_embeddedPresentationPageLinksRootDescription(self) -> None:
        """
        An embedded device has its own page, linking the root's description
        (it has none of its own) and its own services.
        """
        light = self.documents.root.devices[0]
        page = parseHTML(b"".join(render(self.root, layout.presentationPath(light).encode()).written))
        self.assertIn(layout.descriptionPath(self.documents.root), page.links)
        self.assertIn(layout.servicePath(light, light.services[0], layout.SCPD), page.links)
        self.assertIn(layout.presentationPath(light.devices[0]), page.links)
        self.assertEqual(render(self.root, f"/{light.uuid}/{layout.DESCRIPTION}".encode()).responseCode, 404)

    def test_presentationPageEscapes(self) -> None:
        """
        Device text is HTML-escaped, and URLs that are not http(s) are not
        made into links.
        """
        root = jambon(
            friendlyName='<script>alert("x")</script> & co',
            manufacturerURL="javascript:alert(1)",
            presentationURL="javascript:alert(2)",
        )
        documents = buildDocuments(root)
        data = b"".join(render(makeRootResource([documents]), layout.presentationPath(root).encode()).written)
        self.assertNotIn(b"<script>", data)
        self.assertIn(b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co", data)
        page = parseHTML(data)
        self.assertNotIn("script", page.tags)
        self.assertFalse([link for link in page.links if "javascript" in link])

    def test_indexLinksEveryRootDevice(self) -> None:
        """
        C{/} is an HTML page linking each root device's presentation page
        and description.
        """
        documents = [buildDocuments(jambon()), buildDocuments(other())]
        request = render(makeRootResource(documents), b"/")
        self.assertEqual(header(request, b"content-type"), HTML_CONTENT_TYPE)
        page = parseHTML(b"".join(request.written))
        for each in documents:
            self.assertIn(layout.presentationPath(each.root), page.links)
            self.assertIn(layout.descriptionPath(each.root), page.links)
        self.assertIn("Saucisson", "".join(page.text))

    def test_presentationPageShowsTheCountersAsTheyAreNow(self) -> None:
        """
        With a L{Stats}, each presentation page ends with the counters as
        they are at the time of the request, escaped; C{HEAD} gives the
        same length.
        """
        stats = Stats()
        root = makeRootResource([self.documents], stats)
        path = layout.presentationPath(self.documents.root).encode()
        page = parseHTML(b"".join(render(root, path).written))
        self.assertIn("Nothing counted yet.", "".join(page.text))
        stats.count("datagrams.received", 12)
        stats.count("dropped.<script>")
        request = render(root, path)
        data = b"".join(request.written)
        text = "".join(parseHTML(data).text)
        self.assertIn("datagrams.received12", text)
        self.assertIn("dropped.<script>1", text)
        self.assertNotIn(b"<script>", data)
        self.assertEqual(header(request, b"content-length"), b"%d" % len(data))
        self.assertEqual(header(render(root, path, b"HEAD"), b"content-length"), b"%d" % len(data))
        stats.count("datagrams.received")
        self.assertIn(b"<td>13</td>", b"".join(render(root, path).written))
