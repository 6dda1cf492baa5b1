"""
A small SOAP client for the tests and the benchmark: calls an action at a
controlURL over real HTTP (loopback) with twisted.web's Agent.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from twisted.internet.defer import inlineCallbacks
from twisted.web.client import Agent, FileBodyProducer, readBody
from twisted.web.http_headers import Headers

from coherence_lite.control.message import SOAP_ENVELOPE_NS, escapeText
from coherence_lite.model import layout
from coherence_lite.model.device import Device, Service

__all__ = ["callAction", "controlURL", "envelope"]


def envelope(serviceType: str, action: str, arguments: dict[str, str] | None = None) -> bytes:
    """
    The SOAP body calling C{action} with the given lexical arguments.
    """
    inner = "".join(f"<{name}>{escapeText(value)}</{name}>" for name, value in (arguments or {}).items())
    return (
        f'<?xml version="1.0"?><s:Envelope xmlns:s="{SOAP_ENVELOPE_NS}" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
        f'<u:{action} xmlns:u="{serviceType}">{inner}</u:{action}></s:Body></s:Envelope>'
    ).encode("utf-8")


def controlURL(port: int, device: Device, service: Service) -> bytes:
    """
    The controlURL of a service hosted on 127.0.0.1:C{port}.
    """
    return f"http://127.0.0.1:{port}{layout.servicePath(device, service, layout.CONTROL)}".encode("ascii")


@inlineCallbacks
def callAction(
    agent: Agent, url: bytes, serviceType: str, action: str, arguments: dict[str, str] | None = None
) -> Any:
    """
    POST one action call.

    @return: a L{Deferred} firing with (status code, headers, body).
    """
    body = envelope(serviceType, action, arguments)
    headers = Headers({
        b"Content-Type": [b'text/xml; charset="utf-8"'],
        b"SOAPACTION": [f'"{serviceType}#{action}"'.encode("ascii")],
    })
    response = yield agent.request(b"POST", url, headers, FileBodyProducer(BytesIO(body)))
    data = yield readBody(response)
    return (response.code, response.headers, data)


