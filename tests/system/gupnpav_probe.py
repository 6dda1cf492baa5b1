"""
Walk a ContentDirectory with plain SOAP and parse every Browse Result with
GUPnP-AV's DIDL-Lite parser (Debian's gir1.2-gupnpav-1.0), printing what it
found as JSON.  Run by the system Python (PyGObject):

    /usr/bin/python3 gupnpav_probe.py CONTROL_URL
"""

import json
import sys
import urllib.request
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import gi

gi.require_version("GUPnPAV", "1.0")
from gi.repository import GUPnPAV  # noqa: E402

SERVICE = "urn:schemas-upnp-org:service:ContentDirectory:1"
PAGE = 7


def browse(url, objectId, start):
    arguments = {
        "ObjectID": objectId, "BrowseFlag": "BrowseDirectChildren", "Filter": "*",
        "StartingIndex": str(start), "RequestedCount": str(PAGE), "SortCriteria": "",
    }
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in arguments.items())
    envelope = (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
        f'<u:Browse xmlns:u="{SERVICE}">{body}</u:Browse></s:Body></s:Envelope>'
    )
    request = urllib.request.Request(
        url, envelope.encode("utf-8"),
        {"Content-Type": 'text/xml; charset="utf-8"', "SOAPACTION": f'"{SERVICE}#Browse"'},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        tree = ET.fromstring(answer.read())
    out = {element.tag.split("}")[-1]: element.text or "" for element in tree.iter()}
    return out["Result"], int(out["NumberReturned"]), int(out["TotalMatches"])


def main(url):
    found = {"items": [], "containers": [], "errors": []}
    pending = ["0"]
    while pending:
        objectId = pending.pop()
        start = 0
        while True:
            result, returned, total = browse(url, objectId, start)
            parser = GUPnPAV.DIDLLiteParser()
            parser.connect("container-available", lambda p, c: (found["containers"].append(c.get_id()), pending.append(c.get_id())))
            parser.connect(
                "item-available",
                lambda p, item: found["items"].append(
                    {
                        "id": item.get_id(),
                        "ref_id": item.get_ref_id(),
                        "title": item.get_title(),
                        "class": item.get_upnp_class(),
                        "uris": [res.get_uri() for res in item.get_resources()],
                        "durations": [res.get_duration() for res in item.get_resources()],
                        "mime": [res.get_protocol_info().get_mime_type() for res in item.get_resources()],
                        "profiles": [res.get_protocol_info().get_dlna_profile() for res in item.get_resources()],
                        "art": item.get_album_art(),
                    }
                ),
            )
            try:
                parser.parse_didl(result)
            except Exception as e:
                found["errors"].append(f"{objectId}@{start}: {e}")
            start += returned
            if returned == 0 or start >= total:
                break
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
