"""
A tiny SSDP control point for the namespace tests, run inside a client
namespace; prints JSON on stdout.

    ssdp_probe.py search ST [--mx 1] [--wait 2.5] [--source ADDR] [--v6 IFACE [--group6 ff05::c]]
    ssdp_probe.py listen IFACE [--wait 4] [--v6]
    ssdp_probe.py fetch URL

C{search} sends one M-SEARCH to the SSDP group (IPv4, or FF02::C on IFACE
with --v6) and collects the responses for --wait seconds.  C{listen} joins
the group on IFACE and collects NOTIFYs for --wait seconds (each with the
system's monotonic clock when it arrived, comparable across processes).  C{fetch} GETs a URL and reports the
status and the description's UDN and friendlyName.  Every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import time
import urllib.request

from defusedxml import ElementTree

GROUP4 = "239.255.255.250"
GROUP6 = "ff02::c"
PORT = 1900
NS = "{urn:schemas-upnp-org:device-1-0}"


def headersOf(datagram: bytes) -> dict[str, str]:
    lines = datagram.decode("utf-8", "replace").split("\r\n")
    headers = {"_start": lines[0]}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().upper()] = value.strip()
    return headers


def collect(sock: socket.socket, seconds: float) -> list[dict[str, str]]:
    messages = []
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            data, source = sock.recvfrom(65535)
        except socket.timeout:
            break
        headers = headersOf(data)
        headers["_from"] = source[0]
        headers["_at"] = f"{time.monotonic():.3f}"
        messages.append(headers)
    return messages


def search(arguments: argparse.Namespace) -> object:
    if arguments.v6:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        index = socket.if_nametoindex(arguments.v6)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
        sock.bind(("::", 0))
        destination: tuple = (arguments.group6, arguments.port, 0, index)
        host = f"[{arguments.group6.upper()}]:{arguments.port}"
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((arguments.source or "0.0.0.0", 0))
        destination = (arguments.destination or GROUP4, arguments.port)
        host = f"{GROUP4}:{arguments.port}"
    request = (
        f"M-SEARCH * HTTP/1.1\r\nHOST: {host}\r\nMAN: \"ssdp:discover\"\r\n"
        f"MX: {arguments.mx}\r\nST: {arguments.st}\r\n\r\n"
    ).encode()
    sock.sendto(request, destination)
    return collect(sock, arguments.wait)


def listen(arguments: argparse.Namespace) -> object:
    index = socket.if_nametoindex(arguments.interface)
    if arguments.v6:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::", arguments.port))
        sock.setsockopt(
            socket.IPPROTO_IPV6,
            socket.IPV6_JOIN_GROUP,
            socket.inet_pton(socket.AF_INET6, GROUP6) + struct.pack("=I", index),
        )
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("", arguments.port))
        sock.setsockopt(
            socket.IPPROTO_IP,
            socket.IP_ADD_MEMBERSHIP,
            socket.inet_aton(GROUP4) + socket.inet_aton("0.0.0.0") + struct.pack("=i", index),
        )
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    return [m for m in collect(sock, arguments.wait) if m["_start"].startswith("NOTIFY")]


def fetch(arguments: argparse.Namespace) -> object:
    with urllib.request.urlopen(arguments.url, timeout=5) as response:
        body = response.read()
        root = ElementTree.fromstring(body)
        return {
            "status": response.status,
            "contentType": response.headers["Content-Type"],
            "udn": root.findtext(f"{NS}device/{NS}UDN"),
            "friendlyName": root.findtext(f"{NS}device/{NS}friendlyName"),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    searchParser = commands.add_parser("search")
    searchParser.add_argument("st")
    searchParser.add_argument("--mx", type=int, default=1)
    searchParser.add_argument("--wait", type=float, default=2.5)
    searchParser.add_argument("--source")
    searchParser.add_argument("--destination")
    searchParser.add_argument("--v6", metavar="IFACE")
    searchParser.add_argument("--group6", default=GROUP6)
    searchParser.add_argument("--port", type=int, default=PORT)
    listenParser = commands.add_parser("listen")
    listenParser.add_argument("interface")
    listenParser.add_argument("--wait", type=float, default=4.0)
    listenParser.add_argument("--v6", action="store_true")
    listenParser.add_argument("--port", type=int, default=PORT)
    fetchParser = commands.add_parser("fetch")
    fetchParser.add_argument("url")
    arguments = parser.parse_args()
    result = {"search": search, "listen": listen, "fetch": fetch}[arguments.command](arguments)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
