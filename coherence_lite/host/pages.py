# -*- test-case-name: tests.test_pages -*-
"""
The HTML a device host shows people: each device's presentation page and
the index at C{/}.

Pages are balanced HTML5, rendered once from the device model; every text
that came from a description is escaped, and a URL becomes a link only when
it is http, https or an absolute path (a description may carry a
C{javascript:} URL).  A presentation page ends with the host's counters, the
one part rendered per request (L{PresentationResource}).
"""

from __future__ import annotations

from html import escape
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from coherence_lite.http.resources import HTML_CONTENT_TYPE, StaticResource
from coherence_lite.model import layout
from coherence_lite.model.description import Documents
from coherence_lite.model.device import Device
from coherence_lite.stats import Stats

__all__ = ["PresentationResource", "indexPage", "presentationPage"]

_PAGE_END = b"</body>\n</html>\n"


def _safeLink(url: str | None) -> str | None:
    """
    Return C{url} if it is fit for an C{href} (http, https or a path), else
    L{None}.
    """
    if url is None:
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https") or (scheme == "" and url.startswith("/")):
        return url
    return None


def _page(title: str, body: Iterable[str]) -> bytes:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n" + "".join(body)
    ).encode("utf-8") + _PAGE_END


def _statsSection(counters: dict[str, int]) -> bytes:
    """
    The counters as an HTML table, escaped.
    """
    if not counters:
        return b"<h2>Statistics</h2>\n<p>Nothing counted yet.</p>\n"
    rows = "".join(_row(name, str(value)) for name, value in counters.items())
    return f"<h2>Statistics</h2>\n<table>\n{rows}</table>\n".encode("utf-8")


def _row(label: str, value: str | None, link: str | None = None) -> str:
    if value is None:
        return ""
    text = escape(value)
    if link is not None:
        text = f'<a href="{escape(link)}">{text}</a>'
    return f"<tr><th>{escape(label)}</th><td>{text}</td></tr>\n"


def presentationPage(device: Device, documents: Documents) -> bytes:
    """
    The presentation page of one device of C{documents}, without counters.
    """
    body = [f"<h1>{escape(device.friendlyName)}</h1>\n"]
    if device.icons:
        icon = device.icons[0]
        body.append(
            f'<p><img src="{escape(layout.iconPath(device, icon))}" '
            f'width="{icon.width}" height="{icon.height}" alt="{escape(device.friendlyName)} icon"></p>\n'
        )
    body.append("<table>\n")
    body.append(_row("Device type", device.deviceType))
    body.append(_row("Manufacturer", device.manufacturer, _safeLink(device.manufacturerURL)))
    body.append(_row("Model", device.modelName, _safeLink(device.modelURL)))
    body.append(_row("Model number", device.modelNumber))
    body.append(_row("Model description", device.modelDescription))
    body.append(_row("Serial number", device.serialNumber))
    body.append(_row("UPC", device.UPC))
    body.append(_row("UDN", device.UDN))
    body.append(_row("Configuration id", str(documents.configId)))
    body.append(_row("Description", layout.descriptionPath(documents.root), layout.descriptionPath(documents.root)))
    if device.presentationURL is not None:
        link = _safeLink(device.presentationURL)
        body.append(_row("Presentation", device.presentationURL, link))
    body.append("</table>\n")
    if device.services:
        body.append("<h2>Services</h2>\n<ul>\n")
        for service in device.services:
            scpd = layout.servicePath(device, service, layout.SCPD)
            body.append(
                f"<li>{escape(service.serviceType)} ({escape(service.serviceId)}): "
                f'<a href="{escape(scpd)}">service description</a></li>\n'
            )
        body.append("</ul>\n")
    if device.devices:
        body.append("<h2>Embedded devices</h2>\n<ul>\n")
        for embedded in device.devices:
            body.append(
                f'<li><a href="{escape(layout.presentationPath(embedded))}">'
                f"{escape(embedded.friendlyName)}</a> ({escape(embedded.deviceType)})</li>\n"
            )
        body.append("</ul>\n")
    return _page(device.friendlyName, body)


def indexPage(documentsList: Sequence[Documents]) -> bytes:
    """
    The page at C{/}: a link to each root device's presentation page and
    description.
    """
    body = ["<h1>UPnP devices</h1>\n<ul>\n"]
    for documents in documentsList:
        root = documents.root
        body.append(
            f'<li><a href="{escape(layout.presentationPath(root))}">{escape(root.friendlyName)}</a> '
            f"({escape(root.deviceType)}, "
            f'<a href="{escape(layout.descriptionPath(root))}">description</a>)</li>\n'
        )
    body.append("</ul>\n")
    return _page("UPnP devices", body)


class PresentationResource(StaticResource):
    """
    A presentation page: prebuilt HTML with the host's counters inserted
    before its end at each request.
    """

    def __init__(self, page: bytes, stats: Stats | None) -> None:
        """
        @param page: the prebuilt page, from L{presentationPage}.
        @param stats: the counters to show; L{None} serves C{page} as is.
        """
        super().__init__(page, HTML_CONTENT_TYPE)
        self.stats = stats
        assert page.endswith(_PAGE_END), page[-40:]
        self._head = page[: -len(_PAGE_END)]

    def currentBody(self) -> bytes:
        """
        The page with the counters as they are now.
        """
        if self.stats is None:
            return self.body
        return self._head + _statsSection(self.stats.snapshot()) + _PAGE_END
