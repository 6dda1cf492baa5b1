# -*- test-case-name: tests.panel.test_pages -*-
"""
Tests for L{coherence_lite.panel.pages}: the presentation pages and the
index, as the device host's resource tree serves them.
"""

from __future__ import annotations

from dataclasses import replace

from twisted.internet.address import IPv4Address
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import getChildForRequest
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.panel.assets import SCRIPT
from coherence_lite.panel.forms import MAX_SHOWN, Outcome, displayValue
from coherence_lite.panel.pages import indexPage, presentationPage
from coherence_lite.host.site import HostResource, makeRootResource
from coherence_lite.http.resources import HTML_CONTENT_TYPE
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.model.device import Action, AllowedValueRange, Argument, Device, Service, StateVariable
from coherence_lite.model.types import Value
from coherence_lite.stats import Stats

from tests.support.description import jambon, lamp
from tests.support import JAMBON_UDN
from tests.host.test_site import header, other, parseHTML, render


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
        # The page's own script is the only one: one <script>, whose text is
        # the asset's.
        self.assertEqual(data.count(b"<script>"), 1)
        self.assertIn(b"<script>" + SCRIPT.encode() + b"</script>", data)
        self.assertIn(b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co", data)
        page = parseHTML(data)
        self.assertEqual(page.tags.count("script"), 1)
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
        With a L{Stats}, each presentation page asked for from loopback
        ends with the counters as they are at the time of the request,
        escaped; C{HEAD} gives the same length.  (Counters are no longer
        shown to the LAN: L{tests.panel.test_resource} checks that.)
        """
        stats = Stats()
        root = makeRootResource([self.documents], stats)
        path = layout.presentationPath(self.documents.root).encode()
        page = parseHTML(b"".join(fromLoopback(root, path).written))
        self.assertIn("Nothing counted yet.", "".join(page.text))
        stats.count("datagrams.received", 12)
        stats.count("dropped.<script>")
        request = fromLoopback(root, path)
        data = b"".join(request.written)
        text = "".join(parseHTML(data).text)
        self.assertIn("datagrams.received12", text)
        self.assertIn("dropped.<script>1", text)
        self.assertNotIn(b"<script>dropped", data)
        self.assertIn(b"dropped.&lt;script&gt;", data)
        self.assertEqual(header(request, b"content-length"), b"%d" % len(data))
        self.assertEqual(header(fromLoopback(root, path, b"HEAD"), b"content-length"), b"%d" % len(data))
        stats.count("datagrams.received")
        self.assertIn(b"<td>13</td>", b"".join(fromLoopback(root, path).written))


def fromLoopback(root: HostResource, path: bytes, method: bytes = b"GET") -> DummyRequest:
    """
    Render a request for C{path} made from 127.0.0.1.
    """
    request = DummyRequest(path[1:].split(b"/"))
    request.method = method
    request.client = IPv4Address("TCP", "127.0.0.1", 40000)
    body = getChildForRequest(root, request).render(request)
    assert isinstance(body, bytes)
    request.write(body)
    request.finish()
    return request


HOSTILE = '<script>alert("x")</script> & \'q\''


class HostileValueTests(SynchronousTestCase):
    """
    Every text on a presentation page that came from a description or a
    value stays text.
    """

    def page(self, device: Device, values: dict[str, dict[str, Value]] | None = None, outcome: Outcome | None = None) -> bytes:
        """
        Render C{device}'s page and check it is balanced, with one script
        (the page's own).
        """
        data = presentationPage(device, buildDocuments(device), values, outcome=outcome)
        checked = parseHTML(data)
        self.assertEqual(checked.tags.count("script"), 1)
        self.assertEqual(data.count(b"<script"), 1)
        return data

    def test_hostileDescriptionTextIsEscaped(self) -> None:
        """
        A friendlyName, manufacturer, model and serial number holding markup
        are shown as text in the title, the heading and the table.
        """
        device = jambon(friendlyName=HOSTILE, manufacturer=HOSTILE, modelName="<i>m</i>", serialNumber=HOSTILE)
        data = self.page(device)
        escaped = b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;"
        self.assertGreaterEqual(data.count(escaped), 5)
        self.assertIn(b"<td>&lt;i&gt;m&lt;/i&gt;</td>", data)
        self.assertIn(b"<title>" + escaped + b"</title>", data)

    def test_hostileValuesAreEscapedInCellsInputsAndOptions(self) -> None:
        """
        A string variable's value, the allowed values of a select and an
        input's starting value are escaped wherever they appear.
        """
        service = Service(
            "urn:x-test:service:Text:1",
            "urn:x-test:serviceId:Text",
            actions=(Action("SetText", (Argument("NewText", "in", "Text"), Argument("Mode", "in", "Mode"))),),
            stateVariables=(
                StateVariable("Text", "string", sendEvents=True),
                StateVariable("Mode", "string", allowedValues=("<b>bold</b>", "plain")),
            ),
        )
        device = jambon(services=(service,))
        data = self.page(device, {"Text": {"Text": HOSTILE, "Mode": "<b>bold</b>"}})
        self.assertIn(b'id="v-0-0">&lt;script&gt;', data)
        self.assertIn(b'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;"', data)
        self.assertIn(b"<option selected>&lt;b&gt;bold&lt;/b&gt;</option>", data)
        self.assertNotIn(b"<b>", data)

    def test_hostileOutcomeIsEscaped(self) -> None:
        """
        Out-argument values and an error description shown by a form are
        escaped.
        """
        device = jambon()
        data = self.page(device, outcome=Outcome("Jambon", "SetThickness", (("Result", HOSTILE),)))
        self.assertIn(b"<dd>&lt;script&gt;", data)
        error = self.page(device, outcome=Outcome("Jambon", "Slice", errorCode=714, errorDescription=HOSTILE))
        self.assertIn(b"UPnP error 714: &lt;script&gt;", error)

    def test_longValuesAreCut(self) -> None:
        """
        A value longer than L{MAX_SHOWN} characters is shown cut, so a page
        stays bounded.
        """
        variable = StateVariable("Text", "string")
        self.assertEqual(displayValue(variable, "x" * (MAX_SHOWN + 100)), "x" * MAX_SHOWN + "\u2026")
        self.assertEqual(displayValue(StateVariable("On", "boolean"), True), "true")

    def test_inputsAreTypedFromTheSCPD(self) -> None:
        """
        A boolean is a checkbox after a hidden 0, a ranged integer a number
        field with its bounds, a list a select, a date a text field with its
        format, each with a label.
        """
        service = Service(
            "urn:x-test:service:Types:1",
            "urn:x-test:serviceId:Types",
            actions=(
                Action(
                    "Set",
                    (
                        Argument("On", "in", "On"),
                        Argument("Level", "in", "Level"),
                        Argument("Day", "in", "Day"),
                        Argument("Gain", "in", "Gain"),
                    ),
                ),
            ),
            stateVariables=(
                StateVariable("On", "boolean"),
                StateVariable("Level", "ui1", allowedValueRange=AllowedValueRange("0", "100", "5")),
                StateVariable("Day", "date"),
                StateVariable("Gain", "r8"),
            ),
        )
        data = self.page(jambon(services=(service,)), {"Types": {"On": True, "Level": 35}})
        self.assertIn(
            b'<input type="hidden" name="in.On" value="0"><input type="checkbox" id="a-0-0-0" name="in.On" value="1" checked>',
            data,
        )
        self.assertIn(b'<input type="number" id="a-0-0-1" name="in.Level" step="5" min="0" max="100" value="35">', data)
        self.assertIn(b'placeholder="YYYY-MM-DD"', data)
        self.assertIn(b'name="in.Gain" step="any" value=""', data)
        for index in range(4):
            self.assertIn(b'<label for="a-0-0-%d">' % index, data)

    def test_indexListsEveryHostedDevice(self) -> None:
        """
        The index links the page of every device, embedded ones included,
        and escapes their names.
        """
        documents = buildDocuments(lamp())
        data = indexPage([documents, buildDocuments(replace(other(), friendlyName=HOSTILE))])
        page = parseHTML(data)
        for device in documents.root.allDevices():
            self.assertIn(layout.presentationPath(device), page.links)
        self.assertNotIn("script", page.tags)
        self.assertIn(b"&lt;script&gt;", data)
