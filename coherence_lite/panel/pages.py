# -*- test-case-name: tests.panel.test_pages -*-
"""
The HTML a device host shows people: each device's presentation page and
the index at C{/}.

A presentation page is the device's control panel: its identity (name,
icon, model, manufacturer, UDN), each service with its state variables and
their values, and a form per action (L{coherence_lite.panel.forms}).  It is
rendered per request from the values of the moment; the resource that
serves it, takes the forms' posts and streams live values is
L{coherence_lite.panel.resource}.  The style and the script are inline
(L{coherence_lite.panel.assets}); the page reads and works without the
script.

Pages are balanced HTML5; every text that came from a description or a
value is escaped, and a URL becomes a link only when it is http, https or
an absolute path (a description may carry a C{javascript:} URL).  The
host's counters are shown only when asked for (the panel asks for loopback
clients only).
"""

from __future__ import annotations

from html import escape
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from coherence_lite.panel.assets import SCRIPT, STYLE
from coherence_lite.panel.forms import Outcome, actionForm, stateTable
from coherence_lite.model import layout
from coherence_lite.model.description import Documents
from coherence_lite.model.device import Action, Device
from coherence_lite.model.types import Value

__all__ = ["indexPage", "presentationPage"]

#: A device's current values: by service short id, each variable's value by
#: name.
Values = Mapping[str, Mapping[str, Value]]


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


def _page(title: str, body: Iterable[str], script: bool = False, icon: str | None = None) -> bytes:
    tail = f"<script>{SCRIPT}</script>\n" if script else ""
    link = "" if icon is None else f'<link rel="icon" href="{escape(icon)}">\n'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{link}<style>{STYLE}</style>\n</head>\n<body>\n" + "".join(body) + tail + "</body>\n</html>\n"
    ).encode("utf-8")


def _statsSection(counters: Mapping[str, int]) -> str:
    """
    The counters as an HTML table, escaped.
    """
    head = '<section class="card wide"><h2>Counters</h2>\n<p class="sub">Shown to clients on this machine only.</p>\n'
    if not counters:
        return head + "<p>Nothing counted yet.</p>\n</section>\n"
    rows = "".join(_row(name, str(value)) for name, value in counters.items())
    return head + f"<table>\n{rows}</table>\n</section>\n"


def _row(label: str, value: str | None, link: str | None = None) -> str:
    if value is None:
        return ""
    text = escape(value)
    if link is not None:
        text = f'<a href="{escape(link)}">{text}</a>'
    return f"<tr><th>{escape(label)}</th><td>{text}</td></tr>\n"


def _header(device: Device) -> str:
    icon = ""
    if device.icons:
        first = device.icons[0]
        icon = (
            f'<img src="{escape(layout.iconPath(device, first))}" width="{first.width}" '
            f'height="{first.height}" alt="">'
        )
    maker = " \u00b7 ".join(part for part in (device.manufacturer, device.modelName) if part)
    return (
        f'<header class="top">{icon}<div class="title"><h1>{escape(device.friendlyName)}</h1>'
        f"<p>{escape(maker)}</p></div>"
        '<span id="live" class="live" role="status">Not live</span></header>\n<main>\n'
    )


def _identity(device: Device, documents: Documents) -> str:
    rows = [
        _row("Device type", device.deviceType),
        _row("Manufacturer", device.manufacturer, _safeLink(device.manufacturerURL)),
        _row("Model", device.modelName, _safeLink(device.modelURL)),
        _row("Model number", device.modelNumber),
        _row("Model description", device.modelDescription),
        _row("Serial number", device.serialNumber),
        _row("UPC", device.UPC),
        _row("UDN", device.UDN),
        _row("Configuration id", str(documents.configId)),
        _row("Description", layout.descriptionPath(documents.root), layout.descriptionPath(documents.root)),
    ]
    if device.presentationURL is not None:
        rows.append(_row("Presentation", device.presentationURL, _safeLink(device.presentationURL)))
    return '<section class="card"><h2>Device</h2>\n<table class="facts">\n' + "".join(rows) + "</table>\n</section>\n"


def _takesArguments(action: Action) -> bool:
    return any(argument.direction == "in" for argument in action.arguments)


def presentationPage(
    device: Device,
    documents: Documents,
    values: Values | None = None,
    *,
    outcome: Outcome | None = None,
    counters: Mapping[str, int] | None = None,
    library: str | None = None,
) -> bytes:
    """
    The presentation page of one device of C{documents}.

    @param values: the current value of each service's variables (see
        L{Values}); a variable left out is shown empty.
    @param outcome: the answer of an action invoked from this page, shown
        by its form.
    @param counters: the host's counters, to show at the end; L{None} shows
        none.
    @param library: the library card (L{coherence_lite.panel.library},
        escaped HTML), shown first; L{None} shows none.
    """
    values = values or {}
    target = layout.presentationPath(device)
    body = [_header(device)]
    if library is not None:
        body.append(library)
    for serviceIndex, service in enumerate(device.services):
        current = values.get(service.shortId, {})
        scpd = layout.servicePath(device, service, layout.SCPD)
        body.append(
            f'<section class="card service"><h2>{escape(service.shortId)}</h2>\n'
            f'<p class="sub">{escape(service.serviceType)} ({escape(service.serviceId)}), '
            f'<a href="{escape(scpd)}">service description</a></p>\n'
        )
        if service.stateVariables:
            body.append("<h3>State</h3>\n" + stateTable(service, serviceIndex, current))
        if service.actions:
            body.append("<h3>Actions</h3>\n")
        # Actions taking arguments first, then the others as a row of buttons.
        ordered = sorted(enumerate(service.actions), key=lambda each: not _takesArguments(each[1]))
        for actionIndex, action in ordered:
            shown = outcome if outcome and (outcome.service, outcome.action) == (service.shortId, action.name) else None
            body.append(actionForm(service, action, f"a-{serviceIndex}-{actionIndex}", target, current, shown))
        body.append("</section>\n")
    body.append(_identity(device, documents))
    if device.devices:
        body.append('<section class="card"><h2>Embedded devices</h2>\n<ul class="plain">\n')
        for embedded in device.devices:
            body.append(
                f'<li><a href="{escape(layout.presentationPath(embedded))}">'
                f"{escape(embedded.friendlyName)}</a> ({escape(embedded.deviceType)})</li>\n"
            )
        body.append("</ul>\n</section>\n")
    if counters is not None:
        body.append(_statsSection(counters))
    body.append("</main>\n")
    icon = layout.iconPath(device, device.icons[0]) if device.icons else None
    return _page(device.friendlyName, body, script=True, icon=icon)


def _deviceItems(device: Device) -> str:
    items = (
        f'<li><a href="{escape(layout.presentationPath(device))}">{escape(device.friendlyName)}</a> '
        f'<span class="sub">{escape(device.deviceType)}</span>'
    )
    if device.devices:
        items += '\n<ul class="plain">\n' + "".join(_deviceItems(each) for each in device.devices) + "</ul>\n"
    return items + "</li>\n"


def indexPage(documentsList: Sequence[Documents]) -> bytes:
    """
    The page at C{/}: a link to the presentation page of every hosted
    device (embedded ones under their parent) and to each root device's
    description.
    """
    body = ['<header class="top"><div class="title"><h1>UPnP devices</h1></div></header>\n<main>\n']
    if not documentsList:
        body.append('<section class="card wide"><p>No device is hosted here.</p></section>\n')
    for documents in documentsList:
        root = documents.root
        body.append(
            '<section class="card wide"><ul class="plain">\n' + _deviceItems(root) + "</ul>\n"
            f'<p class="sub"><a href="{escape(layout.descriptionPath(root))}">description</a></p></section>\n'
        )
    body.append("</main>\n")
    return _page("UPnP devices", body)
